// Public endpoints: /api/v5/public/{time,instruments} and
// /api/v5/market/{books,trades,ticker,tickers,candles}.
#include <algorithm>
#include <charconv>

#include "venue/okx/okx_json.hpp"
#include "venue/okx/okx_rest_api.hpp"

namespace cwts::venue {

namespace {

constexpr int64_t hour_ms = 3'600'000;

// A whole number in [lo, hi], `fallback` when absent; nullopt when bad.
std::optional<int64_t> read_int(const request_params& p, std::string_view name, int64_t fallback,
                                int64_t lo, int64_t hi) {
  auto text = p.get(name);
  if (!text || text->empty()) return fallback;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size() || v < lo || v > hi)
    return std::nullopt;
  return v;
}

std::string px_or_empty(const symbol_rules& r, price px) {
  return px.is_positive() ? okx_px(r, px) : std::string{};
}

// OKX bar -> the kline interval and its time zone: bars of 6 hours and more
// are aligned to Hong Kong time (UTC+8) unless suffixed "utc".
struct bar_spec {
  std::string_view name, interval;
  int64_t tz_ms;
};
constexpr bar_spec bars[] = {
  {"1m", "1m", 0},       {"3m", "3m", 0},        {"5m", "5m", 0},       {"15m", "15m", 0},
  {"30m", "30m", 0},     {"1H", "1h", 0},        {"2H", "2h", 0},       {"4H", "4h", 0},
  {"6H", "6h", 8 * hour_ms},  {"12H", "12h", 8 * hour_ms}, {"1D", "1d", 8 * hour_ms},
  {"3D", "3d", 8 * hour_ms},  {"1W", "1w", 8 * hour_ms},   {"1M", "1M", 8 * hour_ms},
  {"6Hutc", "6h", 0},    {"12Hutc", "12h", 0},   {"1Dutc", "1d", 0},    {"3Dutc", "3d", 0},
  {"1Wutc", "1w", 0},    {"1Mutc", "1M", 0},
};

} // namespace

http_reply okx_rest_api::time(const request_params&, int64_t now_ms) {
  return ok("[{\"ts\":\"" + std::to_string(now_ms) + "\"}]");
}

http_reply okx_rest_api::instruments(const request_params& p, int64_t) {
  auto type = p.get("instType");
  if (!type || type->empty()) return error(okx_param_empty("instType"));
  if (!okx_inst_type_valid(*type)) return error(okx_param_error("instType"));
  if (*type != "SPOT") return ok("[]"); // this venue lists SPOT only
  const symbol_rules* only = nullptr;
  if (auto id = p.get("instId"); id && !id->empty()) {
    only = okx_find_instrument(engine_, *id);
    if (!only) return error({okx_code::inst_unknown, "Instrument ID does not exist.", 400});
  }
  json_writer w;
  w.begin_array();
  for (auto& r : engine_.all_rules()) {
    if (only && only->sym != r.sym) continue;
    w.begin_object()
      .field("instType", "SPOT").field("instId", okx_inst_id(r)).field("uly", "")
      .field("instFamily", "").field("baseCcy", r.base_asset).field("quoteCcy", r.quote_asset)
      .field("settleCcy", "").field("ctVal", "").field("ctMult", "").field("ctValCcy", "")
      .field("optType", "").field("stk", "").field("listTime", "").field("expTime", "")
      .field("lever", "").field("tickSz", okx_trim(r.tick_size.raw))
      .field("lotSz", okx_trim(r.step_size.raw)).field("minSz", okx_trim(r.min_qty.raw))
      .field("ctType", "").field("alias", "").field("state", "live").field("ruleType", "normal")
      .field("maxLmtSz", okx_trim(r.max_qty.raw)).field("maxMktSz", okx_trim(r.max_qty.raw))
      .field("maxLmtAmt", okx_trim(r.max_notional.raw))
      .field("maxMktAmt", okx_trim(r.max_notional.raw))
      .field("maxTwapSz", "").field("maxIcebergSz", "").field("maxTriggerSz", "")
      .field("maxStopSz", "")
      .end_object();
  }
  w.end_array();
  return ok(w.take());
}

http_reply okx_rest_api::books(const request_params& p, int64_t now_ms) {
  auto id = p.get("instId");
  if (!id || id->empty()) return error(okx_param_empty("instId"));
  auto r = okx_find_instrument(engine_, *id);
  if (!r) return error({okx_code::inst_unknown, "Instrument ID does not exist.", 400});
  auto sz = read_int(p, "sz", 1, 1, 400);
  if (!sz) return error(okx_param_error("sz", "must be 1..400"));
  auto side = [&](json_writer& w, order_side s) {
    w.begin_array();
    auto levels = engine_.depth(r->sym, s);
    for (size_t i = 0; i < levels.size() && i < static_cast<size_t>(*sz); ++i)
      // [price, size, "0" (deprecated liquidated orders), number of orders]
      w.begin_array().str(okx_px(*r, levels[i].px)).str(okx_sz(*r, levels[i].quantity)).str("0")
        .str(std::to_string(levels[i].orders)).end_array();
    w.end_array();
  };
  json_writer w;
  w.begin_array().begin_object().key("asks");
  side(w, order_side::sell);
  w.key("bids");
  side(w, order_side::buy);
  w.field("ts", std::to_string(now_ms)).end_object().end_array();
  return ok(w.take());
}

http_reply okx_rest_api::trades(const request_params& p, int64_t) {
  auto id = p.get("instId");
  if (!id || id->empty()) return error(okx_param_empty("instId"));
  auto r = okx_find_instrument(engine_, *id);
  if (!r) return error({okx_code::inst_unknown, "Instrument ID does not exist.", 400});
  auto limit = read_int(p, "limit", 100, 1, 500);
  if (!limit) return error(okx_param_error("limit", "must be 1..500"));
  auto recent = market_.recent(r->sym, static_cast<size_t>(*limit));
  json_writer w;
  w.begin_array();
  for (auto it = recent.rbegin(); it != recent.rend(); ++it) // newest first
    w.begin_object().field("instId", okx_inst_id(*r))
      .field("side", it->buyer_is_maker ? "sell" : "buy") // the taker's side
      .field("sz", okx_sz(*r, it->quantity)).field("px", okx_px(*r, it->px))
      .field("tradeId", std::to_string(it->trade_id)).field("ts", std::to_string(it->time_ms))
      .end_object();
  w.end_array();
  return ok(w.take());
}

namespace {

// The open price of the day (UTC, or UTC+8) holding now; empty when no
// trade is kept.
std::string day_open(const trade_history& h, const symbol_rules& r, int64_t tz_ms, int64_t now) {
  kline_query q;
  q.interval = *parse_kline_interval("1d");
  q.tz_offset_ms = tz_ms;
  q.limit = 1;
  auto k = h.klines(r.sym, q, now);
  return k.empty() ? std::string{} : px_or_empty(r, k.back().open);
}

} // namespace

// One ticker object (market/ticker and market/tickers).
static void write_ticker(json_writer& w, const symbol_rules& r, const matching_engine& engine,
                         const market_stats& market, const trade_history& history,
                         int64_t now_ms) {
  auto s = market.rolling_24h(r.sym, now_ms);
  auto bid = engine.best(r.sym, order_side::buy);
  auto ask = engine.best(r.sym, order_side::sell);
  w.begin_object().field("instType", "SPOT").field("instId", okx_inst_id(r))
    .field("last", px_or_empty(r, s.last))
    .field("lastSz", s.last.is_positive() ? okx_sz(r, s.last_qty) : std::string{})
    .field("askPx", ask ? okx_px(r, ask->px) : "").field("askSz", ask ? okx_sz(r, ask->quantity) : "")
    .field("bidPx", bid ? okx_px(r, bid->px) : "").field("bidSz", bid ? okx_sz(r, bid->quantity) : "")
    .field("open24h", px_or_empty(r, s.open)).field("high24h", px_or_empty(r, s.high))
    .field("low24h", px_or_empty(r, s.low))
    // Spot: volCcy24h is in the quote currency, vol24h in the base.
    .field("volCcy24h", okx_trim(s.quote_volume.raw)).field("vol24h", okx_sz(r, s.volume))
    .field("sodUtc0", day_open(history, r, 0, now_ms))
    .field("sodUtc8", day_open(history, r, 8 * hour_ms, now_ms))
    .field("ts", std::to_string(now_ms)).end_object();
}

http_reply okx_rest_api::ticker(const request_params& p, int64_t now_ms) {
  auto id = p.get("instId");
  if (!id || id->empty()) return error(okx_param_empty("instId"));
  auto r = okx_find_instrument(engine_, *id);
  if (!r) return error({okx_code::inst_unknown, "Instrument ID does not exist.", 400});
  json_writer w;
  w.begin_array();
  write_ticker(w, *r, engine_, market_, history_, now_ms);
  w.end_array();
  return ok(w.take());
}

http_reply okx_rest_api::tickers(const request_params& p, int64_t now_ms) {
  auto type = p.get("instType");
  if (!type || type->empty()) return error(okx_param_empty("instType"));
  if (!okx_inst_type_valid(*type)) return error(okx_param_error("instType"));
  if (*type != "SPOT") return ok("[]");
  json_writer w;
  w.begin_array();
  for (auto& r : engine_.all_rules())
    write_ticker(w, r, engine_, market_, history_, now_ms);
  w.end_array();
  return ok(w.take());
}

http_reply okx_rest_api::candles(const request_params& p, int64_t now_ms) {
  auto id = p.get("instId");
  if (!id || id->empty()) return error(okx_param_empty("instId"));
  auto r = okx_find_instrument(engine_, *id);
  if (!r) return error({okx_code::inst_unknown, "Instrument ID does not exist.", 400});
  std::string bar = "1m";
  if (auto b = p.get("bar"); b && !b->empty()) bar = *b;
  auto spec = std::find_if(std::begin(bars), std::end(bars),
                           [&](const bar_spec& s) { return s.name == bar; });
  if (spec == std::end(bars)) return error(okx_param_error("bar"));
  auto limit = read_int(p, "limit", 100, 1, 300);
  if (!limit) return error(okx_param_error("limit", "must be 1..300"));
  constexpr int64_t max_ms = INT64_MAX / 2;
  auto after = read_int(p, "after", 0, 0, max_ms);
  auto before = read_int(p, "before", 0, 0, max_ms);
  if (!after) return error(okx_param_error("after"));
  if (!before) return error(okx_param_error("before"));
  kline_query q;
  q.interval = *parse_kline_interval(spec->interval);
  q.tz_offset_ms = spec->tz_ms;
  q.limit = static_cast<size_t>(*limit);
  // after: candles opened before that ts; before: opened after it. Newest first.
  if (*after > 0) q.end_ms = *after - 1;
  auto ks = history_.klines(r->sym, q, now_ms);
  json_writer w;
  w.begin_array();
  for (auto it = ks.rbegin(); it != ks.rend(); ++it) {
    if (*before > 0 && it->open_time <= *before) break;
    w.begin_array().str(std::to_string(it->open_time)).str(okx_px(*r, it->open))
      .str(okx_px(*r, it->high)).str(okx_px(*r, it->low)).str(okx_px(*r, it->close))
      .str(okx_sz(*r, it->volume)).str(okx_trim(it->quote_volume.raw))
      .str(okx_trim(it->quote_volume.raw)).str(it->close_time < now_ms ? "1" : "0").end_array();
  }
  w.end_array();
  return ok(w.take());
}

} // namespace cwts::venue
