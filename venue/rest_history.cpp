// The trade-history market-data endpoints of rest_api (rest-api.md "Market
// Data endpoints"): "Old trade lookup" (historicalTrades), "Compressed/
// Aggregate trades list" (aggTrades) and "Kline/Candlestick data" (klines,
// uiKlines), backed by trade_history.
#include "venue/json_writer.hpp"
#include "venue/market_json.hpp"
#include "venue/rest_api.hpp"
#include "venue/rest_params.hpp"

namespace cwts::venue {

http_reply rest_api::historical_trades(const request_params& p, int64_t) {
  if (auto e = check_unread(p, {"symbol", "limit", "fromId"}, false)) return error(*e);
  auto sym = read_symbol(p, engine_);
  if (auto e = std::get_if<venue_error>(&sym)) return error(*e);
  // rest-api.md "Old trade lookup": limit default 500, max 1000; fromId
  // "TradeId to fetch from. Default gets most recent trades."
  auto limit = read_limit(p, 500, 1000);
  if (auto e = std::get_if<venue_error>(&limit)) return error(*e);
  auto from = read_id(p, "fromId");
  if (auto e = std::get_if<venue_error>(&from)) return error(*e);
  json_writer w;
  write_trades(w, history_.trades(std::get<symbol>(sym), std::get<std::optional<int64_t>>(from),
                                  static_cast<size_t>(std::get<int64_t>(limit))));
  return {200, w.take(), {}};
}

http_reply rest_api::agg_trades(const request_params& p, int64_t) {
  if (auto e = check_unread(p, {"symbol", "fromId", "startTime", "endTime", "limit"}, false))
    return error(*e);
  auto sym = read_symbol(p, engine_);
  if (auto e = std::get_if<venue_error>(&sym)) return error(*e);
  auto limit = read_limit(p, 500, 1000);
  if (auto e = std::get_if<venue_error>(&limit)) return error(*e);
  auto from = read_id(p, "fromId");
  if (auto e = std::get_if<venue_error>(&from)) return error(*e);
  auto start = read_id(p, "startTime");
  if (auto e = std::get_if<venue_error>(&start)) return error(*e);
  auto end = read_id(p, "endTime");
  if (auto e = std::get_if<venue_error>(&end)) return error(*e);
  json_writer w;
  w.begin_array();
  for (auto& a : history_.agg_trades(std::get<symbol>(sym), std::get<std::optional<int64_t>>(from),
                                     std::get<std::optional<int64_t>>(start),
                                     std::get<std::optional<int64_t>>(end),
                                     static_cast<size_t>(std::get<int64_t>(limit))))
    // The "Aggregate Trade Streams" fields without e/E/s.
    w.begin_object().field_num("a", a.agg_id).field("p", a.px.to_string())
      .field("q", a.quantity.to_string()).field_num("f", a.first_id).field_num("l", a.last_id)
      .field_num("T", a.time_ms).field_bool("m", a.buyer_is_maker).field_bool("M", true)
      .end_object();
  w.end_array();
  return {200, w.take(), {}};
}

http_reply rest_api::klines(const request_params& p, int64_t now) {
  if (auto e = check_unread(p, {"symbol", "interval", "startTime", "endTime", "timeZone", "limit"},
                            false))
    return error(*e);
  auto sym = read_symbol(p, engine_);
  if (auto e = std::get_if<venue_error>(&sym)) return error(*e);
  auto interval_text = p.get("interval");
  if (!interval_text) return error(missing_param("interval"));
  auto interval = parse_kline_interval(*interval_text);
  // errors.md -1120 BAD_INTERVAL.
  if (!interval) return error(venue_error{-1120, "Invalid interval.", 400});
  auto limit = read_limit(p, 500, 1000);
  if (auto e = std::get_if<venue_error>(&limit)) return error(*e);
  auto start = read_id(p, "startTime");
  if (auto e = std::get_if<venue_error>(&start)) return error(*e);
  auto end = read_id(p, "endTime");
  if (auto e = std::get_if<venue_error>(&end)) return error(*e);
  kline_query q;
  q.interval = *interval;
  q.start_ms = std::get<std::optional<int64_t>>(start);
  q.end_ms = std::get<std::optional<int64_t>>(end);
  q.limit = static_cast<size_t>(std::get<int64_t>(limit));
  if (auto tz = p.get("timeZone")) {
    auto off = parse_time_zone(*tz);
    // errors.md -1130 INVALID_PARAMETER.
    if (!off)
      return error(venue_error{-1130, "Data sent for parameter 'timeZone' is not valid.", 400});
    q.tz_offset_ms = *off;
  }
  json_writer w;
  w.begin_array();
  // rest-api.md: open time, open, high, low, close, volume, close time, quote
  // asset volume, number of trades, taker buy base volume, taker buy quote
  // volume, unused field ("0").
  for (auto& k : history_.klines(std::get<symbol>(sym), q, now))
    w.begin_array().num(k.open_time).str(k.open.to_string()).str(k.high.to_string())
      .str(k.low.to_string()).str(k.close.to_string()).str(k.volume.to_string())
      .num(k.close_time).str(k.quote_volume.to_string()).num(k.count)
      .str(k.taker_buy_volume.to_string()).str(k.taker_buy_quote_volume.to_string()).str("0")
      .end_array();
  w.end_array();
  return {200, w.take(), {}};
}

} // namespace cwts::venue
