#pragma once
// Market replay: turns a recorded (or generated) trades tape into executions
// in the venue's own book, so a user's resting order that the tape crosses
// really fills.
//
// Per print: (1) withdraw the venue's previous liquidity, (2) re-seed a few
// levels each side around the tape price, with one level AT the tape price on
// the passive side, (3) execute the print as an aggressive IOC order of the
// tape's quantity at the tape's price. Re-seeded orders join the back of each
// queue, so user orders at the same price keep time priority.

#include <cstdint>
#include <vector>

#include "venue/matching_engine.hpp"
#include "venue/trades_csv.hpp"

namespace cwts::venue {

// The venue's own account name: not a valid API account name (keys files
// name accounts with [account.<name>], letters/digits only).
inline constexpr const char* venue_account = "@venue";

struct seed_config {
  int levels_per_side = 3; // levels each side of the tape price
  qty level_qty;           // size of each seeded level
  // 0: every level holds level_qty. Otherwise each level's size is
  // level_qty x [0.5, 1.5], drawn from (seed, print number, level) by
  // splitmix64: the same seed, tape and order flow give the same book.
  uint64_t seed = 0;
};

// The seeded size of level `slot` of print `print_index` (pure).
qty seeded_level_qty(const symbol_rules& rules, const seed_config& cfg, uint64_t print_index,
                     int slot);

// A synthetic price path for another symbol ([symbol.<NAME>] price-scale):
// px x scale, rounded down to `tick`, at least one tick.
price scaled_price(price px, price scale, price tick);

// Aggressor side of a print: Binance isBuyerMaker=true means the buyer was
// resting, so the seller crossed the spread.
order_side aggressor_side(const tape_trade& t);

// The venue-owned orders that back one print (pure, for tests and replay).
// `print_index` counts the prints since start (it varies seeded sizes).
std::vector<place_request> seed_orders(const symbol_rules& rules, const tape_trade& t,
                                       const seed_config& cfg, uint64_t print_index = 0);

// Executes one print in `engine`; returns the quantity that traded.
qty print_tape_trade(matching_engine& engine, const symbol_rules& rules,
                     const tape_trade& t, const seed_config& cfg, int64_t now_ms,
                     uint64_t print_index = 0);

// Paces a tape in wall-clock order: trade i is due at start + (t_i - t_0) /
// speed, never sooner than 1/cap after the previous print. At the end the tape
// loops, continuing its clock one second after its last trade. Speed 0 is
// unpaced: each print is due as soon as the previous one printed (the cap
// still applies; cap 0 is none), the tape as fast as the venue can print it.
class replay_clock {
public:
  replay_clock(const std::vector<tape_trade>& tape, double speed,
               double max_trades_per_second, int64_t start_ns);

  const tape_trade& next() const { return tape_[index_]; }
  int64_t due_ns() const;
  // Marks next() as printed at `now_ns` and moves on (looping).
  void advance(int64_t now_ns);
  uint64_t loops() const { return loops_; }

private:
  const std::vector<tape_trade>& tape_;
  double speed_;
  int64_t min_gap_ns_;
  int64_t start_ns_;
  int64_t loop_offset_ms_ = 0;
  size_t index_ = 0;
  uint64_t loops_ = 0;
  int64_t last_print_ns_ = 0;
  bool printed_ = false;
};

} // namespace cwts::venue
