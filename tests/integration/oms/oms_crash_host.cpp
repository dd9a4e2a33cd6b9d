// The process the OMS crash test kills (oms_crash_test.cpp): a connector
// (Binance, orders over the WebSocket API, several in flight) and an OMS
// with its journal on the path given, and a strategy that keeps up to 32
// IOC orders outstanding, sent straight to the OMS. Every report the
// strategy receives is written to stdout at once, unbuffered, as
//   seen <client order id> <status> <cumulative quantity, raw 8 decimals>
// so what the strategy saw survives a SIGKILL of this process.
//
//   oms_crash_host <venue port> <journal> <keys file> trade|reconcile [kill-after]
//
// trade: reconcile, then orders until killed (or 60 s); with kill-after N it
// SIGKILLs itself right after the strategy wrote its Nth report, the moment a
// report sent before its commit would be lost. reconcile: start on
// the journal, reconcile with the venue, print "reconciled restored=<n>"
// and exit 0 (1 when it does not reconcile within 30 s).

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "caf/all.hpp"
#include "caf/io/all.hpp"

#include "actors/connector/connector_actor.hpp"
#include "actors/oms/oms_actor.hpp"
#include "tests/integration/support/process.hpp"
#include "common/ini_file.hpp"
#include "messages/registry.hpp"

using namespace cwts;
using namespace std::chrono_literals;

namespace {

struct host_config : caf::actor_system_config {
  host_config() { register_message_types(*this); }
};

const symbol usdchf = *symbol::parse("USDCHF");

// write(2): in the kernel's hands before the next report is taken.
void say(const std::string& line) {
  auto text = line + "\n";
  auto left = text.size();
  const char* p = text.data();
  while (left > 0) {
    auto n = ::write(STDOUT_FILENO, p, left);
    if (n <= 0)
      return;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

int64_t counter(caf::scoped_actor& self, const caf::actor& a, const std::string& key) {
  int64_t n = -1;
  self->request(a, 5s, stats_atom::value)
    .receive([&](const actor_stats& s) { n = s.counters.count(key) ? s.counters.at(key) : -1; },
             [](caf::error&) {});
  return n;
}

order_request ioc_order(const std::string& id) {
  order_request o;
  o.id.value = id;
  o.strategy = strategy_id{"crash"};
  o.account = account_id{"demo"};
  o.sym = usdchf;
  o.venue = venue_name{"binance"};
  o.tif = time_in_force::ioc;
  o.limit_price = *price::parse("0.5000");
  o.quantity = *qty::parse("10");
  o.ts_init = wall_clock_now();
  return o;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 5 && argc != 6) {
    std::fprintf(stderr, "usage: oms_crash_host <venue port> <journal> <keys file> "
                         "trade|reconcile [kill-after]\n");
    return 2;
  }
  auto port = static_cast<uint16_t>(std::atoi(argv[1]));
  std::string journal = argv[2];
  std::string mode = argv[4];
  long kill_after = argc == 6 ? std::atol(argv[5]) : 0;
  std::string error;
  auto keys = ini_file::load(argv[3], error);
  if (!keys) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 2;
  }
  kill_gate gate;
  host_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  connector_actor_config ccfg;
  ccfg.self = node_id{"crash"};
  ccfg.venue = venue_name{"binance"};
  ccfg.gate = &gate;
  ccfg.symbols = {usdchf};
  // Lost-venue probe off, as before connector_tuning defaulted it on (5 s):
  // this host tests the OMS's crash recovery; a lost-venue kill would close
  // the gate under it.
  ccfg.lost_halt = std::chrono::milliseconds(0);
  ccfg.gateway.host = "127.0.0.1";
  ccfg.gateway.port = port;
  ccfg.gateway.api_key = keys->get("account.demo.api-key").value_or("");
  ccfg.gateway.secret = keys->get("account.demo.secret").value_or("");
  ccfg.stream.port = port;
  ccfg.stream.symbols = {usdchf};
  ccfg.use_ws_api_orders = true;
  ccfg.ws_api.port = port;
  ccfg.ws_api.api_key = ccfg.gateway.api_key;
  ccfg.ws_api.secret = ccfg.gateway.secret;
  auto connector = spawn_connector(sys, ccfg);
  oms_actor_config ocfg;
  ocfg.self = node_id{"crash"};
  ocfg.gate = &gate;
  ocfg.journal_path = journal;
  auto oms = spawn_oms(sys, ocfg);
  role_directory dir{{connector_role(ccfg.venue), connector}, {"oms", oms}, {"strategy", self}};
  self->send(connector, wire_atom::value, dir);
  self->send(oms, wire_atom::value, dir);
  if (!cwts::itest::wait_until([&] { return counter(self, oms, "reconcile.phase_running") == 1; },
                               30s, 20ms)) {
    std::fprintf(stderr, "the OMS did not reconcile with the venue\n");
    return 1;
  }
  if (mode == "reconcile") {
    say("reconciled restored=" + std::to_string(counter(self, oms, "journal.restored"))
        + " live=" + std::to_string(counter(self, oms, "live_orders")));
    self->send_exit(connector, caf::exit_reason::user_shutdown);
    self->send_exit(oms, caf::exit_reason::user_shutdown);
    return 0;
  }
  say("trading");
  auto stem = "k" + std::to_string(::getpid()) + "-";
  int next = 0;
  int outstanding = 0;
  long reports = 0;
  auto stop_at = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < stop_at) {
    while (outstanding < 32) {
      self->send(oms, ioc_order(stem + std::to_string(next++)));
      ++outstanding;
    }
    self->receive(
      [&](const execution_report& r) {
        say("seen " + r.id.value + " " + to_string(r.status) + " "
            + std::to_string(r.cum_qty.raw));
        outstanding -= is_terminal(r.status) ? 1 : 0;
        if (++reports == kill_after)
          ::kill(::getpid(), SIGKILL);
      },
      [&](const order_reject& r) {
        say("rejected " + r.id.value + " " + to_string(r.reason));
        --outstanding;
      },
      caf::after(5s) >> [&] { outstanding = 0; });
  }
  return 0;
}
