// SIGKILL of the process that holds the OMS while orders flow over the
// WebSocket API (several in flight, the journal group-committing), then a
// restart on the same journal (issue 21 goal 3): every order whose report
// the strategy saw before the kill is in the journal, at the state the
// strategy saw it in or a later one (never behind: status and filled
// quantity), and after the restart's reconciliation with the venue no order
// is left unknown (PENDING_NEW). Real processes: a cwts-venue and
// oms_crash_host (connector + OMS + strategy), loopback only. Asserts
// outcomes, never timings.
#define CAF_SUITE oms_crash
#include "tests/support/unit_test.hpp"

#include <signal.h>
#include <sqlite3.h>

#include <map>
#include <sstream>
#include <string>

#include "tests/integration/support/cluster.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

// What the strategy saw of one order: its last report's status and
// cumulative quantity (raw, 8 decimals).
struct order_state {
  std::string status;
  int64_t cum = 0;
};

// "seen <id> <status> <cum>" lines the strategy wrote; a line cut by the
// kill (no newline yet) is not counted.
std::map<std::string, order_state> reports_seen(const std::string& out, int& rejects) {
  std::map<std::string, order_state> seen;
  rejects = 0;
  std::istringstream in(out.substr(0, out.rfind('\n') + 1));
  std::string word, id, status;
  int64_t cum = 0;
  while (in >> word) {
    if (word == "seen" && in >> id >> status >> cum)
      seen[id] = order_state{status, cum};
    else if (word == "rejected" && in >> id >> status)
      ++rejects;
  }
  return seen;
}

std::map<std::string, order_state> read_journal(const std::string& path, std::string& error) {
  std::map<std::string, order_state> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    error = "open " + path;
    sqlite3_close(db);
    return out;
  }
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT client_order_id, status, cum_qty FROM orders", -1, &s, nullptr)
      != SQLITE_OK)
    error = std::string("select: ") + sqlite3_errmsg(db);
  else
    while (sqlite3_step(s) == SQLITE_ROW)
      out[reinterpret_cast<const char*>(sqlite3_column_text(s, 0))]
        = order_state{reinterpret_cast<const char*>(sqlite3_column_text(s, 1)),
                      sqlite3_column_int64(s, 2)};
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

bool terminal(const std::string& status) {
  return status == "FILLED" || status == "CANCELED" || status == "REJECTED" || status == "EXPIRED";
}

// Whether the journal holds the order at or beyond what the strategy saw: a
// report goes out only after the commit that holds its event, so the journal
// may be ahead (a later report not yet seen) but never behind. Behind: a
// terminal status seen but another journaled, anything seen while the
// journal still has the order unacknowledged (PENDING_NEW), or less filled.
bool behind(const order_state& seen, const order_state& journal) {
  if (terminal(seen.status))
    return journal.status != seen.status || journal.cum != seen.cum;
  if (terminal(journal.status))
    return journal.cum < seen.cum;
  return (journal.status == "PENDING_NEW" && seen.status != "PENDING_NEW")
         || journal.cum < seen.cum;
}

} // namespace

CAF_TEST(sigkill_mid_stream_loses_no_order_the_strategy_saw_a_report_of) {
  cluster_paths paths{CWTS_VENUE_BIN, "", "", CWTS_CONFIG_DIR};
  auto dir = make_test_dir("oms_crash");
  venue_process venue(paths, dir, 1.0);
  CAF_REQUIRE(venue.port() != 0);
  auto journal = dir + "/oms.sqlite";
  // The host SIGKILLs itself right after the strategy's 400th report: the
  // latest reports are then as fresh as they can be, so one that had gone
  // out before its commit would be missing from the journal.
  std::vector<std::string> argv{CWTS_CRASH_HOST, std::to_string(venue.port()), journal,
                                paths.config("venue-demo-keys.ini"), "trade", "400"};
  child_process host("host", argv, dir);
  CAF_REQUIRE(host.started());
  int rejects = 0;
  auto rc = host.wait_exit(60s);
  if (!rc) {
    CAF_MESSAGE("the host did not die by itself; host stderr:\n" << tail(host.err()));
    ::kill(host.pid(), SIGKILL);
    rc = host.wait_exit(5s);
  }
  CAF_REQUIRE(rc.has_value());
  CAF_CHECK_EQUAL(*rc, -SIGKILL);

  auto seen = reports_seen(host.out(), rejects);
  CAF_MESSAGE(seen.size() << " orders reported to the strategy before the kill, " << rejects
                          << " rejected");
  std::string error;
  auto before = read_journal(journal, error);
  CAF_REQUIRE_EQUAL(error, "");
  std::size_t missing = 0, late = 0, pending = 0;
  for (auto& [id, state] : seen) {
    auto j = before.find(id);
    if (j == before.end()) {
      ++missing;
      CAF_MESSAGE("lost: " << id << " (" << state.status << ") is not in the journal");
    } else if (behind(state, j->second)) {
      ++late;
      CAF_MESSAGE("behind: " << id << " seen " << state.status << " cum " << state.cum
                             << ", journal " << j->second.status << " cum " << j->second.cum);
    }
  }
  for (auto& [id, state] : before)
    pending += state.status == "PENDING_NEW" ? 1 : 0;
  CAF_CHECK_EQUAL(missing, 0u);
  CAF_CHECK_EQUAL(late, 0u);
  CAF_MESSAGE(before.size() << " orders journaled, " << pending << " in flight at the kill");

  // Restarted on the same journal: reconciled with the venue, nothing unknown.
  argv.pop_back();
  argv.back() = "reconcile";
  child_process again("host-again", argv, dir);
  CAF_REQUIRE(again.started());
  auto rc2 = again.wait_exit(60s);
  if (!rc2 || *rc2 != 0)
    CAF_MESSAGE("restart stderr:\n" << tail(again.err()));
  CAF_REQUIRE(rc2.has_value());
  CAF_CHECK_EQUAL(*rc2, 0);
  CAF_CHECK(again.out().find("reconciled restored=") != std::string::npos);
  auto after = read_journal(journal, error);
  CAF_REQUIRE_EQUAL(error, "");
  std::size_t unknown = 0;
  for (auto& [id, state] : after)
    if (state.status == "PENDING_NEW") {
      ++unknown;
      CAF_MESSAGE("left unknown: " << id);
    }
  CAF_CHECK_EQUAL(unknown, 0u);
  for (auto& [id, state] : seen)
    if (terminal(state.status))
      CAF_CHECK_EQUAL(after[id].status, state.status);
}
