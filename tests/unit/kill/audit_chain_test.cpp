#define CAF_SUITE audit_chain
#include "tests/support/unit_test.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "actors/kill/audit_chain.hpp"

using namespace cwts;

namespace {

struct fixture {
  std::string path;

  fixture() {
    path = (std::filesystem::temp_directory_path()
            / ("cwts-audit-test-" + std::to_string(::getpid()) + ".log"))
             .string();
    std::filesystem::remove(path);
  }
  ~fixture() { std::filesystem::remove(path); }

  // Five records through a log that is closed and reopened half-way, as a
  // restarted node does.
  void write_five() {
    std::string error;
    {
      auto log = audit_log::open(path, error);
      CAF_REQUIRE(log);
      for (int i = 0; i < 3; ++i)
        CAF_REQUIRE(log->append(audit_record("kill_command").add("id", "k-" + std::to_string(i))
                                  .add("reason", "drill \"quoted\"\nnext line"),
                                true, error));
    }
    auto log = audit_log::open(path, error);
    CAF_REQUIRE(log);
    CAF_CHECK_EQUAL(log->records(), 3u);
    for (int i = 3; i < 5; ++i)
      CAF_REQUIRE(log->append(audit_record("kill_ack").add("id", "k-" + std::to_string(i)), false,
                              error));
  }

  std::vector<std::string> lines() {
    std::ifstream in(path);
    std::vector<std::string> out;
    for (std::string l; std::getline(in, l);)
      out.push_back(l);
    return out;
  }

  void rewrite(const std::vector<std::string>& ls) {
    std::ofstream out(path, std::ios::trunc);
    for (auto& l : ls)
      out << l << "\n";
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(audit_chain_tests, fixture)

CAF_TEST(an_untouched_log_verifies_across_a_reopen) {
  write_five();
  auto v = verify_audit_file(path);
  CAF_CHECK(v.ok);
  CAF_CHECK_EQUAL(v.records, 5u);
  CAF_CHECK_EQUAL(v.first_bad, -1);
  CAF_CHECK_EQUAL(lines().size(), 5u); // the escaped newline stays inside its record
}

CAF_TEST(an_edited_record_is_named) {
  write_five();
  auto ls = lines();
  auto at = ls[2].find("k-2");
  CAF_REQUIRE(at != std::string::npos);
  ls[2].replace(at, 3, "k-9");
  rewrite(ls);
  auto v = verify_audit_file(path);
  CAF_CHECK(!v.ok);
  CAF_CHECK_EQUAL(v.first_bad, 2);
  CAF_CHECK(v.problem.find("record 2 edited") == 0);
}

CAF_TEST(an_edited_record_with_its_hash_recomputed_breaks_the_next_link) {
  write_five();
  auto ls = lines();
  // Recompute record 1's hash over an edited record: record 1 now verifies
  // alone, record 2 no longer follows it.
  auto t1 = ls[1].find('\t');
  auto t2 = ls[1].find('\t', t1 + 1);
  auto t3 = ls[1].find('\t', t2 + 1);
  auto prev = ls[1].substr(t1 + 1, t2 - t1 - 1);
  auto t4 = ls[1].find('\t', t3 + 1); // then the signature ("-": no key here)
  auto record = ls[1].substr(t3 + 1, t4 - t3 - 1) + " extra=1";
  ls[1] = "1\t" + prev + "\t" + chain_hash(prev, 1, record) + "\t" + record;
  rewrite(ls);
  auto v = verify_audit_file(path);
  CAF_CHECK(!v.ok);
  CAF_CHECK_EQUAL(v.first_bad, 2);
  CAF_CHECK(v.problem.find("chain broken") != std::string::npos);
}

CAF_TEST(a_removed_record_is_named) {
  write_five();
  auto ls = lines();
  ls.erase(ls.begin() + 3);
  rewrite(ls);
  auto v = verify_audit_file(path);
  CAF_CHECK(!v.ok);
  CAF_CHECK_EQUAL(v.first_bad, 3);
  CAF_CHECK(v.problem.find("record 3 removed") == 0);
}

CAF_TEST(reordered_records_are_named) {
  write_five();
  auto ls = lines();
  std::swap(ls[1], ls[2]);
  rewrite(ls);
  auto v = verify_audit_file(path);
  CAF_CHECK(!v.ok);
  CAF_CHECK_EQUAL(v.first_bad, 1);
  CAF_CHECK(v.problem.find("out of order") != std::string::npos);
}

CAF_TEST(a_cut_short_last_record_is_named) {
  write_five();
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  auto text = buf.str();
  text.pop_back(); // the final newline
  auto v = verify_audit_text(text);
  CAF_CHECK(!v.ok);
  CAF_CHECK_EQUAL(v.first_bad, 4);
}

CAF_TEST(a_missing_file_is_not_ok) {
  auto v = verify_audit_file(path + ".absent");
  CAF_CHECK(!v.ok);
  CAF_CHECK(v.problem.find("cannot open") == 0);
}

CAF_TEST_FIXTURE_SCOPE_END()
