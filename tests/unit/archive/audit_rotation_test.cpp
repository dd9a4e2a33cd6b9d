#define CAF_SUITE archive_audit_rotation
#include "tests/support/unit_test.hpp"

#include <sys/resource.h>

#include <csignal>

#include "actors/kill/audit_chain.hpp"
#include "common/operator_auth.hpp"
#include "messages/time.hpp"
#include "tests/unit/archive/archive_fixture.hpp"

using namespace cwts;
using namespace cwts::archive::test;

namespace {

struct fixture : scratch {
  std::string live;
  std::shared_ptr<const ed25519_signer> key
    = std::make_shared<ed25519_signer>(ed25519_signer::generate());

  fixture() : scratch("audit-rotation") { live = root + "/src/n1-kill-audit.log"; }

  // 30 records through a log rotated every ~1 KB, closed and reopened
  // half-way as a restarted node does.
  std::vector<std::string> write_rotated() {
    std::string error;
    for (int half = 0; half < 2; ++half) {
      auto log = audit_log::open(live, error, key, audit_rotation{1000, false});
      ARCHIVE_REQUIRE(log, error);
      for (int i = 0; i < 15; ++i)
        CAF_REQUIRE(log->append(audit_record("kill_command").add("id", "k-" + std::to_string(i))
                                  .add("reason", "rotation test"),
                                true, error));
      CAF_CHECK_EQUAL(log->rotation_failures(), 0u);
    }
    std::vector<std::string> files;
    for (auto& e : std::filesystem::directory_iterator(root + "/src"))
      if (e.path().string() != live)
        files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    return files;
  }

  audit_verify_options signed_by_node() const {
    audit_verify_options o;
    o.node_key = key->public_key();
    return o;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(audit_rotation_tests, fixture)

CAF_TEST(the_chain_verifies_across_rotated_files_and_the_live_one) {
  auto files = write_rotated();
  CAF_REQUIRE_GREATER_OR_EQUAL(files.size(), 3u);
  files.push_back(live);
  auto v = verify_audit_files(files, signed_by_node());
  ARCHIVE_CHECK(v.ok, v.problem);
  // 30 records plus one audit_rotated record opening each later file.
  CAF_CHECK_EQUAL(v.records, 30u + files.size() - 1);
  CAF_CHECK_EQUAL(v.signed_records, v.records);
  CAF_CHECK_EQUAL(v.first_seq, 0u);
  // The live file alone continues the chain from its audit_rotated record.
  auto alone = verify_audit_files({live}, signed_by_node());
  ARCHIVE_CHECK(alone.ok, alone.problem);
  CAF_CHECK_GREATER(alone.first_seq, 0u);
  // Each rotated file is named by its first seq.
  CAF_CHECK(files[0] == rotated_audit_path(live, 0));
}

CAF_TEST(a_tampered_middle_file_is_caught_and_named) {
  auto files = write_rotated();
  files.push_back(live);
  auto mid = files[1];
  std::ifstream in(mid);
  std::vector<std::string> ls;
  for (std::string l; std::getline(in, l);)
    ls.push_back(l);
  in.close();
  auto at = ls[2].find("k-");
  CAF_REQUIRE(at != std::string::npos);
  ls[2].replace(at, 3, "k-X");
  std::ofstream out(mid, std::ios::trunc);
  for (auto& l : ls)
    out << l << "\n";
  out.close();
  auto v = verify_audit_files(files, signed_by_node());
  CAF_CHECK(!v.ok);
  ARCHIVE_CHECK(v.problem.find(mid + ": record") == 0, v.problem);
  CAF_CHECK(v.problem.find("edited") != std::string::npos);
}

CAF_TEST(a_missing_middle_file_breaks_the_chain) {
  auto files = write_rotated();
  files.push_back(live);
  auto gone = files[1];
  files.erase(files.begin() + 1);
  auto v = verify_audit_files(files, signed_by_node());
  CAF_CHECK(!v.ok);
  ARCHIVE_CHECK(v.problem.find("removed") != std::string::npos, v.problem);
}

CAF_TEST(a_cut_head_is_not_taken_for_a_rotated_continuation) {
  std::string error;
  {
    auto log = audit_log::open(live, error, key);
    CAF_REQUIRE(log);
    for (int i = 0; i < 5; ++i)
      CAF_REQUIRE(log->append(audit_record("kill_ack").add("i", i), true, error));
  }
  std::ifstream in(live);
  std::vector<std::string> ls;
  for (std::string l; std::getline(in, l);)
    ls.push_back(l);
  in.close();
  std::ofstream out(live, std::ios::trunc);
  for (size_t i = 2; i < ls.size(); ++i)
    out << ls[i] << "\n";
  out.close();
  auto v = verify_audit_files({live}, signed_by_node());
  CAF_CHECK(!v.ok);
  ARCHIVE_CHECK(v.problem.find("record 0 removed") != std::string::npos, v.problem);
}

CAF_TEST(a_reopened_log_goes_on_after_a_rotation_cut_short) {
  std::string error;
  {
    auto log = audit_log::open(live, error, key);
    CAF_REQUIRE(log);
    for (int i = 0; i < 3; ++i)
      CAF_REQUIRE(log->append(audit_record("kill_ack").add("i", i), true, error));
  }
  // A crash after the old file got its rotated name, before the new file
  // replaced it: the rotated name is the live file; reopening undoes it.
  auto rotated = rotated_audit_path(live, 0);
  CAF_REQUIRE(::link(live.c_str(), rotated.c_str()) == 0);
  std::ofstream(live + ".next") << "partial";
  auto log = audit_log::open(live, error, key);
  CAF_REQUIRE(log);
  CAF_CHECK(!std::filesystem::exists(rotated));
  CAF_CHECK(!std::filesystem::exists(live + ".next"));
  CAF_REQUIRE(log->append(audit_record("kill_ack").add("i", 3), true, error));
  CAF_REQUIRE(log->rotate(error));
  CAF_REQUIRE(log->append(audit_record("kill_ack").add("i", 4), true, error));
  auto v = verify_audit_files({rotated, live}, signed_by_node());
  ARCHIVE_CHECK(v.ok, v.problem);
  CAF_CHECK_EQUAL(v.records, 6u);
  CAF_CHECK_EQUAL(log->first_seq(), 4u);
}

CAF_TEST(a_daily_policy_rotates_a_file_begun_on_an_earlier_day) {
  std::string error;
  auto log = audit_log::open(live, error, key, audit_rotation{0, true});
  CAF_REQUIRE(log);
  CAF_REQUIRE(log->append(audit_record("kill_ack"), true, error));
  const int64_t tomorrow = t0 + 400LL * archive::ns_per_day; // any later day than today's file
  CAF_CHECK(log->rotation_due(tomorrow));
  CAF_CHECK(!audit_log::open(live + ".b", error, key, audit_rotation{0, false})
               ->rotation_due(tomorrow));
}

CAF_TEST(a_failed_append_cuts_the_log_back_to_its_last_whole_record) {
  std::string error;
  auto log = audit_log::open(live, error, key);
  ARCHIVE_REQUIRE(log, error);
  CAF_REQUIRE(log->append(audit_record("kill_command").add("id", "k-1"), true, error));
  const auto size = std::filesystem::file_size(live);
  // A disk that fills mid-line: the file size limit lets 10 more bytes in.
  ::signal(SIGXFSZ, SIG_IGN);
  struct rlimit old {};
  ::getrlimit(RLIMIT_FSIZE, &old);
  struct rlimit small = old;
  small.rlim_cur = size + 10;
  CAF_REQUIRE_EQUAL(::setrlimit(RLIMIT_FSIZE, &small), 0);
  const bool appended
    = log->append(audit_record("kill_command").add("id", "k-2").add("pad", std::string(200, 'p')),
                  true, error);
  ::setrlimit(RLIMIT_FSIZE, &old);
  CAF_CHECK(!appended);
  ARCHIVE_CHECK(error.find("cannot append") != std::string::npos, error);
  CAF_CHECK_EQUAL(std::filesystem::file_size(live), size); // not 10 bytes more
  // Reopened, the log is whole and goes on.
  log.reset();
  auto again = audit_log::open(live, error, key);
  ARCHIVE_REQUIRE(again, error);
  CAF_CHECK(again->broken().empty());
  CAF_CHECK(again->append(audit_record("kill_command").add("id", "k-3"), true, error));
}

CAF_TEST(a_log_reopened_the_day_after_its_first_record_rotates_daily) {
  std::string error;
  const auto now = wall_clock_now().ns;
  {
    auto log = audit_log::open(live, error, key);
    ARCHIVE_REQUIRE(log, error);
    CAF_REQUIRE(log->append(audit_record("kill_command").add("ts_ns", now - 86'400'000'000'000LL),
                            true, error));
  }
  // Written (mtime) today, its first record yesterday: due for the daily rotation.
  auto log = audit_log::open(live, error, key, audit_rotation{0, true});
  ARCHIVE_REQUIRE(log, error);
  CAF_CHECK(log->rotation_due(now));
}

CAF_TEST_FIXTURE_SCOPE_END()
