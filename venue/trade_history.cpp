#include "venue/trade_history.hpp"

#include <algorithm>
#include <charconv>
#include <string>

namespace cwts::venue {

namespace {

constexpr int64_t second_ms = 1000;
constexpr int64_t minute_ms = 60 * second_ms;
constexpr int64_t hour_ms = 60 * minute_ms;
constexpr int64_t day_length_ms = 24 * hour_ms;
// 1970-01-01 was a Thursday; Binance's weekly klines open on Mondays.
constexpr int64_t monday_shift_ms = 4 * day_length_ms;

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Days since 1970-01-01 <-> civil date (proleptic Gregorian).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  int64_t era = floor_div(y, 400);
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int64_t& y, int64_t& m) {
  z += 719468;
  int64_t era = floor_div(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = yoe + era * 400 + (m <= 2);
}

// Opening time of the interval holding `t` (UTC ms), boundaries in the
// time zone `off` (rest-api.md: "kline intervals are interpreted in that
// timezone"; startTime/endTime stay UTC).
int64_t floor_open(const kline_interval& iv, int64_t t, int64_t off) {
  int64_t local = t + off;
  int64_t open = 0;
  if (iv.month) {
    int64_t y = 0, m = 0;
    civil_from_days(floor_div(local, day_length_ms), y, m);
    open = days_from_civil(y, m, 1) * day_length_ms;
  } else if (iv.week) {
    open = floor_div(local - monday_shift_ms, iv.ms) * iv.ms + monday_shift_ms;
  } else {
    open = floor_div(local, iv.ms) * iv.ms;
  }
  return open - off;
}

int64_t next_open(const kline_interval& iv, int64_t open, int64_t off) {
  if (!iv.month) return open + iv.ms;
  int64_t y = 0, m = 0;
  civil_from_days(floor_div(open + off, day_length_ms), y, m);
  if (++m > 12) m = 1, ++y;
  return days_from_civil(y, m, 1) * day_length_ms - off;
}

int64_t prev_open(const kline_interval& iv, int64_t open, int64_t off) {
  if (!iv.month) return open - iv.ms;
  return floor_open(iv, open - 1, off);
}

bool parse_int(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

} // namespace

std::optional<kline_interval> parse_kline_interval(std::string_view text) {
  // rest-api.md "Kline/Candlestick data": supported intervals, case-sensitive.
  static const std::pair<std::string_view, kline_interval> table[] = {
    {"1s", {second_ms, false, false}},        {"1m", {minute_ms, false, false}},
    {"3m", {3 * minute_ms, false, false}},    {"5m", {5 * minute_ms, false, false}},
    {"15m", {15 * minute_ms, false, false}},  {"30m", {30 * minute_ms, false, false}},
    {"1h", {hour_ms, false, false}},          {"2h", {2 * hour_ms, false, false}},
    {"4h", {4 * hour_ms, false, false}},      {"6h", {6 * hour_ms, false, false}},
    {"8h", {8 * hour_ms, false, false}},      {"12h", {12 * hour_ms, false, false}},
    {"1d", {day_length_ms, false, false}},    {"3d", {3 * day_length_ms, false, false}},
    {"1w", {7 * day_length_ms, false, true}}, {"1M", {0, true, false}},
  };
  for (auto& [name, iv] : table)
    if (name == text) return iv;
  return std::nullopt;
}

std::optional<int64_t> parse_time_zone(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  int64_t hours = 0, minutes = 0;
  auto colon = text.find(':');
  if (!parse_int(text.substr(0, colon), hours) || text.substr(0, colon).size() > 2)
    return std::nullopt;
  if (colon != std::string_view::npos) {
    auto m = text.substr(colon + 1);
    if (m.size() != 2 || !parse_int(m, minutes) || minutes > 59) return std::nullopt;
  }
  int64_t off = (hours * 60 + minutes) * minute_ms * (negative ? -1 : 1);
  // "Accepted range is strictly [-12:00 to +14:00] inclusive".
  if (off < -12 * hour_ms || off > 14 * hour_ms) return std::nullopt;
  return off;
}

void trade_history::add_to(std::deque<bucket>& buckets, int64_t start_ms,
                           const public_trade& t) const {
  if (buckets.empty() || buckets.back().start_ms != start_ms) {
    bucket b;
    b.start_ms = start_ms;
    b.open = b.high = b.low = t.px;
    buckets.push_back(b);
    if (buckets.size() > max_kept_) buckets.pop_front();
  }
  auto& b = buckets.back();
  auto value = notional_of(t.px, t.quantity).value_or(notional{});
  b.high = std::max(b.high, t.px);
  b.low = std::min(b.low, t.px);
  b.close = t.px;
  b.volume += t.quantity;
  b.quote_volume += value;
  // The taker bought when the buyer was not the maker.
  if (!t.buyer_is_maker) {
    b.taker_buy_volume += t.quantity;
    b.taker_buy_quote_volume += value;
  }
  ++b.count;
}

void trade_history::record(const public_trade& t) {
  auto& h = by_symbol_[t.sym];
  h.trades.push_back(t);
  if (h.trades.size() > max_kept_) h.trades.pop_front();
  // The <symbol>@aggTrade rule: one taker order, one price, consecutive.
  if (!h.aggs.empty() && h.aggs.back().taker_order_id == t.taker_order_id
      && h.aggs.back().px == t.px && h.aggs.back().last_id + 1 == t.trade_id) {
    h.aggs.back().last_id = t.trade_id;
    h.aggs.back().quantity += t.quantity;
  } else {
    int64_t id = h.aggs.empty() ? 1 : h.aggs.back().agg_id + 1;
    h.aggs.push_back(agg_trade_record{id, t.px, t.quantity, t.trade_id, t.trade_id, t.time_ms,
                                      t.buyer_is_maker, t.taker_order_id});
    if (h.aggs.size() > max_kept_) h.aggs.pop_front();
  }
  add_to(h.seconds, floor_div(t.time_ms, second_ms) * second_ms, t);
  add_to(h.minutes, floor_div(t.time_ms, minute_ms) * minute_ms, t);
}

std::vector<public_trade> trade_history::trades(symbol sym, std::optional<int64_t> from_id,
                                                size_t limit) const {
  auto it = by_symbol_.find(sym);
  if (it == by_symbol_.end()) return {};
  auto& q = it->second.trades;
  auto begin = q.end() - static_cast<std::ptrdiff_t>(std::min(limit, q.size()));
  if (from_id)
    begin = std::lower_bound(q.begin(), q.end(), *from_id,
                             [](const public_trade& t, int64_t id) { return t.trade_id < id; });
  auto n = std::min<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(limit), q.end() - begin);
  return std::vector<public_trade>(begin, begin + n);
}

std::vector<agg_trade_record> trade_history::agg_trades(symbol sym,
                                                        std::optional<int64_t> from_id,
                                                        std::optional<int64_t> start_ms,
                                                        std::optional<int64_t> end_ms,
                                                        size_t limit) const {
  auto it = by_symbol_.find(sym);
  if (it == by_symbol_.end()) return {};
  std::vector<agg_trade_record> out;
  auto keep = [&](const agg_trade_record& a) {
    return (!from_id || a.agg_id >= *from_id) && (!start_ms || a.time_ms >= *start_ms)
           && (!end_ms || a.time_ms <= *end_ms);
  };
  auto& q = it->second.aggs;
  if (from_id || start_ms) {
    // Oldest first from the given start.
    for (auto& a : q)
      if (keep(a) && out.size() < limit) out.push_back(a);
    return out;
  }
  // "If fromId, startTime, and endTime are not sent, the most recent
  // aggregate trades will be returned" (and the newest up to endTime).
  for (auto a = q.rbegin(); a != q.rend() && out.size() < limit; ++a)
    if (keep(*a)) out.push_back(*a);
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<kline> trade_history::klines(symbol sym, const kline_query& q,
                                         int64_t now_ms) const {
  auto it = by_symbol_.find(sym);
  if (it == by_symbol_.end() || q.limit == 0) return {};
  const auto& iv = q.interval;
  const auto off = q.tz_offset_ms;
  auto& buckets = !iv.month && iv.ms == second_ms ? it->second.seconds : it->second.minutes;
  if (buckets.empty()) return {};
  int64_t begin = floor_open(iv, buckets.front().start_ms, off);
  int64_t finish = floor_open(iv, now_ms, off);
  if (q.start_ms) {
    // Klines are identified by their open time: the first opens at or after startTime.
    int64_t s = floor_open(iv, *q.start_ms, off);
    if (s < *q.start_ms) s = next_open(iv, s, off);
    begin = std::max(begin, s);
  }
  if (q.end_ms) finish = std::min(finish, floor_open(iv, *q.end_ms, off));
  if (begin > finish) return {};
  std::vector<int64_t> opens;
  if (q.start_ms) {
    for (int64_t o = begin; o <= finish && opens.size() < q.limit; o = next_open(iv, o, off))
      opens.push_back(o);
  } else {
    // The newest `limit` up to `finish`.
    for (int64_t o = finish; o >= begin && opens.size() < q.limit; o = prev_open(iv, o, off))
      opens.push_back(o);
    std::reverse(opens.begin(), opens.end());
  }
  std::vector<kline> out;
  out.reserve(opens.size());
  auto by_start = [](const bucket& b, int64_t t) { return b.start_ms < t; };
  auto at = std::lower_bound(buckets.begin(), buckets.end(), opens.front(), by_start);
  // The close before the first interval carries into empty intervals.
  price last_close = at == buckets.begin() ? at->open : std::prev(at)->close;
  for (auto o : opens) {
    kline k;
    k.open_time = o;
    auto end = next_open(iv, o, off);
    k.close_time = end - 1;
    k.open = k.high = k.low = k.close = last_close;
    bool any = false;
    for (; at != buckets.end() && at->start_ms < end; ++at) {
      if (!any) k.open = k.high = k.low = at->open;
      any = true;
      k.high = std::max(k.high, at->high);
      k.low = std::min(k.low, at->low);
      k.close = at->close;
      k.volume += at->volume;
      k.quote_volume += at->quote_volume;
      k.taker_buy_volume += at->taker_buy_volume;
      k.taker_buy_quote_volume += at->taker_buy_quote_volume;
      k.count += at->count;
    }
    last_close = k.close;
    out.push_back(k);
  }
  return out;
}

} // namespace cwts::venue
