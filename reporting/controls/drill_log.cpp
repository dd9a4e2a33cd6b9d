#include "reporting/controls/drill_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace cwts::report {

namespace {

// A drill record line is bounded: a report names a handful of nodes and
// expectations; anything far larger is not one.
constexpr size_t max_line_bytes = 1 << 20;
constexpr size_t max_problems = 100;

std::string str(const rapidjson::Value& o, const char* key) {
  auto i = o.FindMember(key);
  return i != o.MemberEnd() && i->value.IsString() ? i->value.GetString() : "";
}

int64_t num(const rapidjson::Value& o, const char* key) {
  auto i = o.FindMember(key);
  return i != o.MemberEnd() && i->value.IsInt64() ? i->value.GetInt64() : 0;
}

// "" when the line is a drill record (then `row` is filled), else why not.
std::string parse_line(const std::string& line, drill_row& row) {
  rapidjson::Document d;
  d.Parse(line.c_str(), line.size());
  if (d.HasParseError() || !d.IsObject())
    return "not a JSON object";
  if (str(d, "schema") != drill_record_schema)
    return "schema is not " + std::string(drill_record_schema);
  auto rep = d.FindMember("report");
  if (rep == d.MemberEnd() || !rep->value.IsObject())
    return "no report object";
  auto& r = rep->value;
  row.scenario = str(r, "scenario");
  row.started_ms = num(r, "started_at_ms");
  row.finished_ms = num(d, "finished_at_ms");
  row.result = str(r, "result");
  row.error = str(r, "error");
  row.report = str(d, "report_path");
  if (row.scenario.empty() || row.started_ms <= 0 || (row.result != "pass" && row.result != "fail"))
    return "scenario, started_at_ms or result missing";
  auto m = r.FindMember("measured_ms");
  if (m != r.MemberEnd() && m->value.IsObject())
    for (auto& kv : m->value.GetObject())
      if (kv.value.IsInt64())
        row.measured_ms[kv.name.GetString()] = kv.value.GetInt64();
  auto e = r.FindMember("expectations");
  if (e != r.MemberEnd() && e->value.IsArray())
    for (auto& x : e->value.GetArray())
      if (x.IsObject()) {
        auto pass = x.FindMember("pass");
        row.expectations.emplace_back(str(x, "name"),
                                      pass != x.MemberEnd() && pass->value.IsBool()
                                        && pass->value.GetBool());
      }
  return "";
}

} // namespace

std::string drill_record_line(const std::string& report_json, int64_t finished_at_ms,
                              const std::string& report_path, std::string& error) {
  rapidjson::Document report;
  report.Parse(report_json.c_str(), report_json.size());
  if (report.HasParseError() || !report.IsObject()) {
    error = "the drill report is not a JSON object";
    return "";
  }
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("schema");
  w.String(drill_record_schema);
  w.Key("finished_at_ms");
  w.Int64(finished_at_ms);
  w.Key("report_path");
  w.String(report_path.c_str(), static_cast<rapidjson::SizeType>(report_path.size()));
  w.Key("report");
  report.Accept(w);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

bool append_drill_record(const std::string& path, const std::string& line, std::string& error) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) {
    error = "open '" + path + "': " + std::strerror(errno);
    return false;
  }
  // One write of the whole line: appends of concurrent drills do not interleave.
  auto n = ::write(fd, line.data(), line.size());
  bool ok = n == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  if (!ok)
    error = "write '" + path + "': " + (n < 0 ? std::strerror(errno) : "short write or fsync failed");
  ::close(fd);
  return ok;
}

std::string read_drill_records(const std::string& path, int64_t from_ns, int64_t to_ns,
                               std::vector<drill_row>& out, std::vector<std::string>& problems) {
  std::ifstream in(path);
  if (!in)
    return "cannot open the drill records '" + path + "'";
  std::string line;
  int64_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty())
      continue;
    drill_row row;
    auto why = line.size() > max_line_bytes ? std::string("line longer than 1 MiB")
                                            : parse_line(line, row);
    if (!why.empty()) {
      if (problems.size() < max_problems)
        problems.push_back(path + " line " + std::to_string(n) + ": " + why);
      continue;
    }
    auto started_ns = row.started_ms * 1'000'000;
    if (started_ns >= from_ns && started_ns < to_ns)
      out.push_back(std::move(row));
  }
  return "";
}

} // namespace cwts::report
