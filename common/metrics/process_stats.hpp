#pragma once
// This process as the kernel accounts for it (/proc/self): CPU seconds,
// resident memory, open file descriptors, threads. The parsers take the
// files' text so they are tested on fixed input; read_process_stats() reads
// the live files at scrape time (a few tens of microseconds).

#include <cstdint>
#include <optional>
#include <string>

namespace cwts::metrics {

struct process_stats {
  double cpu_user_seconds = 0;
  double cpu_system_seconds = 0;
  int64_t resident_bytes = 0;
  int64_t virtual_bytes = 0;
  int64_t threads = 0;
  int64_t open_fds = 0;
  double start_time_seconds = 0; // since the epoch
  // The machine the process shares (alert rules divide by these: CPU and
  // memory as a share of the machine, docs/monitoring.md "Alerts").
  int64_t machine_cpus = 0;         // CPUs this process may run on
  int64_t machine_memory_bytes = 0; // MemTotal; 0 when /proc/meminfo says nothing
};

// /proc/<pid>/stat: utime, stime (clock ticks), num_threads, starttime
// (ticks after boot), vsize (bytes), rss (pages). nullopt with `error` on
// text that does not have the fields.
std::optional<process_stats> parse_proc_stat(const std::string& text, long ticks_per_second,
                                             long page_size, std::string& error);

// The boot time (seconds since the epoch) from /proc/stat's btime line.
std::optional<int64_t> parse_boot_time(const std::string& proc_stat_text);

// MemTotal of /proc/meminfo in bytes; nullopt without that line.
std::optional<int64_t> parse_mem_total(const std::string& meminfo_text);

// Entries of /proc/self/fd (without . and ..); -1 when it cannot be read.
int64_t count_open_fds(const std::string& fd_dir = "/proc/self/fd");

// The live values; nullopt with `error` when /proc cannot be read.
std::optional<process_stats> read_process_stats(std::string& error);

} // namespace cwts::metrics
