// Retention on a running node (issue 22, docs/retention.md): a cwts-node
// with [retention] and a 1 s pass archives a consistent snapshot of its
// live OMS journal and the rotated files of its kill audit log while it
// runs; `cwts archive verify` passes, the audit chain verifies across the
// archived files and the live one with the node's key, and an archived
// file altered afterwards makes `cwts archive verify` fail with the reason.
#define CAF_SUITE node_archive
#include "tests/support/unit_test.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <ctime>

#include <algorithm>
#include <fstream>

#include "tests/integration/node/single_node.hpp"
#include "tests/integration/node/stop_node.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

// The `file=` of every manifest line of `kind`, in order.
std::vector<std::string> archived(const std::string& manifest, const std::string& kind) {
  std::vector<std::string> out;
  for (auto& line : split_lines(read_file(manifest))) {
    if (!has(line, "event=archived kind=" + kind + " "))
      continue;
    auto at = line.find(" file=") + 6;
    out.push_back(line.substr(at, line.find(' ', at) - at));
  }
  return out;
}

command_result cli(const single_node& n, const std::vector<std::string>& args) {
  std::vector<std::string> argv{n.paths.cli_bin};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run_command("cwts", argv, n.dir, millis{30000});
  CAF_MESSAGE("cwts " << args[0] << " " << args[1] << ": rc=" << r.exit_code << "\n" << r.out << r.err);
  return r;
}

} // namespace

CAF_TEST(a_running_node_archives_its_journal_and_rotated_audit_files_and_tampering_is_caught) {
  single_node n("node_archive", {"--retention.archive-dir=run/<node-id>-archive",
                                 "--retention.rotate-interval-s=1",
                                 "--retention.audit-rotate-bytes=4096", "--retention.days=30"});
  const auto archive = n.dir + "/run/solo-archive";
  const auto manifest = archive + "/MANIFEST";
  const auto live = n.dir + "/run/solo-kill-audit.log";
  auto up = n.wait_for([](const node_status_view& s) { return s.counter("kill", "applied").has_value(); },
                       30s);
  CAF_REQUIRE(up.met);
  // Audit records: a genuine kill, then refused ones (each record about 1 KB
  // with its signed command), so the 4 KB audit log rotates.
  CAF_REQUIRE_EQUAL(n.kill({"--level=1", "--reason=archive test"}).raw.exit_code, 0);
  for (int i = 0; i < 8; ++i)
    run_kill(n.paths, n.dir, n.cluster_port,
             {"--level=1", "--reason=refused " + std::to_string(i), "--operator=mallory",
              "--key-file=" + n.paths.operator_key("alice")});
  bool both = wait_until(
    [&] {
      return !archived(manifest, "audit-chain").empty()
             && !archived(manifest, "oms-journal").empty();
    },
    30s);
  if (!both)
    CAF_MESSAGE("manifest:\n" << read_file(manifest) << n.logs());
  CAF_REQUIRE(both);
  CAF_CHECK(has(n.node.err(), "event=archive_pass node=solo"));
  // The writer rotated its own log, and counts it.
  auto rotations = n.status().counter("kill", "audit_rotations");
  CAF_CHECK(rotations && *rotations >= 1);
  CAF_CHECK(has(read_file(manifest), "node=solo"));

  auto ok = cli(n, {"archive", "verify", "--dir=" + archive, "--operators=" + n.paths.operators_file(),
                    "--node=solo", "--audit-log=" + live});
  CAF_CHECK_EQUAL(ok.exit_code, 0);
  CAF_CHECK(has(ok.out, "archive ok dir=" + archive));
  CAF_CHECK(has(ok.out, "audit_chains=1"));
  CAF_CHECK(has(ok.out, "signatures=checked"));
  // No gap between the archive and the live log.
  CAF_CHECK(has(ok.out, "audit chain ok archived_files=" + std::to_string(archived(manifest, "audit-chain").size())));
  CAF_CHECK(has(ok.out, "first_seq=0"));

  // The chain across the archived audit files and the live log, with the
  // node's key: every record signed, the live file continuing the last.
  std::string files;
  for (auto& f : archived(manifest, "audit-chain"))
    files += archive + "/" + f + ",";
  auto chain = cli(n, {"audit-verify", "--file=" + files + live,
                       "--operators=" + n.paths.operators_file()});
  CAF_CHECK_EQUAL(chain.exit_code, 0);
  CAF_CHECK(has(chain.out, "audit ok"));
  CAF_CHECK(has(chain.out, "first_seq=0"));
  // The live file alone starts after the rotated ones, and says so.
  auto alone = cli(n, {"audit-verify", "--file=" + live, "--operators=" + n.paths.operators_file()});
  CAF_CHECK_EQUAL(alone.exit_code, 0);
  CAF_CHECK(has(alone.out, "not checked: records 0 to"));

  // One archived journal snapshot altered (as anyone with the folder's
  // rights could): caught, named, with the reason.
  auto snap = archive + "/" + archived(manifest, "oms-journal").front();
  const auto original = read_file(snap);
  ::chmod(snap.c_str(), 0644);
  std::ofstream(snap, std::ios::app) << "x";
  auto bad = cli(n, {"archive", "verify", "--dir=" + archive});
  CAF_CHECK_EQUAL(bad.exit_code, 4);
  CAF_CHECK(has(bad.out, "archive FAILED"));
  CAF_CHECK(has(bad.out, archived(manifest, "oms-journal").front() + " was altered"));
  // And prune refuses to delete anything from an archive that does not verify.
  const auto key_file = "--node-key-file=" + n.paths.node_key("solo");
  auto prune = cli(n, {"archive", "prune", "--dir=" + archive, "--days=30", key_file});
  CAF_CHECK_EQUAL(prune.exit_code, 4);
  CAF_CHECK(has(prune.out, "nothing pruned"));
  // A number that is none is a usage error, not a crash.
  auto dash = cli(n, {"archive", "prune", "--dir=" + archive, "--days=-"});
  CAF_CHECK_EQUAL(dash.exit_code, 2);
  CAF_CHECK(has(dash.err, "--days=- is not a whole number"));
  // A time in the future is never trusted: --now may only go earlier.
  auto future = cli(n, {"archive", "prune", "--dir=" + archive, "--days=30", "--now=4102444800",
                        key_file});
  CAF_CHECK_EQUAL(future.exit_code, 2);
  CAF_CHECK(has(future.err, "--now may only go earlier"));

  // Put back, the archive verifies again. A report written 400 days ago,
  // archived now with the node's key, is past its 30 days: prune deletes it
  // at the real time, after its signed tombstone, and only it; the archive
  // still verifies with the node's key (the node keeps archiving meanwhile).
  std::ofstream(snap, std::ios::binary | std::ios::trunc) << original;
  CAF_CHECK_EQUAL(cli(n, {"archive", "verify", "--dir=" + archive}).exit_code, 0);
  const auto old_reports = n.dir + "/old-reports";
  ::mkdir(old_reports.c_str(), 0755);
  std::ofstream(old_reports + "/controls-old.json") << "{\"day\":\"old\"}\n";
  const auto long_ago = ::time(nullptr) - 400 * 86'400;
  struct timespec times[2] = {{long_ago, 0}, {long_ago, 0}};
  CAF_REQUIRE_EQUAL(::utimensat(AT_FDCWD, (old_reports + "/controls-old.json").c_str(), times, 0), 0);
  auto rotated = cli(n, {"archive", "rotate", "--dir=" + archive, "--node=solo",
                         "--reports-dir=" + old_reports, "--days=30", key_file});
  CAF_CHECK_EQUAL(rotated.exit_code, 0);
  CAF_CHECK(has(rotated.out, "controls-old.json"));
  // Without the key that signed the entries: refused.
  auto unkeyed = cli(n, {"archive", "prune", "--dir=" + archive, "--days=30"});
  CAF_CHECK_EQUAL(unkeyed.exit_code, 4);
  CAF_CHECK(has(unkeyed.out, "prune needs the node's key"));
  auto today = cli(n, {"archive", "prune", "--dir=" + archive, "--days=30", key_file});
  CAF_CHECK_EQUAL(today.exit_code, 0);
  CAF_CHECK(has(today.out, "deleted=1 "));
  CAF_CHECK(has(today.out, "controls-old.json"));
  CAF_CHECK(std::ifstream(snap)); // the node's own files: still within retention
  auto after = cli(n, {"archive", "verify", "--dir=" + archive,
                       "--operators=" + n.paths.operators_file(), "--node=solo"});
  CAF_CHECK_EQUAL(after.exit_code, 0);
  CAF_CHECK(has(after.out, "signatures=checked"));
  CAF_CHECK(has(after.out, "pruned=1 "));
  // SIGTERM: the archiving thread is stopped by the node's main, joined,
  // and its last pass logged after the node began stopping.
  CWTS_STOP_NODE(n.node);
  const auto err = n.node.err();
  const auto stopping = err.find("event=node_stopping");
  const auto stopped = err.find("event=archive_stopped node=solo");
  CAF_CHECK(stopping != std::string::npos);
  CAF_CHECK(stopped != std::string::npos);
  CAF_CHECK(stopped > stopping);
}

CAF_TEST(a_retention_period_of_zero_or_less_stops_the_node_with_the_key_named) {
  auto paths = cluster_paths::from_env();
  CAF_REQUIRE_EQUAL(paths.missing(), "");
  auto dir = make_test_dir("node_archive_config");
  for (std::string days : {"0", "-5"}) {
    auto argv = node_argv(paths, "node.ini", 1, free_port(),
                          {"--cwts.duration=3", "--retention.archive-dir=" + dir + "/archive",
                           "--retention.days=" + days});
    auto r = run_command("node", std::move(argv), dir, 30s);
    CAF_MESSAGE("days=" << days << " -> rc=" << r.exit_code << " " << tail(r.err, 400));
    CAF_CHECK(!r.timed_out);
    CAF_CHECK_NOT_EQUAL(r.exit_code, 0);
    CAF_CHECK(has(r.err, "retention.days: " + days + " is not a retention period"));
  }
}
