#include "venue/market_replay.hpp"

#include <algorithm>

namespace cwts::venue {

price scaled_price(price px, price scale, price tick) {
  __int128 raw = static_cast<__int128>(px.raw) * scale.raw / decimal_scale;
  auto step = tick.is_positive() ? tick.raw : 1;
  raw -= raw % step;
  return price::from_raw(std::max<int64_t>(static_cast<int64_t>(raw), step));
}

order_side aggressor_side(const tape_trade& t) {
  return t.buyer_is_maker ? order_side::sell : order_side::buy;
}

namespace {

// splitmix64 (Steele, Lea, Flood 2014): a small, well-mixed hash of a counter.
uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

} // namespace

qty seeded_level_qty(const symbol_rules& rules, const seed_config& cfg, uint64_t print_index,
                     int slot) {
  if (cfg.seed == 0) return cfg.level_qty;
  auto draw = splitmix64(cfg.seed ^ splitmix64(print_index * 1024 + static_cast<uint64_t>(slot)));
  auto permille = static_cast<int64_t>(500 + draw % 1001); // [0.5, 1.5]
  __int128 raw = static_cast<__int128>(cfg.level_qty.raw) * permille / 1000;
  auto step = rules.step_size.is_positive() ? rules.step_size.raw : 1;
  raw -= raw % step;
  return qty::from_raw(std::max<int64_t>(static_cast<int64_t>(raw),
                                         std::max(step, rules.min_qty.raw)));
}

std::vector<place_request> seed_orders(const symbol_rules& rules, const tape_trade& t,
                                       const seed_config& cfg, uint64_t print_index) {
  std::vector<place_request> out;
  auto passive = opposite(aggressor_side(t));
  auto make = [&](order_side side, price px, qty q) {
    place_request r;
    r.account = venue_account;
    r.sym = rules.sym;
    r.side = side;
    r.type = order_type::limit;
    r.tif = time_in_force::gtc;
    r.px = px;
    r.quantity = q;
    r.venue_owned = true;
    return r;
  };
  auto tick = rules.tick_size.is_positive() ? rules.tick_size : price::from_raw(1);
  // Passive side: levels at P, P∓tick, ...; the one at P holds at least the
  // print's quantity so the whole print can trade.
  auto away = passive == order_side::buy ? -tick : tick;
  for (int i = 0; i < cfg.levels_per_side; ++i) {
    price px = t.px;
    for (int k = 0; k < i; ++k) px += away;
    if (!px.is_positive()) break;
    auto level = seeded_level_qty(rules, cfg, print_index, i);
    auto q = i == 0 ? std::max(level, t.quantity) : level;
    out.push_back(make(passive, px, q));
  }
  // Aggressor side: levels from one tick beyond P, never crossing P.
  auto beyond = passive == order_side::buy ? tick : -tick;
  price px = t.px;
  for (int i = 0; i < cfg.levels_per_side; ++i) {
    px += beyond;
    if (!px.is_positive()) break;
    out.push_back(make(aggressor_side(t), px,
                       seeded_level_qty(rules, cfg, print_index, cfg.levels_per_side + i)));
  }
  return out;
}

qty print_tape_trade(matching_engine& engine, const symbol_rules& rules,
                     const tape_trade& t, const seed_config& cfg, int64_t now_ms,
                     uint64_t print_index) {
  engine.withdraw_venue_liquidity(rules.sym);
  for (auto& r : seed_orders(rules, t, cfg, print_index))
    engine.place(r, now_ms);
  place_request aggressor;
  aggressor.account = venue_account;
  aggressor.sym = rules.sym;
  aggressor.side = aggressor_side(t);
  aggressor.type = order_type::limit;
  aggressor.tif = time_in_force::ioc;
  aggressor.px = t.px;
  aggressor.quantity = t.quantity;
  aggressor.venue_owned = true;
  auto r = engine.place(aggressor, now_ms);
  if (auto o = std::get_if<order>(&r))
    return o->executed_qty;
  return qty{};
}

replay_clock::replay_clock(const std::vector<tape_trade>& tape, double speed,
                           double max_trades_per_second, int64_t start_ns)
  : tape_(tape),
    // 0 is "unpaced" (validated config: speed >= 0); anything else invalid
    // replays in real time rather than guessing.
    speed_(speed >= 0 ? speed : 1.0),
    min_gap_ns_(max_trades_per_second > 0
                  ? static_cast<int64_t>(1e9 / max_trades_per_second)
                  : 0),
    start_ns_(start_ns) {
}

int64_t replay_clock::due_ns() const {
  if (tape_.empty()) return INT64_MAX;
  // Unpaced (speed 0, the demo's --load): every print is due at once, the
  // cap (max_trades_per_second, 0: none) is the only pacing left.
  if (speed_ == 0)
    return printed_ ? last_print_ns_ + min_gap_ns_ : start_ns_;
  auto tape_ms = tape_[index_].time_ms - tape_.front().time_ms + loop_offset_ms_;
  auto due = start_ns_ + static_cast<int64_t>(static_cast<double>(tape_ms) * 1e6 / speed_);
  if (printed_)
    due = std::max(due, last_print_ns_ + min_gap_ns_);
  return due;
}

void replay_clock::advance(int64_t now_ns) {
  if (tape_.empty()) return;
  printed_ = true;
  last_print_ns_ = now_ns;
  if (++index_ < tape_.size()) return;
  index_ = 0;
  ++loops_;
  loop_offset_ms_ += tape_.back().time_ms - tape_.front().time_ms + 1000;
}

} // namespace cwts::venue
