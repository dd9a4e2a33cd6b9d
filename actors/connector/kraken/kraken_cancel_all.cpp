// kraken_session::cancel_all: the venue channel of the kill switch at
// Kraken. Each round sends CancelAll (the whole account, when the kill's
// scope is every symbol this connector trades; otherwise the orders in
// scope one by one), then lists OpenOrders: what of the symbols in scope is
// still open (an order in flight that landed after the CancelAll) is
// canceled by txid. Rounds repeat until a listing shows none left or the
// deadline passes.
//
// The pair names (AssetPairs) are only needed to tell which listed order is
// of which symbol: the first CancelAll goes without them, and they are
// loaded within the kill's deadline. While some are missing, a listed order
// whose pair we cannot name counts as in scope: a kill is never confirmed
// on a listing it could not read.

#include <algorithm>
#include <thread>

#include "actors/connector/kraken/kraken_session.hpp"

namespace cwts::connector::kraken {

// One round: list, then cancel what is listed. `verified` when the listing
// answered and showed nothing of `which` open.
void kraken_session::cancel_round(const std::vector<symbol>& which, bool everything,
                                  steady_deadline until, channel_result& r, bool& verified) {
  verified = false;
  std::string errors;
  auto listed = rest_.open_orders({}, until, call_priority::kill);
  ++r.retries;
  if (!listed.ok()) {
    // open_orders_after stays what the last listing that answered showed;
    // the last cancel failure seen is kept after the listing's.
    auto before = r.error;
    if (before.rfind("OpenOrders: ", 0) == 0) {
      auto end = before.find("; ");
      before = end == std::string::npos ? std::string() : before.substr(end + 2);
    }
    r.error = "OpenOrders: " + listed.detail + "; " + before;
    return;
  }
  if (!listed.value.empty())
    ensure_pairs(until);
  // With every pair known, an order of a pair we cannot name is of a pair
  // this connector does not trade; without them it may be ours.
  bool unnamed_in_scope = !pairs_complete();
  std::vector<kraken_order> open;
  for (auto& o : listed.value) {
    auto sym = to_venue_order(o).sym;
    bool named = !sym.empty();
    if (named ? std::find(which.begin(), which.end(), sym) != which.end() : unnamed_in_scope)
      open.push_back(o);
  }
  r.open_orders_after = static_cast<int64_t>(open.size());
  if (open.empty()) {
    verified = true;
    r.error.clear();
    return;
  }
  if (everything && open.size() > 1) {
    ++counters_.cancel_all_requests;
    ++r.retries;
    auto c = rest_.cancel_all(until);
    if (c.ok()) {
      r.orders_canceled += c.value;
      r.error.clear();
      return; // the next listing checks
    }
    errors += "CancelAll: " + c.detail + "; ";
  }
  for (auto& o : open) {
    if (std::chrono::steady_clock::now() >= until)
      break;
    ++counters_.straggler_cancels;
    ++r.retries;
    auto c = rest_.cancel_order({{"txid", o.txid}}, until);
    if (c.ok())
      r.orders_canceled += c.value;
    else if (!(c.kind == reply_kind::rejected && unknown_order(c.error)))
      errors += "CancelOrder " + o.txid + ": " + c.detail + "; ";
  }
  // A round cut short by the deadline keeps the last failure seen.
  if (!errors.empty())
    r.error = errors;
}

channel_result kraken_session::cancel_all(const kill_id& id, const node_id& self,
                                          const std::vector<symbol>& which,
                                          std::chrono::milliseconds deadline,
                                          std::vector<kraken_output>& out) {
  auto started = monotonic_ns();
  channel_result r{id, self, "venue_cancel_all", false, 0, 0, 0, -1, ""};
  auto until = std::chrono::steady_clock::now() + deadline;
  // Whether the scope is every symbol needs no pair names: the CancelAll
  // never waits on AssetPairs.
  bool everything = std::all_of(symbols_.begin(), symbols_.end(), [&](const symbol& s) {
    return std::find(which.begin(), which.end(), s) != which.end();
  });
  // The first request is the CancelAll itself, without waiting for a listing.
  if (everything) {
    ++counters_.cancel_all_requests;
    ++r.retries;
    auto c = rest_.cancel_all(until);
    if (c.ok())
      r.orders_canceled += c.value;
    else
      r.error = "CancelAll: " + c.detail + "; ";
  }
  for (int round = 0;; ++round) {
    bool verified = false;
    cancel_round(which, everything, until, r, verified);
    if (verified) {
      r.ok = true; // the venue's own listing shows none left
      break;
    }
    // The next listing only once the call counter has room for it: when
    // that is past the deadline the rounds end here (no empty loop).
    auto pause = std::chrono::steady_clock::now() + std::max<std::chrono::steady_clock::duration>(
                                                     cancel_all_pause_, rest_.paused_for());
    if (pause >= until) {
      auto left = r.open_orders_after >= 0
                    ? "deadline passed with open orders listed before the last cancel: "
                        + std::to_string(r.open_orders_after)
                    : std::string("deadline passed before a listing answered");
      r.error = left + (r.error.empty() ? "" : "; " + r.error);
      break;
    }
    std::this_thread::sleep_until(pause);
  }
  // The requests it took beyond the first.
  r.retries = std::max(0, r.retries - 1);
  // The canceled orders' final states flow to the OMS from here, while the
  // deadline allows; past it the executions channel and the next poll do.
  if (std::chrono::steady_clock::now() < until) {
    auto settled = poll();
    out.insert(out.end(), settled.begin(), settled.end());
  }
  r.duration_ns = monotonic_ns() - started;
  return r;
}

} // namespace cwts::connector::kraken
