#pragma once
// Durable drill records: `cwts drill` appends one JSON line per drill run
// (the report it also writes whole, compacted, with when it ended and where
// the full report is) to a JSONL file, so the controls report can list the
// drills of a day after their per-run folders were reused. CAF-free.
//
//   {"schema":"cwts.drill_record.v1","finished_at_ms":..,"report_path":"..",
//    "report":{"scenario":..,"started_at_ms":..,"result":"pass",..}}

#include <cstdint>
#include <string>
#include <vector>

#include "reporting/controls/controls_report.hpp"

namespace cwts::report {

inline constexpr const char* drill_record_schema = "cwts.drill_record.v1";

// One line (ending in '\n') for `report_json` (drill_report::to_json());
// empty with `error` when that is not a JSON object.
std::string drill_record_line(const std::string& report_json, int64_t finished_at_ms,
                              const std::string& report_path, std::string& error);

// Appends `line` to `path` (created 0640) and fsyncs; false with `error`.
bool append_drill_record(const std::string& path, const std::string& line, std::string& error);

// The drills of `path` that started in [from, to). A line that is not a
// drill record is named in `problems` (at most max_problems) and skipped.
// Empty on success, else why the file could not be read.
std::string read_drill_records(const std::string& path, int64_t from_ns, int64_t to_ns,
                               std::vector<drill_row>& out, std::vector<std::string>& problems);

} // namespace cwts::report
