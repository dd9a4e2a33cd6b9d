// The signed account endpoints of rest_api (rest-api.md "Account endpoints"):
// account information, all orders and the account trade list.
#include <algorithm>

#include "venue/order_json.hpp"
#include "venue/rest_api.hpp"
#include "venue/rest_params.hpp"

namespace cwts::venue {

namespace {

// rest-api.md "Account information" carries a numeric uid; the venue derives
// a stable one from the account name (FNV-1a).
int64_t account_uid(const std::string& name) {
  uint64_t h = 1469598103934665603ull;
  for (char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return static_cast<int64_t>(h % 1000000000ull);
}

// rest-api.md: "If orderId/fromId is set, it will get [items] >= that id.
// Otherwise most recent [items] are returned", ascending, at most `limit`.
template <class T, class Id>
std::vector<T> window(std::vector<T> all, std::optional<int64_t> from, size_t limit, Id id_of) {
  if (from) {
    all.erase(std::remove_if(all.begin(), all.end(),
                             [&](const T& x) { return id_of(x) < *from; }),
              all.end());
    if (all.size() > limit) all.resize(limit);
    return all;
  }
  if (all.size() > limit) all.erase(all.begin(), all.end() - static_cast<std::ptrdiff_t>(limit));
  return all;
}

struct time_range {
  std::optional<int64_t> start, end;
  bool given() const { return start || end; }
  bool holds(int64_t t) const { return (!start || t >= *start) && (!end || t <= *end); }
};

// startTime/endTime in ms; rest-api.md: the range may not exceed 24 hours
// (errors.md -1127 "More than 24 hours between startTime and endTime.").
std::variant<time_range, venue_error> read_time_range(const request_params& p) {
  auto start = read_id(p, "startTime");
  if (auto e = std::get_if<venue_error>(&start)) return *e;
  auto end = read_id(p, "endTime");
  if (auto e = std::get_if<venue_error>(&end)) return *e;
  time_range r{std::get<std::optional<int64_t>>(start), std::get<std::optional<int64_t>>(end)};
  if (r.start && r.end && *r.end - *r.start > 24 * 60 * 60 * 1000)
    return venue_error{-1127, "More than 24 hours between startTime and endTime.", 400};
  return r;
}

// Keeps the items inside `range` (callers then take the oldest `limit`).
template <class T, class Time>
std::vector<T> in_range(std::vector<T> all, const time_range& range, Time time_of) {
  all.erase(std::remove_if(all.begin(), all.end(),
                           [&](const T& x) { return !range.holds(time_of(x)); }),
            all.end());
  return all;
}

} // namespace

http_reply rest_api::account(const request_params& p, const std::string& account, int64_t now) {
  if (auto e = check_unread(p, {"omitZeroBalances"})) return error(*e);
  auto omit = p.get("omitZeroBalances");
  if (omit && *omit != "true" && *omit != "false")
    return error(illegal_param("omitZeroBalances", "true, false"));
  bool omit_zero = omit && *omit == "true";
  const char* zero = "0.00000000";
  auto rates = engine_.commission();
  // makerCommission/takerCommission are in basis points (0.001 -> 10).
  auto bps = [](price rate) { return rate.raw / (decimal_scale / 10000); };
  json_writer w;
  w.begin_object().field_num("makerCommission", bps(rates.maker))
    .field_num("takerCommission", bps(rates.taker))
    .field_num("buyerCommission", 0).field_num("sellerCommission", 0)
    .key("commissionRates").begin_object().field("maker", rates.maker.to_string())
    .field("taker", rates.taker.to_string())
    .field("buyer", zero).field("seller", zero).end_object()
    .field_bool("canTrade", true).field_bool("canWithdraw", true).field_bool("canDeposit", true)
    .field_bool("brokered", false).field_bool("requireSelfTradePrevention", false)
    .field_bool("preventSor", false).field_num("updateTime", now)
    .field("accountType", "SPOT").key("balances").begin_array();
  for (auto& [asset, b] : engine_.balances().of(account)) {
    if (omit_zero && b.free.is_zero() && b.locked.is_zero()) continue;
    w.begin_object().field("asset", asset).field("free", b.free.to_string())
      .field("locked", b.locked.to_string()).end_object();
  }
  w.end_array().key("permissions").begin_array().str("SPOT").end_array()
    .field_num("uid", account_uid(account)).end_object();
  return {200, w.take(), {}};
}

http_reply rest_api::all_orders(const request_params& p, const std::string& account, int64_t) {
  if (auto e = check_unread(p, {"symbol", "orderId", "startTime", "endTime", "limit"}))
    return error(*e);
  auto range = read_time_range(p);
  if (auto e = std::get_if<venue_error>(&range)) return error(*e);
  auto& when = std::get<time_range>(range);
  auto sym = read_symbol(p, engine_);
  if (auto e = std::get_if<venue_error>(&sym)) return error(*e);
  auto from = read_id(p, "orderId");
  if (auto e = std::get_if<venue_error>(&from)) return error(*e);
  auto limit = read_limit(p, 500, 1000);
  if (auto e = std::get_if<venue_error>(&limit)) return error(*e);
  auto from_id = std::get<std::optional<int64_t>>(from);
  if (when.given() && !from_id) from_id = 0; // oldest first from startTime
  auto orders = window(in_range(engine_.all_orders(account, std::get<symbol>(sym)), when,
                                [](const order& o) { return o.time_ms; }),
                       from_id,
                       static_cast<size_t>(std::get<int64_t>(limit)),
                       [](const order& o) { return o.order_id; });
  json_writer w;
  w.begin_array();
  for (auto& o : orders)
    write_query_order(w, o);
  w.end_array();
  return {200, w.take(), {}};
}

http_reply rest_api::my_trades(const request_params& p, const std::string& account, int64_t) {
  if (auto e = check_unread(p, {"symbol", "orderId", "fromId", "startTime", "endTime", "limit"}))
    return error(*e);
  auto range = read_time_range(p);
  if (auto e = std::get_if<venue_error>(&range)) return error(*e);
  auto& when = std::get<time_range>(range);
  // rest-api.md "Account trade list": fromId cannot be sent with startTime/endTime.
  if (p.has("fromId") && when.given())
    return error(venue_error{-1128, "Combination of optional parameters invalid.", 400});
  auto sym = read_symbol(p, engine_);
  if (auto e = std::get_if<venue_error>(&sym)) return error(*e);
  auto order_id = read_id(p, "orderId");
  if (auto e = std::get_if<venue_error>(&order_id)) return error(*e);
  auto from = read_id(p, "fromId");
  if (auto e = std::get_if<venue_error>(&from)) return error(*e);
  auto limit = read_limit(p, 500, 1000);
  if (auto e = std::get_if<venue_error>(&limit)) return error(*e);
  auto trades = engine_.trades_of(account, std::get<symbol>(sym));
  if (auto id = std::get<std::optional<int64_t>>(order_id))
    trades.erase(std::remove_if(trades.begin(), trades.end(),
                                [&](const account_trade& t) { return t.order_id != *id; }),
                 trades.end());
  auto from_id = std::get<std::optional<int64_t>>(from);
  if (when.given()) from_id = 0; // oldest first from startTime
  trades = window(in_range(std::move(trades), when,
                           [](const account_trade& t) { return t.time_ms; }),
                  from_id,
                  static_cast<size_t>(std::get<int64_t>(limit)),
                  [](const account_trade& t) { return t.trade_id; });
  const auto* rules = engine_.rules(std::get<symbol>(sym));
  json_writer w;
  w.begin_array();
  for (auto& t : trades) {
    // rest-api.md "Account trade list" fields; commission in the asset received.
    w.begin_object().field("symbol", t.sym.view()).field_num("id", t.trade_id)
      .field_num("orderId", t.order_id).field_num("orderListId", -1)
      .field("price", t.px.to_string()).field("qty", t.quantity.to_string())
      .field("quoteQty", t.quote_qty.to_string()).field("commission", t.commission.to_string())
      .field("commissionAsset", t.is_buyer ? rules->base_asset : rules->quote_asset).field_num("time", t.time_ms)
      .field_bool("isBuyer", t.is_buyer).field_bool("isMaker", t.is_maker)
      .field_bool("isBestMatch", true).end_object();
  }
  w.end_array();
  return {200, w.take(), {}};
}

} // namespace cwts::venue
