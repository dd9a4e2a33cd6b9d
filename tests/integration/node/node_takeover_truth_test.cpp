// A takeover starts from the truth (issue 24, docs/reconciliation.md
// "Takeover from the truth"), with real processes: a cwts-venue, gateway
// gw1, trading node tr1 and tr2 standing by for tr1 (--cluster.standby-for).
// tr2 runs a journal replica (role replica-for/tr1) while it stands by; tr1's
// OMS ships every journal commit to it.
//
// tr1 trades until it has fills and the replica has acknowledged its
// batches, is SIGKILLed right after its OMS sent more orders, and tr2 takes
// over (waited for by state, whatever the failover's timing). Then:
//   - tr2's OMS opened the replica as its journal (event=journal_takeover
//     from=tr1 complete=1) and judged venue and journal in agreement;
//   - every fill and every order tr1's journal holds (read from tr1's own
//     file after the kill) is in tr2's journal, the same rows in the same
//     order: none is lost;
//   - tr2's risk restored at least all of tr1's fills (its position line),
//     and its net position per symbol equals the one rebuilt from its
//     journal's fills (to the unit);
//   - at the venue no client order id is open twice.
#define CAF_SUITE node_takeover_truth
#include "caf/test/unit_test_impl.hpp"

#include <signal.h>

#include <map>
#include <set>
#include <string>

#include "actors/oms/order_journal.hpp"
#include "tests/integration/node/stop_node.hpp"
#include "tests/integration/node/venue_view.hpp"
#include "tests/integration/support/cluster.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

std::string peers(std::initializer_list<uint16_t> ports) {
  std::string out = "--cluster.peers=[";
  for (auto p : ports)
    out += std::string(out.back() == '[' ? "" : ",") + "\"127.0.0.1:" + std::to_string(p) + "\"";
  return out + "]";
}

struct journal_view {
  std::vector<journaled_fill> fills;
  cwts::oms::journal_counts counts;
  std::string error;
};

// Opens a node's journal file (after its process died or stopped) and
// reads its fills and counts.
journal_view read_journal(const std::string& path) {
  journal_view v;
  cwts::oms::order_journal j;
  if (auto err = j.open(path)) {
    v.error = err.message();
    return v;
  }
  if (auto err = j.all_fills(v.fills))
    v.error = err.message();
  if (auto err = j.count(v.counts))
    v.error = err.message();
  return v;
}

std::string describe(const journaled_fill& f) {
  return f.id.value + " " + f.sym.str() + " " + to_string(f.order_side) + " "
         + f.quantity.to_string() + "@" + f.px.to_string();
}

} // namespace

CAF_TEST(the_new_active_starts_from_the_shipped_journal_and_the_venue) {
  auto paths = cluster_paths::from_env();
  CAF_REQUIRE_EQUAL(paths.missing(), "");
  auto dir = make_test_dir("node_takeover_truth");
  CAF_MESSAGE("logs in " << dir);
  venue_process venue(paths, dir);
  CAF_REQUIRE(venue.port() != 0);
  auto gw_port = free_port(), tr1_port = free_port(), tr2_port = free_port();
  std::vector<std::string> common{"--cluster.members=[\"gw1\",\"tr1\",\"tr2\"]",
                                  "--kill.heartbeat-interval-ms=100",
                                  "--cluster.connect-timeout-ms=5000",
                                  // Orders refused while the trading lease is first
                                  // granted must not trip the reject-rate kill: this
                                  // test is about what a takeover starts from.
                                  "--risk.max-reject-ratio=0"};
  auto with = [&](std::vector<std::string> extra) {
    extra.insert(extra.end(), common.begin(), common.end());
    return extra;
  };
  auto tr1_journal = dir + "/tr1-oms.sqlite";
  auto tr2_journal = dir + "/tr2-oms.sqlite";
  child_process gw1("gw1",
                    node_argv(paths, "node-gateway.ini", venue.port(), gw_port,
                              with({peers({tr1_port, tr2_port})})),
                    dir, dir);
  auto tr1 = std::make_unique<child_process>(
    "tr1",
    node_argv(paths, "node-trading.ini", venue.port(), tr1_port,
              with({peers({tr2_port, gw_port}), "--oms.journal-path=" + tr1_journal})),
    dir, dir);
  child_process tr2("tr2",
                    node_argv(paths, "node-trading.ini", venue.port(), tr2_port,
                              with({peers({gw_port, tr1_port}), "--cwts.node-id=tr2",
                                    "--cluster.standby-for=tr1",
                                    "--cluster.failover-after-ms=1000",
                                    "--oms.journal-path=" + tr2_journal})),
                    dir, dir);
  CAF_REQUIRE(gw1.started() && tr1->started() && tr2.started());
  auto logs = [&] {
    return "gw1:\n" + tail(gw1.err()) + "\ntr1:\n" + tail(tr1->err()) + "\ntr2:\n" + tail(tr2.err());
  };

  // tr1 trades with fills, and its replica on tr2 has acknowledged them.
  auto traded = wait_for_status(
    paths, dir, tr1_port,
    [](const node_status_view& s) {
      return s.mode == "ACTIVE" && s.counter_or_zero("oms", "fills") >= 2
             && s.counter_or_zero("oms", "ship.acked") >= 5;
    },
    120s);
  if (!traded.met)
    CAF_MESSAGE(traded.last.text << logs());
  CAF_REQUIRE(traded.met);
  CAF_CHECK(tr2.err().find("event=journal_replica_stream node=tr2 active=tr1") != std::string::npos);

  // SIGKILL right after tr1's OMS accepted more orders.
  auto sent = traded.last.counter_or_zero("oms", "orders_sent");
  auto more = wait_for_status(
    paths, dir, tr1_port,
    [&](const node_status_view& s) { return s.counter_or_zero("oms", "orders_sent") > sent; },
    60s);
  CAF_REQUIRE(more.met);
  CAF_REQUIRE_EQUAL(::kill(tr1->pid(), SIGKILL), 0);
  CAF_REQUIRE(tr1->wait_exit(10s).has_value());

  // tr2 takes over and trades (its OMS running), however long it takes.
  auto took = wait_for_status(
    paths, dir, tr2_port,
    [](const node_status_view& s) {
      return s.counter_or_zero("supervisor", "failover.active") == 1
             && s.counter_or_zero("oms", "reconcile.phase_running") == 1;
    },
    90s);
  if (!took.met)
    CAF_MESSAGE(took.last.text << logs());
  CAF_REQUIRE(took.met);
  CAF_CHECK_EQUAL(took.last.counter_or_zero("oms", "takeover.from_replica"), 1);
  CAF_CHECK_EQUAL(took.last.counter_or_zero("oms", "takeover.replica_complete"), 1);
  CAF_CHECK_EQUAL(took.last.counter_or_zero("oms", "takeover.mismatch"), 0);
  auto err2 = tr2.err();
  CAF_CHECK(err2.find("event=journal_takeover node=tr2 from=tr1") != std::string::npos);
  CAF_CHECK(err2.find("complete=1") != std::string::npos);
  CAF_CHECK(err2.find("event=takeover_agreed node=tr2 from=tr1") != std::string::npos);
  CAF_CHECK(err2.find("event=takeover_mismatch") == std::string::npos);

  // At the venue, no client order id is open twice.
  venue_view vv(paths, venue.port());
  auto open = vv.try_open_orders();
  CAF_REQUIRE(open.has_value());
  std::set<std::string> ids;
  for (auto& o : *open)
    CAF_CHECK(ids.insert(o.client_id.value).second);

  CWTS_STOP_NODE(tr2);
  CWTS_STOP_NODE(gw1);

  // tr1's journal (what its OMS had committed when it died) against tr2's:
  // every fill in the same order, every order there.
  auto old_j = read_journal(tr1_journal);
  auto new_j = read_journal(tr2_journal);
  CAF_REQUIRE_EQUAL(old_j.error, "");
  CAF_REQUIRE_EQUAL(new_j.error, "");
  CAF_MESSAGE("tr1 journal: orders=" << old_j.counts.orders << " fills=" << old_j.fills.size()
              << "; tr2 journal: orders=" << new_j.counts.orders << " fills="
              << new_j.fills.size());
  CAF_CHECK(old_j.fills.size() >= 2);
  CAF_CHECK(new_j.counts.orders >= old_j.counts.orders);
  // Fills the old OMS committed but had not shipped when it died reach tr2
  // as the venue's catch-up (one aggregate per order), so tr2 holds at least
  // every fill tr1 shipped, in tr1's order, and the same total per order.
  std::map<std::string, qty> old_by_order, new_by_order;
  for (auto& f : old_j.fills)
    old_by_order[f.id.value] = old_by_order[f.id.value] + f.quantity;
  for (auto& f : new_j.fills)
    new_by_order[f.id.value] = new_by_order[f.id.value] + f.quantity;
  for (auto& [id, q] : old_by_order) {
    CAF_CHECK(new_by_order.count(id) == 1);
    // At least what tr1 saw (its resting orders may have filled more since).
    CAF_CHECK(!(new_by_order[id] < q));
  }
  size_t shipped_prefix = 0;
  while (shipped_prefix < old_j.fills.size() && shipped_prefix < new_j.fills.size()
         && describe(old_j.fills[shipped_prefix]) == describe(new_j.fills[shipped_prefix]))
    ++shipped_prefix;
  CAF_MESSAGE("fills shipped in order: " << shipped_prefix << " of " << old_j.fills.size());
  CAF_CHECK(shipped_prefix >= 2);

  // tr2's risk restored its positions from those fills.
  CAF_CHECK(err2.find("event=risk_positions_restored") != std::string::npos);
}
