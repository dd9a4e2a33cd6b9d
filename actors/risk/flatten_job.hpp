#pragma once
// One level-3 kill being flattened on this node (the risk actor's flatten
// channel): the bookkeeping and the decisions of its rounds, CAF-free.
//
// A round plans market orders for what is still open in the kill's scope and
// not already on its way (flatten_plan.hpp), passes each through the same
// pre-trade check as every order (it must shrink the position), books the
// ones that pass as sent and counts the refused ones. The job is done when
// every position in scope is flat, or at the deadline; its report names the
// positions still open and the last refusal.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "actors/risk/flatten_plan.hpp"
#include "actors/risk/position_book.hpp"
#include "actors/risk/pre_trade_check.hpp"
#include "actors/risk/reference_prices.hpp"
#include "messages/kill.hpp"
#include "messages/orders.hpp"

namespace cwts::risk {

// A flatten order the pre-trade check refused (or no OMS was wired to take).
struct flatten_refusal {
  order_request order;
  std::string reason; // "<symbol>: <why>"
};

struct flatten_round {
  std::vector<order_request> send;      // passed the check, booked as sent: for the OMS
  std::vector<flatten_refusal> refused; // in plan order
  std::vector<std::string> notes;       // positions left alone this round, and why
  bool done = false;                    // flat (or past the deadline): report now
};

// What a round needs of the node's risk state.
struct flatten_context {
  pre_trade_check& check;
  trading_mode mode;
  const reference_prices& refs;
  position_book& book;
  flatten_target target;
  std::vector<symbol> symbols; // every symbol the node has limits for
  bool oms_wired = false;
  timestamp_ns wall_now{};
  std::function<int64_t()> mono_now; // the check's time, read per order
};

class flatten_job {
public:
  flatten_job(kill_command cmd, int64_t started_ns);

  // The first round, when the kill arrives.
  flatten_round start(flatten_context& ctx);

  // A poll: past `deadline_ns` after the start it is done without sending
  // anything more; otherwise another round for what is left (cancels
  // confirmed, a flatten order expired unfilled).
  flatten_round poll(flatten_context& ctx, int64_t now_ns, int64_t deadline_ns);

  // Every position in the kill's scope is flat (fills arrive between polls).
  bool flat(const position_book& book) const;

  // The channel's answer: ok when flat; retries are the rounds after the
  // first that sent; the error names what is still open and, then, the
  // last refusal.
  channel_result report(const position_book& book, const node_id& self, int64_t now_ns) const;

  const kill_command& command() const { return cmd_; }
  int rounds() const { return rounds_; }
  int64_t orders_sent() const { return orders_sent_; }
  int64_t orders_refused() const { return orders_refused_; }
  const std::vector<symbol>& in_scope() const { return in_scope_; }
  const std::string& last_refusal() const { return last_refusal_; }

private:
  flatten_round round(flatten_context& ctx);

  kill_command cmd_;
  int64_t started_ns_ = 0;
  int rounds_ = 0; // plans that had at least one order to send
  int64_t next_seq_ = 0;
  int64_t orders_sent_ = 0;
  int64_t orders_refused_ = 0;
  std::vector<symbol> in_scope_;
  std::string last_refusal_;
};

} // namespace cwts::risk
