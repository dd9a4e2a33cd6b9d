// cwts drill <scenario> --config=FILE [--node=ID] [--role=ROLE] [--report=PATH]
//                       [--drill-log=PATH]
// Runs one failure drill on a fresh local cluster (nodes/cluster/drill_runner.hpp),
// prints the report and writes it as JSON. Each drill's folder is reused by
// the next run of its scenario, so the report is also appended as one line
// to a durable drill record file (reporting/controls/drill_log.hpp, default
// <run-dir>/drills.jsonl) that `cwts report controls` reads.
// Exit 0 when every expectation held.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "nodes/cluster/drill_runner.hpp"
#include "nodes/cluster/process_control.hpp"
#include "nodes/cwts/cluster_command.hpp"
#include "messages/time.hpp"
#include "reporting/controls/drill_log.hpp"

namespace cwts {

namespace {

std::string drill_usage() {
  std::string out =
    "usage: cwts drill <scenario> --config=FILE [--node=ID] [--role=ROLE] [--report=PATH]\n"
    "                  [--settle-ms=N] [--observe-ms=N] [--operator=NAME --key-file=PEM] [--keep]\n"
    "                  [--drill-log=PATH]\n"
    "Starts a fresh cluster from FILE (in <run-dir>/drill-<scenario>), injects one failure,\n"
    "measures, checks the expectations, stops it. The report is printed and written as JSON\n"
    "(default <run-dir>/drill-<scenario>/report.json), and appended as one line to the\n"
    "drill records (default <run-dir>/drills.jsonl) that `cwts report controls` lists.\n"
    "scenarios:\n";
  for (auto& [name, what] : cluster::drill_scenarios())
    out += "  " + name + std::string(18 - std::min<size_t>(name.size(), 17), ' ') + what + "\n";
  out += "exit codes: 0 every expectation held, 1 an expectation failed or the drill could not run,\n"
         "            2 usage or config error\n";
  return out;
}

bool parse_ms(const std::string& text, std::chrono::milliseconds& out) {
  try {
    size_t used = 0;
    auto v = std::stoll(text, &used);
    if (used != text.size() || v < 0 || v > 600000)
      return false;
    out = std::chrono::milliseconds(v);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

// Appends the drill to the durable drill records (its folder made when missing).
bool record_drill(const cluster::drill_report& report, const std::string& report_path,
                  const std::string& path) {
  std::string error;
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty())
    std::filesystem::create_directories(parent, ec);
  auto line = report::drill_record_line(report.to_json(), wall_clock_now().millis(), report_path, error);
  if (line.empty() || !report::append_drill_record(path, line, error)) {
    std::cerr << "cwts drill: the drill record was not appended to " << path << ": " << error << "\n";
    return false;
  }
  std::cout << "drill record: " << path << "\n";
  return true;
}

} // namespace

int run_partition_drill_command(int argc, char** argv); // partition_drill_command.cpp

int run_drill_command(int argc, char** argv) {
  // A drill's progress reaches a file or pipe as it happens: an operator
  // tailing it sees each step, and a drill killed mid-run keeps its lines.
  std::cout << std::unitbuf;
  // `cwts drill partition --scenario=...`: the network-namespace partition drills (issue 24).
  for (int i = 2; argc > 1 && std::string(argv[1]) == "partition" && i < argc; ++i)
    if (std::string(argv[i]).rfind("--scenario", 0) == 0)
      return run_partition_drill_command(argc, argv);
  if (argc < 2 || std::string(argv[1]).rfind("--", 0) == 0) {
    std::cerr << drill_usage();
    return 2;
  }
  cluster::drill_options opts;
  opts.scenario = argv[1];
  std::string config;
  std::string report_path;
  std::string drill_log;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto eq = a.find('=');
    auto key = a.substr(0, eq);
    auto value = eq == std::string::npos ? std::string() : a.substr(eq + 1);
    bool ok = true;
    if (key == "--config")
      config = value;
    else if (key == "--node")
      opts.node = value;
    else if (key == "--role")
      opts.role = value;
    else if (key == "--report")
      report_path = value;
    else if (key == "--drill-log")
      drill_log = value;
    else if (key == "--operator")
      opts.operator_name = value;
    else if (key == "--key-file")
      opts.key_file = value;
    else if (key == "--keep")
      opts.keep = true;
    else if (key == "--settle-ms")
      ok = parse_ms(value, opts.settle);
    else if (key == "--observe-ms")
      ok = parse_ms(value, opts.observe);
    else
      ok = false;
    if (!ok) {
      std::cerr << "cwts drill: bad option '" << a << "'\n" << drill_usage();
      return 2;
    }
  }
  bool known = false;
  for (auto& s : cluster::drill_scenarios())
    known = known || s.first == opts.scenario;
  if (!known || config.empty()) {
    std::cerr << "cwts drill: " << (known ? "--config is required" : "unknown scenario '" + opts.scenario + "'")
              << "\n" << drill_usage();
    return 2;
  }
  std::string error;
  auto spec = cluster::load_cluster_spec(config, error);
  if (!spec) {
    std::cerr << "cwts drill: " << error << "\n";
    return 2;
  }
  auto report = cluster::run_drill(*spec, cluster::executable_dir(), opts, std::cout);
  report.print(std::cout);
  if (report_path.empty())
    report_path = report.run_dir.empty() ? std::string("drill-report.json") : report.run_dir + "/report.json";
  // The durable record first: a drill whose own report cannot be written
  // still ran, or failed to, and the day's controls report lists it.
  bool recorded = record_drill(report, report_path,
                               drill_log.empty() ? spec->run_dir + "/drills.jsonl" : drill_log);
  std::ofstream out(report_path, std::ios::trunc);
  out << report.to_json();
  if (!out) {
    std::cerr << "cwts drill: cannot write the report to " << report_path << "\n";
    return 1;
  }
  std::cout << "report: " << report_path << "\n";
  return recorded && report.passed() ? 0 : 1;
}

} // namespace cwts
