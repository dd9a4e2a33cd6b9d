#include "reporting/archive/archive_cycle.hpp"

#include <unistd.h>

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <set>

#include "actors/kill/audit_chain_detail.hpp"
#include "reporting/archive/archive_sources.hpp"
#include "reporting/archive/file_copy.hpp"

namespace cwts::archive {

namespace {

// What a crash left, this archive's names only: `.snapshot-*` journals in
// the folder, and in each kind folder `.tmp-*` copies and copies whose seq
// (`<stamp>-<seq>-<name>`) is at or past the manifest's next seq (linked,
// their entry never written). Under the exclusive lock: no pass is running.
void clean_leftovers(const std::string& dir, uint64_t next_seq) {
  auto sweep = [](const std::string& folder, const std::function<bool(const std::string&)>& stale) {
    DIR* d = ::opendir(folder.c_str());
    if (!d)
      return;
    std::vector<std::string> gone;
    while (auto* ent = ::readdir(d))
      if (stale(ent->d_name) && gone.size() < 1000)
        gone.push_back(folder + "/" + ent->d_name);
    ::closedir(d);
    for (auto& f : gone)
      ::unlink(f.c_str());
    if (!gone.empty())
      audit_detail::sync_parent_dir(gone.front());
  };
  sweep(dir, [](const std::string& n) { return n.compare(0, 10, ".snapshot-") == 0; });
  for (int k = 0; k < 5; ++k)
    sweep(dir + "/" + to_string(static_cast<file_kind>(k)), [&](const std::string& n) {
      if (n.compare(0, 5, ".tmp-") == 0)
        return true;
      // <YYYYmmddTHHMMSSZ>-<seq>-<name>
      if (n.size() < 19 || n[8] != 'T' || n[15] != 'Z' || n[16] != '-')
        return false;
      auto dash = n.find('-', 17);
      if (dash == std::string::npos || dash == 17 || dash - 17 > 19)
        return false;
      auto digits = n.substr(17, dash - 17);
      if (digits.find_first_not_of("0123456789") != std::string::npos)
        return false;
      return std::stoull(digits) >= next_seq;
    });
}

struct cycle {
  archive_dir& a;
  const retention_sources& s;
  int64_t now_ns;
  int64_t days;
  std::map<std::string, entry> last;
  std::set<std::string> audit_hashes; // every audit file ever archived (source + sha256)
  cycle_report r;

  add_request request(file_kind k, const std::string& source) {
    add_request q;
    q.kind = k;
    q.source = source;
    q.node = s.node;
    auto it = last.find(source);
    q.period_from_ns = it == last.end() ? 0 : it->second.period_to_ns;
    // Never earlier than the last one (a clock stepped back between passes
    // must not give a later file an earlier retain_until).
    q.period_to_ns = std::max(now_ns, q.period_from_ns);
    q.now_ns = now_ns;
    q.retention_days = days;
    return q;
  }

  bool add(const add_request& q) {
    std::string error;
    auto e = a.add_locked(q, error);
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
    if (auto it = last.find(s.oms_journal);
        it != last.end() && now_ns - it->second.archived_ns < s.journal_interval_ns
        && now_ns >= it->second.archived_ns) {
      ++r.unchanged; // the next snapshot when the interval has passed
      return;
    }
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
      std::string error;
      auto h = hash_file(f, error);
      if (h && audit_hashes.count(s.audit_log + " " + h->sha256)) {
        // Archived by a pass a crash cut before it removed the file.
        ::unlink(f.c_str());
        ++r.unchanged;
        continue;
      }
      // Listed under the live log's path: one chain per source.
      auto q = request(file_kind::audit_chain, s.audit_log);
      q.copy_from = f;
      if (!add(q))
        return;
      audit_hashes.insert(s.audit_log + " " + r.added.back().sha256);
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
      // A report's period ends when it was last written (a report of an old
      // day archived late is kept from that day), never after this pass.
      auto q = request(file_kind::report, f);
      struct stat st {};
      if (::stat(f.c_str(), &st) == 0) {
        const int64_t written = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000LL
                                + st.st_mtim.tv_nsec;
        q.period_to_ns = std::max(std::min(written, now_ns), q.period_from_ns);
      }
      add(q);
    }
  }
};

} // namespace

cycle_report run_cycle(archive_dir& a, const retention_sources& s, int64_t now_ns,
                       int64_t retention_days, const std::function<bool()>& stop) {
  cycle c{a, s, now_ns, retention_days, {}, {}, {}};
  std::optional<archive_lock> lock;
  if (stop)
    lock.emplace(a.dir(), stop);
  else
    lock.emplace(a.dir());
  if (!lock->held()) {
    c.r.errors.push_back("cannot lock '" + a.dir() + "/LOCK': "
                         + (stop && errno == EINTR ? std::string("stopping") : std::strerror(errno)));
    return c.r;
  }
  std::string error;
  bool ok = a.for_each(
    [&](const entry& e) {
      if (!e.pruned)
        c.last[e.source] = e;
      if (e.kind == file_kind::audit_chain || e.pruned)
        c.audit_hashes.insert(e.source + " " + e.sha256);
      return std::string();
    },
    error);
  if (!ok) {
    c.r.errors.push_back("MANIFEST: " + error + " (nothing archived until it is repaired)");
    return c.r;
  }
  clean_leftovers(a.dir(), a.records_locked());
  c.oms_journal();
  c.audit_chain();
  if (!s.risk_decisions.empty())
    c.segment(file_kind::risk_decisions, s.risk_decisions);
  for (auto& l : s.logs)
    c.segment(file_kind::log, l);
  c.reports();
  return c.r;
}

std::vector<std::string> live_audit_chain(const archive_dir& a, const std::string& live,
                                          size_t& archived) {
  auto base = [](const std::string& p) { return p.substr(p.rfind('/') + 1); };
  std::map<uint64_t, std::string> by_seq;
  std::string error;
  a.for_each(
    [&](const entry& e) {
      if (e.pruned)
        by_seq.erase(e.entry_seq);
      else if (e.kind == file_kind::audit_chain && base(e.source) == base(live))
        by_seq[e.seq] = a.dir() + "/" + e.file;
      return std::string();
    },
    error);
  std::vector<std::string> files;
  std::set<std::string> hashes;
  for (auto& [seq, f] : by_seq) {
    files.push_back(f);
    if (auto h = hash_file(f, error))
      hashes.insert(h->sha256);
  }
  archived = files.size();
  for (auto& f : rotated_audit_files(live)) {
    auto h = hash_file(f, error);
    if (!h || !hashes.count(h->sha256))
      files.push_back(f);
  }
  files.push_back(live);
  return files;
}

} // namespace cwts::archive
