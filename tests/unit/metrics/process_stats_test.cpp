#define CAF_SUITE metrics_process_stats
#include "tests/support/unit_test.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "common/metrics/process_stats.hpp"

using namespace cwts::metrics;

namespace {

// A real /proc/<pid>/stat line, with a command name holding spaces and ')'.
const std::string stat_line =
  "4242 (cwts (node) x) S 1 4242 4242 0 -1 4194560 2000 0 0 0 250 125 0 0 20 0 7 0 "
  "123400 104857600 2560 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0";

} // namespace

CAF_TEST(parses_cpu_threads_memory_and_start_from_proc_stat) {
  std::string error;
  auto s = parse_proc_stat(stat_line, 100, 4096, error);
  CAF_REQUIRE(s.has_value());
  CAF_CHECK_EQUAL(s->cpu_user_seconds, 2.5);
  CAF_CHECK_EQUAL(s->cpu_system_seconds, 1.25);
  CAF_CHECK_EQUAL(s->threads, 7);
  CAF_CHECK_EQUAL(s->start_time_seconds, 1234.0);
  CAF_CHECK_EQUAL(s->virtual_bytes, 104857600);
  CAF_CHECK_EQUAL(s->resident_bytes, 2560 * 4096);
}

CAF_TEST(refuses_truncated_or_garbled_text_with_a_reason) {
  std::string error;
  CAF_CHECK(!parse_proc_stat("4242 (x) S 1 2 3", 100, 4096, error));
  CAF_MESSAGE(error);
  CAF_CHECK(error.find("fields") != std::string::npos);
  error.clear();
  CAF_CHECK(!parse_proc_stat("no parenthesis here", 100, 4096, error));
  CAF_CHECK(!error.empty());
}

CAF_TEST(reads_boot_time) {
  CAF_CHECK_EQUAL(parse_boot_time("cpu 1 2 3\nbtime 1700000000\nprocesses 5\n").value_or(-1),
                  1700000000);
  CAF_CHECK(!parse_boot_time("cpu 1 2 3\n"));
}

CAF_TEST(reads_the_machine_memory_from_meminfo) {
  CAF_CHECK_EQUAL(parse_mem_total("MemTotal:       24576000 kB\nMemFree: 1 kB\n").value_or(-1),
                  int64_t{24576000} * 1024);
  CAF_CHECK(!parse_mem_total("MemFree:  1 kB\n"));
  CAF_CHECK(!parse_mem_total("MemTotal:  lots\n"));
  CAF_CHECK(!parse_mem_total("MemTotal:  12 MB\n"));
}

CAF_TEST(live_values_follow_the_process) {
  std::string error;
  auto before = read_process_stats(error);
  CAF_REQUIRE(before.has_value());
  CAF_CHECK_GREATER(before->resident_bytes, 0);
  CAF_CHECK_GREATER_OR_EQUAL(before->threads, 1);
  CAF_CHECK_GREATER(before->start_time_seconds, 1.0e9);
  CAF_CHECK_GREATER_OR_EQUAL(before->machine_cpus, 1);
  CAF_CHECK_GREATER(before->machine_memory_bytes, before->resident_bytes);
  int fd = open("/dev/null", O_RDONLY);
  CAF_REQUIRE(fd >= 0);
  auto after = read_process_stats(error);
  close(fd);
  CAF_REQUIRE(after.has_value());
  CAF_CHECK_EQUAL(after->open_fds, before->open_fds + 1);
}
