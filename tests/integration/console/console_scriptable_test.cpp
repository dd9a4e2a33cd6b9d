// `cwts console -c` against a real cwts-venue + cwts-node: the views
// (nodes, actors, orders, book), a signed kill that halts the node (seen on
// /api/kill), a forged kill (a key the node does not list for alice)
// refused with its reason and exit code 4, a replayed and a malformed body
// refused over the admin port, a refused crash drill, and a reset that
// resumes trading.
#define CAF_SUITE console_scriptable
#include "tests/support/unit_test.hpp"

#include "nodes/console/admin_client.hpp"
#include "nodes/console/signed_command.hpp"
#include "tests/integration/admin/http_get.hpp"
#include "tests/integration/node/single_node.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {


struct console_run {
  single_node& n;
  uint16_t admin;

  itest::command_result operator()(const std::string& script, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{n.paths.cli_bin, "console",
                                  "--admin=127.0.0.1:" + std::to_string(admin)};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back("-c");
    argv.push_back(script);
    auto res = run_command("console", argv, n.dir, 40s);
    CAF_MESSAGE("cwts console -c '" << script << "': rc=" << res.exit_code << "\n"
                                    << res.out << res.err);
    return res;
  }
};

} // namespace

CAF_TEST(the_console_runs_views_and_signed_commands_against_a_node) {
  auto admin = free_port();
  single_node n("console_scriptable", {"--admin.port=" + std::to_string(admin)});
  console_run console{n, admin};
  const std::vector<std::string> alice{"--operator=alice",
                                       "--key-file=" + n.paths.operator_key("alice")};
  // The book is live once the connector synced it from the venue.
  http_result book;
  bool synced = wait_until(
    [&] {
      book = http_get(admin, "/api/book/USDCHF?depth=5");
      return book.status == 200 && has(book.body, "\"synced\":true");
    },
    45s);
  CAF_MESSAGE("api/book: " << book.status << " " << book.body);
  CAF_REQUIRE(synced);

  auto views = console("nodes; actors; orders");
  CAF_CHECK_EQUAL(views.exit_code, 0);
  CAF_CHECK(has(views.out, "node solo: trading state ACTIVE"));
  CAF_CHECK(has(views.out, "ROLE"));
  CAF_CHECK(has(views.out, "connector"));
  CAF_CHECK(has(views.out, "live orders"));

  auto b = console("book USDCHF 5");
  CAF_CHECK_EQUAL(b.exit_code, 0);
  CAF_CHECK(has(b.out, "book USDCHF venue binance: synced"));
  CAF_CHECK(has(b.out, "BID_QTY"));
  auto unknown = console("book NOPE");
  CAF_CHECK_EQUAL(unknown.exit_code, 4);
  CAF_CHECK(has(unknown.err, "not traded by this connector"));
  auto inspect = console("inspect oms --json");
  CAF_CHECK_EQUAL(inspect.exit_code, 0);
  CAF_CHECK(has(inspect.out, "\"role\":\"oms\""));
  // Drills are off unless [drill] enabled: the supervisor says so.
  auto drill = console("drill crash oms");
  CAF_CHECK_EQUAL(drill.exit_code, 4);
  CAF_CHECK(has(drill.err, "drills are disabled"));

  // A key the node does not list for alice: refused by the coordinator.
  auto keygen = run_command("keygen", {n.paths.cli_bin, "keygen", "--out=" + n.dir + "/eve"}, n.dir);
  CAF_REQUIRE_EQUAL(keygen.exit_code, 0);
  auto forged = console("kill 2 cluster --reason forged",
                        {"--operator=alice", "--key-file=" + n.dir + "/eve.pem"});
  CAF_CHECK_EQUAL(forged.exit_code, 4);
  CAF_CHECK(has(forged.out, "REFUSED"));
  CAF_CHECK(has(forged.out + forged.err, "signature"));
  CAF_CHECK(has(http_get(admin, "/api/kill").body, "\"mode\":\"ACTIVE\""));
  // A script stops at its first failure.
  auto stopped = console("kill 2 cluster --reason forged; nodes",
                         {"--operator=alice", "--key-file=" + n.dir + "/eve.pem"});
  CAF_CHECK_EQUAL(stopped.exit_code, 4);
  CAF_CHECK(!has(stopped.out, "node solo:"));

  auto kill = console("kill 2 cluster --reason 'console drill'", alice);
  CAF_CHECK_EQUAL(kill.exit_code, 0);
  CAF_CHECK(has(kill.out, "complete=yes"));
  auto state = http_get(admin, "/api/kill");
  CAF_MESSAGE("api/kill: " << state.body);
  CAF_CHECK(has(state.body, "\"mode\":\"HALTED\""));
  CAF_CHECK(has(state.body, "\"level\":\"2-cancel-all\""));

  // Over the admin port directly: a replayed body and a malformed one.
  std::string error;
  auto key = ed25519_signer::from_pem_file(n.paths.operator_key("alice"), error);
  CAF_REQUIRE(key);
  console::admin_client client({"127.0.0.1", admin}, 20s);
  auto target = console::fetch_target(client, error);
  CAF_REQUIRE(target);
  auto body = console::kill_body("alice", *key, kill_level::halt_new_orders, kill_scope::cluster, "",
                                 "replay check", *target);
  auto first = client.post("/api/kill", body);
  CAF_CHECK_EQUAL(first.status, 200);
  auto replayed = client.post("/api/kill", body);
  CAF_MESSAGE("replayed: " << replayed.status << " " << replayed.body);
  CAF_CHECK_EQUAL(replayed.status, 403);
  CAF_CHECK(has(replayed.error_text(), "duplicate kill id"));
  auto malformed = client.post("/api/kill", R"({"id":"k-1","operator":"alice"})");
  CAF_CHECK_EQUAL(malformed.status, 400);
  CAF_CHECK(has(malformed.error_text(), "missing field 'level'"));
  CAF_CHECK(has(http_get(admin, "/metrics").body,
                "cwts_admin_requests_refused_total{node=\"solo\",reason=\"bad_body\"} 1"));

  auto reset = console("reset --reason 'all clear'; status", alice);
  CAF_CHECK_EQUAL(reset.exit_code, 0);
  CAF_CHECK(has(reset.out, "resumed=yes"));
  CAF_CHECK(has(http_get(admin, "/api/kill").body, "\"mode\":\"ACTIVE\""));

  // Nothing listens there: exit code 5.
  auto away = run_command("console",
                          {n.paths.cli_bin, "console",
                           "--admin=127.0.0.1:" + std::to_string(free_port()), "-c", "nodes"},
                          n.dir, 20s);
  CAF_CHECK_EQUAL(away.exit_code, 5);
  CAF_CHECK(has(away.err, "cannot connect"));
  auto usage = run_command("console", {n.paths.cli_bin, "console", "--bogus"}, n.dir, 20s);
  CAF_CHECK_EQUAL(usage.exit_code, 2);
  n.node.stop(6s);
}

CAF_TEST(a_crash_drill_over_the_admin_port_restarts_the_role) {
  auto admin = free_port();
  single_node n("console_drill", {"--admin.port=" + std::to_string(admin), "--drill.enabled"});
  console_run console{n, admin};
  CAF_REQUIRE(wait_until([&] { return http_get(admin, "/api/actors/strategy").status == 200; }, 30s));
  auto drill = console("drill crash strategy");
  CAF_CHECK_EQUAL(drill.exit_code, 0);
  CAF_CHECK(has(drill.out, "crashed strategy"));
  http_result actor;
  CAF_CHECK(wait_until(
    [&] {
      actor = http_get(admin, "/api/actors/strategy");
      return has(actor.body, "\"restarts\":1");
    },
    20s));
  CAF_MESSAGE("api/actors/strategy: " << actor.body);
  auto nobody = console("drill crash nosuch");
  CAF_CHECK_EQUAL(nobody.exit_code, 4);
  CAF_CHECK(has(nobody.err, "has no role 'nosuch'"));
  // The admin port's own refusals: wrong method, bad query.
  console::admin_client client({"127.0.0.1", admin}, 10s);
  auto post_view = client.post("/api/nodes", "{}");
  CAF_CHECK_EQUAL(post_view.status, 405);
  CAF_CHECK(has(post_view.error_text(), "is not a command"));
  CAF_CHECK_EQUAL(client.get("/api/reset").status, 405);
  auto depth = client.get("/api/book/USDCHF?depth=0");
  CAF_CHECK_EQUAL(depth.status, 400);
  CAF_CHECK(has(depth.error_text(), "depth must be 1..1000"));
  n.node.stop(6s);
}
