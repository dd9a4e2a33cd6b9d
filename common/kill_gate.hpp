#pragma once
// The local order gate (DESIGN.md "Kill switch: gate first"). One per node,
// shared by the kill coordinator (closes it), risk and the OMS (check it on
// every order). An atomic, so closing it takes effect before any message the
// coordinator sends afterwards is processed, whatever the mailbox backlog.

#include <atomic>
#include <cstdint>

namespace cwts {

class kill_gate {
public:
  bool is_open() const { return level_.load(std::memory_order_acquire) == 0; }

  // Kill level in force (0 = open). Levels only rise until a reset.
  uint8_t level() const { return level_.load(std::memory_order_acquire); }

  // Closes the gate at `level` (1..4); a lower level never lowers a higher one.
  void close(uint8_t level) {
    uint8_t current = level_.load(std::memory_order_acquire);
    while (current < level
           && !level_.compare_exchange_weak(current, level, std::memory_order_acq_rel)) {
    }
  }

  // Re-opens the gate: only the reset protocol may call this.
  void reopen() { level_.store(0, std::memory_order_release); }

private:
  std::atomic<uint8_t> level_{0};
};

} // namespace cwts
