// Health rules end to end: a cwts-node whose venue goes away breaches
// [health] venue-disconnected-s and, with venue-kill-level=1, halts itself
// with one node kill signed by its node key (source=health), visible in
// /api/kill and /readyz (health.venue_disconnected, not_halted). The
// connector's own lost-venue trigger is off here, so the kill is the health
// rule's. A bad [health] value stops the node with a message naming the key.
#define CAF_SUITE admin_health_kill
#include "tests/support/unit_test.hpp"

#include "tests/integration/admin/http_get.hpp"
#include "tests/integration/node/single_node.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

CAF_TEST(a_breached_health_rule_with_a_kill_level_halts_the_node_once) {
  auto admin = free_port();
  single_node n("admin_health_kill",
                {"--admin.port=" + std::to_string(admin), "--health.venue-disconnected-s=1",
                 "--health.venue-kill-level=1", "--venue.lost-halt-ms=0"});
  auto filled = n.wait_for(
    [](const node_status_view& s) { return s.counter_or_zero("oms", "status.FILLED") >= 1; }, 45s);
  CAF_REQUIRE(filled.met);
  CAF_CHECK_EQUAL(http_get(admin, "/readyz").status, 200);

  n.venue.proc().stop(5s);
  http_result kill;
  CAF_CHECK(wait_until(
    [&] {
      kill = http_get(admin, "/api/kill");
      return kill.body.find("\"mode\":\"HALTED\"") != std::string::npos;
    },
    20s));
  CAF_MESSAGE("api/kill: " << kill.body);
  auto requested = n.node.wait_for_line(
    stream::err,
    [](const std::string& l) {
      return l.find("event=node_kill_requested source=health") != std::string::npos
             && l.find("kill_id=health-solo-venue_disconnected-") != std::string::npos;
    },
    5s);
  CAF_CHECK(requested.has_value());
  auto ready = http_get(admin, "/readyz");
  CAF_CHECK_EQUAL(ready.status, 503);
  CAF_CHECK(ready.body.find("{\"name\":\"health.venue_disconnected\",\"ok\":false") != std::string::npos);
  // Once per breach: 2 more evaluations, still one kill.
  std::this_thread::sleep_for(2500ms);
  auto risk = http_get(admin, "/api/risk");
  CAF_MESSAGE("api/risk: " << risk.body);
  CAF_CHECK(risk.body.find("\"rule\":\"venue_disconnected\",\"enabled\":true,\"breached\":true")
            != std::string::npos);
  CAF_CHECK(risk.body.find("\"kills_triggered\":1") != std::string::npos);
  int requests = 0;
  for (auto& l : split_lines(n.node.err()))
    requests += l.find("event=node_kill_requested source=health") != std::string::npos ? 1 : 0;
  CAF_CHECK_EQUAL(requests, 1);
  n.node.stop(6s);
}

CAF_TEST(a_bad_health_value_stops_the_node_naming_the_key) {
  auto paths = cluster_paths::from_env();
  CAF_REQUIRE_EQUAL(paths.missing(), "");
  auto dir = make_test_dir("admin_health_bad_key");
  struct bad {
    std::string arg, key;
  };
  for (auto& b : {bad{"--health.reject-ratio=2", "health.reject-ratio"},
                  bad{"--health.memory-kill-level=7", "health.memory-kill-level"},
                  bad{"--health.stale-data-s=soon", "health.stale-data-s"},
                  bad{"--admin.port=70000", "admin.port"}}) {
    auto res = run_command("node", node_argv(paths, "node.ini", 9, free_port(), {b.arg}), dir, 20s);
    CAF_MESSAGE(b.arg << ": rc=" << res.exit_code << " " << res.err);
    CAF_CHECK_EQUAL(res.exit_code, 2);
    CAF_CHECK(res.err.find(b.key) != std::string::npos);
  }
}
