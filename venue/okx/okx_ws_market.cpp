#include "venue/okx/okx_ws_market.hpp"

#include <array>

#include "venue/market_json.hpp"

namespace cwts::venue::okx {

namespace {

constexpr int64_t hour_ms = 60 * 60 * 1000;
// OKX: bars of 6H and longer follow Hong Kong time unless they end in "utc".
constexpr int64_t hong_kong_offset_ms = 8 * hour_ms;
// Bars kept per symbol and resolution for candles (older ones forgotten).
constexpr size_t candle_history = 20000;

struct bar_name {
  std::string_view okx;
  std::string_view kline; // trade_history's interval name
  bool local;             // UTC+8 unless suffixed "utc"
};

// OKX "Candlesticks channel" bars that trade_history can build (2D, 5D and
// 3M have no kline interval and are refused as unknown channels).
constexpr std::array<bar_name, 15> bar_names{{
  {"1s", "1s", false}, {"1m", "1m", false}, {"3m", "3m", false}, {"5m", "5m", false},
  {"15m", "15m", false}, {"30m", "30m", false}, {"1H", "1h", false}, {"2H", "2h", false},
  {"4H", "4h", false}, {"6H", "6h", true}, {"12H", "12h", true}, {"1D", "1d", true},
  {"3D", "3d", true}, {"1W", "1w", true}, {"1M", "1M", true},
}};

std::string px_or_empty(const std::optional<book_level>& l, bool size) {
  if (!l) return "";
  return size ? wire_decimal(l->quantity) : wire_decimal(l->px);
}

} // namespace

std::optional<candle_bar> parse_candle_channel(std::string_view channel) {
  constexpr std::string_view prefix = "candle";
  if (channel.substr(0, prefix.size()) != prefix) return std::nullopt;
  auto bar = channel.substr(prefix.size());
  bool utc = bar.size() > 3 && bar.substr(bar.size() - 3) == "utc";
  if (utc) bar.remove_suffix(3);
  for (auto& b : bar_names) {
    if (b.okx != bar || (utc && !b.local)) continue;
    auto iv = parse_kline_interval(b.kline);
    if (!iv) return std::nullopt;
    return candle_bar{*iv, b.local && !utc ? hong_kong_offset_ms : 0};
  }
  return std::nullopt;
}

std::optional<ws_endpoint> market_channel_endpoint(std::string_view channel) {
  if (channel == "books" || channel == "books5" || channel == "bbo-tbt" || channel == "trades"
      || channel == "tickers")
    return ws_endpoint::public_;
  if (parse_candle_channel(channel)) return ws_endpoint::business;
  return std::nullopt;
}

std::string candle_row(const kline& k, bool confirmed) {
  json_writer w;
  // [ts, o, h, l, c, vol (base), volCcy (quote), volCcyQuote (quote), confirm]
  w.begin_array().str(std::to_string(k.open_time)).str(wire_decimal(k.open))
    .str(wire_decimal(k.high)).str(wire_decimal(k.low)).str(wire_decimal(k.close))
    .str(wire_decimal(k.volume)).str(wire_decimal(k.quote_volume))
    .str(wire_decimal(k.quote_volume)).str(confirmed ? "1" : "0").end_array();
  return w.take();
}

market_channels::market_channels(matching_engine& engine, const market_stats& stats)
  : engine_(engine), stats_(stats), history_(candle_history) {
  engine_.on_trade([this](const public_trade& t) {
    history_.record(t);
    pending_trades_.push_back(t);
  });
}

void market_channels::sync() {
  auto rules = engine_.all_rules();
  if (rules.size() == instruments_.size()) return;
  for (auto& r : rules) {
    auto id = okx_inst_id(r);
    if (!find(id)) instruments_.push_back(instrument{r.sym, id, {}, {"books5", 5}, {"bbo-tbt", 1}, {}});
  }
}

market_channels::instrument* market_channels::find(std::string_view inst) {
  for (auto& i : instruments_)
    if (i.inst == inst) return &i;
  return nullptr;
}

const market_channels::instrument* market_channels::find(std::string_view inst) const {
  for (auto& i : instruments_)
    if (i.inst == inst) return &i;
  return nullptr;
}

std::vector<market_push> market_channels::settled(int64_t now_ms,
                                                  const subscribed_set& subscribed) {
  sync();
  std::vector<market_push> out;
  auto trades = std::move(pending_trades_);
  pending_trades_.clear();
  for (auto& t : trades) {
    auto* rules = engine_.rules(t.sym);
    if (!rules) continue;
    channel_key key{"trades", okx_inst_id(*rules)};
    if (!subscribed.count(key)) continue;
    json_writer w;
    // "Trades channel": side is the taker's; one push per trade (count 1).
    w.begin_object();
    write_channel_arg(w, "trades", key.inst);
    w.key("data").begin_array().begin_object()
      .field("instId", key.inst).field("tradeId", std::to_string(t.trade_id))
      .field("px", wire_decimal(t.px)).field("sz", wire_decimal(t.quantity))
      .field("side", t.buyer_is_maker ? "sell" : "buy").field("ts", std::to_string(t.time_ms))
      .field("count", "1")
      .end_object().end_array().end_object();
    out.push_back(market_push{std::move(key), w.take()});
  }
  for (auto& i : instruments_) {
    channel_key key{"bbo-tbt", i.inst};
    if (!subscribed.count(key)) continue;
    if (auto f = i.bbo.changed(engine_, i.sym, i.inst, now_ms))
      out.push_back(market_push{std::move(key), std::move(*f)});
  }
  return out;
}

void market_channels::write_ticker(json_writer& w, const instrument& i, int64_t now_ms) const {
  auto s = stats_.rolling_24h(i.sym, now_ms);
  auto last = stats_.last_price(i.sym);
  auto top = top_of(engine_, i.sym);
  auto px = [&](price p) { return last ? wire_decimal(p) : std::string(); };
  bool traded = s.count > 0;
  // sodUtc0 / sodUtc8: the open of the current day in UTC and UTC+8.
  auto day_open = [&](int64_t tz) {
    auto day = parse_kline_interval("1d");
    auto bars_today = day ? bars(i.sym, candle_bar{*day, tz}, 1, now_ms) : std::vector<kline>{};
    return bars_today.empty() ? px(s.last) : wire_decimal(bars_today.back().open);
  };
  w.field("instType", "SPOT").field("instId", i.inst)
    .field("last", px(s.last)).field("lastSz", last ? wire_decimal(s.last_qty) : "")
    .field("askPx", px_or_empty(top.ask, false)).field("askSz", px_or_empty(top.ask, true))
    .field("bidPx", px_or_empty(top.bid, false)).field("bidSz", px_or_empty(top.bid, true))
    .field("open24h", px(traded ? s.open : s.last))
    .field("high24h", px(traded ? s.high : s.last))
    .field("low24h", px(traded ? s.low : s.last))
    .field("volCcy24h", wire_decimal(s.quote_volume)).field("vol24h", wire_decimal(s.volume))
    .field("sodUtc0", day_open(0)).field("sodUtc8", day_open(hong_kong_offset_ms));
}

std::string market_channels::ticker_state(const instrument& i, int64_t now_ms) const {
  json_writer w;
  w.begin_object();
  write_ticker(w, i, now_ms);
  w.end_object();
  return w.take();
}

std::string market_channels::ticker_frame(const instrument& i, int64_t now_ms) const {
  json_writer w;
  w.begin_object();
  write_channel_arg(w, "tickers", i.inst);
  w.key("data").begin_array().begin_object();
  write_ticker(w, i, now_ms);
  w.field("ts", std::to_string(now_ms)).end_object().end_array().end_object();
  return w.take();
}

std::vector<kline> market_channels::bars(symbol sym, const candle_bar& bar, size_t n,
                                         int64_t now_ms) const {
  kline_query q;
  q.interval = bar.interval;
  q.tz_offset_ms = bar.tz_offset_ms;
  q.limit = n;
  return history_.klines(sym, q, now_ms);
}

void market_channels::candle_pushes(const channel_key& key, const instrument& i,
                                    int64_t now_ms, std::vector<market_push>& out) {
  auto bar = parse_candle_channel(key.channel);
  if (!bar) return;
  auto last_two = bars(i.sym, *bar, 2, now_ms);
  if (last_two.empty()) return;
  auto& state = candles_[key];
  auto push = [&](const kline& k, bool confirmed) {
    json_writer w;
    w.begin_object();
    write_channel_arg(w, key.channel, key.inst);
    w.key("data").begin_array().raw(candle_row(k, confirmed)).end_array().end_object();
    out.push_back(market_push{key, w.take()});
  };
  auto& current = last_two.back();
  // The bar pushed last has closed: its final state once, confirmed.
  if (state.open_time >= 0 && current.open_time != state.open_time && last_two.size() == 2
      && last_two.front().open_time == state.open_time)
    push(last_two.front(), true);
  auto row = candle_row(current, false);
  if (current.open_time == state.open_time && row == state.row) return;
  state.open_time = current.open_time;
  state.row = row;
  push(current, false);
}

std::vector<market_push> market_channels::tick(int64_t now_ms, const subscribed_set& subscribed) {
  sync();
  std::vector<market_push> out;
  for (auto& i : instruments_) {
    channel_key five{"books5", i.inst};
    if (subscribed.count(five))
      if (auto f = i.books5.changed(engine_, i.sym, i.inst, now_ms))
        out.push_back(market_push{five, std::move(*f)});
    if (subscribed.count(channel_key{"tickers", i.inst})) {
      // Pushed when anything but its time changed.
      auto state = ticker_state(i, now_ms);
      if (state != i.last_ticker) {
        out.push_back(market_push{channel_key{"tickers", i.inst}, ticker_frame(i, now_ms)});
        i.last_ticker = std::move(state);
      }
    }
  }
  // Candle state only for subscribed channels (unsubscribed ones forgotten).
  for (auto it = candles_.begin(); it != candles_.end();)
    it = subscribed.count(it->first) ? std::next(it) : candles_.erase(it);
  for (auto& key : subscribed)
    if (parse_candle_channel(key.channel))
      if (auto* i = find(key.inst)) candle_pushes(key, *i, now_ms, out);
  return out;
}

books_channel::pushes market_channels::flush_books(symbol sym, int64_t now_ms, bool to_existing,
                                                   bool to_fresh,
                                                   const std::function<bool()>& corrupt) {
  sync();
  for (auto& i : instruments_)
    if (i.sym == sym) return i.books.flush(engine_, sym, i.inst, now_ms, to_existing, to_fresh, corrupt);
  return {};
}

std::optional<std::string> market_channels::initial(const channel_key& key,
                                                    int64_t now_ms) const {
  auto* i = find(key.inst);
  if (!i) return std::nullopt;
  if (key.channel == "books5") return i->books5.current(engine_, i->sym, i->inst, now_ms);
  if (key.channel == "bbo-tbt") return i->bbo.current(engine_, i->sym, i->inst, now_ms);
  if (key.channel == "tickers") return ticker_frame(*i, now_ms);
  if (auto bar = parse_candle_channel(key.channel)) {
    auto last = bars(i->sym, *bar, 1, now_ms);
    if (last.empty()) return std::nullopt;
    json_writer w;
    w.begin_object();
    write_channel_arg(w, key.channel, key.inst);
    w.key("data").begin_array().raw(candle_row(last.back(), false)).end_array().end_object();
    return w.take();
  }
  return std::nullopt;
}

} // namespace cwts::venue::okx
