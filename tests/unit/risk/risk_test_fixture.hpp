#pragma once
// Shared setup for the risk tests: one symbol BTCUSDT with round numbers.

#include <string_view>

#include "actors/risk/position_book.hpp"
#include "actors/risk/pre_trade_check.hpp"
#include "actors/risk/reference_prices.hpp"
#include "common/kill_gate.hpp"

namespace cwts::risk::testing {

inline symbol sym(std::string_view s) { return *symbol::parse(s); }
inline price px(std::string_view s) { return *price::parse(s); }
inline qty qt(std::string_view s) { return *qty::parse(s); }
inline notional nt(std::string_view s) { return *notional::parse(s); }

inline risk_limits default_limits() {
  risk_limits l;
  symbol_limits btc;
  btc.max_order_qty = qt("2");
  btc.max_order_notional = nt("100000");
  btc.price_collar_bps = 500; // 5 %
  btc.max_position = qt("3");
  l.per_symbol[sym("BTCUSDT")] = btc;
  l.per_symbol[sym("ETHUSDT")] = btc; // has limits but is not tradable
  l.tradable.insert(sym("BTCUSDT"));
  l.credit_limits[account_id{"acct"}] = nt("200000");
  l.per_strategy[strategy_id{"mm"}] = strategy_limits{100, 10, 1000};
  l.default_strategy = strategy_limits{100, 10, 1000};
  l.pnl = pnl_limits{nt("1000"), nt("500")};
  return l;
}

inline symbol_rules_map default_rules() {
  symbol_rules_map m;
  m[sym("BTCUSDT")] = symbol_rules{px("0.01"), qt("0.001"), nt("10")};
  m[sym("ETHUSDT")] = symbol_rules{px("0.01"), qt("0.001"), nt("10")};
  return m;
}

inline order_request limit_order(std::string_view id, side s, std::string_view p,
                                  std::string_view q) {
  order_request o;
  o.id.value = std::string(id);
  o.strategy = strategy_id{"mm"};
  o.account = account_id{"acct"};
  o.sym = sym("BTCUSDT");
  o.order_side = s;
  o.type = order_type::limit;
  o.limit_price = px(p);
  o.quantity = qt(q);
  return o;
}

inline order_request market_order(std::string_view id, side s, std::string_view q) {
  auto o = limit_order(id, s, "0", q);
  o.type = order_type::market;
  return o;
}

inline execution_report report(const order_request& o, order_status st, std::string_view last_q,
                               std::string_view last_p, std::string_view cum) {
  execution_report r;
  r.id = o.id;
  r.sym = o.sym;
  r.order_side = o.order_side;
  r.status = st;
  r.last_qty = qt(last_q);
  r.last_price = px(last_p);
  r.cum_qty = qt(cum);
  r.leaves_qty = o.quantity - r.cum_qty;
  return r;
}

struct risk_fixture {
  kill_gate gate;
  reference_prices refs;
  position_book book;
  pre_trade_check checker{gate, default_limits(), default_rules()};
  // Monotonic time the checks see; each check() moves it 20 ms on, so the
  // message-rate throttle (100/s) never decides a test that is not about it.
  int64_t now_ns = 1'000'000'000;

  risk_fixture() { refs.set(sym("BTCUSDT"), px("30000"), timestamp_ns{1}); }

  check_result check(const order_request& o, trading_mode mode = trading_mode::active) {
    now_ns += 20'000'000;
    return checker.check(o, mode, refs, book, now_ns);
  }

  // Sends an order through the book as risk does after a pass.
  void send(const order_request& o) { book.on_order_sent(o, refs.get(o.sym).value_or(price{})); }

  // Builds a position through the book as the venue would report it.
  void fill(std::string_view id, side s, std::string_view q, std::string_view p) {
    auto o = limit_order(id, s, p, q);
    book.on_order_sent(o);
    book.on_execution_report(report(o, order_status::filled, q, p, q));
  }
};

} // namespace cwts::risk::testing
