// cwts report orders --from --to --format=csv|jsonl [--journal=PATH ...]
// [--cluster=FILE] [--out=PATH] (report_orders_command.hpp).
#include "nodes/cwts/report_orders_command.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include <fcntl.h>
#include <unistd.h>

#include "actors/kill/audit_chain_detail.hpp"
#include "common/ini_file.hpp"
#include "nodes/cluster/cluster_spec.hpp"
#include "reporting/orders/journal_reader.hpp"
#include "reporting/orders/merge.hpp"
#include "reporting/orders/writers.hpp"

namespace fs = std::filesystem;

namespace cwts {

namespace {

constexpr const char* usage =
  "usage: cwts report orders --from=TIME --to=TIME --format=csv|jsonl\n"
  "                          (--journal=PATH ... | --cluster=FILE) [--out=PATH]\n"
  "  every order event (new, replaced, accepted, fills, cancel requested, canceled,\n"
  "  rejected by us or the venue, expired) with event time in [from, to), read\n"
  "  read-only from the OMS journals (a running node's too), merged by time,\n"
  "  exact duplicates removed; schema cwts.order_event.v1 (docs/reporting.md).\n"
  "  TIME: 2026-12-06, 2026-12-06T21:00:00Z, 2026-12-06T21:00:00.25Z or ns since the epoch\n"
  "  --journal   an OMS journal (repeat for several nodes' journals)\n"
  "  --cluster   every OMS journal of a cluster config's nodes (role trading)\n"
  "  --out       write there instead of standard output\n"
  "example:\n"
  "  cwts report orders --from=2026-12-06 --to=2026-12-07 --format=csv \\\n"
  "    --cluster=config/cluster-3.ini --out=orders-2026-12-06.csv\n";

struct options {
  std::string from, to, format, cluster, out;
  std::vector<std::string> journals;
  bool help = false;
};

bool parse(int argc, char** argv, options& o, std::string& error) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      o.help = true;
      continue;
    }
    auto eq = a.find('=');
    if (a.rfind("--", 0) != 0 || eq == std::string::npos) {
      error = "unexpected argument '" + a + "' (options are --name=value)";
      return false;
    }
    auto key = a.substr(2, eq - 2);
    auto value = a.substr(eq + 1);
    std::map<std::string, std::string*> single{
      {"from", &o.from}, {"to", &o.to}, {"format", &o.format}, {"cluster", &o.cluster}, {"out", &o.out}};
    if (key == "journal") {
      o.journals.push_back(value);
    } else if (auto it = single.find(key); it != single.end()) {
      if (!it->second->empty()) {
        error = "--" + key + " given twice";
        return false;
      }
      *it->second = value;
    } else {
      error = "unknown option --" + key;
      return false;
    }
  }
  return true;
}

// A node option (--oms.journal-path=...) in args, the last one winning as in CAF.
std::string arg_value(const std::vector<std::string>& args, const std::string& key) {
  std::string out;
  for (auto& a : args)
    if (a.rfind("--" + key + "=", 0) == 0)
      out = a.substr(key.size() + 3);
  return out;
}

} // namespace

std::vector<cluster_journal> cluster_journals(const std::string& cluster_file, std::string& error) {
  auto spec = cluster::load_cluster_spec(cluster_file, error);
  if (!spec)
    return {};
  std::vector<cluster_journal> out;
  std::error_code ec;
  auto run_dir = fs::absolute(spec->run_dir, ec);
  for (auto& n : spec->nodes) {
    std::string why;
    auto ini = ini_file::load(n.config, why);
    if (!ini) {
      error = "node " + n.id + ": config '" + n.config + "': " + why;
      return {};
    }
    auto roles = !n.roles.empty() ? n.roles : ini->get("cwts.roles").value_or("");
    auto args = spec->node_args;
    args.insert(args.end(), n.args.begin(), n.args.end());
    auto arg_roles = arg_value(args, "cwts.roles");
    if (!arg_roles.empty())
      roles = arg_roles;
    // Only the trading role runs the OMS (nodes/node/node_roles.cpp).
    if (roles.find("trading") == std::string::npos)
      continue;
    auto path = arg_value(args, "oms.journal-path");
    if (path.empty())
      path = ini->get("oms.journal-path").value_or("run/<node-id>-oms.sqlite");
    for (auto at = path.find("<node-id>"); at != std::string::npos; at = path.find("<node-id>"))
      path.replace(at, 9, n.id);
    // The nodes of a local cluster run in its run dir (cluster_runtime).
    fs::path p(path);
    if (p.is_relative())
      p = run_dir / p;
    out.push_back({n.id, p.lexically_normal().string(), !n.standby_for.empty()});
  }
  if (out.empty())
    error = "no node of " + cluster_file + " runs the OMS (role trading)";
  return out;
}

int run_report_orders_command(int argc, char** argv) {
  options o;
  std::string error;
  if (!parse(argc, argv, o, error)) {
    std::cerr << "cwts report orders: " << error << "\n" << usage;
    return 2;
  }
  if (o.help) {
    std::cout << usage;
    return 0;
  }
  auto fail = [](const std::string& why, int code) {
    std::cerr << "cwts report orders: " << why << "\n";
    return code;
  };
  if (o.from.empty() || o.to.empty())
    return fail("--from and --to are required (e.g. --from=2026-12-06 --to=2026-12-07)", 2);
  report::time_range range;
  if (!report::parse_utc_time(o.from, range.from, error))
    return fail("--from: " + error, 2);
  if (!report::parse_utc_time(o.to, range.to, error))
    return fail("--to: " + error, 2);
  if (range.to.ns <= range.from.ns)
    return fail("empty time range: --to (" + report::format_utc_time(range.to)
                  + ") is not after --from (" + report::format_utc_time(range.from) + ")", 2);
  if (o.format != "csv" && o.format != "jsonl")
    return fail("--format must be csv or jsonl, not '" + o.format + "'", 2);
  if (o.journals.empty() && o.cluster.empty())
    return fail("name the journals: --journal=PATH (repeatable) or --cluster=FILE", 2);
  std::vector<std::string> paths = o.journals;
  if (!o.cluster.empty()) {
    auto found = cluster_journals(o.cluster, error);
    if (found.empty())
      return fail(error, 2);
    for (auto& j : found) {
      if (!fs::exists(j.path) && j.standby) {
        // A standby that never took over never opened its journal.
        std::cerr << "cwts report orders: node " << j.node << " (standby): no journal at "
                  << j.path << ", it never held the OMS\n";
        continue;
      }
      paths.push_back(j.path);
    }
  }
  // Every journal is opened (and checked) before anything is written.
  std::vector<report::journal_cursor> cursors(paths.size());
  for (size_t i = 0; i < paths.size(); ++i)
    if (auto why = cursors[i].open(paths[i], range); !why.empty())
      return fail(why, 1);
  // --out renamed over a journal would destroy the record it came from.
  for (auto& p : paths) {
    std::error_code ec;
    if (!o.out.empty() && fs::exists(o.out, ec) && fs::equivalent(o.out, p, ec))
      return fail("--out '" + o.out + "' is the journal '" + p + "': refusing to overwrite it", 2);
  }
  // A file is written beside its name and renamed when complete: a failed
  // export never leaves a file that looks whole.
  std::ofstream file;
  std::string partial = o.out + ".partial";
  if (!o.out.empty()) {
    file.open(partial, std::ios::binary | std::ios::trunc);
    if (!file)
      return fail("cannot write '" + partial + "'", 1);
  }
  std::ostream& out = o.out.empty() ? std::cout : file;
  bool csv = o.format == "csv";
  if (csv)
    out << report::csv_header() << "\r\n";
  report::merge_stats ms;
  auto why = report::merge_cursors(cursors, [&](const report::order_event& e) {
    out << (csv ? report::to_csv_row(e) + "\r\n" : report::to_json_line(e) + "\n");
  }, &ms);
  out.flush();
  if (!why.empty() || !out) {
    std::error_code ignored;
    if (!o.out.empty())
      fs::remove(partial, ignored);
    return fail(!why.empty() ? why : "writing " + (o.out.empty() ? std::string("standard output") : o.out)
                                       + " failed", 1);
  }
  if (!o.out.empty()) {
    file.close();
    // Durable before it has its name: after a power loss the name never
    // shows a file whose rows did not reach the disk.
    int fd = ::open(partial.c_str(), O_RDONLY | O_CLOEXEC);
    bool synced = fd >= 0 && ::fsync(fd) == 0;
    if (fd >= 0)
      ::close(fd);
    std::error_code ec;
    if (!synced) {
      fs::remove(partial, ec);
      return fail("cannot fsync '" + partial + "'", 1);
    }
    fs::rename(partial, o.out, ec);
    if (ec)
      return fail("cannot rename '" + partial + "' to '" + o.out + "': " + ec.message(), 1);
    if (!audit_detail::sync_parent_dir(o.out))
      return fail("cannot fsync the folder of '" + o.out + "'", 1);
  }
  int64_t from_rejects = 0;
  for (auto& c : cursors)
    from_rejects += c.stats().rejects;
  std::cerr << "cwts report orders: " << ms.out << " events (" << from_rejects
            << " refused before the journal) from " << paths.size() << " journals, "
            << ms.duplicates << " duplicates removed, [" << report::format_utc_time(range.from)
            << ", " << report::format_utc_time(range.to) << "), schema "
            << report::order_event_schema << "\n";
  return 0;
}

} // namespace cwts
