#include "actors/validator/trade_validator.hpp"

#include <algorithm>
#include <numeric>

namespace cwts::validator {

const char* to_string(trade_verdict v) {
  switch (v) {
    case trade_verdict::ok: return "ok";
    case trade_verdict::non_positive_price: return "non_positive_price";
    case trade_verdict::non_positive_qty: return "non_positive_qty";
    case trade_verdict::unknown_symbol: return "unknown_symbol";
    case trade_verdict::stale: return "stale";
    case trade_verdict::from_future: return "from_future";
    case trade_verdict::duplicate: return "duplicate";
    case trade_verdict::out_of_order: return "out_of_order";
    case trade_verdict::schema: return "schema";
    case trade_verdict::price_collar: return "price_collar";
    case trade_verdict::crossed_book: return "crossed_book";
  }
  return "?";
}

std::string validate(const trade_validator_config& cfg) {
  if (cfg.whitelist.empty())
    return "whitelist: empty";
  for (const auto& s : cfg.whitelist)
    if (s.empty())
      return "whitelist: empty symbol";
  if (cfg.max_age_ns <= 0)
    return "max_age_ns: must be positive";
  if (cfg.max_future_skew_ns < 0)
    return "max_future_skew_ns: must not be negative";
  if (cfg.collar_bps < 0 || cfg.collar_bps > 10'000)
    return "collar_bps: must be 0 (off) .. 10000";
  return {};
}

trade_validator::trade_validator(const trade_validator_config& cfg)
  : max_age_ns_(cfg.max_age_ns),
    max_future_skew_ns_(cfg.max_future_skew_ns),
    collar_bps_(cfg.collar_bps) {
  for (const auto& s : cfg.whitelist) {
    symbol_state st;
    st.sym = s;
    symbols_.push_back(st);
  }
  auto by_sym = [](const symbol_state& a, const symbol_state& b) { return a.sym < b.sym; };
  std::sort(symbols_.begin(), symbols_.end(), by_sym);
  symbols_.erase(std::unique(symbols_.begin(), symbols_.end(),
                             [](const auto& a, const auto& b) { return a.sym == b.sym; }),
                 symbols_.end());
}

trade_validator::symbol_state* trade_validator::slot(const symbol& sym) {
  return const_cast<symbol_state*>(static_cast<const trade_validator*>(this)->slot(sym));
}

const trade_validator::symbol_state* trade_validator::slot(const symbol& sym) const {
  auto it = std::lower_bound(symbols_.begin(), symbols_.end(), sym,
                             [](const symbol_state& entry, const symbol& s) { return entry.sym < s; });
  return it != symbols_.end() && it->sym == sym ? &*it : nullptr;
}

trade_verdict trade_validator::fresh(timestamp_ns ts_event, timestamp_ns now) const {
  if (ts_event.ns < now.ns - max_age_ns_)
    return trade_verdict::stale;
  if (ts_event.ns > now.ns + max_future_skew_ns_)
    return trade_verdict::from_future;
  return trade_verdict::ok;
}

// |px - ref| * 10000 > collar_bps * ref, in 128 bits (notional rule).
bool trade_validator::outside_collar(const symbol_state& s, price px) const {
  if (collar_bps_ == 0 || !s.reference.is_positive())
    return false;
  __int128 diff = static_cast<__int128>(px.raw) - s.reference.raw;
  if (diff < 0)
    diff = -diff;
  return diff * 10'000 > static_cast<__int128>(collar_bps_) * s.reference.raw;
}

trade_verdict trade_validator::admit(const symbol& sym, timestamp_ns ts_event, timestamp_ns now,
                                     symbol_state*& entry) {
  entry = slot(sym);
  if (entry == nullptr)
    return trade_verdict::unknown_symbol;
  return fresh(ts_event, now);
}

trade_verdict trade_validator::judge(const trade& t, timestamp_ns now) {
  if (t.sym.empty() || t.id.value < 0 || t.ts_event.ns <= 0)
    return trade_verdict::schema;
  if (!t.px.is_positive())
    return trade_verdict::non_positive_price;
  if (!t.quantity.is_positive())
    return trade_verdict::non_positive_qty;
  symbol_state* entry = nullptr;
  if (auto a = admit(t.sym, t.ts_event, now, entry); a != trade_verdict::ok)
    return a;
  // Binance trade ids increase per symbol; only accepted trades move the
  // high-water mark, so a rejected trade cannot hide a later good one.
  if (t.id.value == entry->last_trade_id)
    return trade_verdict::duplicate;
  if (t.id.value < entry->last_trade_id)
    return trade_verdict::out_of_order;
  if (outside_collar(*entry, t.px))
    return trade_verdict::price_collar;
  // A jump in the ids (trades missed while a stream was away) is accepted
  // but never silent: counted, with how many ids were skipped.
  if (entry->last_trade_id >= 0 && t.id.value > entry->last_trade_id + 1) {
    ++gaps_;
    ids_missed_ += static_cast<uint64_t>(t.id.value - entry->last_trade_id - 1);
  }
  entry->last_trade_id = t.id.value;
  entry->reference = t.px;
  return trade_verdict::ok;
}

trade_verdict trade_validator::judge(const book_top& t, timestamp_ns now) {
  bool has_bid = !t.bid_px.is_zero() || !t.bid_qty.is_zero();
  bool has_ask = !t.ask_px.is_zero() || !t.ask_qty.is_zero();
  if (t.sym.empty() || t.update_id < 0 || t.ts_event.ns <= 0)
    return trade_verdict::schema;
  // A side is either absent (zero price and qty) or a positive level.
  if ((has_bid && !t.bid_px.is_positive()) || (has_ask && !t.ask_px.is_positive()))
    return trade_verdict::non_positive_price;
  if ((has_bid && !t.bid_qty.is_positive()) || (has_ask && !t.ask_qty.is_positive()))
    return trade_verdict::non_positive_qty;
  symbol_state* entry = nullptr;
  if (auto a = admit(t.sym, t.ts_event, now, entry); a != trade_verdict::ok)
    return a;
  int64_t& last = entry->last_top_id[t.from_local_book ? 1 : 0];
  if (t.update_id == last)
    return trade_verdict::duplicate;
  if (t.update_id < last)
    return trade_verdict::out_of_order;
  if (has_bid && has_ask && t.bid_px >= t.ask_px)
    return trade_verdict::crossed_book;
  if (has_bid && has_ask) {
    auto mid = price::from_raw(t.bid_px.raw / 2 + t.ask_px.raw / 2);
    if (outside_collar(*entry, mid))
      return trade_verdict::price_collar;
    entry->reference = mid;
  }
  last = t.update_id;
  return trade_verdict::ok;
}

trade_verdict trade_validator::check(const trade& t, timestamp_ns now) {
  auto v = judge(t, now);
  ++counts_[static_cast<std::size_t>(v)];
  return v;
}

trade_verdict trade_validator::check(const book_top& t, timestamp_ns now) {
  ++tops_;
  auto v = judge(t, now);
  ++counts_[static_cast<std::size_t>(v)];
  return v;
}

uint64_t trade_validator::total() const {
  return std::accumulate(counts_.begin(), counts_.end(), uint64_t{0});
}

int64_t trade_validator::last_trade_id(const symbol& sym) const {
  auto s = slot(sym);
  return s != nullptr ? s->last_trade_id : -1;
}

price trade_validator::reference(const symbol& sym) const {
  auto s = slot(sym);
  return s != nullptr ? s->reference : price{};
}

} // namespace cwts::validator
