#pragma once
// Kraken Spot order operations over the venue's matching engine,
// transport-free: the REST surface (kraken_rest_api: AddOrder,
// AddOrderBatch, AmendOrder, EditOrder, CancelOrder, CancelAll,
// CancelAllOrdersAfter) and the WebSocket v2 order methods call the same
// code, so both answer alike, share the per-pair trading rate limit and the
// dead-man's switch, and count every refusal by its error string.
//
// For the WebSocket v2 side (V2): resolve the authenticated account with
// kraken_rest_api::tokens().account_of_token(token, now_ms), read the
// method's params into these requests, then
//   add_order                -> trade.place(account, kraken_order_request, now_ms)
//   cancel_order             -> trade.cancel(account, kraken_order_ref, now_ms)
//                               (one call per order_id / cl_ord_id / order_userref)
//   amend_order              -> trade.amend(account, kraken_amend_request, now_ms)
//   cancel_all               -> trade.cancel_all(account, now_ms)       ({"count":N})
//   cancel_all_orders_after  -> trade.cancel_all_after(account, timeout_s, now_ms)
//                               (currentTime / triggerTime, ISO-8601)
// Each returns its result or a kraken_error whose `text` goes into the
// reply's "error" as it is. The `executions` channel: subscribe to
// engine.on_order_update and write each update with kraken_txid(o.order_id),
// trade.tags(o.order_id) (order_userref, cl_ord_id) and kraken_status /
// kraken_exec_status (kraken_json.hpp, this header).
//
// AmendOrder / amend_order change limit_price and/or order_qty in place:
// the txid and cl_ord_id stay, a smaller quantity keeps queue priority, a
// new price or a larger quantity re-enters at the back of its level and
// trades first what it crosses (matching_engine::amend). An order_qty at
// or below what already filled cancels the rest (Kraken: "the remaining
// quantity will be cancelled"). post_only=true refuses a price that would
// take, with "EOrder:Post only order", as does any amend of a post-only
// order that would take; a buy whose new terms lock more quote than is
// free is refused with "EOrder:Insufficient funds", the order unchanged.
// Deviations from Kraken, documented: a post-only order that would take
// liquidity at AddOrder is refused with
// "EOrder:Post only order" instead of being accepted and canceled. Order
// types: limit and market (stop/take-profit/trailing/iceberg are refused
// with "EGeneral:Invalid arguments:ordertype"); time in force GTC, IOC and
// GTD (expiretm: Unix seconds or "+<seconds>"; expired by tick()).

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "venue/fault_plan.hpp"
#include "venue/kraken/kraken_errors.hpp"
#include "venue/kraken/kraken_json.hpp"
#include "venue/kraken/kraken_rate_limit.hpp"
#include "venue/matching_engine.hpp"
#include "venue/dead_man_timer.hpp"
#include "venue/venue_stats.hpp"

namespace cwts::venue {

// CancelAllOrdersAfter: timeout in seconds, at most a day (Kraken: 86400).
inline constexpr int64_t kraken_dead_man_max_s = 86400;
// AddOrderBatch: at most 15 orders (Kraken: "maximum 15").
inline constexpr size_t kraken_max_batch = 15;
// CancelOrderBatch: "maximum 50 total unique IDs/references".
inline constexpr size_t kraken_max_cancel_batch = 50;
// GTD orders waiting for their expiry, per venue.
inline constexpr size_t kraken_max_gtd_orders = 10000;
// Tags kept for orders placed through Kraken (oldest closed forgotten first).
inline constexpr size_t kraken_max_tagged_orders = 200000;

// AddOrder / add_order, already parsed from the form or the JSON.
struct kraken_order_request {
  const symbol_rules* rules = nullptr; // the pair (kraken_find_pair)
  order_side side = order_side::buy;
  order_type type = order_type::limit; // limit or market; limit_maker = post-only
  time_in_force tif = time_in_force::gtc;
  price px;                            // limit only
  qty volume;                          // base
  std::optional<int64_t> expire_ms;    // GTD only
  int32_t userref = 0;
  std::string cl_ord_id;               // empty: none
  bool validate = false;               // checks only, nothing placed
};

struct kraken_placed {
  std::string txid;  // empty when validate
  std::string descr; // descr.order
  int64_t order_id = 0;
};

// CancelOrder's txid parameter: a txid, a userref (every order with it) or
// a cl_ord_id.
struct kraken_order_ref {
  std::string txid;
  std::optional<int32_t> userref;
  std::string cl_ord_id;
};

// AmendOrder: txid or cl_ord_id; order_qty and/or limit_price.
struct kraken_amend_request {
  std::string txid;
  std::string cl_ord_id;
  std::optional<qty> order_qty;     // the new total, fills included
  std::optional<price> limit_price;
  bool post_only = false;           // refuse a limit_price that would take
};

struct kraken_amended {
  std::string amend_id; // "TXXXXX-XXXXX-XXXXXX"
  int64_t order_id = 0;
};

// EditOrder (REST): the original order is canceled and a new one placed.
struct kraken_edit_request {
  kraken_order_ref ref;             // txid or cl_ord_id (not userref)
  const symbol_rules* rules = nullptr;
  std::optional<qty> volume;        // default: the original's remaining
  std::optional<price> px;          // default: the original's price
  std::optional<int32_t> userref;   // default: the original's
  bool validate = false;
};

struct kraken_edited {
  std::string txid, original_txid, descr;
  qty volume;
  price px;
  int64_t order_id = 0;
};

struct kraken_dead_man_state {
  int64_t current_ms = 0;
  int64_t trigger_ms = 0; // 0: disarmed
};

template <class T>
using kraken_outcome = std::variant<T, kraken_error>;

class kraken_trade {
public:
  kraken_trade(matching_engine& engine, fault_plan& faults, kraken_error_counts& errors,
               kraken_limits limits)
    : engine_(engine), faults_(faults), errors_(errors), trading_(limits) {}

  kraken_outcome<kraken_placed> place(const std::string& account, const kraken_order_request& r,
                                      int64_t now_ms);
  // Number of orders canceled (one, or every order with the userref).
  kraken_outcome<size_t> cancel(const std::string& account, const kraken_order_ref& ref,
                                int64_t now_ms);
  kraken_outcome<kraken_amended> amend(const std::string& account,
                                       const kraken_amend_request& r, int64_t now_ms);
  kraken_outcome<kraken_edited> edit(const std::string& account, const kraken_edit_request& r,
                                     int64_t now_ms);
  // Every open order of the account on every pair; the count.
  size_t cancel_all(const std::string& account, int64_t now_ms);
  // Arms (timeout_s > 0) or disarms (0) the account's dead-man's switch.
  kraken_outcome<kraken_dead_man_state> cancel_all_after(const std::string& account,
                                                         int64_t timeout_s, int64_t now_ms);

  // Fires the dead-man timers that ran out and expires GTD orders. One
  // entry per fired account.
  struct fired {
    std::string account;
    size_t canceled = 0;
  };
  struct tick_result {
    std::vector<fired> dead_man; // accounts whose switch fired
    size_t expired = 0;          // GTD orders expired
  };
  tick_result tick(int64_t now_ms);

  // The order that `txid` or `cl_ord_id` names for the account; an error
  // when none does.
  kraken_outcome<order> find(const std::string& account, const std::string& txid,
                             const std::string& cl_ord_id) const;
  // What was sent with an order (nullptr: placed through another surface).
  const kraken_order_tags* tags(int64_t order_id) const;

  const dead_man_timer& dead_man() const { return dead_man_; }
  kraken_trading_limit& trading_limit() { return trading_; }
  matching_engine& engine() { return engine_; }
  // Counts the error string and returns it.
  kraken_error counted(kraken_error e);

private:
  // Charges the per-pair trading counter.
  std::optional<kraken_error> charge(const std::string& account, symbol sym, double cost,
                                     int64_t now_ms);
  void remember(int64_t order_id, kraken_order_tags t);
  kraken_outcome<kraken_placed> place_checked(const std::string& account,
                                              const kraken_order_request& r, int64_t now_ms);
  std::vector<order> orders_with_userref(const std::string& account, int32_t userref) const;
  size_t cancel_one(const std::string& account, const order& o, int64_t now_ms,
                    const char* reason);

  matching_engine& engine_;
  fault_plan& faults_;
  kraken_error_counts& errors_;
  kraken_trading_limit trading_;
  dead_man_timer dead_man_;
  std::unordered_map<int64_t, kraken_order_tags> tags_;
  std::deque<int64_t> tag_order_; // oldest first, for the bound
  std::multimap<int64_t, std::pair<std::string, int64_t>> gtd_; // expiry -> (account, id)
  int64_t amend_seq_ = 0;
};

// Kraken error for an engine refusal (insufficient balance, filters...).
kraken_error kraken_from_engine(const venue_error& e);

} // namespace cwts::venue
