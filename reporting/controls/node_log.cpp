#include "reporting/controls/node_log.hpp"

#include <fstream>

#include "actors/kill/audit_chain.hpp" // parse_audit_record: the same key=value form
#include "reporting/orders/journal_reader.hpp"

namespace cwts::report {


std::string read_node_log(const std::string& path, int64_t from_ns, int64_t to_ns,
                          const std::set<std::string>& wanted, node_log_evidence& out) {
  std::ifstream in(path);
  if (!in)
    return "cannot open the node log '" + path + "'";
  std::string line;
  while (std::getline(in, line)) {
    ++out.lines;
    // "<date>T<time>Z <level> <key=value ...>"; logs from before the Z
    // were written in the host's zone, which the nodes run at UTC.
    auto sp1 = line.find(' ');
    auto sp2 = sp1 == std::string::npos ? sp1 : line.find(' ', sp1 + 1);
    timestamp_ns ts;
    std::string why;
    std::string stamp = sp2 == std::string::npos ? std::string() : line.substr(0, sp1);
    if (!stamp.empty() && stamp.back() != 'Z')
      stamp += 'Z';
    if (sp2 == std::string::npos || !parse_utc_time(stamp, ts, why)) {
      ++out.unparsed; // a wrapped line or another program's output
      continue;
    }
    auto rest = line.substr(sp2 + 1);
    if (rest.compare(0, 6, "event=") != 0)
      continue;
    auto name_end = rest.find(' ');
    auto event = rest.substr(6, name_end == std::string::npos ? std::string::npos : name_end - 6);
    if (event != "venue_clock" && event != "venue_clock_failed" && event != "operator_command")
      continue;
    auto f = parse_audit_record(rest);
    if (f.empty()) {
      ++out.unparsed; // free text with unescaped quotes: not readable as fields
      continue;
    }
    if (event == "venue_clock" || event == "venue_clock_failed") {
      if (ts.ns < from_ns || ts.ns >= to_ns || out.clock.size() >= max_clock_samples)
        continue;
      clock_sample s;
      s.ts_ns = ts.ns;
      s.venue = f.count("venue") ? f["venue"] : std::string();
      s.offset_ms = field_int(f, "offset_ms", 0);
      s.rtt_us = field_int(f, "rtt_us", -1);
      s.line = out.lines;
      s.failed = event == "venue_clock_failed";
      s.detail = f.count("detail") ? f["detail"] : std::string();
      if (s.failed || f.count("offset_ms"))
        out.clock.push_back(s);
      continue;
    }
    auto id = f.count("id") ? f["id"] : std::string();
    if (wanted.count(id) && !out.commands.count(id))
      out.commands[id] = command_time{ts.ns, out.lines, f["accepted"] == "true"};
  }
  return "";
}

} // namespace cwts::report
