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
};

struct cycle_report {
  uint64_t archived = 0;
  uint64_t unchanged = 0; // sources with nothing new this period
  std::vector<entry> added;
  std::vector<std::string> errors; // each with the source and the reason
};

// Archives what is new in each source at `now_ns`, each kept `retention_days`.
cycle_report run_cycle(archive_dir& a, const retention_sources& s, int64_t now_ns,
                       int64_t retention_days);

} // namespace cwts::archive
