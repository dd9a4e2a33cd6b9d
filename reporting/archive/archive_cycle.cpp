#include "reporting/archive/archive_cycle.hpp"

#include <unistd.h>

#include <map>

#include "reporting/archive/archive_sources.hpp"
#include "reporting/archive/file_copy.hpp"

namespace cwts::archive {

namespace {

struct cycle {
  archive_dir& a;
  const retention_sources& s;
  int64_t now_ns;
  int64_t days;
  std::map<std::string, entry> last;
  cycle_report r;

  add_request request(file_kind k, const std::string& source) {
    add_request q;
    q.kind = k;
    q.source = source;
    q.node = s.node;
    auto it = last.find(source);
    q.period_from_ns = it == last.end() ? 0 : it->second.period_to_ns;
    q.period_to_ns = now_ns;
    q.now_ns = now_ns;
    q.retention_days = days;
    return q;
  }

  bool add(const add_request& q) {
    std::string error;
    auto e = a.add(q, error);
    if (!e) {
      r.errors.push_back(std::string(to_string(q.kind)) + " " + q.source + ": " + error);
      return false;
    }
    ++r.archived;
    last[q.source] = *e;
    r.added.push_back(std::move(*e));
    return true;
  }

  // A snapshot each period the journal changed (same bytes: not again).
  void oms_journal() {
    if (s.oms_journal.empty() || !regular_file_size(s.oms_journal))
      return;
    auto tmp = a.dir() + "/.snapshot-" + std::to_string(::getpid()) + ".sqlite";
    ::unlink(tmp.c_str());
    std::string error;
    if (!snapshot_sqlite(s.oms_journal, tmp, error)) {
      r.errors.push_back("oms-journal " + s.oms_journal + ": " + error);
      return;
    }
    auto h = hash_file(tmp, error);
    auto it = last.find(s.oms_journal);
    if (h && it != last.end() && it->second.sha256 == h->sha256) {
      ++r.unchanged;
    } else {
      auto q = request(file_kind::oms_journal, s.oms_journal);
      q.copy_from = tmp;
      q.name = s.oms_journal.substr(s.oms_journal.rfind('/') + 1);
      add(q);
    }
    ::unlink(tmp.c_str());
  }

  // Rotated kill audit files are moved in, oldest first; one that cannot
  // be archived stops the rest (the chain is archived in order).
  void audit_chain() {
    if (s.audit_log.empty())
      return;
    auto files = rotated_audit_files(s.audit_log);
    if (files.empty())
      ++r.unchanged;
    for (auto& f : files) {
      // Listed under the live log's path: one chain per source.
      auto q = request(file_kind::audit_chain, s.audit_log);
      q.copy_from = f;
      if (!add(q))
        return;
      ::unlink(f.c_str());
    }
  }

  // The bytes appended since the last segment, up to the last whole line.
  void segment(file_kind k, const std::string& path) {
    auto size = regular_file_size(path);
    if (!size)
      return;
    auto it = last.find(path);
    uint64_t from = it == last.end() ? 0 : it->second.offset + it->second.size;
    if (*size < from) {
      r.errors.push_back(std::string(to_string(k)) + " " + path + ": the file shrank to "
                         + std::to_string(*size) + " bytes, " + std::to_string(from)
                         + " were archived (cut or replaced): not archived until an operator "
                           "looks");
      return;
    }
    std::string error;
    auto end = complete_lines_end(path, from, *size, error);
    if (!end) {
      r.errors.push_back(std::string(to_string(k)) + " " + path + ": " + error);
      return;
    }
    if (*end == from) {
      ++r.unchanged;
      return;
    }
    auto q = request(k, path);
    q.offset = from;
    q.length = *end - from;
    add(q);
  }

  void reports() {
    if (s.reports_dir.empty())
      return;
    for (auto& f : report_files(s.reports_dir, 10'000)) {
      std::string error;
      auto h = hash_file(f, error);
      auto it = last.find(f);
      if (h && it != last.end() && it->second.sha256 == h->sha256)
        continue;
      add(request(file_kind::report, f));
    }
  }
};

} // namespace

cycle_report run_cycle(archive_dir& a, const retention_sources& s, int64_t now_ns,
                       int64_t retention_days) {
  cycle c{a, s, now_ns, retention_days, {}, {}};
  std::string error;
  if (!last_by_source(a, c.last, error)) {
    c.r.errors.push_back("MANIFEST: " + error + " (nothing archived until it is repaired)");
    return c.r;
  }
  c.oms_journal();
  c.audit_chain();
  if (!s.risk_decisions.empty())
    c.segment(file_kind::risk_decisions, s.risk_decisions);
  for (auto& l : s.logs)
    c.segment(file_kind::log, l);
  c.reports();
  return c.r;
}

} // namespace cwts::archive
