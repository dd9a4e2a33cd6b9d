// Order entry round trips against a real cwts-venue on loopback, WebSocket
// API (order.place / order.cancel on one kept connection) vs REST (POST /
// DELETE /api/v3/order on one kept-alive HTTP connection), in one run,
// alternating so both see the same venue load: place a resting LIMIT BUY far
// below the market, then cancel it. Round trip = from the call to the parsed
// reply (signing included), steady clock.
//
//   connector_order_entry_bench [rounds]
//   e.g. build-conn/bench/connector_order_entry_bench 1000
//
// 1000 rounds send about 4000 requests: more within one minute pass the
// venue's IP weight limit (6000, Binance's) and get 429s (counted as errors).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "actors/connector/binance_rest_gateway.hpp"
#include "actors/connector/ws_api_orders.hpp"
#include "tests/integration/support/cluster.hpp"

using namespace cwts;
using namespace cwts::connector;
using clk = std::chrono::steady_clock;

namespace {

// config/venue-demo-keys.ini: demo keys of the local venue only.
constexpr const char* demo_key = "cwtsDemoKeyAlpha0000000000000000000000000000000000000000000001";
constexpr const char* demo_secret = "cwtsDemoSecretAlpha000000000000000000000000000000000000000000001";

order_request resting_buy(const std::string& id) {
  order_request req;
  req.id = client_order_id{id};
  req.sym = *symbol::parse("USDCHF");
  req.order_side = side::buy;
  req.type = order_type::limit;
  req.tif = time_in_force::gtc;
  req.limit_price = *price::parse("0.5");
  req.quantity = *qty::parse("7"); // above the NOTIONAL filter
  return req;
}

struct series {
  std::vector<int64_t> place, cancel;
  int errors = 0;
};

int64_t pct(std::vector<int64_t> v, double p) {
  if (v.empty())
    return -1;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

template <class F>
int64_t timed(F&& f, bool& ok) {
  auto t0 = clk::now();
  ok = f();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clk::now() - t0).count();
}

} // namespace

int main(int argc, char** argv) {
  int rounds = argc > 1 ? std::atoi(argv[1]) : 1000;
  if (rounds <= 0) {
    std::fprintf(stderr, "usage: connector_order_entry_bench [rounds]\n"
                         "e.g.  connector_order_entry_bench 1000\n");
    return 2;
  }
  itest::cluster_paths paths{CWTS_VENUE_BIN, "", "", CWTS_CONFIG_DIR};
  auto dir = itest::make_test_dir("connector_order_entry_bench");
  itest::venue_process venue(paths, dir, 0.01);
  if (venue.port() == 0) {
    std::fprintf(stderr, "cwts-venue did not start; logs in %s\n", dir.c_str());
    return 1;
  }
  gateway_config g;
  g.port = venue.port();
  g.api_key = demo_key;
  g.secret = demo_secret;
  g.response_type = order_response_type::full;
  binance_rest_gateway rest(g);
  ws_api_config w;
  w.port = venue.port();
  w.api_key = demo_key;
  w.secret = demo_secret;
  ws_api_orders ws(w);
  if (auto t = rest.server_time(); t.ok()) {
    rest.set_time_offset_ms(t.value.offset_ms);
    ws.set_time_offset_ms(t.value.offset_ms);
  }
  if (!ws.ensure_connected()) {
    std::fprintf(stderr, "WebSocket API connection failed\n");
    return 1;
  }
  series ws_s, rest_s;
  auto sym = *symbol::parse("USDCHF");
  for (int i = 0; i < rounds + 20; ++i) { // the first 20 rounds warm up
    bool warm = i >= 20;
    for (int path = 0; path < 2; ++path) {
      bool use_ws = (i + path) % 2 == 0; // alternate which goes first
      auto id = std::string(use_ws ? "bws" : "brs") + std::to_string(i);
      auto req = resting_buy(id);
      auto& s = use_ws ? ws_s : rest_s;
      bool ok = false;
      auto place_ns = timed([&] { return (use_ws ? ws.place_order(req) : rest.place_order(req)).ok(); }, ok);
      if (!ok) {
        ++s.errors;
        continue;
      }
      auto cancel_ns = timed([&] {
        return (use_ws ? ws.cancel_order(sym, req.id) : rest.cancel_order(sym, req.id)).ok();
      }, ok);
      if (!ok)
        ++s.errors;
      if (warm) {
        s.place.push_back(place_ns);
        if (ok)
          s.cancel.push_back(cancel_ns);
      }
    }
  }
  std::printf("connector_order_entry_bench: %d rounds against cwts-venue on 127.0.0.1, place (LIMIT "
              "GTC, FULL) + cancel, WebSocket API vs REST alternating\n", rounds);
  std::printf("%-8s %-7s %8s %8s %8s %7s\n", "path", "call", "n", "p50_us", "p99_us", "errors");
  auto line = [](const char* path, const char* call, const std::vector<int64_t>& v, int errors) {
    std::printf("%-8s %-7s %8zu %8.1f %8.1f %7d\n", path, call, v.size(), pct(v, 0.5) / 1e3,
                pct(v, 0.99) / 1e3, errors);
  };
  line("ws_api", "place", ws_s.place, ws_s.errors);
  line("ws_api", "cancel", ws_s.cancel, 0);
  line("rest", "place", rest_s.place, rest_s.errors);
  line("rest", "cancel", rest_s.cancel, 0);
  if (!ws_s.place.empty() && !rest_s.place.empty())
    std::printf("ws_api/rest p50: place %.2f, cancel %.2f\n",
                static_cast<double>(pct(ws_s.place, 0.5)) / static_cast<double>(pct(rest_s.place, 0.5)),
                static_cast<double>(pct(ws_s.cancel, 0.5)) / static_cast<double>(pct(rest_s.cancel, 0.5)));
  return ws_s.errors + rest_s.errors == 0 ? 0 : 1;
}
