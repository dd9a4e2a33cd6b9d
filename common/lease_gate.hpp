#pragma once
// The trading-lease gate (issue 24; docs/supervision.md "Trading lease"): one
// per node, written by the node's lease actor, read on the order path. A role
// that trades (the OMS, a venue's connector) may send an order only while its
// lease is held, and the order carries the lease's epoch so that a connector
// can refuse what an older holder still sends (fencing).
//
// Time-based on purpose: the holder's lease ends at `until` (lease_clock_ns
// of this node, already shortened by the drift bound), and the order
// path compares that with the clock at the moment it sends. The gate closes
// on time even when the lease actor is slow, blocked or dead: no message has
// to arrive for a lapsed lease to stop trading.
//
// Roles are configured once at start (before any reader runs), so the table
// is fixed and cannot be grown from outside. A role not configured is not
// leased (a single node without cluster members): `check` admits it with
// epoch 0. Reads are lock-free; one writer (the lease actor) per role.

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <time.h>

namespace cwts {

// The clock of every lease instant: grants, holds, the order path's checks,
// the partition drill's measurements. CLOCK_BOOTTIME, not steady_clock
// (CLOCK_MONOTONIC): it also counts the time a suspended machine slept, so a
// holder that wakes after its lease ran out sees it ended, as the grantors,
// who kept counting, do. Monotonic and system-wide like steady_clock.
inline int64_t lease_clock_ns() {
  timespec ts{};
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

class lease_gate {
public:
  static constexpr size_t max_roles = 16;
  static constexpr size_t max_role_name = 47;
  static constexpr int max_read_attempts = 1024;

  // Configuration, before any reader runs. False when the name is empty or
  // too long, the table is full, or the role is already configured.
  bool add_role(std::string_view role) {
    if (role.empty() || role.size() > max_role_name || count_ >= max_roles || find(role))
      return false;
    auto& s = slots_[count_++];
    s.name.assign(role);
    return true;
  }

  bool leased(std::string_view role) const { return find(role) != nullptr; }
  size_t roles() const { return count_; }
  std::string_view role_at(size_t i) const { return slots_[i].name; }

  // --- the lease actor (the only writer) ---

  // This node holds `role` at `epoch` until `until_ns` (monotonic, drift
  // margin already taken). A renewal at the same epoch only moves `until`.
  void hold(std::string_view role, int64_t epoch, int64_t until_ns) {
    auto* s = find_mut(role);
    if (!s)
      return;
    // Seqlock: odd while writing, so a reader never pairs a new epoch with
    // an old end. The release fence keeps the data stores after the odd
    // count on any memory model (a reader that sees a new value also sees
    // the count that makes it retry).
    uint64_t seq = s->seq.load(std::memory_order_relaxed);
    s->seq.store(seq + 1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
    s->epoch.store(epoch, std::memory_order_relaxed);
    s->until_ns.store(until_ns, std::memory_order_relaxed);
    s->seq.store(seq + 2, std::memory_order_release);
  }

  // The lease is given up (or lost): closed from now on.
  void drop(std::string_view role) { hold(role, 0, 0); }

  // A majority granted `role` at `epoch` (the lease actor checked the new
  // holder's certificate: a majority's signed grants, never one member's
  // word): orders of an older epoch are refused here from now on.
  void granted(std::string_view role, int64_t epoch) {
    if (auto* s = find_mut(role)) {
      int64_t cur = s->fence.load(std::memory_order_acquire);
      while (epoch > cur && !s->fence.compare_exchange_weak(cur, epoch, std::memory_order_acq_rel))
        ;
    }
  }

  // --- the order path ---

  // The epoch to stamp on an order of `role` sent at `now_ns`, or nothing
  // when the role is leased and its lease is not held at that moment. A
  // role not leased: 0.
  std::optional<int64_t> check(std::string_view role, int64_t now_ns) const {
    auto* s = find(role);
    if (!s)
      return int64_t{0};
    // Bounded: a writer preempted mid-write must not spin the order path
    // for a time slice; refusing is the safe side (the next order retries).
    for (int attempt = 0; attempt < max_read_attempts; ++attempt) {
      uint64_t before = s->seq.load(std::memory_order_acquire);
      if (before & 1)
        continue;
      int64_t epoch = s->epoch.load(std::memory_order_relaxed);
      int64_t until = s->until_ns.load(std::memory_order_relaxed);
      std::atomic_thread_fence(std::memory_order_acquire);
      if (s->seq.load(std::memory_order_relaxed) != before)
        continue;
      if (epoch <= 0 || until <= now_ns)
        return std::nullopt;
      return epoch;
    }
    return std::nullopt;
  }

  // The newest epoch a majority is proven to have granted for `role` (0:
  // none, or not leased).
  int64_t fence(std::string_view role) const {
    auto* s = find(role);
    return s ? s->fence.load(std::memory_order_acquire) : 0;
  }

  // For stats: the epoch held and its end, as last written.
  int64_t held_epoch(std::string_view role) const {
    auto* s = find(role);
    return s ? s->epoch.load(std::memory_order_acquire) : 0;
  }
  int64_t held_until_ns(std::string_view role) const {
    auto* s = find(role);
    return s ? s->until_ns.load(std::memory_order_acquire) : 0;
  }

private:
  struct slot {
    std::string name; // set once at start
    std::atomic<uint64_t> seq{0};
    std::atomic<int64_t> epoch{0};
    std::atomic<int64_t> until_ns{0};
    std::atomic<int64_t> fence{0};
  };
  const slot* find(std::string_view role) const {
    for (size_t i = 0; i < count_; ++i)
      if (slots_[i].name == role)
        return &slots_[i];
    return nullptr;
  }
  slot* find_mut(std::string_view role) { return const_cast<slot*>(find(role)); }

  std::array<slot, max_roles> slots_;
  size_t count_ = 0;
};

} // namespace cwts
