// Failover to a standby node (docs/supervision.md "Failover"), with real
// processes: a cwts-venue, gateway gw1, trading node tr1 and a second
// trading node tr2 started with --cluster.standby-for=tr1. tr2 joins the
// cluster but holds strategy, risk and OMS back while tr1 is alive.
//
// 1. tr1 is killed with SIGKILL: after failover-after-ms without tr1, tr2
//    starts the roles, its OMS reconciles with the venue (adopting tr1's
//    open orders), gw1 rewires to tr2's OMS from tr2's announce, and tr2's
//    own orders (client ids "tr2-...") rest at the venue.
// 2. The cluster is halted by an operator's kill first, then tr1 dies: tr2
//    refuses to take over (event=failover_refused, the gate is closed) and
//    never starts its roles.
// 3. After a takeover tr1 is started again: it sees tr2's failover-for/tr1,
//    gives its roles back (event=failover_demoted) and stands by for tr2,
//    which keeps trading.
//
// 4. The same for a gateway: gw2 stands by for gw1 with its own venue
//    connector; gw1 is killed, gw2 starts connector and validator, tr1
//    rewires to gw2's connector and its orders are acknowledged again.
//
// 5. Bad [supervisor] / [cluster] standby values stop the node naming the key.
//
// Every node uses this test process's keys (`cwts keys`: node-tr2 and
// node-gw2 among them) and names the cluster's members.
#define CAF_SUITE node_failover
#include "tests/support/unit_test.hpp"

#include <signal.h>

#include <fstream>
#include <string>
#include <thread>

#include "tests/integration/node/stop_node.hpp"
#include "tests/integration/node/venue_view.hpp"
#include "tests/integration/support/cluster.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

// The members of a failover cluster: the active nodes and their standbys
// (issue 17: membership is configuration). Node keys and the operators file
// are this test process's own (cluster_paths::keys_dir: `cwts keys`).
std::string members(std::initializer_list<const char*> ids) {
  std::string out = "--cluster.members=[";
  for (auto id : ids)
    out += std::string(out.back() == '[' ? "" : ",") + "\"" + id + "\"";
  return out + "]";
}

struct failover_cluster {
  cluster_paths paths = cluster_paths::from_env();
  std::string dir;
  uint16_t gw_port = free_port();
  uint16_t tr1_port = free_port();
  uint16_t tr2_port = free_port();
  std::unique_ptr<venue_process> venue;
  std::unique_ptr<child_process> gw1, tr1, tr2;
  std::vector<std::string> tr1_argv; // tr1 lists its standby partner first

  explicit failover_cluster(const std::string& name) : dir(make_test_dir(name)) {
    CAF_REQUIRE_EQUAL(paths.missing(), "");
    CAF_MESSAGE("logs in " << dir);
    venue = std::make_unique<venue_process>(paths, dir);
    CAF_REQUIRE(venue->port() != 0);
    std::vector<std::string> common{members({"gw1", "tr1", "tr2"}),
                                    "--kill.heartbeat-interval-ms=100",
                                    "--cluster.connect-timeout-ms=5000"};
    auto with = [&](std::vector<std::string> extra) {
      extra.insert(extra.end(), common.begin(), common.end());
      return extra;
    };
    gw1 = std::make_unique<child_process>(
      "gw1", node_argv(paths, "node-gateway.ini", venue->port(), gw_port,
                       with({peers_arg({{"tr1", tr1_port}, {"tr2", tr2_port}})})),
      dir, dir);
    tr1_argv = node_argv(paths, "node-trading.ini", venue->port(), tr1_port,
                         with({peers_arg({{"tr2", tr2_port}, {"gw1", gw_port}})}));
    tr1 = std::make_unique<child_process>("tr1", tr1_argv, dir, dir);
    tr2 = std::make_unique<child_process>(
      "tr2",
      node_argv(paths, "node-trading.ini", venue->port(), tr2_port,
                with({peers_arg({{"gw1", gw_port}, {"tr1", tr1_port}}), "--cwts.node-id=tr2",
                      "--cluster.standby-for=tr1", "--cluster.failover-after-ms=1000"})),
      dir, dir);
    CAF_REQUIRE(gw1->started() && tr1->started() && tr2->started());
  }

  std::string logs() {
    return "gw1 stderr:\n" + tail(gw1->err()) + "\ntr1 stderr:\n" + tail(tr1->err())
           + "\ntr2 stderr:\n" + tail(tr2->err());
  }

  status_wait wait(uint16_t port, const std::function<bool(const node_status_view&)>& pred,
                   millis timeout) {
    auto st = wait_for_status(paths, dir, port, pred, timeout);
    if (!st.met)
      CAF_MESSAGE("last status:\n" << st.last.text << logs());
    return st;
  }

  // tr1 trades (orders acknowledged by the venue) and tr2 stands by, with
  // both peers listed and its roles held.
  void wait_steady() {
    auto trading = wait(
      tr1_port,
      [](const node_status_view& s) {
        return s.mode == "ACTIVE" && s.counter_or_zero("oms", "acks") >= 3;
      },
      60s);
    CAF_REQUIRE(trading.met);
    auto standing_by = wait(
      tr2_port,
      [](const node_status_view& s) {
        return s.counter("supervisor", "failover.standby") == 1
               && s.counter("supervisor", "peers") == 2 && !s.counter("oms", "orders_sent");
      },
      30s);
    CAF_REQUIRE(standing_by.met);
  }

  // SIGKILL tr1, then wait until tr2 took over and trades (orders acked).
  void fail_over() {
    kill_tr1();
    auto took = wait(
      tr2_port,
      [](const node_status_view& s) {
        return s.counter("supervisor", "failover.active") == 1
               && s.counter_or_zero("oms", "reconcile.phase_running") == 1
               && s.counter_or_zero("oms", "acks") >= 3;
      },
      60s);
    CAF_REQUIRE(took.met);
    CAF_CHECK_EQUAL(took.last.mode, "ACTIVE");
    CAF_CHECK_EQUAL(took.last.counter_or_zero("supervisor", "failover.takeovers"), 1);
  }

  void kill_tr1() {
    CAF_REQUIRE_EQUAL(::kill(tr1->pid(), SIGKILL), 0);
    auto rc = tr1->wait_exit(10s);
    CAF_REQUIRE(rc.has_value());
    CAF_CHECK_EQUAL(*rc, -SIGKILL);
  }
};

// The lines of `text` that contain `needle`.
std::string lines_with(const std::string& text, const std::string& needle) {
  std::string out;
  for (auto& l : split_lines(text))
    if (l.find(needle) != std::string::npos)
      out += l + "\n";
  return out;
}

} // namespace

CAF_TEST(the_standby_takes_over_when_the_active_trading_node_dies) {
  failover_cluster c("node_failover_takeover");
  c.wait_steady();
  CAF_CHECK(c.tr2->err().find("event=failover_standby node=tr2 active=tr1") != std::string::npos);

  // tr2 takes over: roles up, OMS reconciled, orders acknowledged by the venue.
  c.fail_over();

  // The venue, asked directly, holds tr2's own quotes.
  venue_view venue(c.paths, c.venue->port());
  bool tr2_quotes = wait_until(
    [&] {
      auto open = venue.try_open_orders();
      if (!open)
        return false;
      for (auto& o : *open)
        if (o.client_id.value.rfind("tr2-", 0) == 0)
          return true;
      return false;
    },
    20s);
  CAF_CHECK(tr2_quotes);

  auto err = c.tr2->err();
  for (auto* e : {"event=failover_active_lost", "event=failover_detected", "event=failover_roles_up",
                  "event=failover_reconciled"})
    CAF_CHECK(err.find(e) != std::string::npos);
  CAF_MESSAGE("tr2 failover lines:\n" << lines_with(err, "event=failover_"));
  // gw1 rewired to tr2's roles from tr2's announce.
  CAF_CHECK(c.gw1->err().find("event=peer_roles_updated node=tr2") != std::string::npos);
  CAF_CHECK(c.gw1->err().find("event=peer_down node=tr1") != std::string::npos);

  CWTS_STOP_NODE(*c.tr2);
  CWTS_STOP_NODE(*c.gw1);
}

CAF_TEST(the_standby_stays_halted_when_the_cluster_was_halted_before_the_active_died) {
  failover_cluster c("node_failover_halted");
  c.wait_steady();
  auto kill = run_kill(c.paths, c.dir, c.gw_port,
                       {"--level=1", "--scope=cluster", "--reason=itest failover halted"});
  CAF_MESSAGE("kill: rc=" << kill.raw.exit_code << "\n" << kill.raw.out << kill.raw.err);
  CAF_REQUIRE_EQUAL(kill.raw.exit_code, 0);
  auto halted = c.wait(
    c.tr2_port, [](const node_status_view& s) { return s.mode == "HALTED"; }, 20s);
  CAF_REQUIRE(halted.met);

  c.kill_tr1();
  auto refused = c.wait(
    c.tr2_port,
    [](const node_status_view& s) {
      return s.counter_or_zero("supervisor", "failover.refusals") >= 1;
    },
    30s);
  CAF_REQUIRE(refused.met);
  CAF_CHECK_EQUAL(refused.last.counter_or_zero("supervisor", "failover.active"), 0);
  CAF_CHECK_EQUAL(refused.last.counter("supervisor", "held.oms").value_or(0), 1);
  CAF_CHECK(!refused.last.counter("oms", "orders_sent").has_value());
  auto err = c.tr2->err();
  auto line = lines_with(err, "event=failover_refused");
  CAF_MESSAGE("tr2: " << line);
  CAF_CHECK(line.find("gate is closed") != std::string::npos);
  CAF_CHECK(err.find("event=failover_roles_up") == std::string::npos);

  CWTS_STOP_NODE(*c.tr2);
  CWTS_STOP_NODE(*c.gw1);
}

// tr1 restarted after tr2 took over: it learns from tr2's directory
// (failover-for/tr1) that its roles are held elsewhere, gives them back and
// stands by for tr2; tr2 keeps trading and stays the only node with an OMS
// that sends orders.
CAF_TEST(the_old_active_coming_back_stands_by_for_the_new_one) {
  failover_cluster c("node_failover_comeback");
  c.wait_steady();
  c.fail_over();
  child_process again("tr1-again", c.tr1_argv, c.dir, c.dir);
  CAF_REQUIRE(again.started());
  auto demoted = c.wait(
    c.tr1_port,
    [](const node_status_view& s) {
      return s.counter_or_zero("supervisor", "failover.demotions") == 1
             && s.counter("supervisor", "failover.standby") == 1
             && s.counter("supervisor", "held.oms") == 1;
    },
    40s);
  if (!demoted.met)
    CAF_MESSAGE("tr1-again stderr:\n" << tail(again.err()));
  CAF_REQUIRE(demoted.met);
  CAF_CHECK(!demoted.last.counter("oms", "orders_sent").has_value());
  auto line = lines_with(again.err(), "event=failover_demoted");
  CAF_MESSAGE("tr1: " << line);
  CAF_CHECK(line.find("new_active=tr2") != std::string::npos);
  // tr2 still trades: more orders acknowledged after tr1 came back.
  auto before = query_status(c.paths, c.dir, c.tr2_port).counter_or_zero("oms", "acks");
  auto more = c.wait(
    c.tr2_port,
    [before](const node_status_view& s) {
      return s.mode == "ACTIVE" && s.counter_or_zero("oms", "acks") > before;
    },
    30s);
  CAF_CHECK(more.met);
  CWTS_STOP_NODE(again);
  CWTS_STOP_NODE(*c.tr2);
  CWTS_STOP_NODE(*c.gw1);
}

// Venue + gw1 + gw2 (standby for gw1, its own connector) + tr1.
CAF_TEST(a_standby_gateway_takes_over_the_venue_connection) {
  auto paths = cluster_paths::from_env();
  CAF_REQUIRE_EQUAL(paths.missing(), "");
  auto dir = make_test_dir("node_failover_gateway");
  CAF_MESSAGE("logs in " << dir);
  venue_process venue(paths, dir);
  CAF_REQUIRE(venue.port() != 0);
  uint16_t gw1_port = free_port(), gw2_port = free_port(), tr_port = free_port();
  std::vector<std::string> common{members({"gw1", "gw2", "tr1"}),
                                  "--kill.heartbeat-interval-ms=100",
                                  "--cluster.connect-timeout-ms=5000"};
  auto with = [&](std::vector<std::string> extra) {
    extra.insert(extra.end(), common.begin(), common.end());
    return extra;
  };
  child_process gw1("gw1",
                    node_argv(paths, "node-gateway.ini", venue.port(), gw1_port,
                              with({peers_arg({{"gw2", gw2_port}, {"tr1", tr_port}})})),
                    dir, dir);
  child_process tr1("tr1",
                    node_argv(paths, "node-trading.ini", venue.port(), tr_port,
                              with({peers_arg({{"gw1", gw1_port}, {"gw2", gw2_port}})})),
                    dir, dir);
  child_process gw2(
    "gw2",
    node_argv(paths, "node-gateway.ini", venue.port(), gw2_port,
              with({peers_arg({{"gw1", gw1_port}, {"tr1", tr_port}}), "--cwts.node-id=gw2",
                    "--cluster.standby-for=gw1", "--cluster.failover-after-ms=1000"})),
    dir, dir);
  CAF_REQUIRE(gw1.started() && tr1.started() && gw2.started());
  auto logs = [&] {
    return "gw1 stderr:\n" + tail(gw1.err()) + "\ngw2 stderr:\n" + tail(gw2.err())
           + "\ntr1 stderr:\n" + tail(tr1.err());
  };
  auto wait = [&](uint16_t port, const std::function<bool(const node_status_view&)>& pred) {
    auto st = wait_for_status(paths, dir, port, pred, 60s);
    if (!st.met)
      CAF_MESSAGE("last status:\n" << st.last.text << logs());
    return st;
  };
  auto trading = wait(tr_port, [](const node_status_view& s) {
    return s.mode == "ACTIVE" && s.counter_or_zero("oms", "acks") >= 3;
  });
  CAF_REQUIRE(trading.met);
  auto standing_by = wait(gw2_port, [](const node_status_view& s) {
    return s.counter("supervisor", "failover.standby") == 1 && s.counter("supervisor", "peers") == 2
           && !s.counter("connector.binance", "orders.rest").has_value();
  });
  CAF_REQUIRE(standing_by.met);

  CAF_REQUIRE_EQUAL(::kill(gw1.pid(), SIGKILL), 0);
  CAF_REQUIRE(gw1.wait_exit(10s).has_value());
  auto acks_before = query_status(paths, dir, tr_port).counter_or_zero("oms", "acks");
  auto took = wait(gw2_port, [](const node_status_view& s) {
    return s.counter("supervisor", "failover.active") == 1 && s.counter("connector.binance", "orders.rest");
  });
  CAF_REQUIRE(took.met);
  // tr1's orders reach the venue through gw2 and are acknowledged again.
  auto again = wait(tr_port, [acks_before](const node_status_view& s) {
    return s.mode == "ACTIVE" && s.counter_or_zero("oms", "acks") >= acks_before + 3;
  });
  CAF_CHECK(again.met);
  CAF_CHECK(gw2.err().find("event=failover_roles_up node=gw2 active=gw1") != std::string::npos);
  CAF_CHECK(tr1.err().find("event=peer_roles_updated node=gw2") != std::string::npos);
  CAF_MESSAGE("gw2 failover lines:\n" << lines_with(gw2.err(), "event=failover_"));
  CWTS_STOP_NODE(tr1);
  CWTS_STOP_NODE(gw2);
}

// [supervisor], [drill] and [cluster] standby keys: a bad value stops the
// node at start naming the key (validation comes before any venue or peer).
CAF_TEST(bad_supervision_and_standby_settings_are_refused_naming_the_key) {
  auto paths = cluster_paths::from_env();
  CAF_REQUIRE_EQUAL(paths.missing(), "");
  auto dir = make_test_dir("node_failover_config");
  auto run = [&](std::vector<std::string> extra) {
    extra.push_back("--cwts.duration=3");
    extra.push_back("--oms.journal-path=" + dir + "/oms.sqlite");
    return run_command("node", node_argv(paths, "node.ini", 1, free_port(), extra), dir, 30s);
  };
  struct bad_case {
    std::vector<std::string> args;
    std::string message;
  };
  std::vector<bad_case> cases{
    {{"--supervisor.strategy=one-for-all"}, "supervisor.strategy: 'one-for-all' is not a strategy"},
    {{"--supervisor.max-restarts=5000"}, "supervisor.max-restarts: 5000 is outside 0..1000"},
    {{"--supervisor.window-ms=10"}, "supervisor.window-ms: 10 is outside"},
    {{"--cluster.failover-after-ms=5"}, "cluster.failover-after-ms: 5 is outside"},
    {{"--cluster.standby-for=solo", "--cluster.peers=[\"127.0.0.1:1\"]"},
     "cluster.standby-for: a node cannot stand by for itself"},
    {{"--cluster.standby-for=tr1"}, "cluster.standby-for: no cluster.peers"},
    {{"--cluster.standby-for=a b"}, "cluster.standby-for: 'a b' is not a node id"},
  };
  for (auto& c : cases) {
    auto res = run(c.args);
    CAF_MESSAGE(c.args.front() << " -> rc=" << res.exit_code << " " << tail(res.err, 300));
    CAF_CHECK_EQUAL(res.exit_code, 2);
    CAF_CHECK(res.err.find(c.message) != std::string::npos);
  }
  // The good values are accepted (the node runs until its duration ends).
  auto ok = run({"--supervisor.strategy=rest-for-one", "--supervisor.max-restarts=3",
                 "--supervisor.window-ms=1000", "--drill.enabled"});
  CAF_CHECK_EQUAL(ok.exit_code, 0);
}
