// SIGKILL of the process that holds the OMS while orders flow over the
// WebSocket API (several in flight, the journal group-committing), then a
// restart on the same journal (issue 21 goal 3): every order whose report
// the strategy saw before the kill is in the journal, at the state the
// strategy saw it in, and after the restart's reconciliation with the venue
// no order is left unknown (PENDING_NEW). Real processes: a cwts-venue and
// oms_crash_host (connector + OMS + strategy), loopback only. Asserts
// outcomes, never timings.
#define CAF_SUITE oms_crash
#include "caf/test/unit_test_impl.hpp"

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

// "seen <id> <status>" lines the strategy wrote; a line cut by the kill
// (no newline yet) is not counted.
std::map<std::string, std::string> reports_seen(const std::string& out, int& rejects) {
  std::map<std::string, std::string> seen;
  rejects = 0;
  std::istringstream in(out.substr(0, out.rfind('\n') + 1));
  std::string word, id, status;
  while (in >> word) {
    if (word == "seen" && in >> id >> status)
      seen[id] = status;
    else if (word == "rejected" && in >> id >> status)
      ++rejects;
  }
  return seen;
}

std::map<std::string, std::string> read_journal(const std::string& path, std::string& error) {
  std::map<std::string, std::string> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    error = "open " + path;
    sqlite3_close(db);
    return out;
  }
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT client_order_id, status FROM orders", -1, &s, nullptr)
      != SQLITE_OK)
    error = std::string("select: ") + sqlite3_errmsg(db);
  else
    while (sqlite3_step(s) == SQLITE_ROW)
      out[reinterpret_cast<const char*>(sqlite3_column_text(s, 0))]
        = reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

bool terminal(const std::string& status) {
  return status == "FILLED" || status == "CANCELED" || status == "REJECTED" || status == "EXPIRED";
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
  std::size_t missing = 0, behind = 0, pending = 0;
  for (auto& [id, status] : seen) {
    auto j = before.find(id);
    if (j == before.end()) {
      ++missing;
      CAF_MESSAGE("lost: " << id << " (" << status << ") is not in the journal");
    } else if (terminal(status) && j->second != status) {
      ++behind;
      CAF_MESSAGE("behind: " << id << " seen " << status << ", journal " << j->second);
    }
  }
  for (auto& [id, status] : before)
    pending += status == "PENDING_NEW" ? 1 : 0;
  CAF_CHECK_EQUAL(missing, 0u);
  CAF_CHECK_EQUAL(behind, 0u);
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
  for (auto& [id, status] : after)
    if (status == "PENDING_NEW") {
      ++unknown;
      CAF_MESSAGE("left unknown: " << id);
    }
  CAF_CHECK_EQUAL(unknown, 0u);
  for (auto& [id, status] : seen)
    if (terminal(status))
      CAF_CHECK_EQUAL(after[id], status);
}
