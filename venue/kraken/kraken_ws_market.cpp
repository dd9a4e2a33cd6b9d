#include "venue/kraken/kraken_ws_market.hpp"

#include <algorithm>

#include "common/kraken_names.hpp"

namespace cwts::venue::kraken {

namespace {

// Bars kept per symbol and resolution (older ones forgotten).
constexpr size_t bar_history = 20000;
// Market order ids remembered for trades' ord_type.
constexpr size_t remembered_market_orders = 1024;

constexpr int64_t minute_ms = 60'000;

// a / b as an 8-decimal fixed value (0 when b is 0).
int64_t ratio_raw(int64_t a, int64_t b) {
  if (b == 0) return 0;
  return static_cast<int64_t>(static_cast<__int128>(a) * decimal_scale / b);
}

// Rounded to `decimals` decimals (half away from zero).
int64_t rounded(int64_t raw, int decimals) {
  int64_t unit = 1;
  for (int i = decimals; i < 8; ++i)
    unit *= 10;
  int64_t half = unit / 2;
  return (raw >= 0 ? (raw + half) / unit : (raw - half) / unit) * unit;
}

} // namespace

bool valid_ohlc_interval(int64_t m) {
  return m == 1 || m == 5 || m == 15 || m == 30 || m == 60 || m == 240 || m == 1440
         || m == 10080 || m == 21600;
}

market_channels::market_channels(matching_engine& engine, const market_stats& stats)
  : engine_(engine), stats_(stats), history_(bar_history) {
  engine_.on_trade([this](const public_trade& t) {
    history_.record(t);
    pending_trades_.push_back(t);
  });
  engine_.on_order_update([this](const order& o) {
    if (o.type != order_type::market) return;
    if (std::find(market_orders_.begin(), market_orders_.end(), o.order_id)
        != market_orders_.end())
      return;
    market_orders_.push_back(o.order_id);
    if (market_orders_.size() > remembered_market_orders) market_orders_.pop_front();
  });
}

std::string_view market_channels::taker_order_type(int64_t order_id) const {
  bool market = std::find(market_orders_.begin(), market_orders_.end(), order_id)
                != market_orders_.end();
  return market ? "market" : "limit";
}

void market_channels::write_trade(json_writer& w, const public_trade& t,
                                  const pair_info& pair) const {
  // "Trade": side is the taker's, ord_type the taker order's type.
  w.begin_object().field("symbol", pair.v2_symbol)
    .field("side", t.buyer_is_maker ? "sell" : "buy")
    .key("price").raw(json_number(t.px)).key("qty").raw(json_number(t.quantity))
    .field("ord_type", taker_order_type(t.taker_order_id)).field_num("trade_id", t.trade_id)
    .field("timestamp", rfc3339(t.time_ms)).end_object();
}

std::vector<market_push> market_channels::settled(int64_t /*now_ms*/,
                                                  const subscribed_set& subscribed) {
  std::vector<market_push> out;
  auto trades = std::move(pending_trades_);
  pending_trades_.clear();
  for (auto& t : trades) {
    auto* rules = engine_.rules(t.sym);
    if (!rules) continue;
    auto pair = pair_of(*rules);
    sub_key key{"trade", pair.v2_symbol, 0};
    if (!subscribed.count(key)) continue;
    json_writer w;
    // One message per trade.
    w.begin_object().field("channel", "trade").field("type", "update").key("data").begin_array();
    write_trade(w, t, pair);
    w.end_array().end_object();
    out.push_back(market_push{std::move(key), w.take()});
  }
  return out;
}

void market_channels::write_ticker(json_writer& w, const pair_info& pair, int64_t now_ms) const {
  auto s = stats_.rolling_24h(pair.sym, now_ms);
  auto last = stats_.last_price(pair.sym);
  auto bid = engine_.best(pair.sym, order_side::buy);
  auto ask = engine_.best(pair.sym, order_side::sell);
  bool traded = s.count > 0;
  auto open = traded ? s.open : s.last;
  auto change = traded ? s.last.raw - s.open.raw : 0;
  auto num = [&](std::string_view k, int64_t raw) { w.key(k).raw(json_number(raw)); };
  w.field("symbol", pair.v2_symbol);
  num("bid", bid ? bid->px.raw : 0);
  num("bid_qty", bid ? bid->quantity.raw : 0);
  num("ask", ask ? ask->px.raw : 0);
  num("ask_qty", ask ? ask->quantity.raw : 0);
  num("last", last ? s.last.raw : 0);
  num("volume", s.volume.raw);
  // vwap of the window, at the pair's price precision.
  num("vwap", rounded(ratio_raw(s.quote_volume.raw, s.volume.raw), pair.price_decimals));
  num("low", traded ? s.low.raw : s.last.raw);
  num("high", traded ? s.high.raw : s.last.raw);
  num("change", change);
  num("change_pct", rounded(ratio_raw(change * 100, open.raw), 2));
}

std::string market_channels::ticker_frame(const pair_info& pair, std::string_view type,
                                          int64_t now_ms) const {
  json_writer w;
  w.begin_object().field("channel", "ticker").field("type", type).key("data").begin_array()
    .begin_object();
  write_ticker(w, pair, now_ms);
  w.end_object().end_array().end_object();
  return w.take();
}

std::vector<kline> market_channels::bars(symbol sym, int64_t minutes, size_t n,
                                         int64_t now_ms) const {
  kline_query q;
  q.interval = kline_interval{minutes * minute_ms, false, minutes == 10080};
  q.limit = n;
  return history_.klines(sym, q, now_ms);
}

std::string market_channels::ohlc_frame(const pair_info& pair, std::string_view type,
                                        const std::vector<kline>& bars, int64_t minutes,
                                        int64_t now_ms) const {
  json_writer w;
  w.begin_object().field("channel", "ohlc").field("type", type)
    .field("timestamp", rfc3339(now_ms)).key("data").begin_array();
  for (auto& k : bars) {
    auto vwap = rounded(ratio_raw(k.quote_volume.raw, k.volume.raw), pair.price_decimals);
    w.begin_object().field("symbol", pair.v2_symbol)
      .key("open").raw(json_number(k.open)).key("high").raw(json_number(k.high))
      .key("low").raw(json_number(k.low)).key("close").raw(json_number(k.close))
      .field_num("trades", k.count).key("volume").raw(json_number(k.volume))
      .key("vwap").raw(json_number(vwap))
      .field("interval_begin", rfc3339(k.open_time)).field_num("interval", minutes)
      .field("timestamp", rfc3339(k.open_time + minutes * minute_ms)).end_object();
  }
  w.end_array().end_object();
  return w.take();
}

std::string market_channels::instrument_frame() const {
  auto rules = engine_.all_rules();
  std::vector<std::string> assets;
  for (auto& r : rules)
    for (auto* a : {&r.base_asset, &r.quote_asset})
      if (std::find(assets.begin(), assets.end(), *a) == assets.end()) assets.push_back(*a);
  json_writer w;
  w.begin_object().field("channel", "instrument").field("type", "snapshot").key("data")
    .begin_object().key("assets").begin_array();
  // The venue's balances carry 8 decimals; nothing here is marginable.
  for (auto& a : assets)
    w.begin_object().field("id", kraken_v2_asset(a)).field("status", "enabled")
      .field_num("precision", 8).field_num("precision_display", 8)
      .field_bool("borrowable", false).key("collateral_value").raw("0")
      .key("margin_rate").raw("0").end_object();
  w.end_array().key("pairs").begin_array();
  for (auto& r : rules) {
    auto p = pair_of(r);
    w.begin_object().field("symbol", p.v2_symbol).field("base", p.base).field("quote", p.quote)
      .field("status", "online").field_num("qty_precision", p.qty_decimals)
      .key("qty_increment").raw(json_number(r.step_size))
      .field_num("price_precision", p.price_decimals)
      .field_num("cost_precision", p.price_decimals).field_bool("marginable", false)
      .field_bool("has_index", false).key("cost_min").raw(json_number(r.min_notional))
      .key("tick_size").raw(json_number(r.tick_size))
      .key("price_increment").raw(json_number(r.tick_size))
      .key("qty_min").raw(json_number(r.min_qty)).end_object();
  }
  w.end_array().end_object().end_object();
  return w.take();
}

std::vector<market_push> market_channels::tick(int64_t now_ms, const subscribed_set& subscribed) {
  std::vector<market_push> out;
  for (auto& key : subscribed) {
    if (key.channel != "ticker" && key.channel != "ohlc") continue;
    auto pair = find_pair(engine_, key.symbol);
    if (!pair) continue;
    std::string state, frame;
    if (key.channel == "ticker") {
      // Pushed when anything changed (the ticker carries no time).
      frame = ticker_frame(*pair, "update", now_ms);
      state = frame;
    } else {
      auto current = bars(pair->sym, key.param, 1, now_ms);
      if (current.empty()) continue;
      // The bar without the message time, to tell whether it changed.
      state = ohlc_frame(*pair, "update", current, key.param, 0);
      frame = ohlc_frame(*pair, "update", current, key.param, now_ms);
    }
    auto& last = last_pushed_[key];
    if (state == last) continue;
    last = std::move(state);
    out.push_back(market_push{key, std::move(frame)});
  }
  return out;
}

book_channel::pushes market_channels::flush_book(const sub_key& key, int64_t now_ms,
                                                 bool to_existing, bool to_fresh,
                                                 const std::function<bool()>& corrupt) {
  auto pair = find_pair(engine_, key.symbol);
  if (!pair) return {};
  auto it = books_.try_emplace(key, static_cast<size_t>(key.param)).first;
  return it->second.flush(engine_, *pair, now_ms, to_existing, to_fresh, corrupt);
}

std::optional<std::string> market_channels::initial(const sub_key& key, int64_t now_ms) const {
  if (key.channel == "instrument") return instrument_frame();
  auto pair = find_pair(engine_, key.symbol);
  if (!pair) return std::nullopt;
  if (key.channel == "ticker") return ticker_frame(*pair, "snapshot", now_ms);
  if (key.channel == "ohlc")
    return ohlc_frame(*pair, "snapshot", bars(pair->sym, key.param, ohlc_snapshot_size, now_ms),
                      key.param, now_ms);
  if (key.channel == "trade") {
    json_writer w;
    w.begin_object().field("channel", "trade").field("type", "snapshot").key("data")
      .begin_array();
    for (auto& t : stats_.recent(pair->sym, trade_snapshot_size))
      write_trade(w, t, *pair);
    w.end_array().end_object();
    return w.take();
  }
  return std::nullopt;
}

void market_channels::forget_unsubscribed(const subscribed_set& subscribed) {
  for (auto it = books_.begin(); it != books_.end();)
    it = subscribed.count(it->first) ? std::next(it) : books_.erase(it);
  for (auto it = last_pushed_.begin(); it != last_pushed_.end();)
    it = subscribed.count(it->first) ? std::next(it) : last_pushed_.erase(it);
}

} // namespace cwts::venue::kraken
