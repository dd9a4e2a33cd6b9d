#include "actors/risk/risk_decision_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace cwts::risk {

namespace {

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::string::size_type start = 0;
  while (true) {
    auto tab = line.find('\t', start);
    out.push_back(line.substr(start, tab - start));
    if (tab == std::string::npos)
      return out;
    start = tab + 1;
  }
}

bool clean(const std::string& field) {
  return field.find_first_of("\t\r\n") == std::string::npos;
}

std::string format(const risk_decision& d) {
  switch (d.what) {
    case risk_decision::kind::trip:
      return "trip\t" + d.strategy_or_target + "\t" + std::to_string(d.ts_ns) + "\n";
    case risk_decision::kind::reenable:
      return "reenable\t" + d.strategy_or_target + "\t" + d.command + "\t" + d.issuer + "\t"
             + std::to_string(d.ts_ns) + "\n";
    case risk_decision::kind::limit:
      return "limit\t" + d.strategy_or_target + "\t" + d.field + "\t" + d.value + "\t" + d.command
             + "\t" + d.issuer + "\t" + std::to_string(d.ts_ns) + "\n";
  }
  return {};
}

bool parse_ns(const std::string& text, int64_t& out) {
  char* end = nullptr;
  out = std::strtoll(text.c_str(), &end, 10);
  return end != nullptr && *end == '\0' && !text.empty();
}

// Reenable and limit lines written before their time was recorded have one
// field less; they read with ts_ns 0 ("not recorded").
bool parse(const std::string& line, risk_decision& d) {
  auto f = split_tabs(line);
  if (f[0] == "trip" && f.size() == 3) {
    d.what = risk_decision::kind::trip;
    d.strategy_or_target = f[1];
    return parse_ns(f[2], d.ts_ns);
  }
  if (f[0] == "reenable" && (f.size() == 4 || f.size() == 5)) {
    d = risk_decision{risk_decision::kind::reenable, f[1], {}, {}, f[2], f[3], 0};
    return f.size() == 4 || parse_ns(f[4], d.ts_ns);
  }
  if (f[0] == "limit" && (f.size() == 6 || f.size() == 7)) {
    d = risk_decision{risk_decision::kind::limit, f[1], f[2], f[3], f[4], f[5], 0};
    return f.size() == 6 || parse_ns(f[6], d.ts_ns);
  }
  return false;
}

} // namespace

bool risk_decision_log::open(const std::string& path, std::string& error) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd_ < 0)
    error = "open '" + path + "': " + std::strerror(errno);
  return fd_ >= 0;
}

risk_decision_log::~risk_decision_log() {
  if (fd_ >= 0)
    ::close(fd_);
}

bool risk_decision_log::append(const risk_decision& d, std::string& error) {
  if (fd_ < 0) {
    error = "decision log not open";
    return false;
  }
  for (auto* field : {&d.strategy_or_target, &d.field, &d.value, &d.command, &d.issuer})
    if (!clean(*field)) {
      error = "a field holds a tab or a line break";
      return false;
    }
  auto text = format(d);
  // O_APPEND: one write() per record keeps records whole.
  auto written = ::write(fd_, text.data(), text.size());
  if (written != static_cast<ssize_t>(text.size())) {
    error = std::string("write: ") + (written < 0 ? std::strerror(errno) : "short write");
    return false;
  }
  if (::fsync(fd_) != 0) {
    error = std::string("fsync: ") + std::strerror(errno);
    return false;
  }
  return true;
}

bool risk_decision_log::read(const std::string& path, std::vector<risk_decision>& out,
                             std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return true; // nothing decided yet
  std::stringstream all;
  all << in.rdbuf();
  auto text = all.str();
  int number = 0;
  std::string::size_type start = 0;
  // A record is a whole line: a last line without its '\n' is a write the
  // crash cut short, and it was never acknowledged to anyone.
  for (auto nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
    ++number;
    auto line = text.substr(start, nl - start);
    start = nl + 1;
    if (line.empty())
      continue;
    risk_decision d;
    if (!parse(line, d)) {
      error = path + ":" + std::to_string(number) + ": not a decision record";
      return false;
    }
    out.push_back(std::move(d));
  }
  return true;
}

} // namespace cwts::risk
