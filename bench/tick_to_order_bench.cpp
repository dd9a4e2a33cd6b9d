// Tick-to-order latency inside one node (issue 21 goal 2: p50 <= 20 us,
// p99 <= 100 us): from a trade frame written to the connector's market-data
// socket (t0, just before the write) to the first byte of the resulting
// order read on the venue side of the order socket (t1). The bench owns both
// sockets (tick_to_order_sockets.hpp): a WebSocket server the connector's
// market stream reads, and a relay in front of a real cwts-venue that times
// every read from the connector; the venue answers as it always does (an IOC
// buy far below the market: EXPIRED at once, nothing rests).
//
// Paths, one after the other in the same run, one tick in flight (the next
// frame only once the order finished at the strategy), warm-up first:
//   actors, journal off: connector -> validator -> strategy -> risk -> OMS
//     -> connector actors on CAF's sharing scheduler (as cwts-node runs),
//     orders over signed REST on the connector's worker (as deployed);
//   actors, journal on: the same with the OMS journal (SQLite) before send;
//   actors, WebSocket API orders, journal off: the connector writes the
//     order on its WebSocket API session from the actor (no worker hop);
//   plain calls: the same market stream's callback calls the validator core,
//     the strategy's order logic, risk's pre-trade check, the OMS store and
//     venue_session::place (encode, sign, write on the same kind of socket);
//   sockets only (the floor): a thread reads each frame's bytes and writes a
//     fixed order request, no decoding, no checks (tick_to_order_floor.hpp).
// The strategy is bench-only (tick_to_order_strategy.hpp: one order per
// tick); the reference market maker's on_trade cost is printed beside it.
//
//   tick_to_order_bench [samples=10000] [warmup=500] [journal-folder=/tmp]
//   e.g. build/bench/tick_to_order_bench 10000 500 /tmp

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "caf/all.hpp"
#include "caf/io/all.hpp"

#include "actors/connector/connector_actor.hpp"
#include "actors/connector/market_stream.hpp"
#include "actors/connector/venue_session.hpp"
#include "actors/oms/oms_actor.hpp"
#include "actors/oms/order_store.hpp"
#include "actors/risk/pre_trade_check.hpp"
#include "actors/risk/risk_actor.hpp"
#include "actors/strategy/market_maker.hpp"
#include "actors/validator/trade_validator.hpp"
#include "actors/validator/validator_actor.hpp"
#include "bench/tick_to_order_floor.hpp"
#include "bench/tick_to_order_sockets.hpp"
#include "bench/tick_to_order_strategy.hpp"
#include "common/ini_file.hpp"
#include "tests/integration/support/cluster.hpp"

using namespace cwts;
using namespace cwts::bench;
using namespace std::chrono_literals;

namespace {

const symbol usdchf = *symbol::parse("USDCHF");

struct bench_config : caf::actor_system_config {
  bench_config() {
    register_message_types(*this);
    // As cwts-node runs it (nodes/node/node_config.cpp), unless
    // CWTS_BENCH_SCHEDULER=stealing asks for CAF's work-stealing scheduler
    // whose idle workers poll (CWTS_BENCH_SPIN: its aggressive poll attempts
    // before a worker sleeps): what busy-polling workers would save on the
    // hand-offs, on a machine with cores to spare.
    const char* policy = std::getenv("CWTS_BENCH_SCHEDULER");
    stealing = policy && std::string(policy) == "stealing";
    set("scheduler.policy", stealing ? caf::atom("stealing") : caf::atom("sharing"));
    if (const char* spin = std::getenv("CWTS_BENCH_SPIN"))
      set("work-stealing.aggressive-poll-attempts", static_cast<size_t>(std::atoll(spin)));
  }
  bool stealing = false;
};

// One Binance combined-stream trade frame, unmasked (server to client).
std::string trade_frame(uint64_t id) {
  auto ms = static_cast<long long>(wall_clock_now().ns / 1'000'000);
  char json[320];
  int len = std::snprintf(json, sizeof json,
                          "{\"stream\":\"usdchf@trade\",\"data\":{\"e\":\"trade\",\"E\":%lld,"
                          "\"s\":\"USDCHF\",\"t\":%llu,\"p\":\"0.90000000\",\"q\":\"1.00000000\","
                          "\"T\":%lld,\"m\":false,\"M\":true}}",
                          ms, static_cast<unsigned long long>(id), ms);
  std::string f;
  f.push_back(static_cast<char>(0x81));
  f.push_back(static_cast<char>(126)); // 16-bit length follows
  f.push_back(static_cast<char>((len >> 8) & 0xff));
  f.push_back(static_cast<char>(len & 0xff));
  f.append(json, static_cast<size_t>(len));
  return f;
}

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
  cfg.limits.default_strategy = risk::strategy_limits{100'000, 100'000, 1000};
  cfg.limits.pnl = risk::pnl_limits{*notional::parse("1000000000"), *notional::parse("1000000000")};
  return cfg;
}

validator::trade_validator_config validator_config() {
  validator::trade_validator_config v;
  v.whitelist = {usdchf};
  return v;
}

struct venue_keys {
  uint16_t port = 0;
  std::string key, secret;
};

struct series {
  std::vector<int64_t> total, hop_in, hop_out; // t1-t0; t0->strategy; strategy->t1
  uint64_t lost = 0;
};

struct stats {
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
};

stats summarize(std::vector<int64_t> v) {
  stats s;
  if (v.empty())
    return s;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[static_cast<size_t>(q * static_cast<double>(v.size() - 1))] / 1e3; };
  s.p50 = at(0.5);
  s.p90 = at(0.9);
  s.p99 = at(0.99);
  s.max = v.back() / 1e3;
  return s;
}

// One tick in flight: frame, wait for its order at the venue socket, wait
// for the order to finish at the strategy, next.
bool measure(tick_feed& feed, order_tap& tap, strategy_probe& probe, int warmup, int n,
             uint64_t& next_id, series& out) {
  for (int i = 0; i < warmup + n; ++i) {
    auto frame = trade_frame(next_id++);
    auto orders = tap.orders();
    auto finished = probe.finished_now();
    auto t0 = feed.send(frame);
    if (t0 == 0) {
      std::fprintf(stderr, "the connector is not connected to the feed\n");
      return false;
    }
    auto t1 = tap.wait_order_after(orders, 2s);
    bool done = probe.wait_finished(finished, 5s);
    if (t1 == 0 || !done) {
      if (++out.lost > 50) {
        std::fprintf(stderr, "50 ticks made no order (rejects=%llu, first: %s)\n",
                     static_cast<unsigned long long>(probe.rejects), probe.first_reject.c_str());
        return false;
      }
      continue;
    }
    if (i < warmup)
      continue;
    auto seen = probe.trade_seen_ns.load();
    out.total.push_back(t1 - t0);
    out.hop_in.push_back(seen - t0);
    out.hop_out.push_back(t1 - seen);
  }
  return true;
}

int64_t counter(caf::scoped_actor& self, const caf::actor& a, const std::string& key) {
  int64_t n = -1;
  self->request(a, 5s, stats_atom::value)
    .receive([&](const actor_stats& s) { n = s.counters.count(key) ? s.counters.at(key) : -1; },
             [](caf::error&) {});
  return n;
}

// ws_api: orders over the WebSocket API's pipeline, written from the
// connector actor ([venue] ws-api-orders), instead of REST on its worker.
bool run_actors(caf::actor_system& sys, tick_feed& feed, order_tap& tap, const venue_keys& v,
                const std::string& journal, bool ws_api, int& feed_clients, int warmup, int n,
                uint64_t& next_id, series& out) {
  kill_gate gate;
  caf::scoped_actor self{sys};
  connector_actor_config ccfg;
  ccfg.self = node_id{"bench"};
  ccfg.venue = venue_name{"binance"};
  ccfg.gate = &gate;
  ccfg.symbols = {usdchf};
  ccfg.poll_interval = 10'000ms; // IOC orders end in the reply: no poll needed
  ccfg.lost_halt = 0ms; // no lost-venue probes in the measured path
  ccfg.gateway.host = "127.0.0.1";
  ccfg.gateway.port = tap.port();
  ccfg.gateway.api_key = v.key;
  ccfg.gateway.secret = v.secret;
  ccfg.stream.port = feed.port();
  ccfg.stream.symbols = {usdchf};
  ccfg.stream.agg_trades = ccfg.stream.book_ticker = ccfg.stream.depth = false;
  ccfg.use_ws_api_orders = ws_api;
  ccfg.ws_api.port = tap.port();
  ccfg.ws_api.api_key = v.key;
  ccfg.ws_api.secret = v.secret;
  validator_actor_config vcfg;
  vcfg.trades = validator_config();
  vcfg.gate = &gate;
  oms_actor_config ocfg;
  ocfg.self = node_id{"bench"};
  ocfg.gate = &gate;
  ocfg.journal_path = journal;
  strategy_probe probe;
  auto stem = "t" + std::to_string(::getpid() % 100000) + (journal.empty() ? "n" : "j")
              + (ws_api ? "w" : "r") + "-";
  auto strategy = sys.spawn(bench_strategy, &probe, stem);
  auto validator = spawn_validator(sys, vcfg);
  auto risk = spawn_risk(sys, risk_config(gate));
  auto oms = spawn_oms(sys, ocfg);
  auto connector = spawn_connector(sys, ccfg);
  role_directory dir{{connector_role(ccfg.venue), connector}, {"risk", risk}, {"oms", oms},
                     {"strategy", strategy}, {"validator", validator}};
  auto all = {connector, risk, oms, validator, strategy};
  for (auto& a : all)
    self->send(a, wire_atom::value, dir);
  // Risk's first reference price, so the first tick's order cannot race
  // the validator's copy of its trade to risk.
  self->send(risk, trade{usdchf, trade_id{0}, *price::parse("0.9000"), *qty::parse("1"), false,
                         wall_clock_now(), wall_clock_now()});
  bool ok = feed.wait_connections(++feed_clients, 20s);
  auto ready = std::chrono::steady_clock::now() + 20s;
  while (ok && counter(self, oms, "reconcile.phase_running") != 1) {
    if (std::chrono::steady_clock::now() > ready) {
      std::fprintf(stderr, "OMS did not reconcile with the venue\n");
      ok = false;
    }
    std::this_thread::sleep_for(20ms); // a bench's start-up poll, not a measurement
  }
  if (!ok)
    std::fprintf(stderr, "the connector did not come up\n");
  ok = ok && measure(feed, tap, probe, warmup, n, next_id, out);
  if (probe.rejects > 0)
    std::fprintf(stderr, "journal=%s ws_api=%d: %llu rejects, first: %s\n",
                 journal.empty() ? "off" : "on", ws_api ? 1 : 0,
                 static_cast<unsigned long long>(probe.rejects), probe.first_reject.c_str());
  for (auto& a : all)
    self->send_exit(a, caf::exit_reason::user_shutdown);
  return ok;
}

// The same path as plain calls on the market stream's thread.
struct plain_path {
  plain_path(const kill_gate& gate, const venue_keys& v, uint16_t tap_port, strategy_probe& p)
    : tv(validator_config()),
      check(gate, risk_config(gate).limits, risk_config(gate).rules),
      session(gateway(v, tap_port), {usdchf}),
      probe(p) {}

  static connector::gateway_config gateway(const venue_keys& v, uint16_t tap_port) {
    connector::gateway_config g;
    g.port = tap_port;
    g.api_key = v.key;
    g.secret = v.secret;
    return g;
  }

  void on_batch(market_batch&& b) {
    probe.trade_seen_ns = steady_ns();
    auto now = wall_clock_now();
    const trade* last = nullptr;
    for (auto& t : b.trades)
      if (tv.check(t, now) == validator::trade_verdict::ok) {
        refs.set(t.sym, t.px, now);
        last = &t;
      }
    if (!last)
      return;
    auto o = make_order(*last, stem, seq++);
    auto r = check.check(o, trading_mode::active, refs, book, now.ns);
    if (!r.passed) {
      auto why = std::string(to_string(r.reason)) + " " + r.detail;
      probe.finish(&why);
      return;
    }
    book.on_order_sent(o, last->px);
    if (auto rej = store.submit(o, now)) {
      auto why = rej->detail;
      probe.finish(&why);
      return;
    }
    for (auto& out : session.place(o, true))
      std::visit(
        [&](auto& x) {
          store.apply(x);
          if constexpr (std::is_same_v<std::decay_t<decltype(x)>, execution_report>)
            book.on_execution_report(x);
          else
            book.on_order_reject(x);
        },
        out);
    probe.finish(nullptr);
  }

  validator::trade_validator tv;
  risk::pre_trade_check check;
  risk::reference_prices refs;
  risk::position_book book;
  oms::order_store store;
  connector::venue_session session;
  strategy_probe& probe;
  std::string stem = "p" + std::to_string(::getpid() % 100000) + "-";
  uint64_t seq = 0;
};

bool run_plain(tick_feed& feed, order_tap& tap, const venue_keys& v, int& feed_clients,
               int warmup, int n, uint64_t& next_id, series& out) {
  kill_gate gate;
  strategy_probe probe;
  plain_path path(gate, v, tap.port(), probe);
  if (!path.session.sync_clock().ok()) {
    std::fprintf(stderr, "plain path: the venue's clock could not be read\n");
    return false;
  }
  connector::market_stream_config scfg;
  scfg.port = feed.port();
  scfg.symbols = {usdchf};
  scfg.agg_trades = scfg.book_ticker = scfg.depth = false;
  connector::market_stream stream(scfg, [&](market_batch&& b) { path.on_batch(std::move(b)); });
  stream.start();
  bool ok = feed.wait_connections(++feed_clients, 20s)
            && measure(feed, tap, probe, warmup, n, next_id, out);
  stream.stop();
  if (probe.rejects > 0)
    std::fprintf(stderr, "plain: %llu rejects, first: %s\n",
                 static_cast<unsigned long long>(probe.rejects), probe.first_reject.c_str());
  return ok;
}

// The floor: the same sockets, nothing between them (tick_to_order_floor.hpp).
bool run_floor(tick_feed& feed, order_tap& tap, int& feed_clients, int warmup, int n,
               uint64_t& next_id, series& out) {
  strategy_probe probe;
  socket_floor floor(feed.port(), tap.port(), probe);
  return feed.wait_connections(++feed_clients, 20s)
         && measure(feed, tap, probe, warmup, n, next_id, out);
}

// The reference market maker's own cost per trade (its EMA and quote
// targets; it orders only when a quote must move), for comparison with the
// bench strategy's.
std::pair<double, size_t> market_maker_on_trade_ns() {
  strategy::market_maker_config c;
  c.id = strategy_id{"mm"};
  c.account = account_id{"demo"};
  c.venue = venue_name{"binance"};
  c.sym = usdchf;
  c.tick_size = *price::parse("0.0001");
  c.quote_qty = *qty::parse("10");
  c.max_inventory = *qty::parse("100");
  // Not the node's quote_tuning defaults: quotes a tick out, moved on every
  // tick and never throttled, so each trade exercises the whole path.
  c.half_spread_ticks = 1;
  c.requote_threshold_ticks = 1;
  c.min_action_interval = 0ms;
  uint64_t id = 0;
  strategy::market_maker mm(c, [&] { return client_order_id{"mm-" + std::to_string(id++)}; });
  trade t{usdchf, trade_id{1}, *price::parse("0.9000"), *qty::parse("1"), false, wall_clock_now(),
          wall_clock_now()};
  constexpr int n = 200'000;
  size_t actions = 0;
  auto start = steady_ns();
  for (int i = 0; i < n; ++i) {
    t.px = price::from_raw(90'000'000 + (i % 3) * 10'000);
    actions += mm.on_trade(t, wall_clock_now()).size();
  }
  return {static_cast<double>(steady_ns() - start) / n, actions};
}

// config/venue.ini with its paths made absolute and the request weight
// limit (6000 a minute) lifted: 4 x (samples + warmup) orders pass it
// within a minute. Empty on failure.
std::string venue_config_copy(const itest::cluster_paths& paths, const std::string& dir) {
  std::ifstream in(paths.config("venue.ini"));
  std::ofstream out(dir + "/venue.ini");
  if (!in || !out)
    return {};
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("request-weight-limit", 0) == 0)
      line = "request-weight-limit = 1000000000";
    else if (line.rfind("data = ", 0) == 0 || line.rfind("keys-file = ", 0) == 0
             || line.rfind("data-dictionary = ", 0) == 0) {
      auto eq = line.find("= ") + 2;
      if (line[eq] != '/')
        line = line.substr(0, eq) + paths.config_dir + "/" + line.substr(eq);
    }
    out << line << "\n";
  }
  return out ? dir + "/venue.ini" : std::string();
}

void print(const char* mode, const series& s) {
  auto t = summarize(s.total), in = summarize(s.hop_in), out = summarize(s.hop_out);
  std::printf("%-18s samples=%zu lost=%llu p50_us=%.1f p90_us=%.1f p99_us=%.1f max_us=%.1f | "
              "feed->strategy p50=%.1f p99=%.1f | strategy->venue socket p50=%.1f p99=%.1f\n",
              mode, s.total.size(), static_cast<unsigned long long>(s.lost), t.p50, t.p90, t.p99,
              t.max, in.p50, in.p99, out.p50, out.p99);
}

} // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--help") {
    std::puts("usage: tick_to_order_bench [samples=10000] [warmup=500] [journal-folder=/tmp]\n"
              "e.g.:  tick_to_order_bench 10000 500 /tmp");
    return 0;
  }
  int samples = argc > 1 ? std::atoi(argv[1]) : 10'000;
  int warmup = argc > 2 ? std::atoi(argv[2]) : 500;
  std::string folder = argc > 3 ? argv[3] : "/tmp";
  if (samples < 100 || warmup < 0) {
    std::fprintf(stderr, "samples must be >= 100, warmup >= 0 (see --help)\n");
    return 2;
  }
  itest::cluster_paths paths{CWTS_VENUE_BIN, "", "", CWTS_CONFIG_DIR};
  auto dir = itest::make_test_dir("tick_to_order_bench");
  auto venue_ini = venue_config_copy(paths, dir);
  if (venue_ini.empty()) {
    std::fprintf(stderr, "cannot write the venue config into %s\n", dir.c_str());
    return 1;
  }
  itest::child_process venue_proc("venue", {paths.venue_bin, "--config", venue_ini, "--port", "0",
                                            "--speed", "1"}, dir);
  const std::string marker = "cwts-venue listening host=127.0.0.1 port=";
  auto line = venue_proc.wait_for_line(
    itest::stream::out, [&](const std::string& l) { return l.rfind(marker, 0) == 0; }, 30s);
  uint16_t venue_port = line ? static_cast<uint16_t>(std::atoi(line->c_str() + marker.size())) : 0;
  if (venue_port == 0) {
    std::fprintf(stderr, "cwts-venue did not start; logs in %s\n", dir.c_str());
    return 1;
  }
  std::string error;
  auto ini = ini_file::load(paths.config("venue-demo-keys.ini"), error);
  if (!ini) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  venue_keys keys{venue_port, ini->get("account.demo.api-key").value_or(""),
                  ini->get("account.demo.secret").value_or("")};
  tick_feed feed;
  order_tap tap(venue_port);
  bench_config cfg;
  caf::actor_system sys{cfg};
  auto journal = folder + "/cwts-tick-to-order-bench-" + std::to_string(::getpid()) + ".sqlite";
  int clients = 0;
  uint64_t next_id = 1;
  series off, on, ws, plain, floor;
  bool ok = run_actors(sys, feed, tap, keys, "", false, clients, warmup, samples, next_id, off)
            && run_actors(sys, feed, tap, keys, journal, false, clients, warmup, samples, next_id, on)
            && run_actors(sys, feed, tap, keys, "", true, clients, warmup, samples, next_id, ws)
            && run_plain(feed, tap, keys, clients, warmup, samples, next_id, plain)
            && run_floor(feed, tap, clients, warmup, samples, next_id, floor);
  for (auto suffix : {"", "-wal", "-shm"})
    std::remove((journal + suffix).c_str());
  std::printf("tick_to_order_bench: t0 = trade frame written to the connector's socket, t1 = the "
              "order's first byte read at the venue socket; one tick in flight, warmup=%d, "
              "scheduler=%s\n",
              warmup, cfg.stealing ? "stealing" : "sharing");
  print("actors_journal_off", off);
  print("actors_journal_on", on);
  print("actors_ws_api_off", ws);
  print("plain_calls", plain);
  print("sockets_only", floor);
  auto a = summarize(off.total), p = summarize(plain.total), f = summarize(floor.total);
  if (p.p50 > 0 && p.p99 > 0)
    std::printf("ratio actors(journal off)/plain: p50 %.2f p99 %.2f\n", a.p50 / p.p50, a.p99 / p.p99);
  if (f.p50 > 0 && f.p99 > 0)
    std::printf("ratio plain/sockets_only: p50 %.2f p99 %.2f; actors/sockets_only: p50 %.2f p99 %.2f\n",
                p.p50 / f.p50, p.p99 / f.p99, a.p50 / f.p50, a.p99 / f.p99);
  std::printf("goal actors journal off p50 <= 20 us: %s (%.1f), p99 <= 100 us: %s (%.1f)\n",
              a.p50 <= 20 ? "met" : "NOT met", a.p50, a.p99 <= 100 ? "met" : "NOT met", a.p99);
  auto w = summarize(ws.total);
  if (a.p50 > 0 && a.p99 > 0)
    std::printf("ratio actors ws_api/rest (journal off): p50 %.2f p99 %.2f\n", w.p50 / a.p50,
                w.p99 / a.p99);
  auto [mm_ns, mm_actions] = market_maker_on_trade_ns();
  std::printf("reference market_maker::on_trade: %.0f ns per trade, %zu actions in 200000 trades "
              "(not in the paths above)\n", mm_ns, mm_actions);
  return ok ? 0 : 1;
}
