// okx_session::cancel_all: the venue channel of the kill switch at OKX.
// OKX spot has no single cancel-all: each round lists the open orders of the
// symbols in scope (orders-pending, every page) and cancels them by ordId
// with cancel-batch-orders, 20 at a time (docs-v5's maximum). An item's
// sCode 51400 / 51401 / 51402 / 51603 (gone, canceled, filled) means the
// order is settled already. Rounds repeat until a listing shows none left
// (orders in flight may land after one) or the deadline passes.

#include <thread>

#include "actors/connector/okx/okx_session.hpp"

namespace cwts::connector::okx {

namespace {

constexpr std::size_t batch_max = 20;

} // namespace

// One round: list, then cancel what is listed. `verified` when every
// listing answered and showed nothing open.
void okx_session::cancel_round(const std::vector<symbol>& which, steady_deadline until,
                               channel_result& r, bool& verified, std::string& refusals) {
  verified = true;
  ensure_instruments();
  std::vector<std::pair<std::string, venue_order_id>> open;
  std::string errors;
  std::string refused;
  for (auto& sym : which) {
    const auto* inst = inst_of(sym);
    if (inst == nullptr) {
      errors += sym.str() + ": no OKX SPOT instrument; ";
      verified = false;
      continue;
    }
    auto listed = rest_.all_orders_pending(*inst, until);
    if (!listed.ok()) {
      errors += *inst + " orders-pending: " + listed.detail + "; ";
      verified = false;
      continue;
    }
    for (auto& o : listed.value)
      open.emplace_back(*inst, o.ord_id);
  }
  r.open_orders_after = verified ? static_cast<int64_t>(open.size()) : -1;
  if (verified && open.empty()) {
    r.error.clear();
    return;
  }
  verified = false;
  for (std::size_t i = 0; i < open.size(); i += batch_max) {
    std::vector<std::pair<std::string, venue_order_id>> chunk(
      open.begin() + static_cast<std::ptrdiff_t>(i),
      open.begin() + static_cast<std::ptrdiff_t>(std::min(open.size(), i + batch_max)));
    ++counters_.cancel_batches;
    auto reply = rest_.cancel_batch(chunk, until);
    if (!reply.ok()) {
      errors += "cancel-batch-orders: " + reply.detail + "; ";
      continue;
    }
    for (auto& ack : reply.value) {
      if (ack.s_code == "0")
        ++r.orders_canceled;
      else if (!settled_cancel_code(ack.s_code))
        refused += "ordId " + ack.ord_id + ": sCode=" + ack.s_code + " " + ack.s_msg + "; ";
    }
  }
  r.error = errors + refused;
  if (!refused.empty())
    refusals = refused;
}

channel_result okx_session::cancel_all(const kill_id& id, const node_id& self,
                                       const std::vector<symbol>& which,
                                       std::chrono::milliseconds deadline,
                                       std::vector<okx_output>& out) {
  auto started = monotonic_ns();
  channel_result r{id, self, "venue_cancel_all", false, 0, 0, 0, -1, ""};
  auto until = std::chrono::steady_clock::now() + deadline;
  // The venue's latest refusals: a last round cut short by the deadline
  // (its listing or batch timed out) must not hide why orders stayed open.
  std::string refusals;
  for (int round = 0;; ++round) {
    if (round > 0)
      ++r.retries;
    bool verified = false;
    cancel_round(which, until, r, verified, refusals);
    if (verified) {
      r.ok = true; // the venue's own listing shows none left
      break;
    }
    // The first listing after the first cancels follows at once (as
    // Binance's query follows its DELETE); later rounds pause, so orders
    // still in flight can land and be listed.
    auto pause = std::chrono::steady_clock::now()
                 + (round == 0 ? std::chrono::milliseconds(0) : cancel_all_pause_);
    if (pause >= until) {
      auto left = r.open_orders_after >= 0
                    ? "deadline passed with open orders listed before the last cancel: "
                        + std::to_string(r.open_orders_after)
                    : std::string("deadline passed before a listing answered");
      r.error = left + (r.error.empty() ? "" : "; " + r.error);
      if (!refusals.empty() && r.error.find(refusals) == std::string::npos)
        r.error += "; the venue's last refusals: " + refusals;
      break;
    }
    std::this_thread::sleep_until(pause);
  }
  // The canceled orders' final states flow to the OMS from here, while the
  // deadline allows; past it the orders channel and the next scheduled poll
  // report them (the kill's answer is not held back for them).
  if (std::chrono::steady_clock::now() < until) {
    auto settled = poll();
    out.insert(out.end(), settled.begin(), settled.end());
  }
  r.duration_ns = monotonic_ns() - started; // everything this call did
  return r;
}

} // namespace cwts::connector::okx
