// Orders/s through the real order path on loopback: risk (every pre-trade
// rule on) -> OMS (journal before send, group commit) -> connector (orders
// over the WebSocket API, several in flight; ws_api_pipeline) -> a cwts-venue
// process. Each order is an IOC limit buy far below the market, so the venue
// answers EXPIRED at once and no order rests (MAX_NUM_ORDERS).
//
// The same run first measures the venue's own WebSocket API rate: the same
// orders from a plain client with no actors (ws_api_pipeline alone, the same
// in-flight bound), and one at a time (ws_api_orders) for reference. Then
// the order path over the WebSocket API with the journal off and on, and
// over REST with the journal on (the path before issue 21). Goal (issue 21
// goal 3): path (WebSocket API, journal on) / venue >= 0.8.
//
//   order_path_bench [orders=1500] [folder=/tmp] [in_flight=64]
//   e.g. build/bench/order_path_bench 1500 /tmp
//
// Prints, per mode: orders/s from the first send to the last terminal report
// at the strategy (the last answer, for the plain client), the median / p99
// of each order's round trip, and the journal's commits per event.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include "caf/all.hpp"
#include "caf/io/all.hpp"

#include "actors/connector/connector_actor.hpp"
#include "actors/connector/ws_api_pipeline.hpp"
#include "actors/oms/oms_actor.hpp"
#include "actors/risk/risk_actor.hpp"
#include "common/ini_file.hpp"
#include "messages/registry.hpp"
#include "tests/integration/support/cluster.hpp"

using namespace cwts;
using namespace std::chrono_literals;

namespace {

// The scheduler a node runs (nodes/node/node_config.cpp): sharing, which
// wakes a worker at once instead of letting idle ones poll and sleep.
struct bench_config : caf::actor_system_config {
  bench_config() {
    register_message_types(*this);
    set("scheduler.policy", caf::atom("sharing"));
  }
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
  std::string name;
  int done = 0;
  int rejects = 0; // refused by risk, the OMS or the venue: the bench is invalid then
  double orders_per_s = 0;
  int64_t median_ns = 0;
  int64_t p99_ns = 0;
  int64_t journal_writes = 0;
  int64_t journal_total_ns = 0;
  int64_t journal_records = 0;
  int64_t journal_commit_ns = 0; // the COMMIT statements alone
  int64_t max_in_flight = 0;
  // CPU per order while the orders ran: this process (client or actors) and
  // the venue process. On 2 shared cores both compete for the same CPUs.
  double cpu_us_per_order = 0;
  double venue_cpu_us_per_order = 0;
};

// CPU time used so far: this process (getrusage, µs resolution) and the
// venue (/proc/<pid>/stat utime + stime, clock ticks).
struct cpu_sample {
  int64_t self_ns = 0;
  int64_t venue_ns = 0;
};

pid_t venue_pid = 0;

cpu_sample cpu_now() {
  cpu_sample out;
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  out.self_ns = (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1'000'000'000LL
                + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1000LL;
  std::ifstream stat("/proc/" + std::to_string(venue_pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');
  if (close != std::string::npos) {
    std::istringstream rest(text.substr(close + 2));
    std::string field;
    long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
      if (i == 14)
        utime = std::atoll(field.c_str());
      if (i == 15)
        stime = std::atoll(field.c_str());
    }
    out.venue_ns = (utime + stime) * (1'000'000'000LL / ::sysconf(_SC_CLK_TCK));
  }
  return out;
}

void note_cpu(const cpu_sample& before, int orders, mode_result& out) {
  auto after = cpu_now();
  out.cpu_us_per_order = static_cast<double>(after.self_ns - before.self_ns) / 1e3 / orders;
  out.venue_cpu_us_per_order = static_cast<double>(after.venue_ns - before.venue_ns) / 1e3 / orders;
}

struct venue_access {
  uint16_t port = 0;
  std::string key;
  std::string secret;
  std::size_t in_flight = 64;
};

order_request bench_order(const std::string& id) {
  order_request o;
  o.id.value = id;
  o.strategy = strategy_id{"bench"};
  o.account = account_id{"demo"};
  o.sym = usdchf;
  o.venue = venue_name{"binance"};
  o.tif = time_in_force::ioc;
  o.limit_price = *price::parse("0.5000");
  o.quantity = *qty::parse("10");
  o.ts_init = wall_clock_now();
  return o;
}

connector::ws_api_config ws_config(const venue_access& v) {
  connector::ws_api_config w;
  w.host = "127.0.0.1";
  w.port = v.port;
  w.api_key = v.key;
  w.secret = v.secret;
  return w;
}

void finish_stats(std::vector<int64_t>& rtt, mode_result& out) {
  std::sort(rtt.begin(), rtt.end());
  if (!rtt.empty()) {
    out.median_ns = rtt[rtt.size() / 2];
    out.p99_ns = rtt[static_cast<size_t>(0.99 * static_cast<double>(rtt.size() - 1))];
  }
}

// The venue alone: the same orders from a plain client, `in_flight` at a
// time over one WebSocket API connection, no actors, no journal.
bool run_venue_pipelined(const venue_access& v, int orders, const std::string& stem,
                         mode_result& out) {
  std::mutex mtx;
  std::condition_variable cv;
  std::map<std::string, int64_t> sent_at;
  std::vector<int64_t> rtt;
  int64_t last = 0;
  auto on_done = [&](std::vector<connector::ws_api_completion> batch) {
    auto now = monotonic_ns();
    std::lock_guard<std::mutex> g(mtx);
    for (auto& c : batch) {
      if (!c.reply.ok() && out.rejects++ == 0)
        std::fprintf(stderr, "venue mode: first failure: %s\n", c.reply.detail.c_str());
      rtt.push_back(now - sent_at[c.order.id.value]);
      ++out.done;
    }
    last = now;
    cv.notify_one();
  };
  connector::ws_api_pipeline_config pc;
  pc.max_in_flight = v.in_flight;
  pc.max_queued = static_cast<std::size_t>(orders);
  connector::ws_api_pipeline pipe(ws_config(v), pc, on_done);
  pipe.start();
  // Connected and warm before the clock starts, as the path's connector is.
  pipe.place(bench_order(stem + "warm"));
  {
    std::unique_lock<std::mutex> g(mtx);
    cv.wait_for(g, 10s, [&] { return out.done == 1; });
    out.done = 0;
    rtt.clear();
  }
  std::vector<order_request> all;
  for (int i = 0; i < orders; ++i)
    all.push_back(bench_order(stem + std::to_string(i)));
  auto cpu = cpu_now();
  auto started = monotonic_ns();
  for (auto& o : all) {
    {
      std::lock_guard<std::mutex> g(mtx);
      sent_at[o.id.value] = monotonic_ns();
    }
    pipe.place(o);
  }
  std::unique_lock<std::mutex> g(mtx);
  cv.wait_for(g, 30s, [&] { return out.done == orders; });
  note_cpu(cpu, orders, out);
  out.orders_per_s = out.done / (static_cast<double>(last - started) / 1e9);
  out.max_in_flight = pipe.counters().max_in_flight_seen.load();
  finish_stats(rtt, out);
  return out.done == orders && out.rejects == 0;
}

// The venue alone, one request at a time (ws_api_orders): for reference.
bool run_venue_serial(const venue_access& v, int orders, const std::string& stem, mode_result& out) {
  connector::ws_api_orders ws(ws_config(v));
  if (!ws.place_order(bench_order(stem + "warm")).ok())
    return false;
  std::vector<int64_t> rtt;
  auto cpu = cpu_now();
  auto started = monotonic_ns();
  int64_t last = started;
  for (int i = 0; i < orders; ++i) {
    auto t0 = monotonic_ns();
    auto r = ws.place_order(bench_order(stem + std::to_string(i)));
    last = monotonic_ns();
    rtt.push_back(last - t0);
    out.rejects += r.ok() ? 0 : 1;
    ++out.done;
  }
  note_cpu(cpu, orders, out);
  out.orders_per_s = out.done / (static_cast<double>(last - started) / 1e9);
  out.max_in_flight = 1;
  finish_stats(rtt, out);
  return out.rejects == 0;
}

int64_t counter(caf::scoped_actor& self, const caf::actor& a, const std::string& key) {
  int64_t n = -1;
  self->request(a, 5s, stats_atom::value)
    .receive([&](const actor_stats& s) { n = s.counters.count(key) ? s.counters.at(key) : -1; },
             [](caf::error&) {});
  return n;
}

// Runs `orders` orders through a fresh risk + OMS (+ connector) set.
bool run_mode(caf::actor_system& sys, const venue_access& v, bool ws_api,
              const std::string& journal, int orders, const std::string& tag, mode_result& out) {
  auto venue_port = v.port;
  kill_gate gate;
  caf::scoped_actor self{sys};
  connector_actor_config ccfg;
  ccfg.self = node_id{"bench"};
  ccfg.venue = venue_name{"binance"};
  ccfg.gate = &gate;
  ccfg.symbols = {usdchf};
  ccfg.poll_interval = 1000ms;
  ccfg.lost_halt = 0ms; // no lost-venue probes in the measured path
  ccfg.gateway.host = "127.0.0.1";
  ccfg.gateway.port = venue_port;
  ccfg.gateway.api_key = v.key;
  ccfg.gateway.secret = v.secret;
  ccfg.use_ws_api_orders = ws_api;
  ccfg.ws_api = ws_config(v);
  ccfg.ws_api_pipeline.max_in_flight = v.in_flight;
  ccfg.ws_api_pipeline.max_queued = static_cast<std::size_t>(orders);
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
  auto stem = "b" + std::to_string(::getpid() % 100000) + (journal.empty() ? "n" : "j")
              + (ws_api ? "w" : "r") + tag + "-";
  // One order first: the WebSocket API connection opens on the first order.
  {
    auto warm = bench_order(stem + "warm");
    self->send(risk, warm);
    bool warmed = false;
    self->receive_while([&] { return !warmed; })(
      [&](const execution_report& r) { warmed = is_terminal(r.status); },
      [&](const order_reject& r) {
        std::fprintf(stderr, "warm-up order rejected: %s\n", r.detail.c_str());
        warmed = true;
      },
      caf::after(10s) >> [&] { warmed = true; });
  }
  auto cpu = cpu_now();
  auto started = monotonic_ns();
  for (int i = 0; i < orders; ++i) {
    auto o = bench_order(stem + std::to_string(i));
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
  note_cpu(cpu, orders, out);
  out.orders_per_s = out.done / (static_cast<double>(last - started) / 1e9);
  finish_stats(rtt, out);
  out.journal_writes = counter(self, oms, "journal.commits");
  out.journal_total_ns = counter(self, oms, "journal.total_write_ns");
  out.journal_records = counter(self, oms, "journal.records");
  out.journal_commit_ns = counter(self, oms, "journal.total_commit_ns");
  out.max_in_flight = ws_api ? counter(self, connector, "ws_api.max_in_flight_seen") : 1;
  for (auto& a : {connector, risk, oms})
    self->send_exit(a, caf::exit_reason::user_shutdown);
  return out.done == orders && out.rejects == 0;
}

void print(const mode_result& r) {
  std::printf("mode=%s orders=%d rejects=%d orders_per_s=%.0f rtt_median_us=%.1f rtt_p99_us=%.1f "
              "max_in_flight=%lld journal_commits=%lld journal_events=%lld "
              "commits_per_event=%.3f batch_open_to_commit_us=%.1f commit_stmt_us=%.1f "
              "cpu_us_per_order=%.1f "
              "venue_cpu_us_per_order=%.1f\n",
              r.name.c_str(), r.done, r.rejects, r.orders_per_s, r.median_ns / 1e3, r.p99_ns / 1e3,
              static_cast<long long>(r.max_in_flight), static_cast<long long>(r.journal_writes),
              static_cast<long long>(r.journal_records),
              r.journal_records > 0 ? static_cast<double>(r.journal_writes)
                                        / static_cast<double>(r.journal_records)
                                    : 0.0,
              r.journal_writes > 0 ? r.journal_total_ns / 1e3 / static_cast<double>(r.journal_writes)
                                   : 0.0,
              r.journal_writes > 0 ? r.journal_commit_ns / 1e3 / static_cast<double>(r.journal_writes)
                                   : 0.0,
              r.cpu_us_per_order, r.venue_cpu_us_per_order);
}

double median_of(std::vector<double> v) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// config/venue.ini with absolute data and key paths and no request-weight
// pressure: the run places several thousand orders within a minute.
bool write_venue_ini(const std::string& config_dir, const std::string& dir) {
  auto text = itest::read_file(config_dir + "/venue.ini");
  if (text.empty())
    return false;
  auto set = [&](const std::string& key, const std::string& value) {
    text = std::regex_replace(text, std::regex("\n" + key + " = [^\n]*"), "\n" + key + " = " + value);
  };
  set("request-weight-limit", "100000000");
  set("data", config_dir + "/../data/usdchf_trades_generated.csv");
  set("keys-file", config_dir + "/venue-demo-keys.ini");
  std::ofstream(dir + "/venue.ini") << text;
  return itest::read_file(dir + "/venue.ini") == text;
}

} // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--help") {
    std::puts("usage: order_path_bench [orders=1500] [folder=/tmp] [in_flight=64]\n"
              "e.g.:  order_path_bench 1500 /tmp");
    return 0;
  }
  int orders = argc > 1 ? std::atoi(argv[1]) : 1500;
  std::string folder = argc > 2 ? argv[2] : "/tmp";
  venue_access v;
  v.in_flight = argc > 3 ? static_cast<std::size_t>(std::atoi(argv[3])) : 64;
  itest::cluster_paths paths{CWTS_VENUE_BIN, "", "", CWTS_CONFIG_DIR};
  auto dir = itest::make_test_dir("order_path_bench");
  itest::cluster_paths venue_paths = paths;
  venue_paths.config_dir = dir; // the copied venue.ini
  if (!write_venue_ini(paths.config_dir, dir)) {
    std::fprintf(stderr, "cannot write %s/venue.ini\n", dir.c_str());
    return 1;
  }
  itest::venue_process venue(venue_paths, dir, 1.0);
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
  v.port = venue.port();
  venue_pid = venue.proc().pid();
  v.key = ini->get("account.demo.api-key").value_or("");
  v.secret = ini->get("account.demo.secret").value_or("");
  bench_config cfg;
  caf::actor_system sys{cfg};
  auto journal = folder + "/cwts-order-path-bench-" + std::to_string(::getpid()) + ".sqlite";
  auto rest_journal = journal + ".rest";
  auto pid = "v" + std::to_string(::getpid() % 100000);
  // The machine is shared: the three modes the goal compares run in rounds,
  // interleaved, and the summary takes each one's median.
  constexpr int rounds = 3;
  std::vector<mode_result> venue_p(rounds), ws_off(rounds), ws_on(rounds);
  mode_result venue_1, rest_on;
  venue_1.name = "venue_ws_api_one_at_a_time";
  rest_on.name = "path_rest_journal_on";
  bool ok = true;
  for (int r = 0; r < rounds && ok; ++r) {
    auto tag = std::to_string(r);
    venue_p[r].name = "venue_ws_api_pipelined#" + tag;
    ws_off[r].name = "path_ws_api_journal_off#" + tag;
    ws_on[r].name = "path_ws_api_journal_on#" + tag;
    ok = run_venue_pipelined(v, orders, pid + "p" + tag + "-", venue_p[r])
         && run_mode(sys, v, true, "", orders, tag, ws_off[r])
         && run_mode(sys, v, true, journal, orders, tag, ws_on[r]);
  }
  ok = ok && run_venue_serial(v, orders, pid + "s-", venue_1)
       && run_mode(sys, v, false, rest_journal, orders, "", rest_on);
  for (auto& j : {journal, rest_journal})
    for (auto suffix : {"", "-wal", "-shm"})
      std::remove((j + suffix).c_str());
  std::vector<double> ratios;
  for (int r = 0; r < rounds; ++r) {
    print(venue_p[r]);
    print(ws_off[r]);
    print(ws_on[r]);
    if (venue_p[r].orders_per_s > 0)
      ratios.push_back(ws_on[r].orders_per_s / venue_p[r].orders_per_s);
  }
  print(venue_1);
  print(rest_on);
  auto med = [](const std::vector<mode_result>& m, double mode_result::*f) {
    std::vector<double> v;
    for (auto& r : m)
      v.push_back(r.*f);
    return median_of(v);
  };
  auto venue_med = med(venue_p, &mode_result::orders_per_s);
  auto on_med = med(ws_on, &mode_result::orders_per_s);
  auto off_med = med(ws_off, &mode_result::orders_per_s);
  std::printf("median of %d rounds: venue_ws_api_pipelined=%.0f path_ws_api_journal_off=%.0f "
              "path_ws_api_journal_on=%.0f orders/s; cpu_us_per_order venue_client=%.1f "
              "path_off=%.1f path_on=%.1f; venue process cpu_us_per_order %.1f / %.1f / %.1f\n",
              rounds, venue_med, off_med, on_med, med(venue_p, &mode_result::cpu_us_per_order),
              med(ws_off, &mode_result::cpu_us_per_order), med(ws_on, &mode_result::cpu_us_per_order),
              med(venue_p, &mode_result::venue_cpu_us_per_order),
              med(ws_off, &mode_result::venue_cpu_us_per_order),
              med(ws_on, &mode_result::venue_cpu_us_per_order));
  std::printf("path_ws_api_journal_on / venue_ws_api_pipelined: %.2f (median of the rounds' ratios "
              "%.2f; goal >= 0.8); journal on/off: %.2f; ws_api/rest (journal on): %.2f\n",
              venue_med > 0 ? on_med / venue_med : 0.0, median_of(ratios),
              off_med > 0 ? on_med / off_med : 0.0,
              rest_on.orders_per_s > 0 ? on_med / rest_on.orders_per_s : 0.0);
  return ok ? 0 : 1;
}
