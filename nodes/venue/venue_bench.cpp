// Throughput of the venue's core on this machine: how many orders/s the
// matching engine takes (with balances, filters and fills), and how many
// stream events/s (trade, aggTrade, bookTicker, depth@100ms JSON) the feed
// builds for them. In-process: sockets and the WebSocket write path are not
// included.
//
//   cwts-venue-bench [orders]
//   e.g. build-venue/nodes/venue/cwts-venue-bench 200000
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "venue/market_feed.hpp"
#include "venue/matching_engine.hpp"
#include "venue_server.hpp"

namespace {

using namespace cwts;
using namespace cwts::venue;

constexpr const char* usage =
  "usage: cwts-venue-bench [orders]\n"
  "  orders  how many orders to place (default 200000)\n"
  "Prints orders/s of the matching engine and stream events/s of the feed.\n"
  "example:\n"
  "  cwts-venue-bench 200000\n";

symbol_rules bench_rules() {
  symbol_rules r;
  r.sym = *symbol::parse("USDCHF");
  r.base_asset = "USD";
  r.quote_asset = "CHF";
  r.min_price = *price::parse("0.0001");
  r.max_price = *price::parse("100");
  r.tick_size = *price::parse("0.0001");
  r.min_qty = *qty::parse("1");
  r.max_qty = *qty::parse("1000000");
  r.step_size = *qty::parse("1");
  r.min_notional = *notional::parse("1");
  r.max_notional = *notional::parse("100000000");
  r.max_num_orders = 1'000'000;
  return r;
}

// Order i: resting quotes on ten levels each side, every third order a
// crossing IOC that takes from the best level.
place_request nth_order(const std::string& account, int64_t i) {
  place_request r;
  r.account = account;
  r.sym = *symbol::parse("USDCHF");
  r.quantity = qty::from_units(1 + i % 5);
  bool buy = i % 2 == 0;
  r.side = buy ? order_side::buy : order_side::sell;
  int64_t offset = 1 + i % 10;
  if (i % 3 == 0) {
    r.tif = time_in_force::ioc;
    offset = -offset; // crosses
  }
  auto mid = price::parse("1.2000")->raw;
  auto tick = price::parse("0.0001")->raw;
  r.px = price::from_raw(buy ? mid - offset * tick : mid + offset * tick);
  return r;
}

} // namespace

int main(int argc, char** argv) {
  if (argc > 1 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
    std::fputs(usage, stdout);
    return 0;
  }
  int64_t orders = argc > 1 ? std::atoll(argv[1]) : 200000;
  if (orders <= 0) {
    std::fputs(usage, stderr);
    return 2;
  }
  matching_engine engine;
  engine.add_symbol(bench_rules());
  market_feed feed(engine);
  int64_t events = 0;
  engine.on_trade([&events](const public_trade& t) {
    events += !trade_event_json(t, t.time_ms).empty();
  });
  // Two accounts, so takers meet the other account's quotes (STP is off anyway).
  for (auto* acc : {"bench1", "bench2"})
    for (auto* asset : {"USD", "CHF"})
      engine.fund(acc, asset, qty::from_units(10'000'000'000));
  int64_t rejected = 0;
  auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < orders; ++i) {
    auto placed = engine.place(nth_order(i % 4 < 2 ? "bench1" : "bench2", i), i);
    rejected += std::holds_alternative<venue_error>(placed);
    events += static_cast<int64_t>(feed.agg_trades(i).size() + feed.book_ticker_changes().size());
    if (i % 100 == 99)
      events += static_cast<int64_t>(feed.flush_depth(stream_kind::depth_100ms, i).size());
  }
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("orders=%lld rejected=%lld seconds=%.3f orders_per_s=%.0f stream_events=%lld "
              "stream_events_per_s=%.0f\n",
              static_cast<long long>(orders), static_cast<long long>(rejected), secs,
              static_cast<double>(orders) / secs, static_cast<long long>(events),
              static_cast<double>(events) / secs);
  std::printf("reproduce: cwts-venue-bench %lld\n", static_cast<long long>(orders));
  return 0;
}
