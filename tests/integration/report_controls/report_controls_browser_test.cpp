// A real node run for `cwts report controls` (issue 22 "Done when": the
// controls report for a run lists every reject and the kill with its channel
// times; the report opened in a real browser, its charts checked).
// cwts-node quotes 1000 with max-order-qty 500: risk rejects every quote
// (max_qty_exceeded). An operator changes a limit (signed), kills the node
// with a reason that carries HTML, and resets it. The report is made from
// the node's own records, then headless Chromium loads the page and the
// DOM its script built is compared with the report's JSON.
#define CAF_SUITE report_controls_browser
#include "tests/support/unit_test.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <rapidjson/document.h>

#include "actors/kill/audit_chain.hpp"
#include "common/operator_auth.hpp"
#include "reporting/controls/drill_log.hpp"
#include "reporting/orders/journal_reader.hpp"
#include "tests/integration/node/kill_cli.hpp"
#include "tests/integration/node/single_node.hpp"
#include "tests/integration/node/stop_node.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

const std::string chromium = "/usr/bin/chromium";
const std::string hostile = "drill <img src=x onerror=alert(1)> & </script>";

size_t count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
    ++n;
  return n;
}

// The integer values of attribute `attr` on every element whose class
// attribute starts with `cls`, as Chromium serialised the DOM.
std::vector<int64_t> attr_values(const std::string& dom, const std::string& cls, const std::string& attr) {
  std::vector<int64_t> out;
  auto needle = "class=\"" + cls;
  for (auto at = dom.find(needle); at != std::string::npos; at = dom.find(needle, at + 1)) {
    auto end = dom.find('>', at);
    auto tag = dom.substr(at, end - at);
    auto a = tag.find(attr + "=\"");
    if (a != std::string::npos)
      out.push_back(std::stoll(tag.substr(a + attr.size() + 2)));
  }
  return out;
}

std::string today_utc() {
  return report::format_utc_time(wall_clock_now()).substr(0, 10);
}

// The UTC day of the first kill_command record of an audit log: the day the
// test's records were made, even when the run crosses 00:00 UTC.
std::string kill_day(const std::string& audit_path) {
  std::ifstream in(audit_path);
  std::string line;
  while (std::getline(in, line)) {
    auto at = line.find("event=kill_command ");
    if (at == std::string::npos)
      continue;
    auto ts = parse_audit_record(line.substr(at, line.find('\t', at) - at))["ts_ns"];
    if (!ts.empty())
      return report::format_utc_time(timestamp_ns{std::stoll(ts)}).substr(0, 10);
  }
  return "";
}

} // namespace

CAF_TEST(controls_report_of_a_node_run_renders_its_charts_in_a_real_browser) {
  if (::access(chromium.c_str(), X_OK) != 0)
    CAF_FAIL("no " << chromium << ": run scripts/bootstrap (it installs chromium)");
  std::vector<std::string> extra{"--risk.max-order-qty=500", "--strategy.order-qty=1000",
                                 "--risk.max-reject-ratio=0"};
  single_node n("report_controls_browser", extra);
  auto rejected = n.wait_for(
    [](const node_status_view& s) {
      return s.counter_or_zero("risk", "rejected.max_qty_exceeded") >= 3;
    },
    45s);
  CAF_REQUIRE(rejected.met);
  auto node = "--node=127.0.0.1:" + std::to_string(n.cluster_port);
  auto limit = run_command("limit",
                           {n.paths.cli_bin, "limit", node, "--target=USDCHF",
                            "--field=max-order-qty", "--value=600", "--reason=itest desk request",
                            "--operator=alice", "--key-file=" + n.paths.operator_key("alice")},
                           n.dir, 20s);
  CAF_REQUIRE_EQUAL(limit.exit_code, 0);
  auto kill = n.kill({"--level=2", "--reason=" + hostile});
  CAF_MESSAGE(kill.raw.out << kill.raw.err);
  CAF_REQUIRE_EQUAL(kill.complete, std::optional<std::string>{"1"});
  auto reset = run_reset(n.paths, n.dir, n.cluster_port, {"--reason=itest all clear"});
  CAF_MESSAGE(reset.raw.out << reset.raw.err);
  CWTS_STOP_NODE(n.node);
  auto live_audit = n.dir + "/run/solo-kill-audit.log";
  auto day = kill_day(live_audit);
  CAF_REQUIRE(!day.empty());

  // A drill record as `cwts drill` appends it.
  std::string error;
  auto drills = n.dir + "/drills.jsonl";
  auto started = wall_clock_now().millis();
  auto line = report::drill_record_line(
    "{\"scenario\":\"crash\",\"started_at_ms\":" + std::to_string(started)
      + ",\"result\":\"pass\",\"measured_ms\":{\"detection_ms\":212},"
        "\"expectations\":[{\"name\":\"supervisor restarted risk\",\"pass\":true}]}",
    started + 4000, n.dir + "/report.json", error);
  CAF_REQUIRE(report::append_drill_record(drills, line, error));

  // The report, from the node's config and the arguments it ran with.
  auto argv = node_argv(n.paths, "node.ini", n.venue.port(), n.cluster_port, extra);
  std::string node_args;
  for (size_t i = 2; i < argv.size(); ++i)
    node_args += argv[i] + " ";
  auto out_dir = n.dir + "/report";
  auto made = run_command("report",
                          {n.paths.cli_bin, "report", "controls", "--day=" + day, "--out=" + out_dir,
                           "--node-config=" + n.paths.config("node.ini"), "--node-args=" + node_args,
                           "--run-dir=" + n.dir, "--node-log=" + n.node.err_path(),
                           "--drills=" + drills},
                          n.dir, 30s);
  CAF_MESSAGE(made.out << made.err);
  CAF_REQUIRE_EQUAL(made.exit_code, 0);
  auto json = read_file(out_dir + "/controls-" + day + ".json");
  auto html_path = out_dir + "/controls-" + day + ".html";
  rapidjson::Document d;
  d.Parse(json.c_str());
  CAF_REQUIRE(!d.HasParseError());
  CAF_CHECK_EQUAL(std::string(d["schema"].GetString()), "cwts.controls_report.v1");
  CAF_CHECK(d["audit"]["verified"].GetBool());
  CAF_CHECK(d["audit"]["complete"].GetBool());
  // Every reject the node's risk counted is in the report.
  auto& orders = d["orders"];
  CAF_REQUIRE(orders["known"].GetBool());
  auto rejects = orders["rejected_by_us"].GetInt64();
  CAF_CHECK_GREATER_OR_EQUAL(rejects, rejected.last.counter_or_zero("risk", "rejected.max_qty_exceeded"));
  CAF_REQUIRE_EQUAL(static_cast<int64_t>(orders["rejects"].Size()), rejects);
  // The operator's kill, with its channels' measured times.
  const rapidjson::Value* ours = nullptr;
  for (auto& k : d["kills"].GetArray())
    if (std::string(k["reason"].GetString()) == hostile)
      ours = &k;
  CAF_REQUIRE(ours != nullptr);
  CAF_CHECK_EQUAL(std::string((*ours)["issuer"].GetString()), "alice");
  CAF_CHECK_EQUAL((*ours)["level"].GetInt64(), 2);
  CAF_REQUIRE_GREATER((*ours)["channels"].Size(), 0u);
  for (auto& c : (*ours)["channels"].GetArray())
    CAF_CHECK_GREATER(c["duration_ns"].GetInt64(), 0);
  CAF_CHECK_GREATER(d["resets"].Size(), 0u);
  CAF_CHECK_EQUAL(d["drills"].Size(), 1u);
  // The signed limit change, with who signed it.
  bool change_seen = false;
  for (auto& c : d["controls"].GetArray())
    for (auto& ch : c["changes"].GetArray())
      change_seen = change_seen || (std::string(ch["issuer"].GetString()) == "alice"
                                    && std::string(ch["value"].GetString()) == "600");
  CAF_CHECK(change_seen);

  // The page in a real browser: what its script drew.
  auto dom = run_command("chromium",
                         {chromium, "--headless", "--no-sandbox", "--disable-gpu",
                          "--user-data-dir=" + n.dir + "/chromium-profile",
                          "--virtual-time-budget=5000", "--dump-dom", "file://" + html_path},
                         n.dir, 60s);
  CAF_REQUIRE_EQUAL(dom.exit_code, 0);
  auto& page = dom.out;
  CAF_CHECK(has(page, "data-charts=\"drawn\""));
  // Rejects per hour: the bars add up to every reject.
  int64_t drawn = 0;
  for (auto v : attr_values(page, "bar\"", "data-count"))
    drawn += v;
  CAF_CHECK_EQUAL(drawn, rejects);
  // One bar per channel of every kill.
  size_t channels = 0;
  for (auto& k : d["kills"].GetArray())
    channels += k["channels"].Size();
  CAF_CHECK_EQUAL(count(page, "class=\"channel-bar"), channels);
  CAF_CHECK_EQUAL(count(page, "class=\"chart kill-timeline-chart\""), d["kills"].Size());
  // Every reject listed, by its order id.
  for (auto& r : orders["rejects"].GetArray())
    CAF_CHECK(has(page, std::string(">") + r["id"].GetString() + "<"));
  // The reason text stayed text: no element came from it.
  CAF_CHECK(!has(page, "<img"));
  CAF_CHECK(has(page, "drill &lt;img src=x onerror=alert(1)&gt; &amp; &lt;/script&gt;"));
  // The clock chart: one point per measurement of the day.
  size_t measured = 0;
  for (auto& c : d["clock"].GetArray())
    measured += c["failed"].GetBool() ? 0 : 1;
  CAF_REQUIRE_GREATER(measured, 0u);
  CAF_CHECK_EQUAL(count(page, "class=\"clock-point"), measured);
  std::error_code ec;
  std::filesystem::remove_all(n.dir + "/chromium-profile", ec);
  CAF_CHECK(!ec);

  // Retention rotated the audit log (the writer's own rotation, signed by
  // the node's key): the day's kill and reset are still reported, read
  // across the rotated files and the live one, verified as one chain.
  {
    std::error_code cec;
    std::filesystem::create_directories(n.dir + "/rot", cec);
    std::filesystem::copy_file(live_audit, n.dir + "/rot/solo-kill-audit.log", cec);
    CAF_REQUIRE(!cec);
  }
  auto rot_live = n.dir + "/rot/solo-kill-audit.log";
  uint64_t middle_first = 0;
  {
    auto key = ed25519_signer::from_pem_file(n.paths.node_key("solo"), error);
    CAF_REQUIRE(key.has_value());
    auto log = audit_log::open(rot_live, error, std::make_shared<const ed25519_signer>(std::move(*key)));
    CAF_REQUIRE(log.has_value());
    CAF_REQUIRE(log->rotate(error));
    middle_first = log->records() - 1; // its audit_rotated record
    audit_record marker("operator_note");
    marker.add("node", "solo").add("ts_ns", wall_clock_now().ns).add("text", "itest");
    CAF_REQUIRE(log->append(marker, true, error));
    CAF_REQUIRE(log->rotate(error));
  }
  auto rotated_report = [&](const std::string& name, std::vector<std::string> more) {
    std::vector<std::string> args{n.paths.cli_bin, "report", "controls", "--day=" + day,
                                  "--out=" + n.dir + "/" + name};
    args.insert(args.end(), more.begin(), more.end());
    auto res = run_command(name, args, n.dir, 30s);
    CAF_MESSAGE(res.out << res.err);
    return res;
  };
  auto ops = "--operators=" + n.paths.operators_file();
  auto rotated = rotated_report("rotated", {"--audit=" + rot_live, ops});
  CAF_CHECK_EQUAL(rotated.exit_code, 0);
  rapidjson::Document rj;
  rj.Parse(read_file(n.dir + "/rotated/controls-" + day + ".json").c_str());
  CAF_REQUIRE(!rj.HasParseError());
  CAF_CHECK(rj["audit"]["verified"].GetBool());
  CAF_CHECK_EQUAL(rj["kills"].Size(), d["kills"].Size());
  CAF_CHECK_EQUAL(rj["resets"].Size(), d["resets"].Size());
  CAF_CHECK(has(rj["audit"]["verdict"].GetString(), "in 3 file(s)"));
  // The middle file removed: the chain does not verify (exit 3, no kills).
  auto middle = rotated_audit_path(rot_live, middle_first);
  std::filesystem::rename(middle, middle + ".away");
  auto cut = rotated_report("rotated-cut", {"--audit=" + rot_live, ops});
  CAF_CHECK_EQUAL(cut.exit_code, 3);
  CAF_CHECK(has(cut.err, "FAILED"));
  std::filesystem::rename(middle + ".away", middle);
  // The oldest file gone: what the report reads starts after the day began,
  // and it says which records and which span it could not read (exit 3).
  std::filesystem::remove(rotated_audit_path(rot_live, 0));
  auto gap = rotated_report("rotated-gap", {"--audit=" + rot_live, ops});
  CAF_CHECK_EQUAL(gap.exit_code, 3);
  CAF_CHECK(has(gap.err, "NOT READ: records 0 to"));
  CAF_CHECK(has(gap.err, "is not covered"));
  rapidjson::Document gj;
  gj.Parse(read_file(n.dir + "/rotated-gap/controls-" + day + ".json").c_str());
  CAF_REQUIRE(!gj.HasParseError());
  CAF_CHECK(gj["audit"]["verified"].GetBool()); // what is there verifies ...
  CAF_CHECK(!gj["audit"]["complete"].GetBool()); // ... but the day's start is missing
  CAF_CHECK(has(read_file(n.dir + "/rotated-gap/controls-" + day + ".html"),
                "only the kills recorded after them are listed"));
  // An operators file with no key for the node: not verified (exit 3).
  {
    std::ofstream ini(n.dir + "/no-node-key.ini");
    ini << "[operators]\nwindow-seconds = 30\n[operator.alice]\npublic-key-file = \""
        << n.paths.operator_public_key("alice") << "\"\nroles = \"kill,reset\"\n";
  }
  auto nokey = rotated_report("no-node-key", {"--audit=" + live_audit,
                                              "--operators=" + n.dir + "/no-node-key.ini"});
  CAF_CHECK_EQUAL(nokey.exit_code, 3);
  CAF_CHECK(has(nokey.err, "NOT VERIFIED: the operators file lists no key with node = \"solo\""));

  // An edited audit chain: nothing is reported from it and the command says so (exit 3).
  auto audit = read_file(n.dir + "/run/solo-kill-audit.log");
  auto at = audit.find("issuer=alice");
  CAF_REQUIRE(at != std::string::npos);
  audit[at + 7] = 'A';
  { std::ofstream(n.dir + "/edited-audit.log") << audit; }
  auto edited = run_command("report-edited",
                            {n.paths.cli_bin, "report", "controls", "--day=" + day,
                             "--out=" + n.dir + "/edited", "--audit=" + n.dir + "/edited-audit.log"},
                            n.dir, 30s);
  CAF_CHECK_EQUAL(edited.exit_code, 3);
  CAF_CHECK(has(edited.err, "FAILED"));
  rapidjson::Document e;
  e.Parse(read_file(n.dir + "/edited/controls-" + day + ".json").c_str());
  CAF_REQUIRE(!e.HasParseError());
  CAF_CHECK(!e["audit"]["verified"].GetBool());
  CAF_CHECK_EQUAL(e["kills"].Size(), 0u);
  // A day that is not a date: a usage error naming it.
  auto bad_day = run_command("report-bad-day",
                             {n.paths.cli_bin, "report", "controls", "--day=2026-13-01", "--out=x"},
                             n.dir, 30s);
  CAF_CHECK_EQUAL(bad_day.exit_code, 2);
  CAF_CHECK(has(bad_day.err, "'2026-13-01' is not a UTC date"));
}

// `cwts drill` appends its outcome to the durable drill records even when the
// drill cannot run (here: TLS on, no certificates), and the day's controls
// report lists it with its result and why.
CAF_TEST(a_drill_is_recorded_durably_and_listed_by_the_day_report) {
  auto paths = cluster_paths::from_env();
  CAF_REQUIRE_EQUAL(paths.missing(), "");
  auto dir = make_test_dir("report_controls_drill");
  CAF_REQUIRE(!dir.empty());
  {
    std::ofstream ini(dir + "/cluster.ini");
    ini << "[cluster]\nname = \"rc\"\nrun-dir = \"" << dir << "/run\"\nnodes = \"n1\"\n"
        << "[tls]\nenabled = true\ncerts-dir = \"" << dir << "/no-certs\"\n"
        << "[venue]\nconfig = \"" << paths.config("venue.ini") << "\"\n"
        << "[node.n1]\nconfig = \"" << paths.config("node.ini") << "\"\ncluster-port = "
        << free_port() << "\nadmin-port = " << free_port() << "\n";
  }
  auto day = today_utc();
  auto drills = dir + "/records/drills.jsonl";
  auto drill = run_command("drill",
                           {paths.cli_bin, "drill", "actor-crash", "--config=" + dir + "/cluster.ini",
                            "--drill-log=" + drills},
                           dir, 60s);
  CAF_CHECK_EQUAL(drill.exit_code, 1);
  CAF_CHECK(has(drill.out, "drill record: " + drills));
  auto made = run_command("report",
                          {paths.cli_bin, "report", "controls", "--day=" + day, "--out=" + dir + "/out",
                           "--drills=" + drills},
                          dir, 30s);
  CAF_REQUIRE_EQUAL(made.exit_code, 0);
  rapidjson::Document d;
  d.Parse(read_file(dir + "/out/controls-" + day + ".json").c_str());
  CAF_REQUIRE(!d.HasParseError());
  CAF_REQUIRE_EQUAL(d["drills"].Size(), 1u);
  CAF_CHECK_EQUAL(std::string(d["drills"][0]["scenario"].GetString()), "actor-crash");
  CAF_CHECK_EQUAL(std::string(d["drills"][0]["result"].GetString()), "fail");
  CAF_CHECK(has(d["drills"][0]["error"].GetString(), "ca.pem is missing"));
  // Sections without records say so rather than show zeros as facts.
  auto html = read_file(dir + "/out/controls-" + day + ".html");
  CAF_CHECK(has(html, "No node log was given: no clock evidence."));
  CAF_CHECK(has(html, "No order records were given"));
}

// --cluster --node: a node of a running local cluster is read with the very
// arguments `cwts cluster up` started it with (here a max-order-qty given
// only on its command line), its run dir and its log; once the cluster is
// down the command says to name the node's config instead.
CAF_TEST(cluster_mode_reads_the_node_with_its_own_arguments) {
  auto paths = cluster_paths::from_env();
  CAF_REQUIRE_EQUAL(paths.missing(), "");
  auto dir = make_test_dir("report_controls_cluster");
  CAF_REQUIRE(!dir.empty());
  auto file = dir + "/cluster.ini";
  {
    std::ofstream ini(file);
    ini << "[cluster]\nname = \"rc\"\nrun-dir = \"" << dir << "/run\"\nnodes = \"tr1\"\n"
        << "node-args = --operators.file=" << paths.operators_file()
        << " --kill.node-key-file=" << paths.keys_dir << "/nodes/node-<node-id>.pem"
        << " --risk.max-order-qty=321\n"
        << "[tls]\nenabled = false\n"
        << "[venue]\nconfig = \"" << paths.config("venue.ini") << "\"\nport = 0\nspeed = 300\n"
        << "credentials-file = \"" << paths.config("venue-demo-keys.ini") << "\"\n"
        << "[node.tr1]\nconfig = \"" << paths.config("node.ini") << "\"\ncluster-port = "
        << free_port() << "\nadmin-port = " << free_port() << "\n";
  }
  struct down_at_end {
    std::string cli, file, dir;
    ~down_at_end() { run_command("down", {cli, "cluster", "down", "--config=" + file}, dir, 60s); }
  };
  auto up = run_command("up", {paths.cli_bin, "cluster", "up", "--config=" + file}, dir, 90s);
  down_at_end guard{paths.cli_bin, file, dir};
  CAF_MESSAGE(up.out << up.err);
  CAF_REQUIRE_EQUAL(up.exit_code, 0);
  auto day = today_utc();
  std::vector<std::string> report{paths.cli_bin, "report", "controls", "--day=" + day,
                                  "--out=" + dir + "/out", "--cluster=" + file, "--node=tr1"};
  auto made = run_command("report", report, dir, 30s);
  CAF_MESSAGE(made.out << made.err);
  CAF_REQUIRE_EQUAL(made.exit_code, 0);
  rapidjson::Document d;
  d.Parse(read_file(dir + "/out/controls-" + day + ".json").c_str());
  CAF_REQUIRE(!d.HasParseError());
  CAF_CHECK_EQUAL(std::string(d["node"].GetString()), "tr1");
  CAF_CHECK(d["audit"]["verified"].GetBool());
  CAF_CHECK(d["clock_known"].GetBool());
  bool limit_seen = false;
  for (auto& c : d["controls"].GetArray())
    for (auto& l : c["limits"].GetArray())
      limit_seen = limit_seen || (std::string(l["key"].GetString()) == "max-order-qty"
                                  && has(l["value"].GetString(), "321"));
  CAF_CHECK(limit_seen);
  bool log_read = false;
  for (auto& s : d["sources"].GetArray())
    log_read = log_read || std::string(s["record"].GetString()) == dir + "/run/tr1.log";
  CAF_CHECK(log_read);
  auto down = run_command("down", {paths.cli_bin, "cluster", "down", "--config=" + file}, dir, 60s);
  CAF_CHECK_EQUAL(down.exit_code, 0);
  auto after = run_command("report-after", report, dir, 30s);
  CAF_CHECK_EQUAL(after.exit_code, 2);
  CAF_CHECK(has(after.err, "give --node-config and --node-args instead"));
}
