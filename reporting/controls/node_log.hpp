#pragma once
// Evidence a node keeps only in its log (stderr of cwts-node, one line per
// event: "2026-12-06T05:10:11.241Z info event=venue_clock venue=binance
// offset_ms=0 rtt_us=148"): venue clock measurements and failed ones
// (`venue_clock_failed`), and the operator_command lines that time a signed
// limit change written before the risk decision log kept a time. cwts-node
// logs UTC marked Z; a line without the Z (older logs) is read as UTC too
// (docs/controls-report.md). CAF-free.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "reporting/controls/controls_report.hpp"

namespace cwts::report {

// The time an operator_command line was logged, by command id.
struct command_time {
  int64_t ts_ns = 0;
  int64_t line = 0;
  bool accepted = false;
};

struct node_log_evidence {
  std::vector<clock_sample> clock;              // venue_clock(_failed) lines of [from, to)
  std::map<std::string, command_time> commands; // of `wanted` ids, any day
  int64_t lines = 0;
  int64_t unparsed = 0; // lines that are not "<time> <level> <event...>"
};

// At most this many clock samples are kept per report (a connector logs one
// at (re)connect and at most one per 5 minutes after, failures each time;
// more than this in a day is itself worth a look).
inline constexpr size_t max_clock_samples = 10000;

// Reads the log at `path`. Empty on success, else why it could not be read.
std::string read_node_log(const std::string& path, int64_t from_ns, int64_t to_ns,
                          const std::set<std::string>& wanted, node_log_evidence& out);

} // namespace cwts::report
