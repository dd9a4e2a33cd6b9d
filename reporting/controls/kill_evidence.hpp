#pragma once
// Kills and resets of one day from a node's kill audit chain
// (actors/kill/audit_chain.hpp, records written by kill_coordinator_actor.cpp,
// kill_channels.cpp, kill_reset.cpp and audit_content.cpp), read across its
// files: the archived and rotated ones oldest first, then the live one
// (docs/retention.md). The caller verifies the chain first
// (cli::check_audit_chain, the one `cwts audit-verify` runs): a report is
// only drawn from a chain that verifies. Files are streamed line by line
// (audit_line_reader, audit_max_line per line). CAF-free.

#include <cstdint>
#include <string>
#include <vector>

#include "actors/kill/audit_chain.hpp"
#include "reporting/controls/controls_report.hpp"

namespace cwts::report {

struct audit_evidence {
  std::vector<kill_row> kills;
  std::vector<reset_row> resets;
  std::vector<std::string> problems;
  int64_t records = 0;
  int64_t first_seq = -1;   // the first record read (-1: none)
  int64_t first_ts_ns = 0;  // its time (0: it has none)
};

// Gathers, from `files` in chain order, the kills accepted in [from, to)
// with their acks, channel results and escalations (whenever recorded), and
// the resets of [from, to) with their votes. Each accepted kill_command
// record is a kill (two contents signed under one id, an equivocation, are
// two kills); acks and results that name an id go to the latest kill of
// that id before them. Empty with a problem named when a file cannot be read.
audit_evidence read_kill_audit(const std::vector<std::string>& files, int64_t from_ns,
                               int64_t to_ns);

} // namespace cwts::report
