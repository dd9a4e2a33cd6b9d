// `cwts archive` (docs/retention.md "By hand"): the same library the node's
// archiving thread runs (reporting/archive), one pass or one check at a time.

#include "nodes/cwts/archive_command.hpp"

#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/operator_auth.hpp"
#include "common/split_commas.hpp"
#include "messages/time.hpp"
#include "reporting/archive/archive_cycle.hpp"
#include "reporting/archive/retention_config.hpp"
#include "reporting/orders/journal_reader.hpp"

namespace cwts {

namespace {

constexpr const char* archive_usage =
  "usage: cwts archive rotate|verify|prune|list --dir=DIR [options]\n"
  "  rotate  one archiving pass: what is new in each source is copied into DIR\n"
  "          --node=ID [--oms-journal=SQLITE] [--audit-log=LOG] [--risk-decisions=LOG]\n"
  "          [--reports-dir=DIR] [--logs=FILE,...] [--days=N (default 2557)]\n"
  "          [--rotate-audit --node-key-file=PEM]  rotates the live audit log first\n"
  "                                                (only while its node is stopped)\n"
  "  verify  the manifest's chain, every file's SHA-256 and size, tombstones, audit\n"
  "          chains across files; [--operators=INI --node=ID]: entry signatures too;\n"
  "          [--audit-log=LIVE]: the live audit log continues the last archived file\n"
  "  prune   deletes the files whose retention has passed, a tombstone each first\n"
  "          --days=N (the configured period, checked again) [--now=UNIX_SECONDS, only\n"
  "          earlier than this host's clock] [--node-key-file=PEM]  checks the entries'\n"
  "          signatures and signs the tombstones (required when the entries are signed)\n"
  "  list    every entry\n"
  "exit: 0 ok, 1 a pass with errors, 2 usage, 4 the archive does not verify\n"
  "example:\n"
  "  cwts archive verify --dir=run/tr1-archive\n"
  "  cwts archive rotate --dir=run/tr1-archive --node=tr1 --oms-journal=run/tr1-oms.sqlite \\\n"
  "    --risk-decisions=run/tr1-risk-decisions.log\n"
  "  cwts archive prune --dir=run/tr1-archive --days=2557\n";

std::string utc(int64_t ns) {
  return ns <= 0 ? std::string("-") : report::format_utc_time(timestamp_ns{ns});
}

std::optional<int64_t> number(const std::map<std::string, std::string>& o, const std::string& key,
                              int64_t fallback, std::string& error) {
  auto it = o.find(key);
  if (it == o.end())
    return fallback;
  const auto& v = it->second;
  const auto digits = v.substr(!v.empty() && v[0] == '-' ? 1 : 0);
  if (digits.empty() || digits.size() > 17
      || digits.find_first_not_of("0123456789") != std::string::npos) {
    error = "--" + key + "=" + v + " is not a whole number";
    return std::nullopt;
  }
  return std::stoll(v);
}

std::string get(const std::map<std::string, std::string>& o, const std::string& key) {
  auto it = o.find(key);
  return it == o.end() ? "" : it->second;
}

void print_entry(const archive::entry& e) {
  if (e.pruned)
    std::cout << "pruned   seq=" << e.seq << " entry=" << e.entry_seq << " file=" << e.file
              << " sha256=" << e.sha256 << " at " << utc(e.pruned_ns) << "\n";
  else
    std::cout << "archived seq=" << e.seq << " kind=" << archive::to_string(e.kind)
              << " file=" << e.file << " size=" << e.size << " sha256=" << e.sha256
              << " period=" << utc(e.period_from_ns) << ".." << utc(e.period_to_ns)
              << " retain_until=" << utc(e.retain_until_ns) << "\n";
}

// --node-key-file: the node's key signs what is appended; none: unsigned.
bool load_signer(const std::map<std::string, std::string>& o, const char* command,
                 std::shared_ptr<const ed25519_signer>& signer) {
  if (get(o, "node-key-file").empty())
    return true;
  std::string error;
  auto k = ed25519_signer::from_pem_file(get(o, "node-key-file"), error);
  if (!k) {
    std::cerr << "cwts archive " << command << ": --node-key-file: " << error << "\n";
    return false;
  }
  signer = std::make_shared<const ed25519_signer>(std::move(*k));
  return true;
}

// The archived audit files of `live` (its source in the manifest, not
// pruned), oldest first, then `live`: one chain with no gap between the
// archive and the node's live log.
int verify_live_audit(const archive::archive_dir& a, const std::string& live,
                      const std::vector<uint8_t>& key) {
  size_t archived = 0;
  auto files = archive::live_audit_chain(a, live, archived);
  audit_verify_options opts;
  opts.node_key = key;
  auto v = verify_audit_files(files, opts);
  if (!v.ok) {
    std::cout << "archive FAILED dir=" << a.dir() << " audit_log=" << live << " problem=\""
              << v.problem << "\"" << std::endl;
    return 4;
  }
  std::cout << "audit chain ok archived_files=" << archived
            << " pending_files=" << files.size() - 1 - archived << " live=" << live
            << " records=" << v.records << " first_seq=" << v.first_seq << " head=" << v.head
            << std::endl;
  return 0;
}

int verify(const std::map<std::string, std::string>& o, const std::string& dir) {
  std::vector<uint8_t> key;
  if (!get(o, "operators").empty()) {
    std::string error;
    auto ops = operator_registry::load(get(o, "operators"), error);
    auto* k = ops ? ops->node_key(get(o, "node")) : nullptr;
    if (!k) {
      std::cerr << "cwts archive verify: " << (ops ? "the operators file lists no node key for --node='"
                                                       + get(o, "node") + "'"
                                                   : error)
                << "\n";
      return 2;
    }
    key = k->public_key;
  }
  std::string error;
  auto a = archive::archive_dir::open_read(dir, error);
  if (!a) {
    std::cerr << "cwts archive verify: " << error << "\n";
    return 2;
  }
  auto v = a->verify(key);
  if (!v.ok) {
    std::cout << "archive FAILED dir=" << dir << " first_bad=" << v.first_bad << " problem=\""
              << v.problem << "\"" << std::endl;
    return 4;
  }
  if (!get(o, "audit-log").empty())
    if (int rc = verify_live_audit(*a, get(o, "audit-log"), key); rc != 0)
      return rc;
  std::cout << "archive ok dir=" << dir << " entries=" << v.entries
            << " files_checked=" << v.files_checked << " pruned=" << v.pruned
            << " audit_chains=" << v.audit_chains << " head=" << v.head
            << (key.empty() ? " signatures=not_checked" : " signatures=checked") << std::endl;
  return 0;
}

int rotate(const std::map<std::string, std::string>& o, const std::string& dir, int64_t days) {
  archive::retention_sources s;
  s.node = get(o, "node");
  s.oms_journal = get(o, "oms-journal");
  s.audit_log = get(o, "audit-log");
  s.risk_decisions = get(o, "risk-decisions");
  s.reports_dir = get(o, "reports-dir");
  s.logs = split_commas(get(o, "logs"));
  if (s.node.empty()) {
    std::cerr << "cwts archive rotate: --node=ID is required (it is written into each entry)\n";
    return 2;
  }
  std::shared_ptr<const ed25519_signer> signer;
  if (!load_signer(o, "rotate", signer))
    return 2;
  if (o.count("rotate-audit")) {
    std::string error;
    auto log = audit_log::open(s.audit_log, error, signer);
    if (!log || !log->rotate(error)) {
      std::cerr << "cwts archive rotate: --rotate-audit: " << error << "\n";
      return 2;
    }
  }
  std::string error;
  auto a = archive::archive_dir::open(dir, error, signer);
  if (!a) {
    std::cerr << "cwts archive rotate: " << error << "\n";
    return 2;
  }
  auto r = archive::run_cycle(*a, s, wall_clock_now().ns, days);
  for (auto& e : r.added)
    print_entry(e);
  for (auto& e : r.errors)
    std::cout << "error " << e << "\n";
  std::cout << "archive rotate dir=" << dir << " archived=" << r.archived
            << " unchanged=" << r.unchanged << " errors=" << r.errors.size() << std::endl;
  return r.errors.empty() ? 0 : 1;
}

int prune(const std::map<std::string, std::string>& o, const std::string& dir, int64_t days) {
  std::string error;
  const int64_t wall_s = wall_clock_now().ns / 1'000'000'000LL;
  auto now_s = number(o, "now", wall_s, error);
  if (!now_s) {
    std::cerr << "cwts archive prune: " << error << "\n";
    return 2;
  }
  if (*now_s > wall_s) {
    std::cerr << "cwts archive prune: --now=" << *now_s << " is later than this host's clock ("
              << wall_s << "): --now may only go earlier, nothing is pruned in the future\n";
    return 2;
  }
  std::shared_ptr<const ed25519_signer> signer;
  if (!load_signer(o, "prune", signer))
    return 2;
  auto a = archive::archive_dir::open(dir, error, signer);
  if (!a) {
    std::cout << "archive prune REFUSED dir=" << dir << " problem=\"" << error << "\"" << std::endl;
    return 4;
  }
  auto p = a->prune(*now_s * 1'000'000'000LL, days);
  if (!p.ok) {
    std::cout << "archive prune REFUSED dir=" << dir << " problem=\"" << p.error << "\"" << std::endl;
    return 4;
  }
  for (auto& e : p.deleted)
    print_entry(e);
  std::cout << "archive prune dir=" << dir << " deleted=" << p.deleted.size() << " kept=" << p.kept
            << " days=" << days << " now=" << utc(*now_s * 1'000'000'000LL) << std::endl;
  return 0;
}

int list(const std::string& dir) {
  std::string error;
  auto a = archive::archive_dir::open_read(dir, error);
  if (!a) {
    std::cerr << "cwts archive list: " << error << "\n";
    return 2;
  }
  bool ok = a->for_each(
    [](const archive::entry& e) {
      print_entry(e);
      return std::string();
    },
    error);
  if (!ok) {
    std::cout << "archive FAILED dir=" << dir << " problem=\"" << error << "\"" << std::endl;
    return 4;
  }
  return 0;
}

} // namespace

int run_archive_command(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cout << archive_usage;
    return argc < 2 ? 2 : 0;
  }
  const std::string sub = argv[1];
  std::map<std::string, std::string> o;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::cout << archive_usage;
      return 0;
    }
    if (a.rfind("--", 0) != 0) {
      std::cerr << "cwts archive: unknown argument '" << a << "' (try cwts archive --help)\n";
      return 2;
    }
    auto eq = a.find('=');
    o[a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2)]
      = eq == std::string::npos ? "" : a.substr(eq + 1);
  }
  const auto dir = get(o, "dir");
  if (dir.empty()) {
    std::cerr << "cwts archive " << sub << ": --dir=DIR is required\n" << archive_usage;
    return 2;
  }
  std::string error;
  auto days = number(o, "days", archive::default_retention_days, error);
  if (days && *days <= 0)
    error = "--days=" + std::to_string(*days) + ": the retention period must be at least 1 day";
  if (!error.empty()) {
    std::cerr << "cwts archive " << sub << ": " << error << "\n";
    return 2;
  }
  if (sub == "verify")
    return verify(o, dir);
  if (sub == "rotate")
    return rotate(o, dir, *days);
  if (sub == "prune") {
    if (!o.count("days")) {
      std::cerr << "cwts archive prune: --days=N is required (the configured retention period)\n";
      return 2;
    }
    return prune(o, dir, *days);
  }
  if (sub == "list")
    return list(dir);
  std::cerr << "cwts archive: unknown command '" << sub << "'\n" << archive_usage;
  return 2;
}

} // namespace cwts
