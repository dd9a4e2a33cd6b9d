#pragma once
// Positions, PnL and order exposure per symbol, from the order flow risk sees:
// orders it let through (in flight), venue acknowledgements (open), fills and
// terminal reports (released). SEC 15c3-5(c)(1)(i) asks for limits that count
// orders not yet executed; this is where they are counted: per symbol and side
// in quantity (position limit) and per account in notional (credit limit).

#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "actors/risk/reference_prices.hpp"
#include "messages/decimal.hpp"
#include "messages/ids.hpp"
#include "messages/orders.hpp"
#include "messages/reconciliation.hpp"
#include "messages/symbol.hpp"

namespace cwts::risk {

struct position {
  qty net;                  // signed: > 0 long, < 0 short
  price avg_cost;           // of the open position; zero when flat
  notional realized_pnl;    // quote currency, since start
  qty open_buy;             // acknowledged by the venue, not yet filled
  qty open_sell;
  qty in_flight_buy;        // let through by risk, not yet acknowledged
  qty in_flight_sell;
  qty bought;               // filled volume since start
  qty sold;
};

// What one execution report changed, for the throttles that count fills.
struct report_effect {
  strategy_id strategy; // empty for an order not sent through the book
  account_id account;
  qty fill;             // growth of cum_qty; zero when the report filled nothing
  bool terminal = false;
};

class position_book {
public:
  // Terminal orders are remembered (last `remembered_terminal_orders` of them)
  // so a repeated terminal report, common after a user-data stream
  // reconnect, is recognised and not counted as a new fill.
  explicit position_book(size_t remembered_terminal_orders = 16384);
  position_book(const position_book&) = delete; // remembers a node of its own map
  position_book& operator=(const position_book&) = delete;

  // An order passed the pre-trade check and is on its way: in flight. Its
  // credit use is valued at its limit price, a market order at
  // `market_reference` (the reference the check valued it at).
  void on_order_sent(const order_request& req, price market_reference = price{});

  // Fills move the position (last fill quantity = growth of cum_qty, so a
  // repeated report never counts twice); acknowledgements move exposure from
  // in flight to open; terminal reports release what is left.
  report_effect on_execution_report(const execution_report& rep);

  // The order never reached the venue or was refused there: release it. A
  // duplicate-id refusal is about a second order under a known id and must
  // not release the first one.
  void on_order_reject(const order_reject& rej);

  // Rebuilds net position, average cost, realized PnL and volumes of every
  // symbol from the OMS journal's fills (oldest first), as the OMS sends them
  // after each restore. Replaces what fills had built (the journal holds every
  // fill, so a second copy after an OMS restart changes nothing); order
  // exposure (open, in flight, credit) is kept. The filled quantity per order
  // is remembered: a later report of an order this book does not track (a
  // live order the OMS restored) counts only what the journal did not hold.
  void restore_fills(const std::vector<journaled_fill>& fills);

  // A live order the OMS restored after a restart: tracked from here on, its
  // unfilled rest counted as open (acknowledged) or in flight, and credit
  // used; its fills so far are in the journal's fills, not counted again.
  // An order already tracked is left alone.
  void restore_order(const order_request& req, qty cum_qty, bool acknowledged,
                     price market_reference = price{});

  // True for an id that is live here or ended recently: a new order under it
  // is a duplicate.
  bool knows(const client_order_id& id) const;

  // The symbol's position, or a flat one when nothing was traded.
  position get(const symbol& sym) const;

  // Open plus in-flight quantity of one side.
  qty pending_qty(const symbol& sym, side s) const;
  // The part of it that `strategy`'s orders hold (a scan: not for the order path).
  qty pending_qty_of(const symbol& sym, side s, const strategy_id& strategy) const;

  // Notional of the account's open and in-flight orders (remaining qty ×
  // the price each was valued at), buys and sells alike. Orders adopted from
  // reports without passing through the book have no account and count
  // under the empty one.
  notional account_exposure(const account_id& account) const;

  // The strategy of a live order; null when the book does not track it.
  const strategy_id* strategy_of(const client_order_id& id) const;

  // Realized plus unrealized PnL over every symbol; a symbol without a
  // reference price counts its realized PnL only (marked at its average cost).
  notional total_pnl(const reference_prices& refs) const;

  // (mark - avg_cost) × net, truncated toward zero at 8 decimals; nullopt when
  // there is no mark or the result overflows.
  std::optional<notional> unrealized_pnl(const symbol& sym, price mark) const;
  std::optional<notional> unrealized_pnl(const symbol& sym, const reference_prices& refs) const;

  size_t tracked_orders() const { return orders_.size(); }
  // Reports ignored because their order had already ended.
  uint64_t late_reports() const { return late_reports_; }
  // Arithmetic results that did not fit in int64 and were saturated.
  uint64_t overflows() const { return overflows_; }

private:
  struct tracked_order {
    symbol sym;
    strategy_id strategy;
    account_id account;
    price valued_at; // credit use per unit of remaining qty
    side order_side = side::buy;
    qty ordered;
    qty cum;
    qty remaining; // counted in the position's open or in-flight bucket
    bool acknowledged = false;
  };

  void apply_fill(position& pos, side s, qty fill, price px);
  void set_exposure(position& pos, tracked_order& order, qty remaining, bool acknowledged);
  int64_t narrow(__int128 value);
  void remember_terminal(const client_order_id& id);

  size_t remembered_limit_;
  std::unordered_set<client_order_id> terminal_ids_;
  std::deque<client_order_id> terminal_order_;

  std::unordered_map<symbol, position> positions_;
  std::unordered_map<client_order_id, tracked_order> orders_;
  std::unordered_map<client_order_id, qty> journaled_cum_; // from restore_fills
  // Entries are never erased: the last one looked up is remembered, so a run
  // of orders of one account compares its id instead of hashing it.
  std::unordered_map<account_id, notional> account_exposure_;
  mutable const std::pair<const account_id, notional>* last_account_ = nullptr;
  uint64_t overflows_ = 0;
  uint64_t late_reports_ = 0;
};

} // namespace cwts::risk
