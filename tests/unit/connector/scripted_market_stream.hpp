#pragma once
// What the market-stream tests against a scripted venue WebSocket
// (okx_market_stream_test, kraken_market_stream_test) share: the batches a
// stream hands out, collected across threads; the stream config every script
// is timed for; what the server received, for a failure's message; and the
// check of the one trade both scripts send (USDCHF, id 42, a buy). Use
// inside a CAF_TEST.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "tests/support/unit_test.hpp"
#include "messages/market_data.hpp"
#include "tests/unit/connector/ws_script_server.hpp"

namespace cwts::test {

struct collected_batches {
  std::mutex mtx;
  std::vector<trade> trades;
  std::vector<book_top> tops;
  void add(market_batch&& b) {
    std::lock_guard<std::mutex> g(mtx);
    trades.insert(trades.end(), b.trades.begin(), b.trades.end());
    tops.insert(tops.end(), b.tops.begin(), b.tops.end());
  }
  std::size_t trade_count() {
    std::lock_guard<std::mutex> g(mtx);
    return trades.size();
  }
};

// USDCHF on the script's port, timed for it: pings far above any scheduling
// delay of the script, resubscribes unthrottled, quick reconnects, a fixed
// jitter seed.
template <class Config>
Config scripted_stream_config(uint16_t port) {
  using namespace std::chrono_literals;
  Config cfg;
  cfg.port = port;
  cfg.symbols = {symbol::parse("USDCHF").value()};
  cfg.ping_interval = 1s;
  cfg.resubscribe_interval = 0ms;
  cfg.backoff_initial = 10ms;
  cfg.backoff_max = 50ms;
  cfg.jitter_seed = 7;
  return cfg;
}

// Every frame the server received, " | " between them.
inline std::string received_frames(const ws_script_server& server) {
  std::string seen;
  for (auto& r : server.received())
    seen += r + " | ";
  return seen;
}

// The script's one live trade reached the batches (USDCHF, id 42, the taker
// bought), with book tops beside it.
inline void check_the_scripted_trade(collected_batches& got) {
  CAF_REQUIRE(eventually([&] { return got.trade_count() == 1; }));
  std::lock_guard<std::mutex> g(got.mtx);
  CAF_CHECK_EQUAL(got.trades[0].sym.str(), "USDCHF");
  CAF_CHECK_EQUAL(got.trades[0].id.value, 42);
  CAF_CHECK(!got.trades[0].buyer_is_maker);
  CAF_CHECK(!got.tops.empty());
}

} // namespace cwts::test
