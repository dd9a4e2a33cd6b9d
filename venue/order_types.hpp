#pragma once
// The venue's order vocabulary, spelled as Binance spells it on the wire
// (rest-api.md "ENUM definitions": side, type, timeInForce, status).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/decimal.hpp"
#include "messages/symbol.hpp"

namespace cwts::venue {

enum class order_side { buy, sell };
enum class order_type { limit, market, limit_maker };
enum class time_in_force { gtc, ioc, fok };
enum class order_status {
  new_order, partially_filled, filled, canceled, expired, rejected,
  expired_in_match // expired by self-trade prevention (ENUM "EXPIRED_IN_MATCH")
};
// Self-trade prevention modes (rest-api.md ENUM "STP modes"); the taker's
// mode applies when it would trade with an order of the same account.
enum class stp_mode { none, expire_taker, expire_maker, expire_both };

std::string_view to_string(order_side x);
std::string_view to_string(order_type x);
std::string_view to_string(time_in_force x);
std::string_view to_string(order_status x);
std::string_view to_string(stp_mode x);
std::optional<stp_mode> parse_stp_mode(std::string_view text);

std::optional<order_side> parse_side(std::string_view text);
std::optional<order_type> parse_order_type(std::string_view text);
std::optional<time_in_force> parse_time_in_force(std::string_view text);

// LIMIT and LIMIT_MAKER carry a price and may rest; MARKET does neither.
constexpr bool has_price(order_type t) { return t != order_type::market; }

constexpr order_side opposite(order_side s) {
  return s == order_side::buy ? order_side::sell : order_side::buy;
}

// One execution of an order against a resting order (FULL response "fills").
struct order_fill {
  price px;
  qty quantity;
  int64_t trade_id = 0;
  qty commission; // in the asset received: base for a BUY, quote for a SELL
  bool maker = false; // the order was resting (executionReport "m")
};

struct order {
  int64_t order_id = 0;
  std::string account;
  symbol sym;
  order_side side = order_side::buy;
  order_type type = order_type::limit;
  time_in_force tif = time_in_force::gtc;
  price px;               // zero for MARKET
  qty orig_qty;
  qty executed_qty;
  notional cummulative_quote_qty; // Binance's spelling on the wire
  std::string client_order_id;
  // The cancel's clientOrderId (rest-api.md "Cancel order" newClientOrderId,
  // venue-assigned when not sent); empty unless canceled.
  std::string cancel_client_order_id;
  order_status status = order_status::new_order;
  int64_t time_ms = 0;        // "time" / "transactTime"
  int64_t update_time_ms = 0; // "updateTime"
  bool venue_owned = false;   // replay liquidity: never shown to accounts
  qty locked;                 // balance still locked by this order (quote for BUY LIMIT)
  stp_mode stp = stp_mode::none;
  std::vector<order_fill> fills;
  // Order Amend Keep Priority: how often the quantity was reduced, and the
  // clientOrderId before the latest amend.
  int amendments = 0;
  std::string pre_amend_client_order_id;

  qty remaining() const { return orig_qty - executed_qty; }
  bool is_open() const {
    return status == order_status::new_order || status == order_status::partially_filled;
  }
};

// A public trade: what `<symbol>@trade` publishes.
struct public_trade {
  symbol sym;
  int64_t trade_id = 0;
  price px;
  qty quantity;
  int64_t time_ms = 0;
  bool buyer_is_maker = false;
  bool account_involved = false; // an account's order (not only the venue's) traded
  int64_t taker_order_id = 0;     // trades of one taker at one price form one aggTrade
};

// One execution as the account sees it (rest-api.md "Account trade list").
struct account_trade {
  symbol sym;
  int64_t trade_id = 0;
  int64_t order_id = 0;
  price px;
  qty quantity;
  notional quote_qty;
  int64_t time_ms = 0;
  bool is_buyer = false;
  bool is_maker = false;
  qty commission; // in the asset received
};

// A Binance-style error: code, message and the HTTP status it travels with.
struct venue_error {
  int code = 0;
  std::string msg;
  int http_status = 400;
};

} // namespace cwts::venue
