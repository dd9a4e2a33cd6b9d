// The audit trail that proves itself (issue 17 finding 5, docs/kill-switch.md
// "Audit chain"): records signed with the node's key, so an edit or a
// deletion that is re-chained is caught; a cut tail caught against a peer's
// anchor, even when the attacker holds the node's key; stored command and
// vote signatures checked again; refused commands sampled (finding 10).
#define CAF_SUITE kill_audit_signed
#include "tests/support/unit_test.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "actors/kill/audit_anchor.hpp"
#include "actors/kill/audit_chain.hpp"
#include "actors/kill/audit_content.hpp"
#include "actors/kill/refusal_sampler.hpp"
#include "common/operator_auth.hpp"
#include "messages/signing_payload.hpp"

using namespace cwts;

namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

struct line {
  std::string seq, prev, hash, record, sig;
};

std::vector<line> lines_of(const std::string& text) {
  std::vector<line> out;
  std::stringstream in(text);
  std::string l;
  while (std::getline(in, l)) {
    std::vector<std::string> parts;
    std::stringstream ls(l);
    std::string p;
    while (std::getline(ls, p, '\t'))
      parts.push_back(p);
    out.push_back({parts.at(0), parts.at(1), parts.at(2), parts.at(3), parts.at(4)});
  }
  return out;
}

// What an attacker with the file (and maybe a key) writes: the records
// renumbered and re-chained from the genesis; re-signed with `key` when
// given, else the old signatures kept.
std::string rechain(std::vector<line> ls, const ed25519_signer* key) {
  std::string out, prev = audit_genesis;
  for (size_t i = 0; i < ls.size(); ++i) {
    auto hash = chain_hash(prev, i, ls[i].record);
    auto sig = key ? to_hex(key->sign(audit_signing_payload(i, hash))) : ls[i].sig;
    out += std::to_string(i) + "\t" + prev + "\t" + hash + "\t" + ls[i].record + "\t" + sig + "\n";
    prev = hash;
  }
  return out;
}

struct fixture {
  std::shared_ptr<const ed25519_signer> node =
    std::make_shared<const ed25519_signer>(ed25519_signer::generate());
  ed25519_signer alice = ed25519_signer::generate();
  ed25519_signer stranger = ed25519_signer::generate();
  operator_registry ops{{{operator_id{"alice"}, alice.public_key(), {operator_role::kill,
                                                                     operator_role::reset}},
                         {operator_id{"node-n1"}, node->public_key(), {operator_role::kill}, "n1"}},
                        std::chrono::seconds(30)};
  std::string path;

  fixture() {
    char tmpl[] = "/tmp/cwts-audit-signed-XXXXXX";
    path = std::string(mkdtemp(tmpl)) + "/audit.log";
  }

  kill_command signed_kill(const std::string& id) {
    kill_command k;
    k.id = kill_id{id};
    k.level = kill_level::cancel_all;
    k.issuer = operator_id{"alice"};
    k.origin = node_id{"n1"};
    k.reason = "drill";
    k.issued_at = timestamp_ns{1'700'000'000'000'000'000};
    k.signature = alice.sign(signing_payload(k));
    return k;
  }

  // Five records: two accepted kills and their acks, one signed vote.
  void write_log() {
    std::string error;
    auto log = audit_log::open(path, error, node);
    CAF_REQUIRE(log);
    for (int i = 0; i < 2; ++i) {
      auto k = signed_kill("k-" + std::to_string(i));
      CAF_REQUIRE(log->append(kill_command_record(node_id{"n1"}, k, "request", "accepted", ""),
                              true, error));
      audit_record ack("kill_ack");
      ack.add("node", "n1").add("id", k.id.value).add("applied", 1);
      CAF_REQUIRE(log->append(ack, false, error));
    }
    reset_vote v{kill_id{"r-1"}, node_id{"n1"}, true, "", 3, {}};
    v.signature = node->sign(signing_payload(v));
    CAF_REQUIRE(log->append(reset_vote_record(node_id{"n1"}, v, "counted", ""), false, error));
  }

  audit_verify_options full(content_check_stats& stats) {
    audit_verify_options o;
    o.node_key = node->public_key();
    o.check_record = [&](uint64_t, const std::string& r) { return check_record_content(r, ops, stats); };
    return o;
  }

  void overwrite(const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(audit_signed_tests, fixture)

CAF_TEST(a_signed_log_verifies_every_record_and_every_stored_signature) {
  write_log();
  content_check_stats stats;
  auto v = verify_audit_file(path, full(stats));
  CAF_CHECK(v.ok);
  CAF_MESSAGE(v.problem);
  CAF_CHECK_EQUAL(v.signed_records, 5u);
  CAF_CHECK_EQUAL(stats.commands_verified, 2u);
  CAF_CHECK_EQUAL(stats.votes_verified, 1u);
  // Reopened, the log continues the chain and its head signature.
  std::string error;
  auto log = audit_log::open(path, error, node);
  CAF_REQUIRE(log);
  CAF_CHECK_EQUAL(log->records(), 5u);
  CAF_CHECK(ed25519_verify(node->public_key(), audit_signing_payload(4, log->head()),
                           log->head_signature()));
}

CAF_TEST(a_rewritten_record_rechained_fails_on_its_signature) {
  write_log();
  auto ls = lines_of(read_file(path));
  auto at = ls[2].record.find("issuer=alice");
  CAF_REQUIRE(at != std::string::npos);
  ls[2].record.replace(at, 12, "issuer=carol");
  overwrite(rechain(ls, nullptr));
  CAF_CHECK(verify_audit_file(path).ok); // the bare chain is fooled, as before
  content_check_stats stats;
  auto v = verify_audit_file(path, full(stats));
  CAF_CHECK(!v.ok);
  CAF_CHECK_EQUAL(v.first_bad, 2);
  CAF_CHECK(has(v.problem, "signature does not verify with the node's key"));
  // Re-signed with a key that is not the node's: the same.
  overwrite(rechain(ls, &stranger));
  CAF_CHECK_EQUAL(verify_audit_file(path, full(stats)).first_bad, 0);
}

CAF_TEST(a_deleted_record_rechained_fails_on_its_signature) {
  write_log();
  auto ls = lines_of(read_file(path));
  ls.erase(ls.begin() + 1);
  overwrite(rechain(ls, nullptr));
  content_check_stats stats;
  auto v = verify_audit_file(path, full(stats));
  CAF_CHECK(!v.ok);
  CAF_CHECK_EQUAL(v.first_bad, 1);
}

CAF_TEST(a_stored_command_whose_content_was_changed_is_caught_even_if_the_node_resigns) {
  // An attacker holding the node key (a compromised node) re-signs the
  // records, but cannot sign as the operator.
  write_log();
  auto ls = lines_of(read_file(path));
  auto k = signed_kill("k-0");
  auto forged = k;
  forged.level = kill_level::halt_new_orders; // signature stays alice's of level 2
  auto fields = kill_command_record(node_id{"n1"}, forged, "request", "accepted", "").text();
  ls[0].record = fields;
  overwrite(rechain(ls, node.get()));
  content_check_stats stats;
  auto v = verify_audit_file(path, full(stats));
  CAF_CHECK(!v.ok);
  CAF_CHECK_EQUAL(v.first_bad, 0);
  CAF_CHECK(has(v.problem, "kill_command signature does not verify for issuer 'alice'"));
}

CAF_TEST(a_cut_tail_is_caught_against_a_peers_anchor) {
  write_log();
  std::string error;
  auto log = audit_log::open(path, error, node);
  CAF_REQUIRE(log);
  auto anchor = make_anchor(node_id{"n1"}, *log);
  CAF_REQUIRE(anchor);
  CAF_CHECK_EQUAL(anchor->seq, 4u);
  CAF_CHECK(verify_anchor(*anchor, node->public_key()));
  CAF_CHECK(!verify_anchor(*anchor, stranger.public_key()));
  // The peer keeps it on disk.
  auto file = anchor_file_path(path, "n1");
  CAF_REQUIRE(save_anchor(file, *anchor, 1, error));
  auto kept = load_anchor(file, error);
  CAF_REQUIRE(kept);
  CAF_CHECK_EQUAL(kept->seq, 4u);
  CAF_CHECK_EQUAL(kept->head, anchor->head);
  // Two records cut: every remaining signature is fine, the anchor is not.
  auto ls = lines_of(read_file(path));
  ls.resize(3);
  overwrite(rechain(ls, nullptr));
  content_check_stats stats;
  auto opts = full(stats);
  CAF_CHECK(verify_audit_file(path, opts).ok);
  opts.anchor_seq = kept->seq;
  opts.anchor_head = kept->head;
  auto v = verify_audit_file(path, opts);
  CAF_CHECK(!v.ok);
  CAF_CHECK(has(v.problem, "log truncated: a peer anchored record 4"));
  // Rewritten by the node key's holder, as long as the original: the
  // anchored head differs.
  auto full_lines = lines_of(read_file(path));
  full_lines.push_back(full_lines[1]);
  full_lines.push_back(full_lines[1]);
  overwrite(rechain(full_lines, node.get()));
  v = verify_audit_file(path, opts);
  CAF_CHECK(!v.ok);
  CAF_CHECK_EQUAL(v.first_bad, 4);
  CAF_CHECK(has(v.problem, "differs from the one a peer anchored"));
}

CAF_TEST(anchors_compare_and_stay_in_their_folder) {
  audit_anchor a{node_id{"n1"}, 5, std::string(64, 'a'), {}};
  auto b = a;
  CAF_CHECK(compare_anchor(std::nullopt, a) == anchor_change::first);
  CAF_CHECK(compare_anchor(a, b) == anchor_change::same);
  b.seq = 6;
  CAF_CHECK(compare_anchor(a, b) == anchor_change::advanced);
  b.seq = 4;
  CAF_CHECK(compare_anchor(a, b) == anchor_change::regressed);
  b.seq = 5;
  b.head = std::string(64, 'b');
  CAF_CHECK(compare_anchor(a, b) == anchor_change::forked);
  CAF_CHECK_EQUAL(anchor_file_path("run/a.log", "gw1"), "run/a.log.anchor.gw1");
  CAF_CHECK_EQUAL(anchor_file_path("run/a.log", "../x"), "");
  CAF_CHECK_EQUAL(anchor_file_path("run/a.log", ".."), "");
}

CAF_TEST(records_parse_back_to_their_fields) {
  audit_record r("kill_command");
  r.add("text", "a \"quoted\" = value\nwith\ttabs").add("n", 5).add("empty", "");
  auto f = parse_audit_record(r.text());
  CAF_CHECK_EQUAL(f["event"], "kill_command");
  CAF_CHECK_EQUAL(f["text"], "a \"quoted\" = value\nwith\ttabs");
  CAF_CHECK_EQUAL(f["n"], "5");
  CAF_CHECK_EQUAL(f["empty"], "");
  CAF_CHECK(parse_audit_record("event=x text=\"unterminated").empty());
}

CAF_TEST(content_round_trips_every_field) {
  auto k = signed_kill("k-9");
  kill_command back;
  CAF_REQUIRE(decode_content(encode_content(k), back));
  CAF_CHECK_EQUAL(signing_payload(back), signing_payload(k));
  CAF_CHECK(back.signature == k.signature);
  CAF_CHECK(!decode_content(encode_content(k) + "00", back)); // trailing bytes: another layout
  CAF_CHECK(!decode_content("zz", back));
}

CAF_TEST(refusals_are_sampled_per_class_and_summarised_per_window) {
  refusal_sampler s({10, 1000, 4});
  int written = 0;
  for (int i = 0; i < 100; ++i)
    written += s.admit("unknown issuer 'x" + std::to_string(i) + "'", 5) ? 1 : 0;
  CAF_CHECK_EQUAL(written, 10);
  CAF_CHECK_EQUAL(s.total_suppressed(), 90);
  CAF_CHECK(s.roll(500).empty()); // the window is still open
  // An attacker varying the class: at most 4 classes, the rest "other".
  for (int i = 0; i < 50; ++i)
    s.admit("reason" + std::string(1, static_cast<char>('a' + i % 26)) + std::to_string(i), 6);
  auto sums = s.roll(1005);
  CAF_CHECK(sums.size() <= 4u);
  bool found = false;
  for (auto& sum : sums)
    if (sum.reason == "unknown issuer") {
      found = true;
      CAF_CHECK_EQUAL(sum.seen, 100);
      CAF_CHECK_EQUAL(sum.written, 10);
    }
  CAF_CHECK(found);
  CAF_CHECK(s.admit("unknown issuer 'y'", 1006)); // a fresh window writes again
  CAF_CHECK_EQUAL(refusal_class("unknown issuer 'x'"), "unknown issuer");
  CAF_CHECK_EQUAL(refusal_class("refused: signature: bad"), "refused");
}

CAF_TEST_FIXTURE_SCOPE_END()
