#define CAF_SUITE archive_prune
#include "caf/test/unit_test_impl.hpp"

#include "common/operator_auth.hpp"
#include "tests/unit/archive/archive_fixture.hpp"

using namespace cwts;
using namespace cwts::archive;
using namespace cwts::archive::test;

namespace {

constexpr int64_t days = 10;

// Two files: `old` covers up to t0, `young` up to t0 + 20 days; both kept 10 days.
struct fixture : scratch {
  entry old, young;

  fixture() : scratch("archive-prune") {
    std::string error;
    auto a = archive_dir::open(dir(), error);
    CAF_REQUIRE(a);
    auto e1 = a->add(request(file_kind::report, write_source("old", "old\n"), t0, days), error);
    auto e2 = a->add(request(file_kind::report, write_source("young", "young\n"),
                             t0 + 20 * ns_per_day, days),
                     error);
    CAF_REQUIRE(e1 && e2);
    old = *e1;
    young = *e2;
  }

  archive_dir open() {
    std::string error;
    auto a = archive_dir::open(dir(), error);
    ARCHIVE_REQUIRE(a, error);
    return std::move(*a);
  }

  bool present(const entry& e) const { return std::filesystem::exists(dir() + "/" + e.file); }

  // What an attacker who knows the format does: edit an entry and recompute
  // every hash after it (the chain alone cannot tell; no node key here).
  void forge_rechained(size_t line, const std::string& from, const std::string& to) {
    auto ls = manifest_lines();
    auto at = ls[line].find(from);
    CAF_REQUIRE(at != std::string::npos);
    ls[line].replace(at, from.size(), to);
    std::string prev = audit_genesis;
    for (size_t i = 0; i < ls.size(); ++i) {
      auto t1 = ls[i].find('\t'), t2 = ls[i].find('\t', t1 + 1), t3 = ls[i].find('\t', t2 + 1);
      auto t4 = ls[i].find('\t', t3 + 1);
      auto record = ls[i].substr(t3 + 1, t4 - t3 - 1);
      auto hash = chain_hash(prev, i, record);
      ls[i] = std::to_string(i) + "\t" + prev + "\t" + hash + "\t" + record + "\t-";
      prev = hash;
    }
    rewrite_manifest(ls);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(archive_prune_tests, fixture)

CAF_TEST(prune_deletes_only_expired_files_and_leaves_a_verifiable_chain) {
  auto a = open();
  auto p = a.prune(t0 + 11 * ns_per_day, days);
  ARCHIVE_REQUIRE(p.ok, p.error);
  CAF_REQUIRE_EQUAL(p.deleted.size(), 1u);
  CAF_CHECK_EQUAL(p.deleted[0].entry_seq, old.seq);
  CAF_CHECK_EQUAL(p.deleted[0].sha256, old.sha256);
  CAF_CHECK_EQUAL(p.kept, 1u);
  CAF_CHECK(!present(old));
  CAF_CHECK(present(young));
  auto v = open().verify();
  ARCHIVE_CHECK(v.ok, v.problem);
  CAF_CHECK_EQUAL(v.pruned, 1u);
  CAF_CHECK_EQUAL(v.files_checked, 1u);
  CAF_CHECK_EQUAL(v.entries, 3u); // two archived, one tombstone
  auto ls = manifest_lines();
  CAF_CHECK(ls.back().find("event=pruned entry=0 file=" + old.file) != std::string::npos);
  // Pruned again later: nothing more goes until young's time comes.
  auto again = open().prune(t0 + 29 * ns_per_day, days);
  CAF_CHECK(again.ok && again.deleted.empty());
  CAF_CHECK(present(young));
}

CAF_TEST(prune_never_deletes_before_retain_until_with_a_clock_set_earlier) {
  for (int64_t now : {t0 - 365 * ns_per_day, t0, t0 + days * ns_per_day - 1}) {
    auto p = open().prune(now, days);
    CAF_CHECK(p.ok);
    CAF_CHECK(p.deleted.empty());
  }
  CAF_CHECK(present(old));
  CAF_CHECK(present(young));
}

CAF_TEST(a_forged_retain_until_in_an_edited_manifest_line_is_caught_by_the_chain) {
  auto ls = manifest_lines();
  auto field = "retain_until_ns=" + std::to_string(young.retain_until_ns);
  auto at = ls[1].find(field);
  CAF_REQUIRE(at != std::string::npos);
  ls[1].replace(at, field.size(), "retain_until_ns=1");
  rewrite_manifest(ls);
  std::string error;
  auto a = archive_dir::open(dir(), error);
  CAF_CHECK(!a); // a broken manifest is not even opened for writing
  ARCHIVE_CHECK(error.find("record 1 edited") != std::string::npos, error);
  CAF_CHECK(present(young));
}

CAF_TEST(a_forged_and_rechained_retain_until_still_cannot_shorten_the_configured_period) {
  forge_rechained(1, "retain_until_ns=" + std::to_string(young.retain_until_ns),
                  "retain_until_ns=1");
  auto p = open().prune(t0 + 11 * ns_per_day, days);
  ARCHIVE_REQUIRE(p.ok, p.error);
  for (auto& d : p.deleted)
    CAF_CHECK_NOT_EQUAL(d.entry_seq, young.seq);
  CAF_CHECK(present(young));
}

CAF_TEST(a_rechained_forgery_fails_against_the_node_key_that_signed_the_entries) {
  // The same archive written by a node with its key: every entry signed.
  scratch other("archive-prune-signed");
  auto key = std::make_shared<ed25519_signer>(ed25519_signer::generate());
  std::string error;
  {
    auto a = archive_dir::open(other.dir(), error, key);
    CAF_REQUIRE(a);
    CAF_REQUIRE(a->add(request(file_kind::report, other.write_source("r", "r\n"), t0, days), error));
    CAF_REQUIRE(a->add(request(file_kind::report, other.write_source("s", "s\n"), t0, days), error));
  }
  auto signed_ok = archive_dir::open_read(other.dir(), error)->verify(key->public_key());
  ARCHIVE_CHECK(signed_ok.ok, signed_ok.problem);
  // Re-chained with a forged retain_until: the chain holds, the signature cannot.
  auto ls = other.manifest_lines();
  auto at = ls[1].find("retain_until_ns=");
  ls[1].insert(at + 16, "1");
  std::string prev = audit_genesis;
  for (size_t i = 0; i < ls.size(); ++i) {
    auto t1 = ls[i].find('\t'), t2 = ls[i].find('\t', t1 + 1), t3 = ls[i].find('\t', t2 + 1);
    auto t4 = ls[i].find('\t', t3 + 1);
    auto record = ls[i].substr(t3 + 1, t4 - t3 - 1);
    auto hash = chain_hash(prev, i, record);
    ls[i] = std::to_string(i) + "\t" + prev + "\t" + hash + "\t" + record + "\t" + ls[i].substr(t4 + 1);
    prev = hash;
  }
  other.rewrite_manifest(ls);
  auto v = archive_dir::open_read(other.dir(), error)->verify(key->public_key());
  CAF_CHECK(!v.ok);
  CAF_CHECK_EQUAL(v.first_bad, 1); // the forged entry: its old signature no longer matches
  ARCHIVE_CHECK(v.problem.find("signature does not verify") != std::string::npos, v.problem);
}

CAF_TEST(a_tombstone_written_before_retain_until_fails_verification) {
  std::string error;
  {
    auto log = audit_log::open(dir() + "/MANIFEST", error);
    CAF_REQUIRE(log);
    entry t;
    t.pruned = true;
    t.file = young.file;
    t.sha256 = young.sha256;
    t.size = young.size;
    t.retain_until_ns = young.retain_until_ns;
    t.entry_seq = young.seq;
    t.pruned_ns = young.retain_until_ns - 1;
    CAF_REQUIRE(log->append(to_record(t), true, error));
  }
  std::filesystem::remove(dir() + "/" + young.file);
  auto v = open().verify();
  CAF_CHECK(!v.ok);
  ARCHIVE_CHECK(v.problem.find("was deleted before its retain_until") != std::string::npos,
                    v.problem);
}

CAF_TEST(prune_refuses_when_the_archive_does_not_verify) {
  tamper(young.file, "changed\n");
  auto p = open().prune(t0 + 11 * ns_per_day, days);
  CAF_CHECK(!p.ok);
  ARCHIVE_CHECK(p.error.find("does not verify, nothing pruned") != std::string::npos, p.error);
  CAF_CHECK(present(old));
}

CAF_TEST_FIXTURE_SCOPE_END()
