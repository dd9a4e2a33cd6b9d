// cwts-venue: a local exchange speaking the Binance Spot REST/WebSocket
// shapes, driven by a replayed trades tape (docs/venue.md).
#include <arpa/inet.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sstream>
#include <stdexcept>
#include <string>

#include "venue/market_replay.hpp"
#include "venue/venue_config.hpp"
#include "fix_acceptor.hpp"
#include "venue_server.hpp"

namespace {

using namespace cwts::venue;
namespace asio = boost::asio;

constexpr const char* usage =
  "usage: cwts-venue --config FILE [--port N] [--speed X] [--max-trades-per-second N]\n"
  "                  [--duration S] [--data FILE]\n"
  "                  [--tls-cert PEM --tls-key PEM] [--seed N] [--fix-port N] [--fix-store DIR]\n"
  "                  [--host ADDR] [--order-log FILE]\n"
  "  --config FILE   venue INI file (see docs/venue.md)\n"
  "  --port N        TCP port on 127.0.0.1; 0 picks a free port\n"
  "  --host ADDR     IPv4 address to listen on (overrides [venue] host; default\n"
  "                  127.0.0.1; `cwts cluster up --netns` gives its namespace's)\n"
  "  --order-log FILE  append one JSON line per order request (who sent it, what,\n"
  "                  the outcome) to FILE (overrides [venue] order-log; docs/venue.md)\n"
  "  --speed X       replay speed factor (tape seconds per wall second); 0: unpaced,\n"
  "                  the tape as fast as the venue prints it (with the cap below)\n"
  "  --max-trades-per-second N  cap on prints per second per symbol (overrides\n"
  "                  the config; 0: no cap)\n"
  "  --duration S    exit after S seconds (0: until SIGINT/SIGTERM)\n"
  "  --data FILE     Binance spot trades CSV to replay (overrides the config)\n"
  "  --tls-cert PEM  serve https/wss with this certificate chain (with --tls-key;\n"
  "                  overrides [tls]; make one with scripts/gen-certs DIR)\n"
  "  --tls-key PEM   the certificate's private key\n"
  "  --seed N        replay seed (overrides [replay] seed): the same seed, tape\n"
  "                  and order flow give the same book, order ids and trade ids\n"
  "  --fix-port N    FIX 4.4 acceptor on 127.0.0.1:N (0: a free port); turns [fix] on\n"
  "  --fix-store DIR FIX sequence numbers and sent messages (overrides [fix] store)\n"
  "On start it prints one line: cwts-venue listening host=<ADDR> port=<N>\n"
  "(followed by ' fix_port=<M>' with the FIX acceptor on and ' tls=on' when TLS is on;\n"
  "docs/fix.md)\n"
  "examples:\n"
  "  cwts-venue --config config/venue.ini --port 0 --speed 60 --duration 30\n"
  "  cwts-venue --config config/venue.ini --port 0 --speed 0 --max-trades-per-second 0\n"
  "  scripts/gen-certs /tmp/certs && cwts-venue --config config/venue.ini --port 0 \\\n"
  "      --tls-cert /tmp/certs/server.pem --tls-key /tmp/certs/server.key\n"
  "  cwts-venue --config config/venue.ini --port 0 --fix-port 0 --fix-store run/venue-fix\n";

struct cli_options {
  std::string config;
  std::optional<double> port, speed, max_trades_per_second, duration, fix_port;
  std::optional<std::string> data, tls_cert, tls_key, fix_store, host, order_log;
  std::optional<uint64_t> seed;
};

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

[[noreturn]] void die(const std::string& msg) {
  std::cerr << "cwts-venue: " << msg << "\n";
  std::exit(2);
}

double number_arg(const std::string& name, const char* text, double lo, double hi) {
  char* end = nullptr;
  double v = std::strtod(text, &end);
  if (*end != '\0' || !(v >= lo && v <= hi))
    die(name + ": must be a number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return v;
}

cli_options parse_cli(int argc, char** argv) {
  cli_options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::cout << usage;
      std::exit(0);
    }
    if (i + 1 >= argc) die(a + ": unknown option or missing value (see --help)");
    const char* v = argv[++i];
    if (a == "--config") o.config = v;
    else if (a == "--port") o.port = number_arg(a, v, 0, 65535);
    else if (a == "--speed") o.speed = number_arg(a, v, 0, 1e9);
    else if (a == "--max-trades-per-second") o.max_trades_per_second = number_arg(a, v, 0, 1e6);
    else if (a == "--duration") o.duration = number_arg(a, v, 0, 1e9);
    else if (a == "--data") o.data = v;
    else if (a == "--tls-cert") o.tls_cert = v;
    else if (a == "--tls-key") o.tls_key = v;
    else if (a == "--fix-port") o.fix_port = number_arg(a, v, 0, 65535);
    else if (a == "--fix-store") o.fix_store = v;
    else if (a == "--host") o.host = v;
    else if (a == "--order-log") o.order_log = v;
    else if (a == "--seed") {
      o.seed = parse_seed(v);
      if (!o.seed) die("--seed: must be an unsigned 64-bit integer");
    }
    else die(a + ": unknown option (see --help)");
  }
  if (o.config.empty()) die("--config: missing (see --help)");
  if (o.tls_cert.has_value() != o.tls_key.has_value())
    die("--tls-cert and --tls-key: give both or neither (see --help)");
  return o;
}

// [fix] (docs/fix.md), with --fix-port / --fix-store applied.
venue_fix_config load_fix_config(const cli_options& cli, const std::string& text,
                                 const std::string& base) {
  auto ini = parse_ini(text);
  if (auto err = std::get_if<std::string>(&ini)) die(cli.config + ": " + *err);
  auto loaded = read_fix_config(std::get<cwts::ini_sections>(ini), base);
  if (auto err = std::get_if<std::string>(&loaded)) die(cli.config + ": " + *err);
  auto cfg = std::get<venue_fix_config>(loaded);
  if (cli.fix_port) {
    cfg.enabled = true;
    cfg.port = static_cast<uint16_t>(*cli.fix_port);
  }
  if (cli.fix_store) cfg.store_dir = *cli.fix_store;
  if (cfg.enabled && cfg.clients.empty()) die(cli.config + ": [fix] clients: none configured");
  return cfg;
}

std::string config_dir(const cli_options& cli) {
  auto slash = cli.config.find_last_of('/');
  return slash == std::string::npos ? std::string(".") : cli.config.substr(0, slash);
}

venue_config load_config(const cli_options& cli) {
  auto text = read_file(cli.config);
  if (!text) die(cli.config + ": cannot read config");
  auto base = config_dir(cli);
  auto loaded = load_venue_config(*text, base);
  if (auto err = std::get_if<std::string>(&loaded)) die(cli.config + ": " + *err);
  auto cfg = std::get<venue_config>(loaded);
  if (cli.port) cfg.port = static_cast<int>(*cli.port);
  if (cli.speed) cfg.speed = *cli.speed;
  if (cli.max_trades_per_second) cfg.max_trades_per_second = *cli.max_trades_per_second;
  if (cli.duration) cfg.duration_s = *cli.duration;
  if (cli.data) cfg.data_file = *cli.data;
  if (cli.seed) cfg.seed.seed = *cli.seed;
  if (cli.tls_cert) cfg.tls = tls_config{true, *cli.tls_cert, *cli.tls_key};
  if (cli.host) {
    in_addr a{};
    if (inet_pton(AF_INET, cli.host->c_str(), &a) != 1)
      die("--host: '" + *cli.host + "' is not an IPv4 address");
    cfg.host = *cli.host;
  }
  if (cli.order_log) {
    if (cli.order_log->empty()) die("--order-log: must name a file");
    cfg.order_log = *cli.order_log;
  }
  return cfg;
}

int64_t mono_ns() {
  using namespace std::chrono;
  return duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
}

// One replayed symbol: its rules, tape, pacing and timer.
struct replay_lane {
  replay_lane(asio::io_context& ioc, symbol_rules r, std::vector<tape_trade> t,
              const venue_config& cfg)
    : rules(std::move(r)), tape(std::move(t)),
      clock(tape, cfg.speed, cfg.max_trades_per_second, mono_ns()), timer(ioc) {}
  symbol_rules rules;
  std::vector<tape_trade> tape;
  replay_clock clock; // reads `tape`: a lane never moves (held by unique_ptr)
  asio::steady_timer timer;
  uint64_t prints = 0; // the seed's print number
  uint64_t held = 0;   // unpaced: times a client's queue held the replay back
  bool backpressured = false;
};

using lane_tapes = std::vector<std::pair<symbol_rules, std::vector<tape_trade>>>;

// Owns the running venue: engine, replay pacing, timers and the server.
class venue_node {
public:
  venue_node(const venue_config& cfg, key_store keys, lane_tapes tapes, venue_fix_config fix)
    : cfg_(cfg), keys_(std::move(keys)),
      api_(engine_, keys_, stats_, cfg.request_weight_limit, cfg.orders), server_(ioc_, api_, stats_, cfg.ws_queue_limit),
      summary_timer_(ioc_), stop_timer_(ioc_), signals_(ioc_, SIGINT, SIGTERM) {
    for (auto& [rules, tape] : tapes) {
      engine_.add_symbol(rules);
      lanes_.push_back(std::make_unique<replay_lane>(ioc_, rules, std::move(tape), cfg));
    }
    engine_.set_commission({cfg.maker_commission, cfg.taker_commission});
    if (!cfg.order_log.empty()) {
      std::string error;
      if (!order_log_.open(cfg.order_log, error))
        throw std::runtime_error(error);
      engine_.set_order_log(&order_log_);
    }
    for (auto* a : keys_.accounts())
      for (auto& [asset, amount] : a->balances)
        engine_.fund(a->name, asset, amount);
    // Validated when the config was read; armed before the first client.
    if (auto e = api_.faults().apply(cfg.faults, fault_source::config))
      throw std::runtime_error("[faults] " + *e);
    engine_.on_trade([this](const public_trade& t) {
      ++stats_.trades;
      if (t.account_involved) ++stats_.account_fills;
      server_.publish(t, venue_server::wall_ms());
    });
    // FIX reaches the same engine on the io thread; what it changes is
    // published to REST/WS clients like any request's effects.
    if (fix.enabled)
      fix_ = std::make_unique<venue_fix_acceptor>(ioc_, engine_, std::move(fix),
                                                  [this] { server_.publish_settled(); });
  }

  int run() {
    if (cfg_.tls.enabled)
      server_.use_tls(std::make_unique<asio::ssl::context>(
        make_server_tls_context(cfg_.tls.cert_file, cfg_.tls.key_file)));
    // The first print (due at start) seeds the book before any client can
    // connect, so a seeded run's first requests always meet the same book.
    for (auto& l : lanes_)
      print_due(*l);
    auto port = server_.listen(cfg_.host, static_cast<uint16_t>(cfg_.port));
    if (fix_)
      if (auto why = fix_->start(); !why.empty())
        throw std::runtime_error("[fix] acceptor: " + why);
    std::cout << "cwts-venue listening host=" << cfg_.host << " port=" << port
              << (fix_ ? " fix_port=" + std::to_string(fix_->port()) : std::string())
              << (server_.tls() ? " tls=on" : "") << std::endl;
    std::string symbols;
    for (auto& l : lanes_)
      symbols += (symbols.empty() ? "" : ",") + std::string(l->rules.sym.view()) + ":"
                 + std::to_string(l->tape.size());
    spdlog::info("event=start seed={} host={} port={} tls={} symbols={} speed={} "
                 "max_trades_per_second={} accounts={} faults={} order_log={}",
                 cfg_.seed.seed, cfg_.host, port, server_.tls() ? "on" : "off", symbols, cfg_.speed,
                 cfg_.max_trades_per_second,
                 keys_.size(), api_.faults().to_json(),
                 cfg_.order_log.empty() ? "off" : cfg_.order_log);
    if (server_.tls())
      spdlog::info("event=tls cert_file={} key_file={}", cfg_.tls.cert_file, cfg_.tls.key_file);
    signals_.async_wait([this](auto ec, int sig) {
      if (!ec) stop("signal " + std::to_string(sig));
    });
    if (cfg_.duration_s > 0) {
      stop_timer_.expires_after(std::chrono::milliseconds(static_cast<int64_t>(cfg_.duration_s * 1000)));
      stop_timer_.async_wait([this](auto ec) { if (!ec) stop("duration"); });
    }
    for (auto& l : lanes_)
      schedule_replay(*l);
    schedule_summary();
    ioc_.run();
    if (fix_)
      fix_->stop(); // logs every FIX client out
    summary();
    spdlog::info("event=stop reason={}", stop_reason_);
    return 0;
  }

private:
  void schedule_replay(replay_lane& lane) {
    if (lane.tape.empty() || stopping_) return;
    auto wait_ns = std::max<int64_t>(0, lane.clock.due_ns() - mono_ns());
    // Unpaced and a client is behind: look again shortly (its writes run
    // on this thread meanwhile).
    if (lane.backpressured) wait_ns = std::max<int64_t>(wait_ns, 200'000);
    lane.timer.expires_after(std::chrono::nanoseconds(wait_ns));
    lane.timer.async_wait([this, &lane](auto ec) {
      if (ec) return;
      print_due(lane);
      schedule_replay(lane);
    });
  }

  // Prints everything due now, bounded so requests are never starved.
  // Unpaced (speed 0) the tape goes as fast as the clients read it: while a
  // WebSocket client's queue is half full the replay waits rather than
  // drop that client (paced, a client that falls that far behind is slow
  // and is dropped as ever).
  void print_due(replay_lane& lane) {
    lane.backpressured = false;
    for (int n = 0; n < 1000 && lane.clock.due_ns() <= mono_ns(); ++n) {
      if (cfg_.speed == 0 && server_.deepest_ws_queue() * 2 >= server_.ws_queue_limit()) {
        lane.backpressured = true;
        ++lane.held;
        break;
      }
      print_tape_trade(engine_, lane.rules, lane.clock.next(), cfg_.seed, venue_server::wall_ms(),
                       lane.prints++);
      server_.publish_settled();
      ++stats_.tape_trades;
      lane.clock.advance(mono_ns());
    }
  }

  void schedule_summary() {
    summary_timer_.expires_after(std::chrono::milliseconds(static_cast<int64_t>(cfg_.summary_interval_s * 1000)));
    summary_timer_.async_wait([this](auto ec) {
      if (ec) return;
      summary();
      schedule_summary();
    });
  }

  void summary() {
    spdlog::info("event=summary tape_trades={} trades={} user_orders={} account_fills={} "
                 "requests={} ws_clients={} ws_dropped={} tape_loops={} replay_held={} rejects={} "
                 "kraken_rejects={} order_log_lines={} order_log_errors={}",
                 stats_.tape_trades, stats_.trades, stats_.user_orders, stats_.account_fills,
                 stats_.requests, stats_.ws_clients, stats_.ws_dropped, lanes_.front()->clock.loops(),
                 replay_held(),
                 stats_.rejects_summary(), stats_.kraken_rejects.total(), order_log_.written(),
                 order_log_.write_errors());
    if (fix_) {
      const auto& f = fix_->stats();
      const auto& c = fix_->session_counters();
      spdlog::info("event=fix_summary orders={} rejects={} cancels={} cancel_rejects={} replaces={} "
                   "status_requests={} mass_cancels={} mass_status_requests={} reports={} "
                   "unsupported={} logons={} resend_requests_received={} session_rejects_sent={}",
                   f.orders, f.rejects, f.cancels, f.cancel_rejects, f.replaces, f.status_requests,
                   f.mass_cancels, f.mass_status_requests, f.reports, f.unsupported,
                   c.logons.load(), c.resend_requests_received.load(),
                   c.session_rejects_sent.load());
    }
  }

  uint64_t replay_held() const {
    uint64_t n = 0;
    for (auto& l : lanes_)
      n += l->held;
    return n;
  }

  void stop(const std::string& reason) {
    if (stopping_) return;
    stopping_ = true;
    stop_reason_ = reason;
    for (auto& l : lanes_)
      l->timer.cancel();
    summary_timer_.cancel();
    stop_timer_.cancel();
    signals_.cancel();
    server_.stop();
    ioc_.stop();
  }

  venue_config cfg_;
  key_store keys_;
  asio::io_context ioc_{1};
  order_log order_log_; // before the engine, which writes to it
  matching_engine engine_;
  venue_stats stats_;
  rest_api api_;
  venue_server server_;
  std::unique_ptr<venue_fix_acceptor> fix_;
  std::vector<std::unique_ptr<replay_lane>> lanes_;
  asio::steady_timer summary_timer_, stop_timer_;
  asio::signal_set signals_;
  bool stopping_ = false;
  std::string stop_reason_ = "io_stopped";
};

std::vector<tape_trade> load_tape(const std::string& file) {
  std::ifstream in(file);
  if (!in) die("data: cannot read '" + file + "'");
  auto r = read_trades_csv(in);
  for (auto& why : r.reasons)
    spdlog::warn("event=tape_line_skipped file={} {}", file, why);
  spdlog::info("event=tape_loaded file={} trades={} skipped={} header={}", file,
               r.trades.size(), r.skipped, r.had_header);
  if (r.trades.empty()) die("data: '" + file + "' holds no valid trade");
  return std::move(r.trades);
}

// The primary symbol's tape, then each [symbol.<NAME>]'s: its own file or
// the primary tape scaled (a synthetic price path).
lane_tapes load_tapes(const venue_config& cfg) {
  lane_tapes out;
  out.emplace_back(cfg.rules, load_tape(cfg.data_file));
  for (auto& x : cfg.extra_symbols) {
    if (!x.data_file.empty()) {
      out.emplace_back(x.rules, load_tape(x.data_file));
      continue;
    }
    auto tape = out.front().second;
    for (auto& t : tape)
      t.px = scaled_price(t.px, x.price_scale, x.rules.tick_size);
    spdlog::info("event=tape_derived symbol={} from={} price_scale={}", x.rules.sym.view(),
                 cfg.rules.sym.view(), x.price_scale.to_string());
    out.emplace_back(x.rules, std::move(tape));
  }
  return out;
}

} // namespace

int main(int argc, char** argv) {
  auto cli = parse_cli(argc, argv);
  // stdout carries only the "listening" line; logs go to stderr.
  spdlog::set_default_logger(spdlog::stderr_logger_mt("cwts-venue"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
  auto cfg = load_config(cli);
  auto fix_cfg = load_fix_config(cli, *read_file(cli.config), config_dir(cli));
  auto keys_text = read_file(cfg.keys_file);
  if (!keys_text) die("[venue] keys-file: cannot read '" + cfg.keys_file + "'");
  auto keys = load_keys(*keys_text);
  if (auto err = std::get_if<std::string>(&keys)) die(cfg.keys_file + ": " + *err);
  try {
    venue_node node(cfg, std::move(std::get<key_store>(keys)), load_tapes(cfg), std::move(fix_cfg));
    return node.run();
  } catch (const std::exception& e) {
    spdlog::error("event=fatal reason=\"{}\"", e.what());
    return 1;
  }
}
