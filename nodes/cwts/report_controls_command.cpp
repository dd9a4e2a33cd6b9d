#include "nodes/cwts/report_controls_command.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "actors/kill/audit_content.hpp"
#include "actors/risk/risk_decision_log.hpp"
#include "nodes/cluster/cluster_runtime.hpp"
#include "nodes/cluster/cluster_spec.hpp" // split_words
#include "nodes/cluster/process_control.hpp" // executable_dir
#include "nodes/cwts/audit_verify_command.hpp"
#include "nodes/node/node_config.hpp"
#include "reporting/controls/controls_html.hpp"
#include "reporting/controls/controls_json.hpp"
#include "reporting/controls/drill_log.hpp"
#include "reporting/controls/kill_evidence.hpp"
#include "reporting/controls/node_log.hpp"
#include "reporting/controls/order_evidence.hpp"
#include "reporting/controls/risk_evidence.hpp"
#include "reporting/orders/journal_reader.hpp"
#include "reporting/orders/merge.hpp"

namespace cwts {

namespace {

namespace fs = std::filesystem;
using report::controls_report;

constexpr const char* usage =
  "usage: cwts report controls --day=YYYY-MM-DD --out=DIR\n"
  "         [--node-config=INI [--node-args=\"ARGS\"] [--run-dir=DIR] | --cluster=FILE --node=ID]\n"
  "         [--journal=PATH ...] [--audit=PATH ...] [--archive-dir=DIR] [--anchor=FILE ...]\n"
  "         [--decisions=PATH] [--operators=INI] [--drills=PATH] [--node-log=PATH]\n"
  "Writes DIR/controls-<day>.json and DIR/controls-<day>.html: the node's pre-trade\n"
  "controls with their limits and signed changes, orders checked and rejected by reason,\n"
  "every kill (audit chain verified first) with its channels' measured times and the\n"
  "reset votes, the drills run and the venue clock offsets of that UTC day.\n"
  "  --node-config  the node's INI file; --node-args the arguments it was started with\n"
  "                 (limits, node id, and the paths of its journal, audit chain, decision\n"
  "                 log and operators file); --run-dir its working directory (default .)\n"
  "  --cluster, --node  a node of a running local cluster (`cwts cluster up`): its\n"
  "                 arguments, run dir, log (<run-dir>/<id>.log) and drill records\n"
  "  --journal ...  name a record directly (overrides the node config's path); --journal\n"
  "                 once per journal of every node that held the OMS that day\n"
  "  --audit ...    the node's kill audit files, oldest first, the live one last; one\n"
  "                 file (or the node config's audit-path): the live log, read with its\n"
  "                 rotated files beside it and those archived in --archive-dir (default\n"
  "                 the node config's [retention] archive-dir). One node's chain: the\n"
  "                 kills that node accepted or applied\n"
  "  --anchor ...   a peer's anchor of this node's chain: the tail is checked against it\n"
  "  --drills       the drill records `cwts drill` appends (<cluster run-dir>/drills.jsonl)\n"
  "  --node-log     the node's log (its stderr): venue clock measurements, command times\n"
  "example:\n"
  "  cwts report controls --day=2026-12-06 --out=reports --node-config=config/node.ini \\\n"
  "    --drills=run/cluster-3/drills.jsonl --node-log=run/node.log\n"
  "exit codes: 0 written, 1 not written, 2 usage or config error, 3 written, but a record\n"
  "            could not be read, the kill audit chain does not verify (or the operators\n"
  "            file has no key for its node), or no file holds the chain's start of the day\n";

struct options {
  std::string day, out, node_config, node_args, run_dir = ".", cluster, node;
  std::string decisions, operators, drills, node_log, archive_dir;
  std::vector<std::string> audit;   // --audit, once per file, oldest first
  std::vector<std::string> anchors; // --anchor, once per peer anchor file
  std::vector<std::string> journals; // --journal, once per journal
  std::vector<std::string> cluster_args; // --cluster: the node's argv, word for word
  bool drills_may_be_absent = false;      // the cluster's default file: absent = no drill yet
};

bool parse(int argc, char** argv, options& o, std::string& error) {
  std::map<std::string, std::string*> keys{
    {"--day", &o.day},           {"--out", &o.out},         {"--node-config", &o.node_config},
    {"--node-args", &o.node_args}, {"--run-dir", &o.run_dir},
    {"--decisions", &o.decisions}, {"--operators", &o.operators},
    {"--drills", &o.drills},     {"--node-log", &o.node_log},  {"--cluster", &o.cluster},
    {"--node", &o.node},           {"--archive-dir", &o.archive_dir}};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto eq = a.find('=');
    if (eq != std::string::npos && a.compare(0, eq, "--journal") == 0) {
      o.journals.push_back(a.substr(eq + 1));
      continue;
    }
    if (eq != std::string::npos && a.compare(0, eq, "--anchor") == 0) {
      o.anchors.push_back(a.substr(eq + 1));
      continue;
    }
    if (eq != std::string::npos && a.compare(0, eq, "--audit") == 0) {
      o.audit.push_back(a.substr(eq + 1));
      continue;
    }
    auto k = keys.find(a.substr(0, eq));
    if (k == keys.end() || eq == std::string::npos) {
      error = "bad option '" + a + "'";
      return false;
    }
    *k->second = a.substr(eq + 1);
  }
  if (o.day.empty() || o.out.empty())
    error = "--day and --out are required";
  return error.empty();
}

// A path of the node's config, relative to the node's working directory.
std::string under(const std::string& run_dir, const std::string& path) {
  return path.empty() || fs::path(path).is_absolute() ? path : (fs::path(run_dir) / path).string();
}

// The node's settings through its own config reader (the limits as the
// node validated them), with the arguments it ran with.
std::optional<node_settings> node_settings_of(const options& o, std::string& error) {
  std::vector<std::string> args{"cwts-node"};
  if (!o.node_config.empty())
    args.push_back("--config-file=" + o.node_config);
  for (auto& w : cluster::split_words(o.node_args))
    args.push_back(w);
  args.insert(args.end(), o.cluster_args.begin(), o.cluster_args.end());
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  node_config cfg;
  if (auto err = cfg.parse(static_cast<int>(argv.size()), argv.data())) {
    error = caf::actor_system_config::render(err);
    return std::nullopt;
  }
  try {
    return cfg.settings(error);
  } catch (const std::exception& e) {
    error = e.what();
    return std::nullopt;
  }
}

report::configured_limits limits_of(const risk_settings& r) {
  return {{"max-order-qty", r.max_order_qty.to_string()},
          {"max-order-notional", r.max_order_notional.to_string()},
          {"price-collar-bps", std::to_string(r.price_collar_bps)},
          {"max-position", r.max_position.to_string()},
          {"tick-size", r.tick_size.to_string()},
          {"lot-step", r.lot_step.to_string()},
          {"min-notional", r.min_notional.to_string()},
          {"credit-limit", r.credit_limit.to_string()},
          {"max-messages-per-second", std::to_string(r.max_messages_per_second)},
          {"max-fills-per-window", std::to_string(r.max_fills_per_window)},
          {"fill-window-ms", std::to_string(r.fill_window_ms)},
          {"loss-limit", r.loss_limit.to_string()},
          {"drawdown-limit", r.drawdown_limit.to_string()},
          {"max-reject-ratio", std::to_string(r.max_reject_ratio)},
          {"reject-window-ms", std::to_string(r.reject_window.count())},
          {"reject-min-orders", std::to_string(r.reject_min_orders)}};
}

struct gathering {
  controls_report& r;
  bool failed = false;
  std::vector<std::string> errors; // the bad notes, for stderr

  void note(const std::string& section, const std::string& record, const std::string& status,
            bool bad = false) {
    r.sources.push_back({section, record, status});
    failed = failed || bad;
    if (bad)
      errors.push_back(section + ": " + record + ": " + status);
  }
};

void gather_orders(gathering& g, const std::vector<std::string>& journals) {
  if (journals.empty())
    return g.note("orders", "-", "not given (--journal or --node-config)");
  std::vector<std::vector<report::order_event>> sources;
  report::time_range range{timestamp_ns{g.r.from_ns}, timestamp_ns{g.r.to_ns}};
  for (auto& j : journals) {
    std::vector<report::order_event> events;
    report::read_stats st;
    auto why = report::read_journal(j, range, events, &st);
    g.note("orders", j,
           why.empty() ? "read: " + std::to_string(st.events) + " events, "
                           + std::to_string(st.rejects) + " rejects of the day"
                       : "NOT READ: " + why,
           !why.empty());
    if (why.empty())
      sources.push_back(std::move(events));
  }
  if (!sources.empty())
    report::count_orders(report::merge_events(std::move(sources)), g.r);
}

// The node's audit chain across its files (archived, rotated, live), verified
// as `cwts audit-verify` does (one implementation), then the day's kills.
void gather_audit(gathering& g, std::vector<std::string> files, const std::string& archive_dir,
                  const operator_registry* ops, const std::vector<std::string>& anchors) {
  if (files.empty())
    return g.note("kills", "-", "not given (--audit or --node-config)");
  std::string error;
  const auto live = files.front(); // a copy: `files` is refilled
  if (files.size() == 1 && !cli::node_audit_files(live, archive_dir, files, error))
    return g.note("kills", archive_dir, "NOT READ: the archive's manifest: " + error, true);
  std::string named;
  for (auto& f : files)
    named += (named.empty() ? "" : ",") + f;
  auto c = cli::check_audit_chain(files, ops, anchors);
  if (c.rc == 2) {
    g.r.audit_verdict = "NOT VERIFIED: " + c.error;
    return g.note("kills", named, g.r.audit_verdict, true);
  }
  auto& v = c.verdict;
  if (c.rc != 0) {
    g.r.audit_verdict = "FAILED at record " + std::to_string(v.first_bad) + " of "
                        + std::to_string(v.records) + ": " + v.problem;
    return g.note("kills", named, g.r.audit_verdict, true);
  }
  auto ev = report::read_kill_audit(files, g.r.from_ns, g.r.to_ns);
  g.r.audit_verified = true;
  std::string verdict = "verified: " + std::to_string(v.records) + " records in "
                        + std::to_string(files.size()) + " file(s), hash chain intact";
  if (ops)
    verdict += ", " + std::to_string(v.signed_records) + " record signatures checked with node "
               + c.node + "'s key, " + std::to_string(c.content.commands_verified)
               + " stored command signatures re-verified";
  if (c.anchors)
    verdict += ", " + std::to_string(c.anchors) + " peer anchor(s) matched";
  for (auto& n : c.not_checked)
    if (n.rfind("records 0 to", 0) != 0)
      verdict += "; not checked: " + n;
  bool gap = false;
  if (v.first_seq > 0 && (ev.first_ts_ns == 0 || ev.first_ts_ns > g.r.from_ns)) {
    // The earliest file left starts inside the day (or after it): the
    // records before it are gone from every place the report looks.
    gap = true;
    g.r.audit_complete = false;
    verdict += "; NOT READ: records 0 to " + std::to_string(v.first_seq - 1)
               + " (no file holds them); the day from "
               + report::format_utc_time(timestamp_ns{g.r.from_ns}) + " to "
               + (ev.first_ts_ns ? report::format_utc_time(timestamp_ns{ev.first_ts_ns})
                                 : std::string("the first record read"))
               + " is not covered";
  }
  g.r.audit_verdict = verdict;
  g.note("kills", named, verdict, gap);
  g.r.kills = std::move(ev.kills);
  g.r.resets = std::move(ev.resets);
  for (auto& p : ev.problems)
    g.r.problems.push_back(p);
  if (!ev.problems.empty())
    g.failed = true;
}

// --cluster --node: the node's arguments as `cwts cluster up` started it
// (its cluster.state names the venue ports they hold), its run dir, log
// and the cluster's drill records.
bool from_cluster(options& o, std::string& error) {
  if (o.node.empty()) {
    error = "--node=ID is required with --cluster";
    return false;
  }
  auto spec = cluster::load_cluster_spec(o.cluster, error);
  if (!spec)
    return false;
  auto* n = spec->node(o.node);
  if (!n) {
    error = "no node '" + o.node + "' in it";
    return false;
  }
  cluster::cluster_runtime rt(*spec, cluster::executable_dir());
  if (!rt.load_state(error)) {
    error += "; while the cluster is down, give --node-config and --node-args instead";
    return false;
  }
  o.node_config.clear();
  o.node_args.clear();
  auto argv = rt.node_argv(*n);
  o.cluster_args.assign(argv.begin() + 1, argv.end());
  o.run_dir = rt.run_dir();
  if (o.node_log.empty())
    o.node_log = rt.run_dir() + "/" + o.node + ".log";
  if (o.drills.empty()) {
    o.drills = rt.run_dir() + "/drills.jsonl";
    o.drills_may_be_absent = true;
  }
  return true;
}

} // namespace

int run_report_controls_command(int argc, char** argv) {
  options o;
  std::string error;
  if (argc >= 2 && std::string(argv[1]) == "--help") {
    std::cout << usage;
    return 0;
  }
  if (argc < 2 || !parse(argc, argv, o, error)) {
    std::cerr << "cwts report controls: " << (error.empty() ? "options missing" : error) << "\n"
              << usage;
    return 2;
  }
  controls_report r;
  r.day = o.day;
  if (!report::utc_day_range(o.day, r.from_ns, r.to_ns, error)) {
    std::cerr << "cwts report controls: " << error << "\n";
    return 2;
  }
  r.generated_ns = wall_clock_now().ns;
  report::configured_limits limits;
  std::shared_ptr<const operator_registry> ops;
  std::string journal, decisions = o.decisions, archive_dir = o.archive_dir;
  auto audit = o.audit;
  if (!o.cluster.empty() && !from_cluster(o, error)) {
    std::cerr << "cwts report controls: --cluster " << o.cluster << ": " << error << "\n";
    return 2;
  }
  if (!o.node_config.empty() || !o.cluster_args.empty()) {
    auto s = node_settings_of(o, error);
    if (!s) {
      std::cerr << "cwts report controls: the node's config " << o.node_config << ": " << error
                << "\n";
      return 2;
    }
    r.node = s->self.value;
    limits = limits_of(s->risk);
    ops = s->operators;
    journal = under(o.run_dir, s->oms_journal_path);
    if (decisions.empty())
      decisions = under(o.run_dir, s->risk_decisions_path);
    if (audit.empty() && !s->kill.audit_path.empty())
      audit.push_back(under(o.run_dir, s->kill.audit_path));
    if (archive_dir.empty() && s->retention)
      archive_dir = under(o.run_dir, s->retention->archive_dir);
  }
  if (!o.operators.empty()) {
    auto loaded = operator_registry::load(o.operators, error);
    if (!loaded) {
      std::cerr << "cwts report controls: --operators: " << error << "\n";
      return 2;
    }
    ops = std::make_shared<const operator_registry>(std::move(*loaded));
  }
  gathering g{r, false, {}};
  // Limits and their signed changes, timed from the node log where it has them.
  std::vector<risk::risk_decision> decided;
  if (!decisions.empty()) {
    bool ok = risk::risk_decision_log::read(decisions, decided, error);
    g.note("controls", decisions,
           ok ? "read: " + std::to_string(decided.size()) + " decisions" : "NOT READ: " + error, !ok);
  } else {
    g.note("controls", "-", "no risk decision log given (--decisions or --node-config)");
  }
  report::node_log_evidence log;
  if (!o.node_log.empty()) {
    auto why = report::read_node_log(o.node_log, r.from_ns, r.to_ns, report::decision_commands(decided), log);
    r.clock_known = why.empty();
    g.note("clock", o.node_log,
           why.empty() ? "read: " + std::to_string(log.lines) + " lines ("
                           + std::to_string(log.unparsed) + " not in the log's format), "
                           + std::to_string(log.clock.size()) + " clock measurements of the day"
                       : "NOT READ: " + why,
           !why.empty());
    r.clock = std::move(log.clock);
  } else {
    g.note("clock", "-", "no node log given (--node-log)");
  }
  r.controls = report::build_controls(limits, decided, log.commands, r.from_ns, r.to_ns);
  r.throttle_events = report::throttle_events(decided, log.commands, r.from_ns, r.to_ns);
  auto config_source = o.cluster.empty() ? o.node_config : o.cluster + " node " + o.node;
  g.note("controls", limits.empty() ? "-" : config_source,
         limits.empty() ? "no node config given: limits unknown"
                        : "limits as the node's config reader validated them (its config as it is now)");
  auto journals = o.journals;
  if (journals.empty() && !journal.empty())
    journals.push_back(journal);
  gather_orders(g, journals);
  gather_audit(g, audit, archive_dir, ops.get(), o.anchors);
  if (o.drills_may_be_absent && !fs::exists(o.drills)) {
    r.drills_known = true; // `cwts drill` makes the file with the cluster's first drill
    g.note("drills", o.drills, "no drill recorded yet for this cluster (no such file)");
  } else if (!o.drills.empty()) {
    auto why = report::read_drill_records(o.drills, r.from_ns, r.to_ns, r.drills, r.problems);
    r.drills_known = why.empty();
    g.note("drills", o.drills,
           why.empty() ? "read: " + std::to_string(r.drills.size()) + " drills of the day"
                       : "NOT READ: " + why,
           !why.empty());
  } else {
    g.note("drills", "-", "no drill records given (--drills)");
  }
  std::error_code ec;
  fs::create_directories(o.out, ec);
  if (ec) {
    std::cerr << "cwts report controls: cannot create " << o.out << ": " << ec.message() << "\n";
    return 1;
  }
  auto base = (fs::path(o.out) / ("controls-" + o.day)).string();
  for (auto& [ext, text] : {std::pair<std::string, std::string>{".json", report::to_json(r)},
                            {".html", report::to_html(r)}}) {
    // Whole or not at all: an archiver ([retention] reports-dir) copies
    // whatever it finds under the final name.
    auto tmp = base + ext + ".tmp";
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    out.close();
    if (!out || (fs::rename(tmp, base + ext, ec), ec)) {
      std::cerr << "cwts report controls: cannot write " << base + ext
                << (ec ? ": " + ec.message() : std::string()) << "\n";
      fs::remove(tmp, ec);
      return 1;
    }
    std::cout << "wrote " << base + ext << "\n";
  }
  std::cout << "day=" << r.day << " node=" << r.node << " orders_checked=" << r.orders_checked
            << " rejected=" << r.rejected_by_us << " kills=" << r.kills.size()
            << " resets=" << r.resets.size() << " drills=" << r.drills.size()
            << " clock_samples=" << r.clock.size() << " audit_verified=" << r.audit_verified
            << std::endl;
  for (auto& e : g.errors)
    std::cerr << "cwts report controls: " << e << "\n";
  return g.failed ? 3 : 0;
}

} // namespace cwts
