// The audit trail proves itself, with real processes (issue 17 findings 5
// and 10, docs/kill-switch.md "Audit chain"): a node signs every record with
// its node key; `cwts audit-verify --operators=` catches a record rewritten
// and re-chained, and a record deleted and re-chained, which the bare hash
// chain accepts; a peer keeps the node's chain head, and a log cut after it
// fails against that anchor; a flood of refused kills leaves the log small
// (sampled, counted) and the node answering.
#define CAF_SUITE node_audit_proof
#include "tests/support/unit_test.hpp"

#include <filesystem>
#include <fstream>

#include "tests/integration/node/kill_cli.hpp"
#include "tests/integration/node/single_node.hpp"
#include "tests/integration/node/stop_node.hpp"
#include "tests/integration/node/two_node_cluster.hpp"

#include "actors/kill/audit_chain.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

struct fields {
  std::string seq, prev, hash, record, sig;
};

fields split_record(const std::string& line) {
  fields f;
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    auto tab = line.find('\t', start);
    parts.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos)
      break;
    start = tab + 1;
  }
  parts.resize(5);
  return {parts[0], parts[1], parts[2], parts[3], parts[4]};
}

// What an attacker without the node key writes: renumbered, re-chained, the
// old signatures kept (new ones cannot be made).
void write_rechained(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream out(path, std::ios::trunc);
  std::string prev = audit_genesis;
  for (size_t i = 0; i < lines.size(); ++i) {
    auto f = split_record(lines[i]);
    auto hash = chain_hash(prev, i, f.record);
    out << i << "\t" << prev << "\t" << hash << "\t" << f.record << "\t" << f.sig << "\n";
    prev = hash;
  }
}

command_result verify(const cluster_paths& paths, const std::string& dir, const std::string& file,
                      const std::vector<std::string>& extra) {
  std::vector<std::string> argv{paths.cli_bin, "audit-verify", "--file=" + file,
                                "--operators=" + paths.operators_file()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto r = run_command("audit-verify", argv, dir, millis{10000});
  CAF_MESSAGE("audit-verify " << file << ": rc=" << r.exit_code << " " << r.out << r.err);
  return r;
}


} // namespace

CAF_TEST(rewritten_and_deleted_records_are_caught_and_a_refused_flood_stays_small) {
  single_node n("node_audit_proof");
  auto up = n.wait_for([](const node_status_view& s) { return s.counter("kill", "applied").has_value(); },
                       30s);
  CAF_REQUIRE(up.met);
  auto accepted = n.kill({"--level=1", "--reason=audit proof drill"});
  CAF_MESSAGE("kill: " << accepted.raw.out << accepted.raw.err);
  CAF_REQUIRE_EQUAL(accepted.raw.exit_code, 0);
  // 100 kills from an issuer nobody listed: each refused, few written.
  const std::string audit = n.dir + "/run/solo-kill-audit.log";
  auto size_before = std::filesystem::file_size(audit);
  int refused = 0;
  for (int i = 0; i < 100; ++i) {
    auto r = run_kill(n.paths, n.dir, n.cluster_port,
                      {"--level=1", "--reason=flood", "--operator=mallory",
                       "--key-file=" + n.paths.operator_key("alice")});
    refused += r.raw.exit_code == 4 ? 1 : 0;
  }
  CAF_CHECK_EQUAL(refused, 100);
  auto after = n.status();
  CAF_CHECK_EQUAL(after.counter_or_zero("kill", "audit_refusals_seen"), 100);
  CAF_CHECK_GREATER_OR_EQUAL(after.counter_or_zero("kill", "audit_refusals_left_out"), 90);
  auto size_after = std::filesystem::file_size(audit);
  CAF_MESSAGE("audit log " << size_before << " -> " << size_after << " bytes");
  int refused_records = 0;
  for (auto& l : split_lines(read_file(audit)))
    refused_records += has(l, "verdict=refused") ? 1 : 0;
  CAF_CHECK_LESS_OR_EQUAL(refused_records, 10);
  CWTS_STOP_NODE(n.node);

  // The untouched log: every signature, the kill's operator signature too.
  auto ok = verify(n.paths, n.dir, audit, {});
  CAF_CHECK_EQUAL(ok.exit_code, 0);
  CAF_CHECK(has(ok.out, "audit ok"));
  CAF_CHECK(!has(ok.out, "commands_verified=0 "));
  CAF_CHECK(has(ok.out, "not checked: truncation"));

  auto lines = split_lines(read_file(audit));
  size_t kill_at = lines.size();
  for (size_t i = 0; i < lines.size() && kill_at == lines.size(); ++i)
    if (has(lines[i], "event=kill_command") && has(lines[i], "verdict=accepted"))
      kill_at = i;
  CAF_REQUIRE(kill_at < lines.size());
  // Rewritten (the issuer changed) and re-chained.
  auto rewritten = lines;
  auto at = rewritten[kill_at].find("issuer=alice");
  CAF_REQUIRE(at != std::string::npos);
  rewritten[kill_at].replace(at, 12, "issuer=bobby");
  write_rechained(n.dir + "/rewritten.log", rewritten);
  auto bare = run_command("audit-verify", {n.paths.cli_bin, "audit-verify",
                                           "--file=" + n.dir + "/rewritten.log"},
                          n.dir, millis{10000});
  CAF_CHECK_EQUAL(bare.exit_code, 0); // the chain alone is fooled, and says what it skipped
  CAF_CHECK(has(bare.out, "not checked: record signatures"));
  auto r = verify(n.paths, n.dir, n.dir + "/rewritten.log", {});
  CAF_CHECK_EQUAL(r.exit_code, 4);
  CAF_CHECK(has(r.out, "first_bad=" + std::to_string(kill_at)));
  CAF_CHECK(has(r.out, "signature does not verify with the node's key"));
  // Deleted and re-chained.
  auto deleted = lines;
  deleted.erase(deleted.begin() + static_cast<long>(kill_at));
  write_rechained(n.dir + "/deleted.log", deleted);
  auto d = verify(n.paths, n.dir, n.dir + "/deleted.log", {});
  CAF_CHECK_EQUAL(d.exit_code, 4);
  CAF_CHECK(has(d.out, "first_bad=" + std::to_string(kill_at)));
}

CAF_TEST(a_cut_tail_is_caught_against_the_anchor_a_peer_keeps) {
  two_node_cluster c("node_audit_anchor");
  CAF_REQUIRE(c.gateway.started() && c.trading.started());
  auto both = wait_for_status(c.paths, c.dir, c.gw_port, [](const node_status_view& s) {
    return s.counter_or_zero("kill", "peers") >= 1;
  }, 40s);
  CAF_REQUIRE(both.met);
  auto k = run_kill(c.paths, c.dir, c.gw_port, {"--level=1", "--reason=anchor drill"});
  CAF_MESSAGE("kill: " << k.raw.out << k.raw.err);
  const std::string log = c.dir + "/run/gw1-kill-audit.log";
  const std::string anchor = c.dir + "/run/tr1-kill-audit.log.anchor.gw1";
  // tr1 keeps gw1's head once it has it: wait until the anchor names gw1's
  // last record (gw1 writes nothing more while both run idle after the kill).
  bool anchored = wait_until([&] {
    auto lines = split_lines(read_file(log));
    auto text = read_file(anchor);
    return !lines.empty() && has(text, "seq=" + std::to_string(lines.size() - 1) + " ");
  }, 30s);
  CAF_CHECK(anchored);
  CWTS_STOP_NODE(c.trading);
  CWTS_STOP_NODE(c.gateway);
  auto intact = verify(c.paths, c.dir, log, {"--anchor=" + anchor});
  CAF_CHECK_EQUAL(intact.exit_code, 0);
  // The last two records cut off: every remaining signature still holds.
  auto lines = split_lines(read_file(log));
  CAF_REQUIRE_GREATER_OR_EQUAL(lines.size(), 3u);
  {
    std::ofstream out(c.dir + "/cut.log", std::ios::trunc);
    for (size_t i = 0; i + 2 < lines.size(); ++i)
      out << lines[i] << "\n";
  }
  auto without = verify(c.paths, c.dir, c.dir + "/cut.log", {});
  CAF_CHECK_EQUAL(without.exit_code, 0);
  auto cut = verify(c.paths, c.dir, c.dir + "/cut.log", {"--anchor=" + anchor});
  CAF_CHECK_EQUAL(cut.exit_code, 4);
  CAF_CHECK(has(cut.out, "log truncated"));
}
