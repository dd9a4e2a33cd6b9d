// Re-joining a restarted peer (docs/kill-switch.md "Fail-safe"): gateway node
// gw1 and trading node tr1 (n = 2, quorum 2) heartbeat each other; tr1 is
// killed with SIGKILL and started again on the same folder and ports. The
// restarted tr1 joins gw1 and announces itself, and gw1's peer link re-joins
// tr1's address in the background, so both list each other again: each sees
// its peer (`peers_seen` 1, fresh heartbeats), their signed heartbeats are
// counted (the restarted tr1 numbers them above its previous life's), and
// `heartbeats_refused` stops growing. The quorum timeout (20 s) is longer
// than the restart, so gw1 never trips the fail-safe: both stay ACTIVE.
// The second test restarts tr1 with a dead peer address, so only gw1's
// background re-join can bring them together.
#define CAF_SUITE node_peer_rejoin
#include "tests/support/unit_test.hpp"

#include <signal.h>

#include <string>
#include <thread>

#include "tests/integration/node/stop_node.hpp"
#include "tests/integration/node/two_node_cluster.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> rejoin_args = {"--kill.heartbeat-interval-ms=100",
                                              "--kill.quorum-timeout-ms=20000"};

// Sees its peer, and heard from it within the last second (peers_seen alone
// stays 1 for the whole 20 s timeout after the peer died).
bool hears_its_peer(const node_status_view& s, const std::string& peer) {
  return s.mode == "ACTIVE" && s.counter("kill", "peers_seen") == 1
         && s.counter("kill", "heartbeat_age_ms." + peer).value_or(1'000'000) < 1000;
}

// The arguments plus a short wait for the peers at start.
std::vector<std::string> with_timeout(std::vector<std::string> args) {
  args.push_back("--cluster.connect-timeout-ms=1000");
  return args;
}

int64_t refused(const node_status_view& s) {
  return s.counter("kill", "heartbeats_refused").value_or(-1);
}

// Waits until gw1 and the restarted tr1 (`name`) hear each other; on a
// timeout logs both nodes' last status and stderr. Returns gw1's status.
status_wait wait_both_hear(two_node_cluster& c, child_process& restarted, const std::string& name) {
  auto logs = [&] {
    return "gw1 stderr:\n" + tail(c.gateway.err()) + "\n" + name + " stderr:\n"
           + tail(restarted.err());
  };
  auto gw = wait_for_status(
    c.paths, c.dir, c.gw_port, [](const node_status_view& s) { return hears_its_peer(s, "tr1"); },
    40s);
  if (!gw.met)
    CAF_MESSAGE("last gw1 status:\n" << gw.last.text << logs());
  CAF_REQUIRE(gw.met);
  auto tr = wait_for_status(
    c.paths, c.dir, c.tr_port, [](const node_status_view& s) { return hears_its_peer(s, "gw1"); },
    40s);
  if (!tr.met)
    CAF_MESSAGE("last tr1 status:\n" << tr.last.text << logs());
  CAF_REQUIRE(tr.met);
  return gw;
}

} // namespace

CAF_TEST(a_peer_restarted_on_the_same_address_is_seen_again_by_both_nodes) {
  two_node_cluster c("node_peer_rejoin", rejoin_args, rejoin_args);
  CAF_REQUIRE_EQUAL(c.paths.missing(), "");
  CAF_MESSAGE("logs in " << c.dir);
  CAF_REQUIRE(c.venue.port() != 0);
  CAF_REQUIRE(c.gateway.started());
  CAF_REQUIRE(c.trading.started());

  auto gw_hears = [](const node_status_view& s) { return hears_its_peer(s, "tr1"); };
  auto tr_hears = [](const node_status_view& s) { return hears_its_peer(s, "gw1"); };
  auto held = wait_for_status(c.paths, c.dir, c.gw_port, gw_hears, 40s);
  if (held.met)
    held = wait_for_status(c.paths, c.dir, c.tr_port, tr_hears, 40s);
  if (!held.met)
    CAF_MESSAGE("last status:\n" << held.last.text << c.logs());
  CAF_REQUIRE(held.met);

  // tr1 dies without a word, then comes back on the same folder and ports.
  CAF_REQUIRE_EQUAL(::kill(c.trading.pid(), SIGKILL), 0);
  auto rc = c.trading.wait_exit(10s);
  CAF_REQUIRE(rc.has_value());
  CAF_CHECK_EQUAL(*rc, -SIGKILL);
  // gw1 notices (down_msg) and starts re-joining.
  CAF_REQUIRE(c.gateway.wait_for_line(
    stream::err,
    [](const std::string& l) { return l.find("event=peer_link_lost") != std::string::npos; },
    10s).has_value());
  child_process again("tr1-again",
                      node_argv(c.paths, "node-trading.ini", c.venue.port(), c.tr_port,
                                two_node_cluster::with(two_node_cluster::peer("gw1", c.gw_port),
                                                       rejoin_args)),
                      c.dir, c.dir);
  CAF_REQUIRE(again.started());
  // Both list each other again: fresh, counted heartbeats both ways.
  auto gw = wait_both_hear(c, again, "tr1-again");

  // Settled: no heartbeat is refused any more on either side (some may have
  // been while tr1 was back but not yet listed by gw1).
  auto gw_before = query_status(c.paths, c.dir, c.gw_port);
  auto tr_before = query_status(c.paths, c.dir, c.tr_port);
  std::this_thread::sleep_for(2s);
  auto gw_after = query_status(c.paths, c.dir, c.gw_port);
  auto tr_after = query_status(c.paths, c.dir, c.tr_port);
  CAF_MESSAGE("gw1 heartbeats_refused " << refused(gw_before) << " -> " << refused(gw_after)
                                        << ", tr1 " << refused(tr_before) << " -> "
                                        << refused(tr_after));
  CAF_CHECK_GREATER_OR_EQUAL(refused(gw_after), 0);
  CAF_CHECK_EQUAL(refused(gw_after), refused(gw_before));
  CAF_CHECK_EQUAL(refused(tr_after), refused(tr_before));
  CAF_CHECK(hears_its_peer(gw_after, "tr1"));
  CAF_CHECK(hears_its_peer(tr_after, "gw1"));

  // The restart stayed inside the quorum timeout: neither node halted.
  CAF_CHECK_EQUAL(gw_after.mode, "ACTIVE");
  CAF_CHECK_EQUAL(tr_after.mode, "ACTIVE");
  CAF_CHECK_EQUAL(gw_after.counter("kill", "quorum_lost_halts").value_or(-1), 0);
  CAF_CHECK_EQUAL(tr_after.counter("kill", "quorum_lost_halts").value_or(-1), 0);
  auto gw_err = c.gateway.err();
  CAF_CHECK(gw_err.find("event=peer_down node=tr1") != std::string::npos);
  // gw1 lists the restarted tr1 from tr1's announce or from its own re-join,
  // whichever came first; both are logged.
  bool relisted = gw_err.find("event=peer_joined node=tr1") != std::string::npos
                  || gw_err.find("event=peer_rejoined node=tr1") != std::string::npos;
  CAF_CHECK(relisted);
  CAF_MESSAGE("gw1 re-join lines: "
              << (gw_err.find("via=peer_link") != std::string::npos ? "peer link re-joined tr1; "
                                                                    : "")
              << (gw_err.find("event=peer_link_lost") != std::string::npos ? "peer link lost tr1"
                                                                           : ""));

  CWTS_STOP_NODE(again);
  CWTS_STOP_NODE(c.gateway);
}

// The background re-join alone: tr1 restarted with its peer list pointing at
// a dead address, so it never joins or announces itself to gw1. gw1's peer
// link finds tr1 on its old address, lists it and announces itself, so tr1
// lists gw1 too and both hear each other again.
CAF_TEST(a_restarted_peer_that_never_announces_is_found_by_the_background_rejoin) {
  two_node_cluster c("node_peer_rejoin_bg", rejoin_args, rejoin_args);
  CAF_REQUIRE_EQUAL(c.paths.missing(), "");
  CAF_MESSAGE("logs in " << c.dir);
  CAF_REQUIRE(c.venue.port() != 0);
  auto gw_hears = [](const node_status_view& s) { return hears_its_peer(s, "tr1"); };
  auto held = wait_for_status(c.paths, c.dir, c.gw_port, gw_hears, 40s);
  if (!held.met)
    CAF_MESSAGE("last status:\n" << held.last.text << c.logs());
  CAF_REQUIRE(held.met);

  CAF_REQUIRE_EQUAL(::kill(c.trading.pid(), SIGKILL), 0);
  CAF_REQUIRE(c.trading.wait_exit(10s).has_value());
  auto dead = free_port(); // nobody listens there
  CAF_REQUIRE(dead != 0);
  child_process again("tr1-alone",
                      node_argv(c.paths, "node-trading.ini", c.venue.port(), c.tr_port,
                                two_node_cluster::with(two_node_cluster::peer("gw1", dead),
                                                       with_timeout(rejoin_args))),
                      c.dir, c.dir);
  CAF_REQUIRE(again.started());
  auto gw = wait_both_hear(c, again, "tr1-alone");
  CAF_CHECK(c.gateway.err().find("event=peer_connected node=tr1 address=tr1@127.0.0.1:"
                                 + std::to_string(c.tr_port))
            != std::string::npos);
  CAF_CHECK(c.gateway.err().find("via=peer_link") != std::string::npos);
  // tr1 learned of gw1 only from gw1's announce: gw1 dials (its id sorts
  // first), tr1 never does.
  CAF_CHECK(again.err().find("event=peer_joined node=gw1") != std::string::npos);
  CAF_CHECK(again.err().find("dialled_by=peer") != std::string::npos);
  CAF_CHECK(again.err().find("dialled_by=us") == std::string::npos);
  CAF_CHECK_EQUAL(gw.last.counter("kill", "quorum_lost_halts").value_or(-1), 0);
  CWTS_STOP_NODE(again);
  CWTS_STOP_NODE(c.gateway);
}
