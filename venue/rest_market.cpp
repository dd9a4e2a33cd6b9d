// The public market-data endpoints of rest_api (rest-api.md "Market Data
// endpoints"): order book, recent trades and the three tickers.
#include <algorithm>

#include "venue/json_reader.hpp"
#include "venue/market_json.hpp"
#include "venue/rest_api.hpp"
#include "venue/rest_params.hpp"

namespace cwts::venue {

namespace {

// "priceChangePercent" carries 3 decimals on Binance ("-95.960").
std::string percent_string(price change, price open) {
  if (!open.is_positive()) return "0.000";
  __int128 scaled = static_cast<__int128>(change.raw) * 100 * decimal_scale / open.raw;
  auto text = format_scaled_decimal(static_cast<int64_t>(scaled));
  return text.substr(0, text.size() - 5);
}

price weighted_average(const rolling_stats& s) {
  if (!s.volume.is_positive()) return price{};
  __int128 scaled = static_cast<__int128>(s.quote_volume.raw) * decimal_scale / s.volume.raw;
  return price::from_raw(static_cast<int64_t>(scaled));
}

void write_24hr(json_writer& w, symbol sym, const rolling_stats& s, const top_of_book& top,
                int64_t now, bool mini) {
  auto change = s.count > 0 ? s.last - s.open : price{};
  auto bid = top.bid.value_or(book_level{});
  auto ask = top.ask.value_or(book_level{});
  w.begin_object().field("symbol", sym.view());
  if (mini) {
    // rest-api.md "24hr ticker price change statistics", type MINI.
    w.field("openPrice", s.open.to_string()).field("highPrice", s.high.to_string())
      .field("lowPrice", s.low.to_string()).field("lastPrice", s.last.to_string())
      .field("volume", s.volume.to_string()).field("quoteVolume", s.quote_volume.to_string())
      .field_num("openTime", now - day_ms).field_num("closeTime", now)
      .field_num("firstId", s.first_id).field_num("lastId", s.last_id)
      .field_num("count", s.count).end_object();
    return;
  }
  // rest-api.md "24hr ticker price change statistics", type FULL.
  w
    .field("priceChange", change.to_string())
    .field("priceChangePercent", percent_string(change, s.open))
    .field("weightedAvgPrice", weighted_average(s).to_string())
    .field("prevClosePrice", s.prev_close.to_string())
    .field("lastPrice", s.last.to_string()).field("lastQty", s.last_qty.to_string())
    .field("bidPrice", bid.px.to_string()).field("bidQty", bid.quantity.to_string())
    .field("askPrice", ask.px.to_string()).field("askQty", ask.quantity.to_string())
    .field("openPrice", s.open.to_string()).field("highPrice", s.high.to_string())
    .field("lowPrice", s.low.to_string()).field("volume", s.volume.to_string())
    .field("quoteVolume", s.quote_volume.to_string())
    .field_num("openTime", now - day_ms).field_num("closeTime", now)
    .field_num("firstId", s.first_id).field_num("lastId", s.last_id)
    .field_num("count", s.count).end_object();
}

} // namespace

http_reply rest_api::depth(const request_params& p, int64_t) {
  if (auto e = check_unread(p, {"symbol", "limit"}, false)) return error(*e);
  auto sym = read_symbol(p, engine_);
  if (auto e = std::get_if<venue_error>(&sym)) return error(*e);
  auto limit = read_limit(p, 100, 5000);
  if (auto e = std::get_if<venue_error>(&limit)) return error(*e);
  auto s = std::get<symbol>(sym);
  auto n = static_cast<size_t>(std::get<int64_t>(limit));
  auto bids = engine_.depth(s, order_side::buy);
  auto asks = engine_.depth(s, order_side::sell);
  bids.resize(std::min(n, bids.size()));
  asks.resize(std::min(n, asks.size()));
  // lastUpdateId: the book state these levels show; diff events with
  // u <= lastUpdateId are already in it (web-socket-streams.md).
  json_writer w;
  w.begin_object().field_num("lastUpdateId", engine_.last_update_id(s));
  write_levels(w, "bids", bids);
  write_levels(w, "asks", asks);
  w.end_object();
  return {200, w.take(), {}};
}

http_reply rest_api::trades(const request_params& p, int64_t) {
  if (auto e = check_unread(p, {"symbol", "limit"}, false)) return error(*e);
  auto sym = read_symbol(p, engine_);
  if (auto e = std::get_if<venue_error>(&sym)) return error(*e);
  // rest-api.md "Recent trades list": limit default 500, max 1000.
  auto limit = read_limit(p, 500, static_cast<int64_t>(max_recent_trades));
  if (auto e = std::get_if<venue_error>(&limit)) return error(*e);
  json_writer w;
  write_trades(w, market_.recent(std::get<symbol>(sym), static_cast<size_t>(std::get<int64_t>(limit))));
  return {200, w.take(), {}};
}

http_reply rest_api::ticker_price(const request_params& p, int64_t) {
  auto syms = requested_symbols(p, engine_);
  if (auto e = std::get_if<venue_error>(&syms)) return error(*e);
  json_writer w;
  bool many = !p.has("symbol");
  if (many) w.begin_array();
  for (auto s : std::get<std::vector<symbol>>(syms)) {
    auto px = market_.last_price(s).value_or(price{});
    w.begin_object().field("symbol", s.view()).field("price", px.to_string()).end_object();
  }
  if (many) w.end_array();
  return {200, w.take(), {}};
}

http_reply rest_api::avg_price(const request_params& p, int64_t now) {
  if (auto e = check_unread(p, {"symbol"}, false)) return error(*e);
  auto sym = read_symbol(p, engine_);
  if (auto e = std::get_if<venue_error>(&sym)) return error(*e);
  constexpr int mins = 5; // Binance's spot average-price interval
  auto avg = market_.average_price(std::get<symbol>(sym), now, mins);
  json_writer w;
  w.begin_object().field_num("mins", mins).field("price", avg.px.to_string())
    .field_num("closeTime", avg.close_time).end_object();
  return {200, w.take(), {}};
}

http_reply rest_api::book_ticker(const request_params& p, int64_t) {
  auto syms = requested_symbols(p, engine_);
  if (auto e = std::get_if<venue_error>(&syms)) return error(*e);
  json_writer w;
  bool many = !p.has("symbol");
  if (many) w.begin_array();
  for (auto s : std::get<std::vector<symbol>>(syms))
    write_book_ticker(w, s, top_of(engine_, s));
  if (many) w.end_array();
  return {200, w.take(), {}};
}

http_reply rest_api::ticker_24hr(const request_params& p, int64_t now) {
  auto syms = requested_symbols(p, engine_, {"type"});
  if (auto e = std::get_if<venue_error>(&syms)) return error(*e);
  auto type = p.get("type");
  // errors.md -1139 INVALID_TICKER_TYPE; FULL by default.
  if (type && *type != "FULL" && *type != "MINI")
    return error(venue_error{-1139, "Invalid ticker type.", 400});
  bool mini = type && *type == "MINI";
  json_writer w;
  bool many = !p.has("symbol");
  if (many) w.begin_array();
  for (auto s : std::get<std::vector<symbol>>(syms))
    write_24hr(w, s, market_.rolling_24h(s, now), top_of(engine_, s), now, mini);
  if (many) w.end_array();
  return {200, w.take(), {}};
}

} // namespace cwts::venue
