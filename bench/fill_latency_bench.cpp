// Fill latency through the connector core: user-data stream vs REST polling,
// against a real cwts-venue on loopback, in one run.
//
//   fill_latency_bench [fills-per-mode=40] [poll-interval-ms=200]
//
// Each fill: our account ("demo") rests a BUY at the best bid; the
// counterparty ("demo2") sells the whole best-bid level with an IOC order.
// Latency = from just before the counterparty's REST call to the moment the
// connector's worker thread has the FILLED execution_report for our order
// (what it would send the OMS). Stream mode: events from /ws-api/v3
// (userDataStream.subscribe.signature), no polls. Poll mode: no stream, the
// open-orders poll every poll-interval-ms, as the connector polls without it.
// Both include the counterparty's own REST round trip. Before each
// counterparty order the bench sleeps a random time below the poll interval
// (same seed in both modes), so fills land at random phases of the poll
// timer. Medians, not means.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <future>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "actors/connector/binance_rest_gateway.hpp"
#include "actors/connector/http_client.hpp"
#include "actors/connector/user_data_stream.hpp"
#include "actors/connector/venue_session.hpp"
#include "common/periodic_timer.hpp"
#include "common/serial_worker.hpp"
#include "tests/integration/support/cluster.hpp"

using namespace cwts;
using namespace cwts::connector;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

// config/venue-demo-keys.ini: demo keys of the local venue only.
constexpr const char* demo_key = "cwtsDemoKeyAlpha0000000000000000000000000000000000000000000001";
constexpr const char* demo_secret = "cwtsDemoSecretAlpha000000000000000000000000000000000000000000001";
constexpr const char* demo2_key = "cwtsDemoKeyBravo0000000000000000000000000000000000000000000002";
constexpr const char* demo2_secret = "cwtsDemoSecretBravo000000000000000000000000000000000000000000002";

const symbol usdchf = *symbol::parse("USDCHF");


std::string json_string_field(const std::string& body, const std::string& key) {
  auto at = body.find("\"" + key + "\":\"");
  if (at == std::string::npos)
    return {};
  at += key.size() + 4;
  return body.substr(at, body.find('"', at) - at);
}

bool best_bid(http_client& http, price& px, qty& q) {
  http_request req;
  req.target = "/api/v3/ticker/bookTicker?symbol=USDCHF";
  auto r = http.send(req);
  if (!r.ok())
    return false;
  auto p = price::parse(json_string_field(r.value().body, "bidPrice"));
  auto n = qty::parse(json_string_field(r.value().body, "bidQty"));
  if (!p || !n)
    return false;
  px = *p;
  q = *n;
  return true;
}

gateway_config gateway_for(uint16_t port, const char* key, const char* secret) {
  gateway_config cfg;
  cfg.port = port;
  cfg.api_key = key;
  cfg.secret = secret;
  return cfg;
}

// Our side: a session on a worker thread, as in the connector actor; the
// time each order's FILLED report came out is recorded.
struct our_side {
  std::shared_ptr<venue_session> session;
  serial_worker worker;
  std::mutex mtx;
  std::condition_variable cv;
  std::map<std::string, steady::time_point> filled_at;

  explicit our_side(uint16_t port)
    : session(std::make_shared<venue_session>(gateway_for(port, demo_key, demo_secret),
                                              std::vector<symbol>{usdchf})) {
    session->sync_clock();
  }

  void note(const std::vector<session_output>& out) {
    auto now = steady::now();
    std::lock_guard<std::mutex> g(mtx);
    for (auto& o : out)
      if (auto* r = std::get_if<execution_report>(&o); r && r->status == order_status::filled)
        filled_at.emplace(r->id.value, now);
    cv.notify_all();
  }

  bool place(const order_request& req) {
    std::promise<bool> done;
    worker.post([&] {
      auto out = session->place(req, true);
      note(out);
      bool accepted = std::any_of(out.begin(), out.end(), [](const session_output& o) {
        return std::holds_alternative<execution_report>(o);
      });
      done.set_value(accepted);
    });
    return done.get_future().get();
  }

  std::optional<steady::time_point> await_fill(const std::string& id) {
    std::unique_lock<std::mutex> g(mtx);
    if (!cv.wait_for(g, 5s, [&] { return filled_at.count(id) != 0; }))
      return std::nullopt;
    return filled_at[id];
  }
};

struct figures {
  std::vector<double> ms;
  int missed = 0;
};

double percentile(std::vector<double> v, double p) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

// Once the replay's few bid levels are sold, ours is the only bid: it rests
// at the last price used (below every ask), and the counterparty sells it.
figures run(const char* mode, uint16_t port, int fills, our_side& ours,
            binance_rest_gateway& counterparty, price& last_px,
            std::chrono::milliseconds poll_interval) {
  figures f;
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int64_t> phase(
    0, std::chrono::duration_cast<std::chrono::microseconds>(poll_interval).count() - 1);
  http_client http("127.0.0.1", port, 2s);
  for (int i = 0; i < fills; ++i) {
    price px;
    qty level;
    if (!best_bid(http, px, level)) {
      ++f.missed;
      std::fprintf(stderr, "%s %d: bookTicker failed\n", mode, i);
      continue;
    }
    if (px.is_positive())
      last_px = px;
    else
      px = last_px;
    order_request buy;
    buy.id = client_order_id{std::string(mode) + "-" + std::to_string(i)};
    buy.sym = usdchf;
    buy.order_side = side::buy;
    buy.limit_price = px;
    buy.quantity = *qty::parse("5");
    if (!ours.place(buy) || !best_bid(http, px, level)) {
      ++f.missed;
      std::fprintf(stderr, "%s %d: our order was not accepted\n", mode, i);
      continue;
    }
    order_request sell;
    sell.id = client_order_id{std::string(mode) + "-cp-" + std::to_string(i)};
    sell.sym = usdchf;
    sell.order_side = side::sell;
    sell.tif = time_in_force::ioc;
    sell.limit_price = px;
    sell.quantity = level;
    // A random phase against the poll timer (same draw in both modes):
    // without it every fill would land just after a poll, the worst case.
    std::this_thread::sleep_for(std::chrono::microseconds(phase(rng)));
    auto t0 = steady::now();
    auto reply = counterparty.place_order(sell);
    auto t1 = ours.await_fill(buy.id.value);
    if (!reply.ok() || !t1) {
      ++f.missed;
      std::fprintf(stderr, "%s %d: counterparty %s, fill %s\n", mode, i,
                   reply.ok() ? "ok" : reply.detail.c_str(), t1 ? "seen" : "not seen in 5 s");
      continue;
    }
    f.ms.push_back(std::chrono::duration<double, std::milli>(*t1 - t0).count());
  }
  return f;
}

void print(const char* name, const figures& f) {
  std::printf("%-28s fills=%zu missed=%d p50=%.3f ms p90=%.3f ms min=%.3f ms max=%.3f ms\n", name,
              f.ms.size(), f.missed, percentile(f.ms, 0.5), percentile(f.ms, 0.9),
              percentile(f.ms, 0.0), percentile(f.ms, 1.0));
}

} // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--help") {
    std::puts("usage: fill_latency_bench [fills-per-mode=40] [poll-interval-ms=200]\n"
              "example: build/bench/fill_latency_bench 40 200");
    return 0;
  }
  int fills = argc > 1 ? std::max(1, std::atoi(argv[1])) : 40;
  auto poll_interval = std::chrono::milliseconds(argc > 2 ? std::max(10, std::atoi(argv[2])) : 200);
  // A slow replay, so tape prints rarely move the book between our order and
  // the counterparty's.
  itest::cluster_paths paths{CWTS_VENUE_BIN, "", "", CWTS_CONFIG_DIR};
  auto dir = itest::make_test_dir("fill_latency_bench");
  itest::venue_process venue(paths, dir, 0.01);
  auto venue_port = venue.port();
  if (venue_port == 0) {
    std::fprintf(stderr, "cwts-venue did not start; logs in %s\n", dir.c_str());
    return 1;
  }
  binance_rest_gateway counterparty(gateway_for(venue_port, demo2_key, demo2_secret));
  if (auto t = counterparty.server_time(); t.ok())
    counterparty.set_time_offset_ms(t.value.offset_ms);

  price last_px = *price::parse("0.9");
  figures stream_fig;
  {
    our_side ours(venue_port);
    user_data_stream_config cfg;
    cfg.port = venue_port;
    cfg.api_key = demo_key;
    cfg.secret = demo_secret;
    user_data_stream::callbacks cbs;
    cbs.on_execution = [&ours](const execution_event& e) {
      ours.worker.post([&ours, e] { ours.note(ours.session->on_execution(e)); });
    };
    user_data_stream uds(cfg, cbs);
    uds.start();
    for (int i = 0; i < 500 && !uds.subscribed(); ++i)
      std::this_thread::sleep_for(10ms);
    if (!uds.subscribed()) {
      std::fprintf(stderr, "user-data stream did not subscribe: %s\n", uds.last_error().c_str());
      return 1;
    }
    stream_fig = run("stream", venue_port, fills, ours, counterparty, last_px, poll_interval);
    uds.stop();
  }
  figures poll_fig;
  {
    our_side ours(venue_port);
    std::atomic<bool> queued{false};
    periodic_timer timer(poll_interval, [&] {
      if (queued.exchange(true))
        return;
      ours.worker.post([&] {
        queued = false;
        ours.note(ours.session->poll());
      });
    });
    poll_fig = run("poll", venue_port, fills, ours, counterparty, last_px, poll_interval);
  }
  std::printf("fill latency, counterparty REST call -> FILLED report on the connector worker "
              "(cwts-venue on loopback, %d fills per mode)\n", fills);
  print("user-data stream", stream_fig);
  auto poll_name = "REST poll every " + std::to_string(poll_interval.count()) + " ms";
  print(poll_name.c_str(), poll_fig);
  auto s = percentile(stream_fig.ms, 0.5);
  if (s > 0)
    std::printf("ratio poll/stream p50 = %.1fx\n", percentile(poll_fig.ms, 0.5) / s);
  return stream_fig.ms.empty() || poll_fig.ms.empty() ? 1 : 0;
}
