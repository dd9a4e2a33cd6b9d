#pragma once
// tick_to_order_bench's strategy (bench only): one IOC limit buy far below
// the market for every validated batch, so that every measured tick makes
// exactly one order and the venue answers EXPIRED at once (nothing rests,
// the next tick can trade). The reference market maker cannot be made to
// order on every tick through its config (it quotes both sides once and
// then only requotes, cancel first, when the fair value moves), so its own
// cost is not in this path: tick_to_order_bench reports market_maker
// on_trade's cost beside it. Its order logic (make_order) is shared with
// the bench's plain-call path, so both paths run the same strategy code.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "caf/all.hpp"

#include "bench/tick_to_order_sockets.hpp"
#include "messages/registry.hpp"

namespace cwts::bench {

// The order for a validated trade: deterministic, one per tick.
inline order_request make_order(const trade& t, const std::string& stem, uint64_t seq) {
  order_request o;
  o.id.value = stem + std::to_string(seq);
  o.strategy = strategy_id{"bench"};
  o.account = account_id{"demo"};
  o.sym = t.sym;
  o.venue = venue_name{"binance"};
  o.order_side = side::buy;
  o.type = order_type::limit;
  o.tif = time_in_force::ioc;
  o.limit_price = *price::parse("0.5000");
  o.quantity = *qty::parse("10");
  o.ts_init = wall_clock_now();
  return o;
}

// What the main thread waits on: orders finished (terminal report or
// reject), rejects, and when the strategy got its latest trade.
struct strategy_probe {
  std::mutex mtx;
  std::condition_variable cv;
  uint64_t finished = 0;
  uint64_t rejects = 0;
  std::string first_reject;
  std::atomic<int64_t> trade_seen_ns{0};

  void finish(const std::string* reject) {
    std::lock_guard<std::mutex> lk(mtx);
    ++finished;
    if (reject) {
      if (rejects++ == 0)
        first_reject = *reject;
    }
    cv.notify_all();
  }
  // Until more than `seen` orders finished, or the deadline.
  bool wait_finished(uint64_t seen, std::chrono::milliseconds within) {
    std::unique_lock<std::mutex> lk(mtx);
    return cv.wait_for(lk, within, [&] { return finished > seen; });
  }
  uint64_t finished_now() {
    std::lock_guard<std::mutex> lk(mtx);
    return finished;
  }
};

struct bench_strategy_state {
  caf::actor risk;
  strategy_probe* probe = nullptr;
  std::string stem;
  uint64_t seq = 0;
};

inline caf::behavior bench_strategy(caf::stateful_actor<bench_strategy_state>* self,
                                    strategy_probe* probe, std::string stem) {
  self->state.probe = probe;
  self->state.stem = std::move(stem);
  self->set_default_handler(caf::drop); // trading_state and the like
  auto on_trade = [self](const trade& t) {
    self->state.probe->trade_seen_ns = steady_ns();
    if (self->state.risk)
      self->send(self->state.risk, make_order(t, self->state.stem, self->state.seq++));
  };
  return {
    [=](wire_atom, const role_directory& dir) { self->state.risk = find_role(dir, "risk"); },
    [=](const std::vector<trade>& batch) {
      if (!batch.empty())
        on_trade(batch.back());
    },
    [=](const trade& t) { on_trade(t); },
    [=](const execution_report& r) {
      if (is_terminal(r.status))
        self->state.probe->finish(nullptr);
    },
    [=](const order_reject& r) {
      auto why = std::string(to_string(r.reason)) + " " + r.detail;
      self->state.probe->finish(&why);
    },
  };
}

} // namespace cwts::bench
