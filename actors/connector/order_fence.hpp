#pragma once
// The connector's side of the trading lease (issue 24; common/lease_gate.hpp,
// docs/connector.md "Trading lease and fencing"), CAF-free. Right before an
// order is handed to the venue adapter:
//
//   1. the node must hold the lease of its role "connector.<venue>" now
//      (a role not leased here passes)           -> else no_trading_lease
//   2. the order's epoch must not be older than the bar: the newest epoch
//      of role "oms" a majority is proven to have granted (fence: raised by
//      the node's lease actor on a lease notice's certificate, never on one
//      member's grant; docs/supervision.md "Trading lease"), or the highest
//      epoch an order brought here so far         -> else fenced_epoch
//   3. an order that passes raises the bar to its epoch.
//
// So an old OMS that still believes it holds the lease (partitioned, paused,
// its clock slow) is refused here as soon as a newer holder exists: by the
// fence once this node got the newer holder's certificate, by the bar once
// an order of the newer holder came through. An epoch-0 order (an OMS without a lease)
// is fenced wherever "oms" is leased (fence > 0). Cancels are never asked.
//
// Threads: `admit` runs on whichever thread sends the order (the shell's
// worker for blocking adapters, the actor otherwise; one at a time), the
// counters are read by the actor for stats: everything is atomic. No
// allocation: a refusal is a value; the shell words it (describe).

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/lease_gate.hpp"
#include "messages/orders.hpp"

namespace cwts::connector {

// The role whose epochs the orders carry.
inline constexpr std::string_view oms_lease_role = "oms";

struct fence_verdict {
  enum class kind : uint8_t { admitted, no_trading_lease, fenced_epoch };
  kind outcome = kind::admitted;
  int64_t order_epoch = 0;
  int64_t bar = 0;           // max(fence, seen) when it was judged
  int64_t fence = 0;         // proven granted for "oms" by a majority (a certificate)
  int64_t seen = 0;          // highest epoch an order brought before
  int64_t held_epoch = 0;    // no_trading_lease: this node's last epoch of its role
  int64_t ended_ms_ago = -1; // no_trading_lease: since it ended (-1: never held, dropped)
  // The first refusal of its kind after an admitted order (or another kind,
  // or the start): the shell logs that one, not every refusal of a stretch.
  bool first_of_stretch = false;

  bool admitted() const { return outcome == kind::admitted; }
  reject_reason reason() const {
    return outcome == kind::fenced_epoch ? reject_reason::fenced_epoch
                                         : reject_reason::no_trading_lease;
  }
};

class order_fence {
public:
  // `gate` null: nothing is leased, every order passes (and is not counted).
  order_fence(const lease_gate* gate, std::string role);

  // The verdict for `o` at `now_ns` (monotonic), counted.
  fence_verdict admit(const order_request& o, int64_t now_ns);

  // Asked again, uncounted, right before an order that waited inside the
  // adapter (a queue, a reconnect, a REST fallback) goes out: the lease is
  // still held and no newer epoch has come since admit().
  bool still_admits(const order_request& o, int64_t now_ns) const;
  // The same question's verdict, uncounted: why an order that waited was
  // refused after all (the reject's reason and describe()).
  fence_verdict recheck(const order_request& o, int64_t now_ns) const;

  // The reject's detail for a refusal, naming both epochs (fenced) or the
  // lease that ended (no lease).
  std::string describe(const fence_verdict& v) const;

  const std::string& role() const { return role_; }
  int64_t highest_seen() const { return seen_.load(std::memory_order_acquire); }
  int64_t refused_no_lease() const { return no_lease_.load(std::memory_order_relaxed); }
  int64_t refused_fenced() const { return fenced_.load(std::memory_order_relaxed); }

private:
  fence_verdict& note(fence_verdict& v);
  // Whether the role's lease is not held now; if so, fills in `v` (uncounted).
  bool lease_lapsed(fence_verdict& v, int64_t now_ns) const;

  const lease_gate* gate_;
  std::string role_;
  std::atomic<int64_t> seen_{0};
  std::atomic<int64_t> no_lease_{0};
  std::atomic<int64_t> fenced_{0};
  std::atomic<uint8_t> last_{0}; // fence_verdict::kind of the last verdict
};

} // namespace cwts::connector
