#pragma once
// One archiving pass over a node's durable files (archive_sources.hpp):
// run by the node every `[retention] rotate-interval` and by
// `cwts archive rotate`. CAF-free.

#include <cstdint>
#include <string>
#include <vector>

#include "reporting/archive/archive_dir.hpp"

namespace cwts::archive {

struct retention_sources {
  std::string node;
  std::string oms_journal;    // SQLite journal; "" none
  std::string audit_log;      // the live kill audit log; "" none
  std::string risk_decisions; // "" none
  std::vector<std::string> logs;
  std::string reports_dir; // "" none
  // A full journal snapshot at most this often (it holds all history: the
  // archive grows by one journal a day, docs/retention.md "Growth").
  int64_t journal_interval_ns = 86'400LL * 1'000'000'000LL;
};

struct cycle_report {
  uint64_t archived = 0;
  uint64_t unchanged = 0; // sources with nothing new this period
  std::vector<entry> added;
  std::vector<std::string> errors; // each with the source and the reason
};

// Archives what is new in each source at `now_ns`, each kept `retention_days`,
// the whole pass under the folder's exclusive lock (two passes, the node's
// and `cwts archive rotate`, never interleave). First, under that lock, what
// a crash left is cleaned: `.tmp-*` copies, `.snapshot-*` journals, and
// copies named `<stamp>-<seq>-*` with a seq no entry reached. A rotated
// audit file already archived (same SHA-256) is only removed. With `stop`,
// the lock is waited for only while it says false.
cycle_report run_cycle(archive_dir& a, const retention_sources& s, int64_t now_ns,
                       int64_t retention_days, const std::function<bool()>& stop = {});

// The files of the live audit log `live`'s chain, in order: its archived
// files (by the source's base name, not pruned; `archived` says how many),
// then the rotated files still beside it not yet archived (the next pass
// moves them in), then `live` (`cwts archive verify --audit-log=`).
std::vector<std::string> live_audit_chain(const archive_dir& a, const std::string& live,
                                          size_t& archived);

} // namespace cwts::archive
