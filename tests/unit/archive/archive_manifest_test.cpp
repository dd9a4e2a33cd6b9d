#define CAF_SUITE archive_manifest
#include "tests/support/unit_test.hpp"

#include "tests/unit/archive/archive_fixture.hpp"

using namespace cwts;
using namespace cwts::archive;
using namespace cwts::archive::test;

namespace {

struct fixture : scratch {
  std::vector<entry> added;

  fixture() : scratch("archive-manifest") {
    std::string error;
    auto a = archive_dir::open(dir(), error);
    CAF_REQUIRE(a);
    const file_kind kinds[] = {file_kind::report, file_kind::risk_decisions, file_kind::log};
    for (int i = 0; i < 3; ++i) {
      auto src = write_source("f" + std::to_string(i), "content of file " + std::to_string(i) + "\n");
      auto e = a->add(request(kinds[i], src, t0 + i * ns_per_day, 30), error);
      ARCHIVE_REQUIRE(e, error);
      added.push_back(*e);
    }
  }

  verify_report verify() {
    std::string error;
    auto a = archive_dir::open_read(dir(), error);
    CAF_REQUIRE(a);
    return a->verify();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(archive_manifest_tests, fixture)

CAF_TEST(an_untouched_archive_verifies_every_file) {
  auto v = verify();
  ARCHIVE_CHECK(v.ok, v.problem);
  CAF_CHECK_EQUAL(v.entries, 3u);
  CAF_CHECK_EQUAL(v.files_checked, 3u);
  CAF_CHECK_EQUAL(added[1].retain_until_ns, t0 + ns_per_day + 30 * ns_per_day);
  CAF_CHECK(added[2].file.find("log/") == 0);
}

CAF_TEST(an_edited_archived_file_is_named) {
  tamper(added[1].file, "content of file X\n");
  auto v = verify();
  CAF_CHECK(!v.ok);
  CAF_CHECK_EQUAL(v.first_bad, 1);
  ARCHIVE_CHECK(v.problem.find("was altered: SHA-256") != std::string::npos, v.problem);
}

CAF_TEST(a_removed_archived_file_is_named) {
  std::filesystem::remove(dir() + "/" + added[2].file);
  auto v = verify();
  CAF_CHECK(!v.ok);
  CAF_CHECK_EQUAL(v.first_bad, 2);
  ARCHIVE_CHECK(v.problem.find("is missing") != std::string::npos, v.problem);
}

CAF_TEST(reordered_manifest_lines_break_the_chain) {
  auto ls = manifest_lines();
  std::swap(ls[0], ls[1]);
  rewrite_manifest(ls);
  auto v = verify();
  CAF_CHECK(!v.ok);
  CAF_CHECK_EQUAL(v.first_bad, 0);
  ARCHIVE_CHECK(v.problem.find("MANIFEST line 1") == 0, v.problem);
}

CAF_TEST(an_edited_manifest_line_is_named_with_its_line_number) {
  auto ls = manifest_lines();
  auto at = ls[1].find("retain_until_ns=");
  CAF_REQUIRE(at != std::string::npos);
  ls[1].insert(at + 16, "9"); // kept 300 years longer: still an edit
  rewrite_manifest(ls);
  auto v = verify();
  CAF_CHECK(!v.ok);
  CAF_CHECK_EQUAL(v.first_bad, 1);
  ARCHIVE_CHECK(v.problem.find("MANIFEST line 2: record 1 edited") == 0, v.problem);
}

CAF_TEST(a_manifest_line_that_does_not_parse_is_named) {
  std::string error;
  {
    auto log = audit_log::open(dir() + "/MANIFEST", error);
    CAF_REQUIRE(log);
    CAF_REQUIRE(log->append(audit_record("archived").add("kind", "report"), true, error));
  }
  auto v = verify();
  CAF_CHECK(!v.ok);
  CAF_CHECK_EQUAL(v.first_bad, 3);
  ARCHIVE_CHECK(v.problem.find("MANIFEST line 4: file '' is not") == 0, v.problem);
}

CAF_TEST(a_truncated_manifest_is_caught) {
  auto ls = manifest_lines();
  // The last line without its newline: the record is cut short.
  rewrite_manifest(ls, false);
  auto v = verify();
  CAF_CHECK(!v.ok);
  ARCHIVE_CHECK(v.problem.find("record 2 is cut short") != std::string::npos, v.problem);
  // Cut inside the last line: its hash no longer matches what is left.
  auto cut = ls;
  cut.back().resize(cut.back().size() / 2);
  rewrite_manifest(cut, false);
  v = verify();
  CAF_CHECK(!v.ok);
  CAF_CHECK_EQUAL(v.first_bad, 2);
  // The last whole line dropped: its file is left behind, listed by no one.
  ls.pop_back();
  rewrite_manifest(ls);
  v = verify();
  CAF_CHECK(!v.ok);
  ARCHIVE_CHECK(v.problem.find("file " + added[2].file + " is in the archive but no entry")
                      == 0,
                    v.problem);
}

CAF_TEST(a_manifest_line_over_the_bound_is_an_error_not_an_allocation) {
  {
    std::ofstream out(dir() + "/MANIFEST", std::ios::app);
    out << std::string(manifest_max_line + 10, 'x') << "\n";
  }
  auto v = verify();
  CAF_CHECK(!v.ok);
  ARCHIVE_CHECK(v.problem.find("MANIFEST line 4: longer than") == 0, v.problem);
}

CAF_TEST(nothing_is_added_to_a_broken_manifest) {
  auto ls = manifest_lines();
  std::swap(ls[0], ls[1]);
  rewrite_manifest(ls);
  std::string error;
  auto a = archive_dir::open(dir(), error);
  CAF_CHECK(!a);
  ARCHIVE_CHECK(error.find("nothing is added to a broken manifest") != std::string::npos,
                    error);
}

CAF_TEST_FIXTURE_SCOPE_END()
