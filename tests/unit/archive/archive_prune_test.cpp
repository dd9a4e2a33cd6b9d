#define CAF_SUITE archive_prune
#include "tests/support/unit_test.hpp"

#include "common/operator_auth.hpp"
#include "messages/time.hpp"
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

CAF_TEST(prune_refuses_a_time_later_than_this_hosts_clock) {
  // Both files expired in a year's time: asked to prune then, nothing goes.
  auto p = open().prune(wall_clock_now().ns + 365 * ns_per_day, days);
  CAF_CHECK(!p.ok);
  ARCHIVE_CHECK(p.error.find("later than this host's clock") != std::string::npos, p.error);
  CAF_CHECK(present(old));
  CAF_CHECK(present(young));
}

CAF_TEST(a_tombstone_dated_after_a_later_entry_or_after_the_verifiers_clock_fails) {
  // A prune run with the clock set forward (t0 + 100 days), then an honest
  // pass archiving at t0 + 50 days: the tombstone is from the future.
  std::string error;
  {
    auto log = audit_log::open(dir() + "/MANIFEST", error);
    CAF_REQUIRE(log);
    entry t;
    t.pruned = true;
    t.file = old.file;
    t.sha256 = old.sha256;
    t.size = old.size;
    t.retain_until_ns = old.retain_until_ns;
    t.entry_seq = old.seq;
    t.pruned_ns = t0 + 100 * ns_per_day;
    CAF_REQUIRE(log->append(to_record(t), true, error));
  }
  std::filesystem::remove(dir() + "/" + old.file);
  // Seen from a verifier whose clock reads t0 + 60 days: later than its clock.
  auto early = open().verify({}, t0 + 60 * ns_per_day);
  CAF_CHECK(!early.ok);
  ARCHIVE_CHECK(early.problem.find("later than this host's clock") != std::string::npos,
                early.problem);
  auto a = open();
  CAF_REQUIRE(a.add(request(file_kind::report, write_source("later", "later\n"),
                            t0 + 50 * ns_per_day, days),
                    error));
  auto v = a.verify();
  CAF_CHECK(!v.ok);
  CAF_CHECK_EQUAL(v.first_bad, 3);
  ARCHIVE_CHECK(v.problem.find("after entry 3 archived later") != std::string::npos, v.problem);
}

CAF_TEST(a_signed_archive_rechained_with_a_forged_period_and_retain_until_is_not_pruned) {
  scratch other("archive-prune-forged");
  auto key = std::make_shared<ed25519_signer>(ed25519_signer::generate());
  std::string error;
  entry e;
  {
    auto a = archive_dir::open(other.dir(), error, key);
    CAF_REQUIRE(a);
    auto added = a->add(request(file_kind::report, other.write_source("r", "r\n"), t0, days), error);
    CAF_REQUIRE(added);
    e = *added;
    CAF_REQUIRE(a->add(request(file_kind::report, other.write_source("s", "s\n"), t0, days), error));
  }
  // Both the period and retain_until forged to 0, re-chained, signature gone.
  auto ls = other.manifest_lines();
  for (auto field : {"period_to_ns=" + std::to_string(e.period_to_ns),
                     "retain_until_ns=" + std::to_string(e.retain_until_ns)}) {
    auto at = ls[0].find(field);
    CAF_REQUIRE(at != std::string::npos);
    ls[0].replace(at, field.size(), field.substr(0, field.find('=') + 1) + "0");
  }
  auto t1 = ls[0].find('\t'), t2 = ls[0].find('\t', t1 + 1), t3 = ls[0].find('\t', t2 + 1);
  auto t4 = ls[0].find('\t', t3 + 1);
  auto record = ls[0].substr(t3 + 1, t4 - t3 - 1);
  ls[0] = "0\t" + std::string(audit_genesis) + "\t" + chain_hash(audit_genesis, 0, record) + "\t"
          + record + "\t-";
  // The next entry re-chained onto it, its (now stale) signature kept.
  auto u1 = ls[1].find('\t'), u2 = ls[1].find('\t', u1 + 1), u3 = ls[1].find('\t', u2 + 1);
  auto u4 = ls[1].find('\t', u3 + 1);
  auto prev = chain_hash(audit_genesis, 0, record);
  auto record1 = ls[1].substr(u3 + 1, u4 - u3 - 1);
  ls[1] = "1\t" + prev + "\t" + chain_hash(prev, 1, record1) + "\t" + record1 + "\t"
          + ls[1].substr(u4 + 1);
  other.rewrite_manifest(ls);
  // Without the key: refused, the entries are signed (this one was).
  {
    auto plain = archive_dir::open(other.dir(), error);
    CAF_REQUIRE(plain);
    auto p = plain->prune(t0 + 1, days);
    CAF_CHECK(!p.ok);
    ARCHIVE_CHECK(p.error.find("prune needs the node's key") != std::string::npos, p.error);
  }
  // With it: the forged entry's signature is missing, nothing pruned.
  auto keyed = archive_dir::open(other.dir(), error, key);
  CAF_REQUIRE(keyed);
  auto p = keyed->prune(t0 + 1, days);
  CAF_CHECK(!p.ok);
  ARCHIVE_CHECK(p.error.find("does not verify, nothing pruned") != std::string::npos, p.error);
  CAF_CHECK(std::filesystem::exists(other.dir() + "/" + e.file));
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

CAF_TEST(prune_refuses_a_kind_folder_replaced_by_a_symlink) {
  // report/ moved away and a symlink to it put in its place.
  std::filesystem::rename(dir() + "/report", root + "/elsewhere");
  std::filesystem::create_directory_symlink(root + "/elsewhere", dir() + "/report");
  auto p = open().prune(t0 + 11 * ns_per_day, days);
  CAF_CHECK(!p.ok);
  ARCHIVE_CHECK(p.error.find("is not a folder") != std::string::npos, p.error);
  CAF_CHECK(std::filesystem::exists(root + "/elsewhere/" + old.file.substr(7)));
}

CAF_TEST(prune_refuses_when_the_archive_does_not_verify) {
  tamper(young.file, "changed\n");
  auto p = open().prune(t0 + 11 * ns_per_day, days);
  CAF_CHECK(!p.ok);
  ARCHIVE_CHECK(p.error.find("does not verify, nothing pruned") != std::string::npos, p.error);
  CAF_CHECK(present(old));
}

CAF_TEST_FIXTURE_SCOPE_END()
