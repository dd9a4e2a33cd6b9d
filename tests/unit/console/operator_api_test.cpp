// The JSON of POST /api/kill and /api/reset: the console's signed bodies
// parse back into the same command, whose signature still verifies over
// signing_payload(); malformed bodies are refused with the first problem.
#define CAF_SUITE console_operator_api
#include "tests/support/unit_test.hpp"

#include "nodes/admin/operator_api.hpp"
#include "nodes/console/signed_command.hpp"

#include <stdexcept>
#include <string>

using namespace cwts;

namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string kill_error(const std::string& body) {
  std::string error;
  CAF_CHECK(!admin::parse_kill_command(body, error));
  return error;
}

const std::string good_sig(128, 'a');

std::string kill_json(const std::string& level, const std::string& scope,
                      const std::string& sig = good_sig, const std::string& extra = "") {
  return R"({"id":"k-1","operator":"alice","level":)" + level + R"(,"scope":")" + scope
         + R"(","scope_value":"","reason":"r","issued_at_ns":5,"cluster":"c","signature":")" + sig + "\"" + extra
         + "}";
}

} // namespace

// A kill every node would refuse for its size is refused before signing,
// with the kill switch's own reason (kill_switch::check_fields).
CAF_TEST(an_oversized_kill_is_refused_before_it_is_signed) {
  auto key = ed25519_signer::generate();
  std::string why;
  try {
    console::kill_body("alice", key, kill_level::cancel_all, kill_scope::cluster, "",
                       std::string(kill_limits::max_reason + 1, 'r'),
                       console::command_target{"prod-1", 4, "k-x"});
  } catch (const std::invalid_argument& e) {
    why = e.what();
  }
  CAF_CHECK(has(why, "reason of " + std::to_string(kill_limits::max_reason + 1) + " bytes"));
  // At the limit it is signed as usual.
  std::string error;
  auto at_limit = admin::parse_kill_command(
    console::kill_body("alice", key, kill_level::cancel_all, kill_scope::cluster, "",
                       std::string(kill_limits::max_reason, 'r'),
                       console::command_target{"prod-1", 4, "k-x"}),
    error);
  CAF_CHECK(at_limit);
}

CAF_TEST(a_signed_kill_body_round_trips_and_its_signature_verifies) {
  auto key = ed25519_signer::generate();
  auto body = console::kill_body("alice", key, kill_level::cancel_all, kill_scope::symbol, "USDCHF",
                                 "spread \"wide\"", console::command_target{"prod-1", 4, "k-x"});
  std::string error;
  auto cmd = admin::parse_kill_command(body, error);
  CAF_REQUIRE(cmd);
  CAF_CHECK_EQUAL(error, "");
  CAF_CHECK_EQUAL(cmd->issuer.value, "alice");
  CAF_CHECK(cmd->level == kill_level::cancel_all);
  CAF_CHECK(cmd->scope == kill_scope::symbol);
  CAF_CHECK_EQUAL(cmd->scope_value, "USDCHF");
  CAF_CHECK_EQUAL(cmd->reason, "spread \"wide\"");
  CAF_CHECK_EQUAL(cmd->cluster, "prod-1"); // signed for that cluster only
  CAF_CHECK(cmd->id.value.rfind("k-", 0) == 0);
  CAF_CHECK_EQUAL(cmd->id.value.size(), 18u);
  CAF_CHECK(ed25519_verify(key.public_key(), signing_payload(*cmd), cmd->signature));
  // Each body is a new command: a new id.
  auto again = admin::parse_kill_command(
    console::kill_body("alice", key, kill_level::cancel_all, kill_scope::symbol, "USDCHF", "x",
                       console::command_target{}),
    error);
  CAF_REQUIRE(again);
  CAF_CHECK_NOT_EQUAL(again->id.value, cmd->id.value);
}

CAF_TEST(a_signed_reset_body_round_trips_and_its_signature_verifies) {
  auto key = ed25519_signer::generate();
  std::string error;
  auto cmd = admin::parse_reset_command(
    console::reset_body("bob", key, "all clear", console::command_target{"prod-1", 4, "k-x"}),
    error);
  CAF_REQUIRE(cmd);
  // Bound to the cluster, the epoch after the node's and the halt it ends.
  CAF_CHECK_EQUAL(cmd->cluster, "prod-1");
  CAF_CHECK_EQUAL(cmd->epoch, 5);
  CAF_CHECK_EQUAL(cmd->halt_cause.value, "k-x");
  CAF_CHECK_EQUAL(cmd->issuer.value, "bob");
  CAF_CHECK_EQUAL(cmd->reason, "all clear");
  CAF_CHECK(ed25519_verify(key.public_key(), signing_payload(*cmd), cmd->signature));
  CAF_CHECK(has([&] {
    CAF_CHECK(!admin::parse_reset_command(R"({"id":"r-1","operator":"bob","reason":"x"})", error));
    return error;
  }(), "missing field 'issued_at_ns'"));
}

CAF_TEST(malformed_kill_bodies_are_refused_with_the_first_problem) {
  CAF_CHECK(has(kill_error("{nope"), "body is not JSON"));
  CAF_CHECK(has(kill_error("[1,2]"), "not a JSON object"));
  CAF_CHECK(has(kill_error(R"({"id":"k-1"})"), "missing field 'operator'"));
  CAF_CHECK(has(kill_error(kill_json("2", "cluster", good_sig, R"(,"admin":true)")),
                "unknown field 'admin'"));
  CAF_CHECK(has(kill_error(kill_json("\"2\"", "cluster")), "field 'level' must be an integer"));
  CAF_CHECK(has(kill_error(kill_json("9", "cluster")), "field 'level' must be 1..4"));
  CAF_CHECK(has(kill_error(kill_json("2", "galaxy")), "field 'scope' must be"));
  CAF_CHECK(has(kill_error(kill_json("2", "cluster", "xyz")), "field 'signature' must be hex"));
  std::string error;
  // Shape only: a wrong-length signature is the coordinator's to refuse.
  CAF_CHECK(admin::parse_kill_command(kill_json("2", "cluster", "abcd"), error));
}

CAF_TEST(reports_render_what_the_coordinator_measured) {
  kill_report r;
  r.id = kill_id{"k-9"};
  r.origin = node_id{"solo"};
  r.complete = true;
  kill_ack a;
  a.node = node_id{"solo"};
  a.applied = true;
  a.verify_ns = 100;
  r.acks.push_back(a);
  channel_result c;
  c.node = node_id{"solo"};
  c.channel = "oms";
  c.ok = true;
  c.orders_canceled = 4;
  r.channels.push_back(c);
  auto json = admin::to_json(r);
  CAF_CHECK(has(json, R"("complete":true)"));
  CAF_CHECK(has(json, R"("verify_ns":100)"));
  CAF_CHECK(has(json, R"("orders_canceled":4)"));
  CAF_CHECK(!admin::refused(r));
  reset_report rr;
  rr.origin = node_id{"solo"};
  rr.error = "issuer 'eve' is not an operator";
  CAF_CHECK(admin::refused(rr));
  CAF_CHECK(has(admin::to_json(rr), R"("epoch":-1)"));
}

CAF_TEST(levels_and_scopes_parse_by_number_or_name) {
  CAF_CHECK(console::parse_kill_level("halt") == kill_level::halt_new_orders);
  CAF_CHECK(console::parse_kill_level("4") == kill_level::full_stop);
  CAF_CHECK(!console::parse_kill_level("0"));
  CAF_CHECK(console::parse_kill_scope("account") == kill_scope::account);
  CAF_CHECK(!console::parse_kill_scope("Cluster"));
  CAF_CHECK_EQUAL(admin::to_hex({0x00, 0xab, 0xff}), "00abff");
  CAF_CHECK(!admin::from_hex("abc"));
}
