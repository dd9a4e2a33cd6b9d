// The trading lease with real processes (docs/supervision.md "Trading
// lease"): the cluster4 fixture's gw1, tr1 and w1, and tr2 as the fourth
// member, a trading node standing by for tr1. Four members: a lease needs 3.
//
// (a) tr1 is SIGSTOPped: alive to the kernel, silent, its TCP connections
//     open, so no supervisor goes down. tr2 takes over only once tr1's lease
//     ran out at a majority (tr2's grant comes after the end of tr1's lease),
//     and trades (its orders acknowledged by the venue).
// (b) tr1 is SIGCONTed: its gate is closed (its lease ended while it was
//     stopped), it learns that tr2 holds a newer epoch, stops its roles and
//     stands by for tr2. No order of tr1 reached the venue after tr2's grant.
//
// The measured times are printed (CAF_MESSAGE) for docs/supervision.md.
#define CAF_SUITE cluster4_lease
#include "tests/support/unit_test.hpp"

#include <signal.h>

#include <set>

#include "tests/integration/cluster4/cluster4.hpp"
#include "tests/integration/cluster4/lease_standby.hpp"
#include "tests/integration/node/stop_node.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

int64_t wall_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

int64_t num(const std::string& s) {
  try {
    return std::stoll(s);
  } catch (const std::exception&) {
    return -1;
  }
}

// The client order ids of open orders at the venue that start with `prefix`.
std::set<std::string> open_ids(venue_view& venue, const std::string& prefix) {
  std::set<std::string> out;
  if (auto open = venue.try_open_orders())
    for (auto& o : *open)
      if (o.client_id.value.rfind(prefix, 0) == 0)
        out.insert(o.client_id.value);
  return out;
}

// The key=value fields of the last line of `text` holding `marker`.
std::map<std::string, std::string> last_fields(const std::string& text, const std::string& marker) {
  std::map<std::string, std::string> out;
  for (auto& line : split_lines(text))
    if (auto at = line.find(marker); at != std::string::npos)
      out = parse_fields(line.substr(at));
  return out;
}

} // namespace

CAF_TEST(a_stopped_active_loses_its_lease_before_the_standby_gets_it_and_stands_by_after) {
  four_node_cluster c("cluster4_lease", tr2_standby_for_tr1());
  CAF_MESSAGE("logs in " << c.dir);
  CAF_REQUIRE_EQUAL(c.setup_error, "");
  require_wired(c);
  auto& tr1 = *c.node("tr1").proc;
  auto& tr2 = *c.node("tr2").proc;

  // tr1 trades under its lease; tr2 watches it and asks for it (refused).
  auto tr1_epoch = tr1_epoch_once_trading(c);
  auto asking = wait_status(
    c, "tr2",
    [](const node_status_view& s) {
      return s.counter("supervisor", "failover.standby") == 1
             && s.counter_or_zero("supervisor", "failover.lease_refused") >= 1
             && !s.counter("oms", "orders_sent");
    },
    30s);
  CAF_REQUIRE(asking.met);
  CAF_CHECK(tr2.err().find("reason=\"lease held by tr1 (epoch " + std::to_string(tr1_epoch) + ")\"")
            != std::string::npos);
  venue_view venue(c.paths, c.venue->port());

  // (a) SIGSTOP: nothing goes down, only the lease runs out.
  auto stopped_at = wall_now_ns();
  CAF_REQUIRE_EQUAL(::kill(tr1.pid(), SIGSTOP), 0);
  auto took = wait_status(
    c, "tr2",
    [](const node_status_view& s) {
      return s.counter("supervisor", "failover.active") == 1
             && s.counter_or_zero("lease", "held.oms") == 1
             && s.counter_or_zero("oms", "acks") >= 3;
    },
    60s);
  auto trading_at = wall_now_ns();
  if (!took.met)
    ::kill(tr1.pid(), SIGCONT);
  CAF_REQUIRE(took.met);
  auto tr2_epoch = took.last.counter_or_zero("lease", "epoch.oms");
  CAF_CHECK_GREATER(tr2_epoch, tr1_epoch);
  auto tr1_ids_at_takeover = open_ids(venue, "tr1-");
  auto acquired = last_fields(tr2.err(), "event=lease_acquired node=tr2 role=oms");
  auto tr2_granted_wall = num(acquired["at_wall_ns"]);
  CAF_CHECK(tr2.err().find("event=peer_down node=tr1") == std::string::npos);

  // (b) SIGCONT: tr1 finds its lease ended, learns of tr2's epoch, stands by.
  CAF_REQUIRE_EQUAL(::kill(tr1.pid(), SIGCONT), 0);
  auto demoted = wait_status(
    c, "tr1",
    [](const node_status_view& s) {
      return s.counter_or_zero("supervisor", "failover.demotions") == 1
             && s.counter("supervisor", "failover.standby") == 1
             && s.counter("supervisor", "held.oms") == 1 && s.counter_or_zero("lease", "held.oms") == 0;
    },
    30s);
  CAF_REQUIRE(demoted.met);
  CAF_CHECK(!demoted.last.counter("oms", "orders_sent").has_value()); // its OMS is stopped
  auto err1 = tr1.err();
  auto lost = fields_after(err1, "event=lease_lost node=tr1 role=oms");
  auto tr1_closed_wall = num(lost["held_until_wall_ns"]);
  CAF_CHECK_EQUAL(num(lost["epoch"]), tr1_epoch);
  CAF_CHECK(err1.find("event=failover_demoted node=tr1 new_active=tr2") != std::string::npos);
  // tr1's lease ended (its gate closed) before any member granted tr2 the role.
  CAF_CHECK_GREATER(tr1_closed_wall, 0);
  CAF_CHECK_LESS(tr1_closed_wall, tr2_granted_wall);
  // ... and within one lease of the stop (the default lease: 900 ms).
  CAF_CHECK_LESS_OR_EQUAL(tr1_closed_wall - stopped_at, 900'000'000);

  // No order of tr1 reached the venue after tr2's grant: tr1's open orders
  // are those it had before (none new), and tr2 keeps trading.
  auto before = took.last.counter_or_zero("oms", "acks");
  auto more = wait_status(
    c, "tr2",
    [before](const node_status_view& s) {
      return s.mode == "ACTIVE" && s.counter_or_zero("oms", "acks") > before;
    },
    30s);
  CAF_CHECK(more.met);
  for (auto& id : open_ids(venue, "tr1-"))
    CAF_CHECK_EQUAL(tr1_ids_at_takeover.count(id), 1u);
  auto gw = query_status(c.paths, c.dir, c.port("gw1"));
  CAF_MESSAGE("gw1 connector: rejected.no_trading_lease="
              << gw.counter_or_zero("connector.binance", "rejected.no_trading_lease")
              << " rejected.fenced_epoch="
              << gw.counter_or_zero("connector.binance", "rejected.fenced_epoch")
              << " lease.highest_epoch_seen="
              << gw.counter_or_zero("connector.binance", "lease.highest_epoch_seen"));
  CAF_MESSAGE("measured: tr1 gate closed " << (tr1_closed_wall - stopped_at) / 1'000'000
                                           << " ms after SIGSTOP (its last renewal round started "
                                           << (tr1_closed_wall - 899'100'000 - stopped_at) / 1'000'000
                                           << " ms from the stop); tr2 granted "
                                           << (tr2_granted_wall - stopped_at) / 1'000'000
                                           << " ms after SIGSTOP, trading (3 acks seen) within "
                                           << (trading_at - stopped_at) / 1'000'000 << " ms");

  for (auto id : {"tr1", "tr2", "w1", "gw1"})
    CWTS_STOP_NODE(*c.node(id).proc);
}
