#include "common/metrics/process_stats.hpp"

#include <dirent.h>
#include <sched.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

namespace cwts::metrics {

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

} // namespace

std::optional<process_stats> parse_proc_stat(const std::string& text, long ticks_per_second,
                                             long page_size, std::string& error) {
  // Field 2 (comm) is in parentheses and may hold spaces: fields are counted
  // from the last ')'.
  auto close = text.rfind(')');
  if (close == std::string::npos || ticks_per_second <= 0 || page_size <= 0) {
    error = "no ')' after the command name";
    return std::nullopt;
  }
  std::istringstream in(text.substr(close + 1));
  std::vector<std::string> f; // f[0] is field 3 (state)
  for (std::string tok; in >> tok;)
    f.push_back(tok);
  // Fields used: 14 utime, 15 stime, 20 num_threads, 22 starttime, 23 vsize, 24 rss.
  if (f.size() < 22) {
    error = "only " + std::to_string(f.size() + 2) + " fields, 24 needed";
    return std::nullopt;
  }
  auto field = [&](int n) { return std::stoll(f[static_cast<std::size_t>(n - 3)]); };
  process_stats s;
  try {
    s.cpu_user_seconds = static_cast<double>(field(14)) / static_cast<double>(ticks_per_second);
    s.cpu_system_seconds = static_cast<double>(field(15)) / static_cast<double>(ticks_per_second);
    s.threads = field(20);
    s.start_time_seconds = static_cast<double>(field(22)) / static_cast<double>(ticks_per_second);
    s.virtual_bytes = field(23);
    s.resident_bytes = field(24) * page_size;
  } catch (const std::exception&) {
    error = "a numeric field is not a number";
    return std::nullopt;
  }
  return s;
}

std::optional<int64_t> parse_boot_time(const std::string& text) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("btime ", 0) == 0)
      return std::stoll(line.substr(6));
  return std::nullopt;
}

std::optional<int64_t> parse_mem_total(const std::string& text) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("MemTotal:", 0) != 0)
      continue;
    std::istringstream fields(line.substr(9));
    int64_t kib = 0;
    std::string unit;
    if (!(fields >> kib >> unit) || unit != "kB" || kib <= 0)
      return std::nullopt;
    return kib * 1024;
  }
  return std::nullopt;
}

int64_t count_open_fds(const std::string& fd_dir) {
  DIR* dir = opendir(fd_dir.c_str());
  if (dir == nullptr)
    return -1;
  int64_t n = 0;
  while (auto* e = readdir(dir)) {
    std::string name = e->d_name;
    if (name != "." && name != "..")
      ++n;
  }
  closedir(dir);
  return n - 1; // the descriptor opendir itself holds
}

std::optional<process_stats> read_process_stats(std::string& error) {
  auto s = parse_proc_stat(slurp("/proc/self/stat"), sysconf(_SC_CLK_TCK), sysconf(_SC_PAGESIZE),
                           error);
  if (!s) {
    error = "/proc/self/stat: " + error;
    return std::nullopt;
  }
  if (auto boot = parse_boot_time(slurp("/proc/stat")))
    s->start_time_seconds += static_cast<double>(*boot);
  s->open_fds = count_open_fds();
  // The CPUs this process may use (a cpuset or taskset narrows it), not
  // every CPU the kernel knows.
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  s->machine_cpus = sched_getaffinity(0, sizeof cpus, &cpus) == 0 ? CPU_COUNT(&cpus)
                                                                  : sysconf(_SC_NPROCESSORS_ONLN);
  s->machine_memory_bytes = parse_mem_total(slurp("/proc/meminfo")).value_or(0);
  return s;
}

} // namespace cwts::metrics
