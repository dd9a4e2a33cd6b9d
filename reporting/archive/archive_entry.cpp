#include "reporting/archive/archive_entry.hpp"

#include <map>

namespace cwts::archive {

namespace {

constexpr const char* kind_names[] = {"oms-journal", "audit-chain", "risk-decisions", "report",
                                      "log"};

bool to_u64(const std::string& s, uint64_t& out) {
  if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos)
    return false;
  out = std::stoull(s);
  return true;
}

bool to_i64(const std::string& s, int64_t& out) {
  uint64_t u = 0;
  if (!to_u64(s, u) || u > static_cast<uint64_t>(INT64_MAX))
    return false;
  out = static_cast<int64_t>(u);
  return true;
}

bool is_sha(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

} // namespace

const char* to_string(file_kind k) { return kind_names[static_cast<int>(k)]; }

std::optional<file_kind> kind_from_string(const std::string& s) {
  for (int i = 0; i < 5; ++i)
    if (s == kind_names[i])
      return static_cast<file_kind>(i);
  return std::nullopt;
}

bool safe_archive_path(const std::string& file) {
  auto slash = file.find('/');
  if (slash == std::string::npos || !kind_from_string(file.substr(0, slash)))
    return false;
  auto name = file.substr(slash + 1);
  return !name.empty() && name.find('/') == std::string::npos && name != "." && name != ".."
         && name[0] != '.';
}

audit_record to_record(const entry& e) {
  if (e.pruned) {
    audit_record r("pruned");
    r.add("entry", static_cast<int64_t>(e.entry_seq))
      .add("file", e.file)
      .add("sha256", e.sha256)
      .add("size", static_cast<int64_t>(e.size))
      .add("retain_until_ns", e.retain_until_ns)
      .add("pruned_ns", e.pruned_ns);
    return r;
  }
  audit_record r("archived");
  r.add("kind", to_string(e.kind))
    .add("file", e.file)
    .add("sha256", e.sha256)
    .add("size", static_cast<int64_t>(e.size))
    .add("source", e.source)
    .add("node", e.node)
    .add("offset", static_cast<int64_t>(e.offset))
    .add("period_from_ns", e.period_from_ns)
    .add("period_to_ns", e.period_to_ns)
    .add("archived_ns", e.archived_ns)
    .add("retain_until_ns", e.retain_until_ns);
  return r;
}

std::optional<entry> parse_entry(uint64_t seq, const std::string& record, std::string& error) {
  auto f = parse_audit_record(record);
  entry e;
  e.seq = seq;
  auto bad = [&](const std::string& why) {
    error = why;
    return std::nullopt;
  };
  if (f.empty())
    return bad("not key=value pairs");
  const auto& event = f["event"];
  if (event != "archived" && event != "pruned")
    return bad("unknown event '" + event + "' (archived or pruned)");
  e.pruned = event == "pruned";
  e.file = f["file"];
  e.sha256 = f["sha256"];
  if (!safe_archive_path(e.file))
    return bad("file '" + e.file + "' is not <kind>/<name> inside the archive");
  if (!is_sha(e.sha256))
    return bad("sha256 is not 64 lower-case hex digits");
  if (!to_u64(f["size"], e.size) || !to_i64(f["retain_until_ns"], e.retain_until_ns))
    return bad("size or retain_until_ns is not a number");
  if (e.pruned) {
    if (!to_u64(f["entry"], e.entry_seq) || !to_i64(f["pruned_ns"], e.pruned_ns))
      return bad("entry or pruned_ns is not a number");
    e.kind = *kind_from_string(e.file.substr(0, e.file.find('/')));
    return e;
  }
  auto kind = kind_from_string(f["kind"]);
  if (!kind)
    return bad("unknown kind '" + f["kind"] + "'");
  e.kind = *kind;
  if (e.file.compare(0, e.file.find('/'), f["kind"]) != 0)
    return bad("file '" + e.file + "' is not in its kind's folder");
  e.source = f["source"];
  e.node = f["node"];
  if (!to_u64(f["offset"], e.offset) || !to_i64(f["period_from_ns"], e.period_from_ns)
      || !to_i64(f["period_to_ns"], e.period_to_ns) || !to_i64(f["archived_ns"], e.archived_ns))
    return bad("offset, period_from_ns, period_to_ns or archived_ns is not a number");
  return e;
}

} // namespace cwts::archive
