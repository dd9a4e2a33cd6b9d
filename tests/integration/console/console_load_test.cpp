// The demo's load mode (scripts/run-demo --load, docs/operations.md "Load
// demo") on one node: a cwts-venue replaying the tape unpaced (--speed 0, no
// cap) feeds a cwts-node (config/node.ini, every role); `cwts console -c
// load` must show validated ticks/s > 0, drops = 0 and every actor's mailbox
// depth. Bounded: the venue stops itself after 120 s whatever happens.
#define CAF_SUITE console_load
#include "tests/support/unit_test.hpp"

#include <cstdlib>

#include "tests/integration/support/cluster.hpp"

using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

// The number after `key` in `text` ("ticks/s=123.4"), or -1.
double number_after(const std::string& text, const std::string& key) {
  auto at = text.find(key);
  return at == std::string::npos ? -1.0 : std::strtod(text.c_str() + at + key.size(), nullptr);
}

} // namespace

CAF_TEST(the_console_shows_the_node_sustaining_an_unpaced_tape) {
  auto paths = cluster_paths::from_env();
  CAF_REQUIRE_EQUAL(paths.missing(), "");
  auto dir = make_test_dir("console_load");
  CAF_REQUIRE(!dir.empty());
  CAF_MESSAGE("logs in " << dir);
  child_process venue("venue",
                      {paths.venue_bin, "--config", paths.config("venue.ini"), "--port", "0",
                       "--speed", "0", "--max-trades-per-second", "0", "--duration", "120"},
                      dir);
  const std::string marker = "cwts-venue listening host=127.0.0.1 port=";
  auto line = venue.wait_for_line(
    stream::out, [&](const std::string& l) { return l.rfind(marker, 0) == 0; }, 30s);
  CAF_REQUIRE(line.has_value());
  auto venue_port = static_cast<uint16_t>(std::strtol(line->c_str() + marker.size(), nullptr, 10));
  auto cluster_port = free_port();
  auto admin = free_port();
  CAF_REQUIRE(cluster_port != 0 && admin != 0);
  child_process node("node",
                     node_argv(paths, "node.ini", venue_port, cluster_port,
                               {"--admin.port=" + std::to_string(admin)}),
                     dir, dir);
  CAF_REQUIRE(node.started());

  command_result last;
  double ticks_per_s = -1;
  bool live = wait_until(
    [&] {
      last = run_command("console",
                         {paths.cli_bin, "console", "--admin=127.0.0.1:" + std::to_string(admin),
                          "-c", "load 1"},
                         dir, 20s);
      ticks_per_s = number_after(last.out, "ticks/s=");
      return last.exit_code == 0 && ticks_per_s > 0;
    },
    60s);
  CAF_MESSAGE("cwts console -c 'load 1': rc=" << last.exit_code << "\n" << last.out << last.err);
  CAF_REQUIRE(live);
  CAF_CHECK_EQUAL(number_after(last.out, " drops="), 0.0);
  CAF_CHECK(has(last.out, "MAILBOX_MAX"));
  for (auto role : {"validator", "strategy", "risk", "oms", "connector"})
    CAF_CHECK(has(last.out, role));
  CAF_CHECK(venue.running());
}
