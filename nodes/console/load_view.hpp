#pragma once
// The console's `load` view (docs/console.md, docs/operations.md "Load
// demo"): is the node keeping up with its feed? From two /api/actors answers
// taken `elapsed_ns` apart it shows validated ticks/s (the validator's
// verdict.ok, trades and book tops, else the strategy's trades_seen, as the
// summary line counts them), of them the trades/s passed on to the strategy
// (the validator's trades_out), every actor's mailbox depth (now/max) and
// message rate, and the
// drops: trades the venue printed that never reached the validator (its
// trade_ids_missed, ids skipped on the feed) plus actions the strategy
// dropped. Everything shown is a counter the node measured; nothing is
// estimated. CAF-free, terminal-free.

#include <cstdint>
#include <optional>
#include <string>

namespace cwts::console {

struct load_sample {
  double ticks_per_s = 0;
  double trades_per_s = 0; // validated trades only (no book tops)
  int64_t ticks = 0;      // validated ticks at the second answer
  int64_t drops = 0;      // trade_ids_missed + actions_dropped_stopped
  int64_t max_mailbox = 0; // deepest mailbox now, over every actor
  int actors = 0;          // actors that reported a mailbox depth
};

// nullopt when either body is not an /api/actors answer or elapsed_ns <= 0.
std::optional<load_sample> measure_load(const std::string& before, const std::string& after,
                                        int64_t elapsed_ns);

// The view: one summary line ("load node=gw1 ticks/s=... drops=0 ...") and
// the per-actor table. nullopt as measure_load.
std::optional<std::string> render_load(const std::string& before, const std::string& after,
                                       int64_t elapsed_ns);

} // namespace cwts::console
