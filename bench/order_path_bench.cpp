// Orders/s through the real order path on loopback: risk (every pre-trade
// rule on) -> OMS (journal before send) -> connector (signed REST) -> a
// cwts-venue process. Each order is an IOC limit buy far below the market,
// so the venue answers EXPIRED at once and no order rests (MAX_NUM_ORDERS).
// The same run measures the path with the journal off: the difference is
// the journal's cost per order.
//
//   order_path_bench [orders=1500] [folder=/tmp]
//   e.g. build/bench/order_path_bench 1500 /tmp
//
// Prints, per mode: orders/s from the first send to the last terminal report
// at the strategy, and the median / p99 of each order's round trip.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <unistd.h>

#include "caf/all.hpp"
#include "caf/io/all.hpp"

#include "actors/connector/connector_actor.hpp"
#include "actors/oms/oms_actor.hpp"
#include "actors/risk/risk_actor.hpp"
#include "common/ini_file.hpp"
#include "messages/registry.hpp"
#include "tests/integration/support/cluster.hpp"

using namespace cwts;
using namespace std::chrono_literals;

namespace {

struct bench_config : caf::actor_system_config {
  bench_config() { register_message_types(*this); }
};

const symbol usdchf = *symbol::parse("USDCHF");

risk_actor_config risk_config(const kill_gate& gate) {
  risk_actor_config cfg;
  cfg.self = node_id{"bench"};
  cfg.gate = &gate;
  cfg.limits.tradable.insert(usdchf);
  cfg.limits.per_symbol[usdchf] = risk::symbol_limits{*qty::parse("100000"),
                                                      *notional::parse("1000000"), 9000,
                                                      *qty::parse("100000000")};
  cfg.rules[usdchf] = risk::symbol_rules{*price::parse("0.0001"), *qty::parse("1"),
                                         *notional::parse("1")};
  cfg.limits.credit_limits[account_id{"demo"}] = *notional::parse("1000000000");

  // The throttle's window is a ring of one slot per allowed message: the
  // largest rate config allows.
  cfg.limits.default_strategy = risk::strategy_limits{100'000, 100'000, 1000};
  cfg.limits.pnl = risk::pnl_limits{*notional::parse("1000000000"), *notional::parse("1000000000")};
  return cfg;
}

struct mode_result {
  int done = 0;
  int rejects = 0; // refused by risk, the OMS or the venue: the bench is invalid then
  double orders_per_s = 0;
  int64_t median_ns = 0;
  int64_t p99_ns = 0;
  int64_t journal_writes = 0;
  int64_t journal_total_ns = 0;
};

int64_t counter(caf::scoped_actor& self, const caf::actor& a, const std::string& key) {
  int64_t n = -1;
  self->request(a, 5s, stats_atom::value)
    .receive([&](const actor_stats& s) { n = s.counters.count(key) ? s.counters.at(key) : -1; },
             [](caf::error&) {});
  return n;
}

// Runs `orders` orders through a fresh risk + OMS (+ connector) set.
bool run_mode(caf::actor_system& sys, uint16_t venue_port, const std::string& key,
              const std::string& secret, const std::string& journal, int orders,
              mode_result& out) {
  kill_gate gate;
  caf::scoped_actor self{sys};
  connector_actor_config ccfg;
  ccfg.self = node_id{"bench"};
  ccfg.venue = venue_name{"binance"};
  ccfg.gate = &gate;
  ccfg.symbols = {usdchf};
  ccfg.poll_interval = 1000ms;
  ccfg.gateway.host = "127.0.0.1";
  ccfg.gateway.port = venue_port;
  ccfg.gateway.api_key = key;
  ccfg.gateway.secret = secret;
  ccfg.stream.port = venue_port;
  ccfg.stream.symbols = {usdchf};
  auto connector = spawn_connector(sys, ccfg);
  auto risk = spawn_risk(sys, risk_config(gate));
  oms_actor_config ocfg;
  ocfg.self = node_id{"bench"};
  ocfg.gate = &gate;
  ocfg.journal_path = journal;
  auto oms = spawn_oms(sys, ocfg);
  role_directory dir{{connector_role(ccfg.venue), connector}, {"risk", risk}, {"oms", oms},
                     {"strategy", self}};
  for (auto& a : {connector, risk, oms})
    self->send(a, wire_atom::value, dir);
  self->send(risk, trade{usdchf, trade_id{1}, *price::parse("0.9000"), *qty::parse("1"), false,
                         wall_clock_now(), wall_clock_now()});
  auto ready = std::chrono::steady_clock::now() + 20s;
  while (counter(self, oms, "reconcile.phase_running") != 1) {
    if (std::chrono::steady_clock::now() > ready) {
      std::fprintf(stderr, "OMS did not reconcile with the venue\n");
      return false;
    }
    std::this_thread::sleep_for(50ms);
  }
  std::map<std::string, int64_t> sent_at;
  std::vector<int64_t> rtt;
  auto stem = "b" + std::to_string(::getpid() % 100000) + (journal.empty() ? "n" : "j") + "-";
  auto started = monotonic_ns();
  for (int i = 0; i < orders; ++i) {
    order_request o;
    o.id.value = stem + std::to_string(i);
    o.strategy = strategy_id{"bench"};
    o.account = account_id{"demo"};
    o.sym = usdchf;
    o.venue = ccfg.venue;
    o.tif = time_in_force::ioc;
    o.limit_price = *price::parse("0.5000");
    o.quantity = *qty::parse("10");
    o.ts_init = wall_clock_now();
    sent_at[o.id.value] = monotonic_ns();
    self->send(risk, o);
  }
  int64_t last = started;
  auto finish = [&](const std::string& id) {
    auto it = sent_at.find(id);
    if (it == sent_at.end())
      return;
    last = monotonic_ns();
    rtt.push_back(last - it->second);
    sent_at.erase(it);
    ++out.done;
  };
  bool timed_out = false;
  while (!sent_at.empty() && !timed_out)
    self->receive(
      [&](const execution_report& r) {
        if (is_terminal(r.status))
          finish(r.id.value);
      },
      [&](const order_reject& r) {
        if (out.rejects++ == 0)
          std::fprintf(stderr, "first reject: %s %s\n", to_string(r.reason), r.detail.c_str());
        finish(r.id.value);
      },
      caf::after(10s) >> [&] { timed_out = true; });
  out.orders_per_s = out.done / (static_cast<double>(last - started) / 1e9);
  std::sort(rtt.begin(), rtt.end());
  if (!rtt.empty()) {
    out.median_ns = rtt[rtt.size() / 2];
    out.p99_ns = rtt[static_cast<size_t>(0.99 * static_cast<double>(rtt.size() - 1))];
  }
  out.journal_writes = counter(self, oms, "journal.writes");
  out.journal_total_ns = counter(self, oms, "journal.total_write_ns");
  for (auto& a : {connector, risk, oms})
    self->send_exit(a, caf::exit_reason::user_shutdown);
  return out.done == orders && out.rejects == 0;
}

void print(const char* mode, const mode_result& r) {
  std::printf("journal=%s orders=%d rejects=%d orders_per_s=%.0f rtt_median_us=%.1f rtt_p99_us=%.1f "
              "journal_writes=%lld journal_mean_write_us=%.1f\n",
              mode, r.done, r.rejects, r.orders_per_s, r.median_ns / 1e3, r.p99_ns / 1e3,
              static_cast<long long>(r.journal_writes),
              r.journal_writes > 0 ? r.journal_total_ns / 1e3 / static_cast<double>(r.journal_writes)
                                   : 0.0);
}

} // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--help") {
    std::puts("usage: order_path_bench [orders=1500] [folder=/tmp]\n"
              "e.g.:  order_path_bench 1500 /tmp");
    return 0;
  }
  int orders = argc > 1 ? std::atoi(argv[1]) : 1500;
  std::string folder = argc > 2 ? argv[2] : "/tmp";
  itest::cluster_paths paths{CWTS_VENUE_BIN, "", "", CWTS_CONFIG_DIR};
  auto dir = itest::make_test_dir("order_path_bench");
  itest::venue_process venue(paths, dir, 1.0);
  if (venue.port() == 0) {
    std::fprintf(stderr, "cwts-venue did not start; logs in %s\n", dir.c_str());
    return 1;
  }
  std::string error;
  auto ini = ini_file::load(paths.config("venue-demo-keys.ini"), error);
  if (!ini) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  auto key = ini->get("account.demo.api-key").value_or("");
  auto secret = ini->get("account.demo.secret").value_or("");
  bench_config cfg;
  caf::actor_system sys{cfg};
  auto journal = folder + "/cwts-order-path-bench-" + std::to_string(::getpid()) + ".sqlite";
  mode_result off, on;
  bool ok = run_mode(sys, venue.port(), key, secret, "", orders, off)
            && run_mode(sys, venue.port(), key, secret, journal, orders, on);
  for (auto suffix : {"", "-wal", "-shm"})
    std::remove((journal + suffix).c_str());
  print("off", off);
  print("on", on);
  if (off.orders_per_s > 0)
    std::printf("journal on/off: orders_per_s %.2f rtt_median %.2f\n",
                on.orders_per_s / off.orders_per_s,
                off.median_ns > 0 ? static_cast<double>(on.median_ns) / static_cast<double>(off.median_ns) : 0.0);
  return ok ? 0 : 1;
}
