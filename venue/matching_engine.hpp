#pragma once
// A price-time priority limit order book per symbol, with Binance Spot order
// semantics (rest-api.md "New order"): LIMIT/MARKET, GTC/IOC/FOK, statuses
// NEW → PARTIALLY_FILLED → FILLED, or CANCELED / EXPIRED. Closed orders are
// kept so they can still be queried (GET /api/v3/order works on them).
// Single-threaded by design: the server serializes every call.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "venue/balance_book.hpp"
#include "venue/order_log.hpp"
#include "venue/order_types.hpp"
#include "venue/symbol_rules.hpp"

namespace cwts::venue {

struct place_request {
  std::string account;
  symbol sym;
  order_side side = order_side::buy;
  order_type type = order_type::limit;
  time_in_force tif = time_in_force::gtc;
  price px;                       // ignored for MARKET
  qty quantity;
  std::string client_order_id;    // empty: the venue assigns one
  bool venue_owned = false;       // replay liquidity and tape prints
  stp_mode stp = stp_mode::none;
};

// How a caller names an order: orderId wins when both are given (Binance:
// "Either orderId or origClientOrderId must be sent").
struct order_key {
  std::optional<int64_t> order_id;
  std::string orig_client_order_id;
};

using order_result = std::variant<order, venue_error>;

// An in-place amend of a resting limit order (Kraken AmendOrder, OKX
// amend-order): the order keeps its id, client id and account; what is not
// set stays as it is.
struct order_amend {
  std::optional<price> px;
  std::optional<qty> quantity; // the new total quantity, fills included
  // Refuse the amend when the new price would take liquidity (Kraken's
  // AmendOrder post_only flag). A post-only order is always refused so.
  bool post_only = false;
};

struct book_level {
  price px;
  qty quantity;
  size_t orders = 0;
};

class matching_engine {
public:
  using trade_listener = std::function<void(const public_trade&)>;
  using order_listener = std::function<void(const order&)>;
  // A price level of `sym` changed; `update_id` is the book's new
  // lastUpdateId (each change increments it by exactly one, so diff depth
  // events built from these have contiguous U/u; web-socket-streams.md).
  using book_listener =
    std::function<void(symbol sym, order_side side, price px, int64_t update_id)>;

  void add_symbol(const symbol_rules& rules);
  const symbol_rules* rules(symbol sym) const;
  std::vector<symbol_rules> all_rules() const;

  // Every execution, user or tape driven, is reported here once.
  void on_trade(trade_listener f) { trade_listeners_.push_back(std::move(f)); }
  // Every state change of an account's (not venue-owned) order.
  void on_order_update(order_listener f) { order_listeners_.push_back(std::move(f)); }
  // Every change of a price level's total quantity, in order.
  void on_book_change(book_listener f) { book_listeners_.push_back(std::move(f)); }

  order_result place(const place_request& req, int64_t now_ms);
  // `cancel_client_id` names the cancel ("newClientOrderId"); the venue
  // assigns "cwtscancel<orderId>" when it is empty.
  order_result cancel(const std::string& account, symbol sym, const order_key& key,
                      int64_t now_ms, const std::string& cancel_client_id = {});
  // rest-api.md "Order Amend Keep Priority": reduces an open order's
  // quantity in place (its queue position is kept). -2013 unknown or
  // closed order, -2038 when new_qty is not below the quantity, -1013
  // LOT_SIZE. A new_qty at or below the executed quantity fills the order.
  // `new_client_id` renames it (the venue assigns one when empty).
  order_result amend_quantity(const std::string& account, symbol sym, const order_key& key,
                              qty new_qty, const std::string& new_client_id, int64_t now_ms);
  // Re-prices and/or resizes an open limit order (matching_engine_amend.cpp).
  // Quantity down only: in place, priority kept (as amend_quantity). A new
  // price or a larger quantity: the order leaves the book and re-enters at
  // the back of its (new) level, matching first as a taker would when the
  // new price crosses. Refusals leave the order untouched: -2013 unknown or
  // closed order, -2038 new quantity not above the executed quantity, -1013
  // filters, -2010 insufficient balance or post-only that would take.
  order_result amend(const std::string& account, symbol sym, const order_key& key,
                     const order_amend& r, int64_t now_ms);
  order_result query(const std::string& account, symbol sym, const order_key& key) const;

  // The per-account order log (order_log.hpp): place, cancel, amend_quantity,
  // amend and cancel_all record every account operation there, accepted or
  // refused (matching_engine_log.cpp). Null: nothing recorded.
  void set_order_log(order_log* log) { order_log_ = log; }
  order_log* log() const { return order_log_; }
  std::vector<order> open_orders(const std::string& account,
                                 std::optional<symbol> sym) const;
  // Binance DELETE /api/v3/openOrders: -2011 when nothing was open.
  std::variant<std::vector<order>, venue_error>
  cancel_all(const std::string& account, symbol sym, int64_t now_ms);

  // Cancels every venue-owned resting order of `sym` (replay re-seeding).
  void withdraw_venue_liquidity(symbol sym);

  // Balances: accounts start with what config funds them with; orders are
  // refused with -2010 "Account has insufficient balance for requested
  // action." when they could spend more than is free.
  void fund(const std::string& account, const std::string& asset, qty amount) {
    balances_.credit(account, asset, amount);
  }
  const balance_book& balances() const { return balances_; }
  // Commission rates as fractions (0.001 = 0.1 %), charged on every account
  // fill in the asset the account receives (Binance's default).
  struct commission_rates {
    price maker;
    price taker;
  };
  void set_commission(commission_rates r) { commission_ = r; }
  commission_rates commission() const { return commission_; }
  // Every order of the account on `sym`, open and closed, by orderId.
  std::vector<order> all_orders(const std::string& account, symbol sym) const;
  // Every execution of the account's orders, oldest first.
  std::vector<account_trade> trades_of(const std::string& account, symbol sym) const;

  std::optional<price> last_price(symbol sym) const;
  // All levels of one side, best first.
  std::vector<book_level> depth(symbol sym, order_side side) const;
  // The best level of one side; nullopt when that side is empty.
  std::optional<book_level> best(symbol sym, order_side side) const;
  // Total resting quantity at `px` (zero when the level is empty).
  qty level_quantity(symbol sym, order_side side, price px) const;
  // GET /api/v3/depth "lastUpdateId": the id of the book's latest change.
  int64_t last_update_id(symbol sym) const;
  size_t stored_orders() const { return orders_.size(); }

private:
  // The operations themselves; the public ones above record them.
  order_result place_in_book(const place_request& req, int64_t now_ms);
  order_result cancel_in_book(const std::string& account, symbol sym, const order_key& key,
                              int64_t now_ms, const std::string& cancel_client_id);
  order_result amend_quantity_in_book(const std::string& account, symbol sym, const order_key& key,
                                      qty new_qty, const std::string& new_client_id, int64_t now_ms);
  order_result amend_in_book(const std::string& account, symbol sym, const order_key& key,
                             const order_amend& r, int64_t now_ms);
  std::variant<std::vector<order>, venue_error>
  cancel_all_in_book(const std::string& account, symbol sym, int64_t now_ms);
  void log_result(const char* action, const std::string& account, symbol sym,
                  const order_key* key, const order_result& r, const std::string& side,
                  const std::string& quantity, const std::string& px,
                  const std::string& client_id);

  // Bids are keyed by -price and asks by +price, so begin() is the best level
  // on both sides and one matching loop serves both.
  // One price level: its orders in time priority and their total remaining
  // quantity (kept current, so depth and bookTicker never walk the queue).
  struct price_level {
    std::deque<int64_t> ids;
    qty total;
  };
  using level_map = std::map<int64_t, price_level>;

  struct book {
    symbol_rules rules;
    level_map bids;
    level_map asks;
    std::vector<int64_t> venue_orders;
    std::optional<price> last;
    int64_t next_trade_id = 1;
    int64_t update_id = 0;
  };

  static int64_t level_key(order_side side, price px) {
    return side == order_side::buy ? -px.raw : px.raw;
  }

  book* find_book(symbol sym);
  const book* find_book(symbol sym) const;
  const order* find_order(const std::string& account, symbol sym, const order_key& key) const;
  std::optional<venue_error> validate(const book& b, const place_request& req) const;
  qty crossing_quantity(const book& b, const order& taker) const;
  void match(book& b, order& taker, int64_t now_ms);
  // Applies the taker's STP mode to the maker at the queue's front; true when
  // the taker itself expired (matching stops).
  bool prevent_self_trade(book& b, order& taker, price_level& level, int64_t now_ms);
  void execute(book& b, order& taker, order& maker, price px, qty q, int64_t now_ms);
  void rest(book& b, order& o);
  void unlink(book& b, const order& o);
  void finish(order& o, int64_t now_ms);
  void publish(const order& o);
  void touch(book& b, order_side side, price px);
  // Resting orders of an account on a symbol (MAX_NUM_ORDERS).
  int64_t open_count(const std::string& account, symbol sym) const;
  // Balance handling (matching_engine_funds.cpp).
  std::optional<venue_error> check_funds(const book& b, const place_request& req) const;
  notional market_cost(const book& b, order_side side, qty quantity) const;
  void reserve(const book& b, order& o);
  // Moves the fill's amounts; returns the commission charged.
  qty settle(const book& b, order& o, price px, qty q, bool maker);
  void release(const book& b, order& o);
  // What an open limit order must lock at `px` for `remaining` (amends).
  qty lock_needed(order_side side, price px, qty remaining) const;
  // Swaps the order's lock for `need`; false (nothing moved) when the free
  // balance plus the current lock cannot cover it.
  bool relock(const book& b, order& o, qty need);
  // Unlocks what `cut` of the order's quantity had locked.
  void release_part(const book& b, order& o, qty cut);

  std::map<symbol, book> books_;
  std::unordered_map<int64_t, order> orders_;
  // account → clientOrderId → latest orderId with that id.
  std::unordered_map<std::string, std::unordered_map<std::string, int64_t>> client_ids_;
  int64_t next_order_id_ = 1;
  std::vector<trade_listener> trade_listeners_;
  std::vector<order_listener> order_listeners_;
  std::vector<book_listener> book_listeners_;
  balance_book balances_;
  commission_rates commission_;
  std::unordered_map<std::string, std::map<symbol, int64_t>> open_counts_;
  std::unordered_map<std::string, std::vector<account_trade>> account_trades_;
  order_log* order_log_ = nullptr;
};

} // namespace cwts::venue
