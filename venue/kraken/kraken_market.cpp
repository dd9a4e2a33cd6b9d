// Kraken public market data (docs.kraken.com "Spot REST API" / Market
// Data): every result is keyed by the pair's AssetPairs key, whatever name
// the request used.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <set>

#include "venue/kraken/kraken_rest_api.hpp"
#include "venue/okx/okx_json.hpp"

namespace cwts::venue {

namespace {

// "Sun, 06 Dec 26 15:47:11 +0000" (Kraken's rfc1123, two-digit year).
std::string rfc1123(int64_t now_ms) {
  auto secs = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %y %H:%M:%S +0000", &tm);
  return buf;
}

std::string iso_seconds(int64_t ms) {
  auto secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// A percentage from an 8-decimal fraction (0.001 -> 0.1).
std::string percent(price fraction) { return okx_trim(fraction.raw * 100); }

// Pairs named by a comma list (any Kraken spelling); all pairs when absent.
std::variant<std::vector<symbol_rules>, kraken_error> pairs_of(const matching_engine& engine,
                                                               const request_params& p) {
  auto list = kraken_str(p, "pair");
  if (!list) return engine.all_rules();
  std::vector<symbol_rules> out;
  for (auto& name : kraken_list(*list)) {
    auto r = kraken_find_pair(engine, name);
    if (!r) return kraken_fail(kraken_err::unknown_pair);
    out.push_back(*r);
  }
  return out;
}

// Trades: the most a `since` query reads (trade_history keeps 100000).
constexpr size_t max_trades_read = 100000;

// An integer parameter within [lo, hi], `fallback` when absent.
std::variant<int64_t, kraken_error> bounded(const request_params& p, std::string_view name,
                                            int64_t fallback, int64_t lo, int64_t hi) {
  auto v = kraken_int(p, name);
  if (auto e = std::get_if<kraken_error>(&v)) return *e;
  auto n = std::get<std::optional<int64_t>>(v).value_or(fallback);
  if (n < lo || n > hi) return kraken_invalid(name);
  return n;
}

} // namespace

http_reply kraken_rest_api::time(const request_params&, int64_t now_ms) {
  json_writer w;
  w.begin_object().field_num("unixtime", now_ms / 1000).field("rfc1123", rfc1123(now_ms))
    .end_object();
  return ok(w.str_view());
}

http_reply kraken_rest_api::system_status(const request_params&, int64_t now_ms) {
  json_writer w;
  w.begin_object().field("status", "online").field("timestamp", iso_seconds(now_ms))
    .end_object();
  return ok(w.str_view());
}

http_reply kraken_rest_api::assets(const request_params& p, int64_t) {
  std::set<std::string> all; // ours
  for (auto& r : engine_.all_rules()) {
    all.insert(r.base_asset);
    all.insert(r.quote_asset);
  }
  std::set<std::string> wanted = all;
  if (auto list = kraken_str(p, "asset")) {
    wanted.clear();
    for (auto& name : kraken_list(*list)) {
      auto ours = kraken_our_asset(name);
      if (!all.count(ours)) return error(kraken_fail(kraken_err::unknown_asset));
      wanted.insert(ours);
    }
  }
  json_writer w;
  w.begin_object();
  for (auto& a : wanted) {
    // The venue keeps every balance with 8 decimals.
    w.key(kraken_asset(a)).begin_object().field("aclass", "currency")
      .field("altname", kraken_altname_asset(a)).field_num("decimals", decimal_places)
      .field_num("display_decimals", decimal_places).field("status", "enabled").end_object();
  }
  w.end_object();
  return ok(w.str_view());
}

http_reply kraken_rest_api::asset_pairs(const request_params& p, int64_t) {
  auto pairs = pairs_of(engine_, p);
  if (auto e = std::get_if<kraken_error>(&pairs)) return error(*e);
  if (auto info = kraken_str(p, "info");
      info && *info != "info" && *info != "leverage" && *info != "fees" && *info != "margin")
    return error(kraken_invalid("info"));
  auto fees = engine_.commission();
  json_writer w;
  w.begin_object();
  for (auto& r : std::get<std::vector<symbol_rules>>(pairs)) {
    auto n = kraken_names_of(r);
    w.key(n.key).begin_object()
      .field("altname", n.altname).field("wsname", n.wsname)
      .field("aclass_base", "currency").field("base", n.base)
      .field("aclass_quote", "currency").field("quote", n.quote)
      .field("lot", "unit")
      .field_num("cost_decimals", kraken_cost_decimals(r))
      .field_num("pair_decimals", kraken_pair_decimals(r))
      .field_num("lot_decimals", kraken_lot_decimals(r))
      .field_num("lot_multiplier", 1)
      .key("leverage_buy").begin_array().end_array()
      .key("leverage_sell").begin_array().end_array()
      .key("fees").begin_array().begin_array().num(0).raw(percent(fees.taker)).end_array().end_array()
      .key("fees_maker").begin_array().begin_array().num(0).raw(percent(fees.maker)).end_array()
      .end_array()
      .field("fee_volume_currency", kraken_asset(r.quote_asset))
      .field_num("margin_call", 80).field_num("margin_stop", 40)
      .field("ordermin", kraken_vol(r, r.min_qty))
      .field("costmin", okx_trim(r.min_notional.raw))
      .field("tick_size", kraken_px(r, r.tick_size))
      .field("status", "online")
      .end_object();
  }
  w.end_object();
  return ok(w.str_view());
}

http_reply kraken_rest_api::ticker(const request_params& p, int64_t now_ms) {
  auto pairs = pairs_of(engine_, p);
  if (auto e = std::get_if<kraken_error>(&pairs)) return error(*e);
  json_writer w;
  w.begin_object();
  for (auto& r : std::get<std::vector<symbol_rules>>(pairs)) {
    auto s = market_.rolling_24h(r.sym, now_ms);
    auto top = [&](std::string_view key, order_side side) {
      auto b = engine_.best(r.sym, side);
      price px = b ? b->px : price{};
      qty q = b ? b->quantity : qty{};
      w.key(key).begin_array().str(kraken_px(r, px)).str(std::to_string(q.raw / decimal_scale))
        .str(kraken_vol(r, q)).end_array();
    };
    std::string vwap = kraken_px(r, s.last);
    if (s.volume.is_positive())
      vwap = kraken_px(r, price::from_raw(static_cast<int64_t>(
                            static_cast<__int128>(s.quote_volume.raw) * decimal_scale / s.volume.raw)));
    // "today" and "last 24 hours" are both the venue's rolling 24 h window.
    auto pair_of_text = [&](std::string_view key, const std::string& v) {
      w.key(key).begin_array().str(v).str(v).end_array();
    };
    w.key(kraken_names_of(r).key).begin_object();
    top("a", order_side::sell);
    top("b", order_side::buy);
    w.key("c").begin_array().str(kraken_px(r, s.last)).str(kraken_vol(r, s.last_qty)).end_array();
    pair_of_text("v", kraken_vol(r, s.volume));
    pair_of_text("p", vwap);
    w.key("t").begin_array().num(s.count).num(s.count).end_array();
    pair_of_text("l", kraken_px(r, s.low));
    pair_of_text("h", kraken_px(r, s.high));
    w.field("o", kraken_px(r, s.open)).end_object();
  }
  w.end_object();
  return ok(w.str_view());
}

http_reply kraken_rest_api::depth(const request_params& p, int64_t now_ms) {
  std::optional<kraken_error> err;
  auto r = pair_param(p, err);
  if (!r) return error(*err);
  auto count = bounded(p, "count", 100, 1, 500);
  if (auto e = std::get_if<kraken_error>(&count)) return error(*e);
  auto n = static_cast<size_t>(std::get<int64_t>(count));
  json_writer w;
  auto levels = [&](std::string_view key, order_side s) {
    w.key(key).begin_array();
    size_t i = 0;
    for (auto& l : engine_.depth(r->sym, s)) {
      if (i++ == n) break;
      w.begin_array().str(kraken_px(*r, l.px)).str(kraken_vol(*r, l.quantity)).num(now_ms / 1000)
        .end_array();
    }
    w.end_array();
  };
  w.begin_object().key(kraken_names_of(*r).key).begin_object();
  levels("asks", order_side::sell);
  levels("bids", order_side::buy);
  w.end_object().end_object();
  return ok(w.str_view());
}

http_reply kraken_rest_api::trades(const request_params& p, int64_t) {
  std::optional<kraken_error> err;
  auto r = pair_param(p, err);
  if (!r) return error(*err);
  auto count = bounded(p, "count", 1000, 1, 1000);
  if (auto e = std::get_if<kraken_error>(&count)) return error(*e);
  auto since = bounded(p, "since", 0, 0, INT64_MAX);
  if (auto e = std::get_if<kraken_error>(&since)) return error(*e);
  // `since` is the previous answer's `last` (nanoseconds); seconds work too.
  int64_t since_ns = std::get<int64_t>(since);
  if (since_ns < 100'000'000'000LL) since_ns *= 1'000'000'000LL;
  auto limit = static_cast<size_t>(std::get<int64_t>(count));
  // Without `since`: the newest `count` trades; with it: those after it,
  // oldest first (every kept trade is read then).
  auto all = history_.trades(r->sym, std::nullopt,
                             std::get<int64_t>(since) == 0 ? limit : max_trades_read);
  json_writer w;
  w.begin_object().key(kraken_names_of(*r).key).begin_array();
  int64_t last_ns = since_ns;
  size_t n = 0;
  for (auto& t : all) {
    int64_t t_ns = t.time_ms * 1'000'000;
    if (t_ns <= since_ns) continue;
    if (n++ == limit) break;
    // The taker's side: the buyer is the taker when the seller made the book.
    w.begin_array().str(kraken_px(*r, t.px)).str(kraken_vol(*r, t.quantity))
      .raw(kraken_seconds(t.time_ms)).str(t.buyer_is_maker ? "s" : "b").str("l").str("")
      .num(t.trade_id).end_array();
    last_ns = t_ns;
  }
  w.end_array().field("last", std::to_string(last_ns)).end_object();
  return ok(w.str_view());
}

http_reply kraken_rest_api::ohlc(const request_params& p, int64_t now_ms) {
  std::optional<kraken_error> err;
  auto r = pair_param(p, err);
  if (!r) return error(*err);
  auto interval = bounded(p, "interval", 1, 1, 21600);
  if (auto e = std::get_if<kraken_error>(&interval)) return error(*e);
  auto minutes = std::get<int64_t>(interval);
  static const int64_t allowed[] = {1, 5, 15, 30, 60, 240, 1440, 10080, 21600};
  if (std::find(std::begin(allowed), std::end(allowed), minutes) == std::end(allowed))
    return error(kraken_invalid("interval"));
  auto since = bounded(p, "since", 0, 0, INT64_MAX / 1000);
  if (auto e = std::get_if<kraken_error>(&since)) return error(*e);
  kline_query q;
  q.interval.ms = minutes * 60'000; // Kraken's candles are aligned to the epoch
  q.limit = 720;                     // "up to 720 OHLC data points"
  auto ks = history_.klines(r->sym, q, now_ms);
  json_writer w;
  w.begin_object().key(kraken_names_of(*r).key).begin_array();
  int64_t last = 0;
  for (auto& k : ks) {
    auto open_s = k.open_time / 1000;
    if (k.close_time < now_ms) last = open_s; // committed: the interval is over
    if (open_s <= std::get<int64_t>(since)) continue;
    auto vwap = k.close;
    if (k.volume.is_positive())
      vwap = price::from_raw(static_cast<int64_t>(static_cast<__int128>(k.quote_volume.raw)
                                                  * decimal_scale / k.volume.raw));
    w.begin_array().num(open_s).str(kraken_px(*r, k.open)).str(kraken_px(*r, k.high))
      .str(kraken_px(*r, k.low)).str(kraken_px(*r, k.close)).str(kraken_px(*r, vwap))
      .str(kraken_vol(*r, k.volume)).num(k.count).end_array();
  }
  w.end_array().field_num("last", last).end_object();
  return ok(w.str_view());
}

http_reply kraken_rest_api::spread(const request_params& p, int64_t) {
  std::optional<kraken_error> err;
  auto r = pair_param(p, err);
  if (!r) return error(*err);
  auto since = bounded(p, "since", 0, 0, INT64_MAX);
  if (auto e = std::get_if<kraken_error>(&since)) return error(*e);
  json_writer w;
  w.begin_object().key(kraken_names_of(*r).key).begin_array();
  int64_t last = std::get<int64_t>(since);
  auto it = spreads_.find(r->sym);
  if (it != spreads_.end())
    for (auto& s : it->second) {
      if (s.time_s <= std::get<int64_t>(since)) continue;
      w.begin_array().num(s.time_s).str(kraken_px(*r, s.bid)).str(kraken_px(*r, s.ask)).end_array();
      last = s.time_s;
    }
  w.end_array().field_num("last", last).end_object();
  return ok(w.str_view());
}

} // namespace cwts::venue
