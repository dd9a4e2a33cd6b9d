// kill -9 of a trading node while its strategy sends orders, then a restart
// on the same journal (issue 5): the venue, asked directly, and the journal,
// read directly, must agree on every order. Nothing lost (every order the
// journal holds is at the venue in the same state, or was rejected because
// it never reached it), nothing duplicated (each client order id once at the
// venue), nothing unknown (every venue order is journaled; none is left
// PENDING_NEW).
#define CAF_SUITE node_crash_recovery
#include "tests/support/unit_test.hpp"

#include <signal.h>
#include <sqlite3.h>

#include <map>
#include <set>
#include <string>

#include "tests/integration/node/single_node.hpp"
#include "tests/integration/node/stop_node.hpp"
#include "tests/integration/node/venue_view.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

struct journaled_order {
  std::string status;
  std::string cum_qty; // raw fixed point as text
};

// The journal as the node left it, read with SQLite directly (WAL readers
// do not block the node's writer).
std::map<std::string, journaled_order> read_journal(const std::string& path, std::string& error) {
  std::map<std::string, journaled_order> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    error = "open " + path + ": " + (db ? sqlite3_errmsg(db) : "?");
    sqlite3_close(db);
    return out;
  }
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT client_order_id, status, cum_qty FROM orders", -1, &s,
                         nullptr)
      != SQLITE_OK) {
    error = std::string("select: ") + sqlite3_errmsg(db);
  } else {
    while (sqlite3_step(s) == SQLITE_ROW)
      out[reinterpret_cast<const char*>(sqlite3_column_text(s, 0))] = journaled_order{
        reinterpret_cast<const char*>(sqlite3_column_text(s, 1)),
        std::to_string(sqlite3_column_int64(s, 2))};
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

// Every disagreement between the venue's orders and the journal, one line
// each; empty when they agree.
std::string compare(const std::vector<connector::venue_order>& venue,
                    const std::map<std::string, journaled_order>& journal) {
  std::string out;
  std::map<std::string, const connector::venue_order*> at_venue;
  for (auto& o : venue) {
    if (!at_venue.emplace(o.client_id.value, &o).second)
      out += "duplicated at the venue: " + o.client_id.value + "\n";
    auto j = journal.find(o.client_id.value);
    if (j == journal.end()) {
      out += "unknown: venue order " + o.client_id.value + " is not journaled\n";
      continue;
    }
    if (j->second.status != to_string(o.status))
      out += "state: " + o.client_id.value + " venue " + to_string(o.status) + " journal "
             + j->second.status + "\n";
    if (j->second.cum_qty != std::to_string(o.executed_qty.raw))
      out += "fills: " + o.client_id.value + " venue " + o.executed_qty.to_string()
             + " journal raw " + j->second.cum_qty + "\n";
  }
  for (auto& [id, j] : journal) {
    if (j.status == "PENDING_NEW")
      out += "left unknown: " + id + " is still PENDING_NEW\n";
    if (!at_venue.count(id) && j.status != "REJECTED")
      out += "lost: " + id + " is " + j.status + " in the journal, absent at the venue\n";
  }
  return out;
}

} // namespace

CAF_TEST(kill_9_while_trading_loses_duplicates_and_leaves_unknown_no_order) {
  single_node n("node_crash_recovery");
  auto journal_path = n.dir + "/run/solo-oms.sqlite";

  auto busy = n.wait_for(
    [](const node_status_view& s) {
      return s.counter_or_zero("oms", "orders_sent") >= 15 && s.counter_or_zero("oms", "fills") >= 1;
    },
    60s);
  CAF_REQUIRE(busy.met);
  CAF_REQUIRE_EQUAL(::kill(n.node.pid(), SIGKILL), 0);
  auto rc = n.node.wait_exit(5s);
  CAF_REQUIRE(rc.has_value());
  CAF_CHECK_EQUAL(*rc, -SIGKILL);

  // The same node again: same config, journal and ports.
  child_process again("node-restarted",
                      node_argv(n.paths, "node.ini", n.venue.port(), n.cluster_port), n.dir, n.dir);
  CAF_REQUIRE(again.started());
  auto reconciled = wait_for_status(
    n.paths, n.dir, n.cluster_port,
    [](const node_status_view& s) { return s.counter_or_zero("oms", "reconcile.phase_running") == 1; },
    45s);
  if (!reconciled.met)
    CAF_MESSAGE("last status:\n" << reconciled.last.text << "\nstderr:\n" << tail(again.err()));
  CAF_REQUIRE(reconciled.met);
  auto restored = reconciled.last.counter_or_zero("oms", "journal.restored");
  CAF_MESSAGE("restored " << restored << " live orders; caught up "
                          << reconciled.last.counter_or_zero("oms", "reconcile.caught_up")
                          << ", never reached "
                          << reconciled.last.counter_or_zero("oms", "reconcile.never_reached"));

  // Halt new orders (level 1 cancels nothing) so no new order races the
  // comparison; resting orders may still fill, so compare until the
  // connector's polls have brought the journal level with the venue.
  auto halt = run_kill(n.paths, n.dir, n.cluster_port, {"--level=1", "--reason=crash-test"});
  CAF_REQUIRE_EQUAL(halt.raw.exit_code, 0);

  venue_view venue(n.paths, n.venue.port());
  std::string differences = "not compared";
  auto agree = wait_until(
    [&] {
      auto orders = venue.gw->all_orders(*symbol::parse("USDCHF"));
      if (!orders.ok()) {
        differences = "venue: " + orders.detail;
        return false;
      }
      std::string error;
      auto journal = read_journal(journal_path, error);
      if (!error.empty() || journal.empty()) {
        differences = "journal: " + (error.empty() ? std::string("empty") : error);
        return false;
      }
      differences = compare(orders.value, journal);
      return differences.empty();
    },
    20s, 300ms);
  if (!agree)
    CAF_MESSAGE("venue and journal disagree:\n" << differences << "\nstderr:\n" << tail(again.err()));
  CAF_CHECK(agree);
  CWTS_STOP_NODE(again);
}
