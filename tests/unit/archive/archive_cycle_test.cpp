#define CAF_SUITE archive_cycle
#include "tests/support/unit_test.hpp"

#include <sqlite3.h>

#include <thread>

#include "reporting/archive/archive_cycle.hpp"
#include "reporting/archive/archive_sources.hpp"
#include "tests/unit/archive/archive_fixture.hpp"

using namespace cwts;
using namespace cwts::archive;
using namespace cwts::archive::test;

namespace {

struct fixture : scratch {
  retention_sources s;
  sqlite3* db = nullptr;

  fixture() : scratch("archive-cycle") {
    s.node = "n1";
    s.oms_journal = root + "/src/n1-oms.sqlite";
    s.risk_decisions = write_source("n1-risk-decisions.log", "trip\tmm\t1\n");
    s.reports_dir = root + "/reports";
    std::filesystem::create_directories(s.reports_dir + "/2026-12-06");
    std::ofstream(s.reports_dir + "/2026-12-06/controls.json") << "{\"day\":\"2026-12-06\"}\n";
    // A live WAL journal held open by its writer, as the OMS holds it.
    CAF_REQUIRE(sqlite3_open(s.oms_journal.c_str(), &db) == SQLITE_OK);
    exec("PRAGMA journal_mode=WAL; CREATE TABLE events(id INTEGER PRIMARY KEY, what TEXT);"
         "INSERT INTO events(what) VALUES('new');");
  }
  ~fixture() { sqlite3_close(db); }

  void exec(const char* sql) { CAF_REQUIRE(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK); }

  archive_dir open() {
    std::string error;
    auto a = archive_dir::open(dir(), error);
    ARCHIVE_REQUIRE(a, error);
    return std::move(*a);
  }

  int64_t count_events(const std::string& snapshot) {
    sqlite3* c = nullptr;
    sqlite3_open_v2(snapshot.c_str(), &c, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(c, "SELECT count(*) FROM events", -1, &st, nullptr);
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_close(c);
    return n;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(archive_cycle_tests, fixture)

CAF_TEST(each_source_is_archived_once_per_change) {
  auto a = open();
  auto r = run_cycle(a, s, t0, 30);
  ARCHIVE_REQUIRE(r.errors.empty(), r.errors.front());
  CAF_CHECK_EQUAL(r.archived, 3u); // journal snapshot, risk segment, report
  // The snapshot is a consistent database holding what the WAL held.
  CAF_CHECK_EQUAL(count_events(dir() + "/" + r.added[0].file), 1);
  CAF_CHECK_EQUAL(r.added[0].source, s.oms_journal);
  // Nothing new (and the journal's day not over): nothing archived.
  auto again = run_cycle(a, s, t0 + 3600'000'000'000LL, 30);
  CAF_CHECK(again.errors.empty());
  CAF_CHECK_EQUAL(again.archived, 0u);
  // New rows, a new decision (and half a line still being written), a new report.
  exec("INSERT INTO events(what) VALUES('filled');");
  std::ofstream(s.risk_decisions, std::ios::app) << "reenable\tmm\tc-1\talice\nlimit\tmm";
  std::ofstream(s.reports_dir + "/2026-12-06/controls.html") << "<html></html>\n";
  // A day later (a full journal snapshot at most daily by default).
  auto third = run_cycle(a, s, t0 + ns_per_day, 30);
  CAF_REQUIRE(third.errors.empty());
  CAF_CHECK_EQUAL(third.archived, 3u);
  CAF_CHECK_EQUAL(count_events(dir() + "/" + third.added[0].file), 2);
  const auto& seg = third.added[1];
  CAF_CHECK_EQUAL(seg.offset, 10u); // after "trip\tmm\t1\n"
  CAF_CHECK_EQUAL(seg.size, std::string("reenable\tmm\tc-1\talice\n").size());
  CAF_CHECK_EQUAL(seg.period_from_ns, t0); // the period after the last segment
  auto v = a.verify();
  ARCHIVE_CHECK(v.ok, v.problem);
  CAF_CHECK_EQUAL(v.files_checked, 6u);
}

CAF_TEST(a_shrunk_append_only_file_is_an_error_not_a_new_segment) {
  auto a = open();
  CAF_REQUIRE(run_cycle(a, s, t0, 30).errors.empty());
  std::ofstream(s.risk_decisions, std::ios::trunc) << "x\n";
  auto r = run_cycle(a, s, t0 + 1, 30);
  CAF_REQUIRE_EQUAL(r.errors.size(), 1u);
  ARCHIVE_CHECK(r.errors[0].find("the file shrank") != std::string::npos, r.errors[0]);
}

CAF_TEST(rotated_audit_files_are_moved_in_and_chain_across_the_archive) {
  s.audit_log = root + "/src/n1-kill-audit.log";
  std::string error;
  auto log = audit_log::open(s.audit_log, error, nullptr, audit_rotation{600, false});
  CAF_REQUIRE(log);
  for (int i = 0; i < 12; ++i)
    CAF_REQUIRE(log->append(audit_record("kill_ack").add("i", i).add("pad", std::string(40, 'p')),
                            true, error));
  CAF_REQUIRE_GREATER(log->rotations(), 1u);
  auto a = open();
  auto r = run_cycle(a, s, t0, 30);
  CAF_REQUIRE(r.errors.empty());
  CAF_CHECK(archive::rotated_audit_files(s.audit_log).empty()); // moved, not copied
  auto v = a.verify();
  ARCHIVE_CHECK(v.ok, v.problem);
  CAF_CHECK_EQUAL(v.audit_chains, 1u);
  // A middle audit file altered in the archive (its hash re-recorded by no one).
  std::vector<std::string> audit;
  for (auto& e : r.added)
    if (e.kind == file_kind::audit_chain)
      audit.push_back(e.file);
  CAF_REQUIRE_GREATER_OR_EQUAL(audit.size(), 2u);
  tamper(audit[1], "0\tx\n");
  v = a.verify();
  CAF_CHECK(!v.ok);
  ARCHIVE_CHECK(v.problem.find("archived file " + audit[1] + " was altered") != std::string::npos,
                v.problem);
}

CAF_TEST(the_live_audit_chain_includes_rotated_files_not_yet_archived) {
  s.audit_log = root + "/src/n1-kill-audit.log";
  std::string error;
  auto log = audit_log::open(s.audit_log, error, nullptr, audit_rotation{600, false});
  CAF_REQUIRE(log);
  auto write = [&](int n) {
    for (int i = 0; i < n; ++i)
      CAF_REQUIRE(log->append(audit_record("kill_ack").add("i", i).add("pad", std::string(40, 'p')),
                              true, error));
  };
  write(12);
  auto a = open();
  CAF_REQUIRE(run_cycle(a, s, t0, 30).errors.empty());
  write(12); // rotated again since: those files wait for the next pass
  const auto pending = archive::rotated_audit_files(s.audit_log).size();
  CAF_REQUIRE_GREATER(pending, 0u);
  size_t archived = 0;
  auto files = live_audit_chain(a, s.audit_log, archived);
  CAF_CHECK_GREATER(archived, 0u);
  CAF_CHECK_EQUAL(files.size(), archived + pending + 1);
  auto v = verify_audit_files(files);
  ARCHIVE_CHECK(v.ok, v.problem);
  CAF_CHECK_EQUAL(v.first_seq, 0u);
  // Without the pending files the chain has a gap: what the check catches.
  files.erase(files.begin() + static_cast<long>(archived));
  CAF_CHECK(!verify_audit_files(files).ok);
}

CAF_TEST(the_journal_is_snapshotted_at_most_once_per_interval) {
  auto a = open();
  CAF_REQUIRE(run_cycle(a, s, t0, 30).errors.empty());
  exec("INSERT INTO events(what) VALUES('filled');");
  auto hour = run_cycle(a, s, t0 + 3600'000'000'000LL, 30);
  CAF_REQUIRE(hour.errors.empty());
  for (auto& e : hour.added)
    CAF_CHECK(e.kind != file_kind::oms_journal); // changed, but within the day
  auto day = run_cycle(a, s, t0 + ns_per_day, 30);
  CAF_REQUIRE(day.errors.empty());
  CAF_REQUIRE_EQUAL(day.added.size(), 1u);
  CAF_CHECK(day.added[0].kind == file_kind::oms_journal);
  CAF_CHECK_EQUAL(count_events(dir() + "/" + day.added[0].file), 2);
}

CAF_TEST(a_rotated_audit_file_left_by_a_crash_after_its_entry_is_removed_not_archived_twice) {
  s.audit_log = root + "/src/n1-kill-audit.log";
  std::string error;
  auto log = audit_log::open(s.audit_log, error, nullptr, audit_rotation{600, false});
  CAF_REQUIRE(log);
  for (int i = 0; i < 12; ++i)
    CAF_REQUIRE(log->append(audit_record("kill_ack").add("i", i).add("pad", std::string(40, 'p')),
                            true, error));
  auto rotated = archive::rotated_audit_files(s.audit_log);
  CAF_REQUIRE_GREATER(rotated.size(), 1u);
  const auto kept = root + "/kept";
  std::filesystem::copy_file(rotated[0], kept);
  auto a = open();
  auto first = run_cycle(a, s, t0, 30);
  ARCHIVE_REQUIRE(first.errors.empty(), first.errors.front());
  // The crash: the entry was appended, the rotated file never removed.
  std::filesystem::copy_file(kept, rotated[0]);
  auto second = run_cycle(a, s, t0 + 1, 30);
  ARCHIVE_REQUIRE(second.errors.empty(), second.errors.front());
  for (auto& e : second.added)
    CAF_CHECK(e.kind != file_kind::audit_chain);
  CAF_CHECK(!std::filesystem::exists(rotated[0]));
  auto v = a.verify();
  ARCHIVE_CHECK(v.ok, v.problem);
  CAF_CHECK_EQUAL(v.audit_chains, 1u);
}

CAF_TEST(what_a_crash_left_in_the_archive_is_cleaned_by_the_next_pass) {
  auto a = open();
  auto r = run_cycle(a, s, t0, 30);
  CAF_REQUIRE(r.errors.empty());
  const auto listed = dir() + "/" + r.added.back().file;
  // A copy linked whose entry never came, a temp copy, a journal snapshot.
  std::vector<std::string> left{dir() + "/report/20260528T000000Z-" + std::to_string(a.entries())
                                  + "-controls.json",
                                dir() + "/report/.tmp-20260528T000000Z-9-x",
                                dir() + "/.snapshot-4242.sqlite"};
  for (auto& f : left)
    std::ofstream(f) << "left\n";
  // Not this archive's naming: never touched.
  std::ofstream(dir() + "/report/operator-notes.txt") << "mine\n";
  CAF_CHECK(!a.verify().ok); // the unlisted copy
  auto next = run_cycle(a, s, t0 + 1, 30);
  CAF_REQUIRE(next.errors.empty());
  for (auto& f : left)
    ARCHIVE_CHECK(!std::filesystem::exists(f), f);
  CAF_CHECK(std::filesystem::exists(listed));
  CAF_CHECK(std::filesystem::exists(dir() + "/report/operator-notes.txt"));
}

CAF_TEST(two_concurrent_passes_archive_each_rotated_file_once) {
  s.audit_log = root + "/src/n1-kill-audit.log";
  std::string error;
  auto log = audit_log::open(s.audit_log, error, nullptr, audit_rotation{600, false});
  CAF_REQUIRE(log);
  for (int i = 0; i < 30; ++i)
    CAF_REQUIRE(log->append(audit_record("kill_ack").add("i", i).add("pad", std::string(40, 'p')),
                            true, error));
  const auto rotated = archive::rotated_audit_files(s.audit_log).size();
  CAF_REQUIRE_GREATER(rotated, 2u);
  cycle_report r1, r2;
  auto pass = [&](cycle_report& out) {
    std::string e;
    auto a = archive_dir::open(dir(), e);
    if (a)
      out = run_cycle(*a, s, t0, 30);
    else
      out.errors.push_back(e);
  };
  std::thread th1([&] { pass(r1); });
  std::thread th2([&] { pass(r2); });
  th1.join();
  th2.join();
  ARCHIVE_CHECK(r1.errors.empty(), r1.errors.empty() ? "" : r1.errors.front());
  ARCHIVE_CHECK(r2.errors.empty(), r2.errors.empty() ? "" : r2.errors.front());
  size_t audit = 0;
  for (auto* r : {&r1, &r2})
    for (auto& e : r->added)
      audit += e.kind == file_kind::audit_chain;
  CAF_CHECK_EQUAL(audit, rotated);
  auto v = open().verify();
  ARCHIVE_CHECK(v.ok, v.problem);
  CAF_CHECK_EQUAL(v.audit_chains, 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
