#pragma once
// The local order gate (DESIGN.md "Kill switch: gate first"). One per node,
// shared by the kill coordinator (closes it), risk and the OMS (check it on
// every order). Atomics, so closing it takes effect before any message the
// coordinator sends afterwards is processed, whatever the mailbox backlog.
//
// Two parts: the node-wide level (node and cluster kills) and a fixed table
// of scoped closures (one strategy, symbol or account). The order path asks
// level_for(strategy, symbol, account): the highest level that covers the
// order. Both reads are allocation-free and lock-free; only the kill
// coordinator writes (one writer), so a slot is filled before the count that
// publishes it.

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace cwts {

enum class gate_scope : uint8_t { strategy, symbol, account };

class kill_gate {
public:
  // Scoped closures a node can hold at once; a scoped kill past this closes
  // the node-wide gate instead (halting more than asked is the safe side).
  static constexpr size_t max_scoped = 64;
  static constexpr size_t max_scope_value = 47;

  bool is_open() const { return level_.load(std::memory_order_acquire) == 0; }

  // Node-wide kill level in force (0 = open). Levels only rise until a reset.
  uint8_t level() const { return level_.load(std::memory_order_acquire); }

  // Closes the node-wide gate at `level` (1..4); a lower level never lowers a higher one.
  void close(uint8_t level) { raise(level_, level); }

  // Closes the gate for one strategy, symbol or account at `level`. False
  // (nothing changed) when the value is too long or every slot holds a
  // closure in force: the caller then closes the node-wide gate. A slot a
  // reset reopened (level 0) is renamed for a new value once the table is
  // full, so the table never fills up for good (issue 17 finding 10).
  bool close_scoped(gate_scope scope, std::string_view value, uint8_t level) {
    if (value.empty() || value.size() > max_scope_value)
      return false;
    size_t n = count_.load(std::memory_order_acquire);
    for (size_t i = 0; i < n; ++i)
      if (slots_[i].names(scope, value)) {
        raise(slots_[i].level, level);
        return true;
      }
    slot* s = nullptr;
    if (n < max_scoped) {
      s = &slots_[n];
      s->rename(scope, value);
      s->level.store(level, std::memory_order_release);
      count_.store(n + 1, std::memory_order_release);
      return true;
    }
    for (size_t i = 0; i < n && !s; ++i)
      if (slots_[i].level.load(std::memory_order_acquire) == 0)
        s = &slots_[i];
    if (!s)
      return false;
    s->rename(scope, value);
    s->level.store(level, std::memory_order_release);
    return true;
  }

  // The level that covers an order of `strategy` on `symbol` for `account`:
  // the highest of the node-wide level and every matching scoped closure.
  uint8_t level_for(std::string_view strategy, std::string_view symbol,
                    std::string_view account) const {
    uint8_t out = level();
    size_t n = count_.load(std::memory_order_acquire);
    for (size_t i = 0; i < n; ++i) {
      const auto& s = slots_[i];
      uint8_t l = s.level.load(std::memory_order_acquire);
      if (l <= out)
        continue;
      if (s.names(gate_scope::strategy, strategy) || s.names(gate_scope::symbol, symbol)
          || s.names(gate_scope::account, account))
        out = l;
    }
    return out;
  }

  // The level of one scoped closure (0 when that scope is open).
  uint8_t scoped_level(gate_scope scope, std::string_view value) const {
    size_t n = count_.load(std::memory_order_acquire);
    for (size_t i = 0; i < n; ++i)
      if (slots_[i].names(scope, value))
        return slots_[i].level.load(std::memory_order_acquire);
    return 0;
  }

  // Scoped closures in force (level > 0), for status and the halt state.
  template <class F>
  void for_each_scoped(F&& f) const {
    size_t n = count_.load(std::memory_order_acquire);
    for (size_t i = 0; i < n; ++i)
      if (uint8_t l = slots_[i].level.load(std::memory_order_acquire); l > 0) {
        char text[max_scope_value];
        gate_scope scope = gate_scope::symbol;
        auto length = slots_[i].read(scope, text);
        f(scope, std::string_view(text, length), l);
      }
  }

  // True when neither the node-wide gate nor any scoped closure is closed.
  bool all_open() const {
    bool any = false;
    for_each_scoped([&](gate_scope, std::string_view, uint8_t) { any = true; });
    return is_open() && !any;
  }

  // Re-opens everything: only the reset protocol may call this. Slots keep
  // their names until a new value needs the slot (close_scoped).
  void reopen() {
    size_t n = count_.load(std::memory_order_acquire);
    for (size_t i = 0; i < n; ++i)
      slots_[i].level.store(0, std::memory_order_release);
    level_.store(0, std::memory_order_release);
  }

private:
  // The name is read lock-free while the one writer may rename the slot: a
  // sequence count (odd while renaming) tells a reader to read again, and
  // the text lives in atomic words so no read races a write.
  struct slot {
    static constexpr size_t words = (max_scope_value + 7) / 8;
    std::atomic<uint8_t> level{0};
    std::atomic<uint32_t> seq{0};
    std::atomic<uint8_t> scope{0};
    std::atomic<uint8_t> length{0};
    std::array<std::atomic<uint64_t>, words> text{};

    void rename(gate_scope sc, std::string_view value) {
      seq.fetch_add(1, std::memory_order_acq_rel); // odd: renaming
      std::atomic_thread_fence(std::memory_order_release);
      char buf[words * 8] = {};
      std::memcpy(buf, value.data(), value.size());
      for (size_t w = 0; w < words; ++w) {
        uint64_t word = 0;
        std::memcpy(&word, buf + 8 * w, 8);
        text[w].store(word, std::memory_order_relaxed);
      }
      scope.store(static_cast<uint8_t>(sc), std::memory_order_relaxed);
      length.store(static_cast<uint8_t>(value.size()), std::memory_order_relaxed);
      seq.fetch_add(1, std::memory_order_release); // even: done
    }

    // Copies the name into `out` (max_scope_value bytes); returns its length.
    size_t read(gate_scope& sc, char* out) const {
      for (;;) {
        uint32_t before = seq.load(std::memory_order_acquire);
        if (before & 1u)
          continue;
        char buf[words * 8];
        for (size_t w = 0; w < words; ++w) {
          uint64_t word = text[w].load(std::memory_order_relaxed);
          std::memcpy(buf + 8 * w, &word, 8);
        }
        auto sc_raw = scope.load(std::memory_order_relaxed);
        size_t n = length.load(std::memory_order_relaxed);
        std::atomic_thread_fence(std::memory_order_acquire);
        if (seq.load(std::memory_order_relaxed) != before)
          continue;
        sc = static_cast<gate_scope>(sc_raw);
        n = n > max_scope_value ? max_scope_value : n;
        std::memcpy(out, buf, n);
        return n;
      }
    }

    bool names(gate_scope sc, std::string_view value) const {
      char buf[max_scope_value];
      gate_scope mine = gate_scope::symbol;
      size_t n = read(mine, buf);
      return mine == sc && std::string_view(buf, n) == value;
    }
  };

  static void raise(std::atomic<uint8_t>& a, uint8_t level) {
    uint8_t current = a.load(std::memory_order_acquire);
    while (current < level && !a.compare_exchange_weak(current, level, std::memory_order_acq_rel)) {
    }
  }

  std::atomic<uint8_t> level_{0};
  std::array<slot, max_scoped> slots_{};
  std::atomic<size_t> count_{0};
};

} // namespace cwts
