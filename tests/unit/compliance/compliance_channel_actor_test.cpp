// The compliance channel in the real kill coordinator (actors/kill): a
// kill applied at a node with an outbox lists `compliance` among its
// measured channels and the receiver gets the notification signed with the
// node key; a full outbox or one that could not open fails the channel
// with its reason while the kill itself is applied; a node without
// [compliance] has no such channel.
#define CAF_SUITE compliance_channel_actor
#include "tests/support/unit_test.hpp"

#include <unistd.h>

#include <filesystem>

#include "actors/compliance/compliance_outbox.hpp"
#include "actors/kill/kill_coordinator_actor.hpp"
#include "actors/kill/kill_switch.hpp"
#include "tests/integration/support/process.hpp"
#include "tests/unit/actor_test_system.hpp"
#include "tests/unit/compliance/test_receiver.hpp"
#include "tests/unit/kill/test_keys.hpp"

using namespace cwts;
using namespace cwts::compliance_test;
using namespace std::chrono_literals;

namespace {

struct fixture : testing::actor_test_system {
  kill_test::test_keys keys;
  kill_gate gate;
  test_receiver receiver{keys.node1->public_key()};
  std::string dir;

  fixture() {
    dir = (std::filesystem::temp_directory_path()
           / ("cwts-compliance-actor-" + std::to_string(::getpid())))
            .string();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    CAF_REQUIRE(receiver.start() != 0);
  }
  ~fixture() {
    shutdown();
    receiver.stop();
    std::filesystem::remove_all(dir);
  }

  std::shared_ptr<compliance::outbox> outbox(int64_t max_pending = 100) {
    compliance::outbox_config c;
    c.path = dir + "/outbox.sqlite";
    c.to = compliance::endpoint{false, "127.0.0.1", receiver.port(), "/kills"};
    c.request_timeout = 300ms;
    c.retry_min = 20ms;
    c.retry_max = 100ms;
    c.max_pending = max_pending;
    std::string error;
    auto box = compliance::outbox::open(c, error);
    CAF_REQUIRE_EQUAL(error, "");
    return box;
  }

  caf::actor coordinator(std::shared_ptr<compliance::outbox> box, bool configured) {
    kill_coordinator_config c;
    c.core.self = node_id{"n1"};
    c.core.operators = keys.registry;
    c.gate = &gate;
    c.report_deadline = 3s;
    c.node_key = keys.node1;
    c.node_key_name = "node-n1";
    c.compliance_configured = configured;
    c.compliance = std::move(box);
    c.compliance_error = configured && !c.compliance ? "cannot open 'x': disk gone" : "";
    return spawn_kill_coordinator(*sys, c);
  }

  kill_report issue(const caf::actor& kill, const std::string& id) {
    auto cmd = keys.kill(id, kill_level::halt_new_orders);
    kill_report out;
    (*self)->request(kill, 10s, cmd).receive([&](kill_report& r) { out = std::move(r); },
                                              [](caf::error&) { CAF_FAIL("no kill report"); });
    return out;
  }

  void stop(const caf::actor& a) {
    (*self)->monitor(a);
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    (*self)->receive([](const caf::down_msg&) {});
  }
};

const channel_result* find_channel(const kill_report& r, const std::string& name) {
  for (auto& c : r.channels)
    if (c.channel == name)
      return &c;
  return nullptr;
}
// A pointer into a temporary report dangles at the end of the statement
// (ASan: heap-use-after-free, scripts/sanitize): keep the report in a local.
const channel_result* find_channel(kill_report&&, const std::string&) = delete;

} // namespace

CAF_TEST_FIXTURE_SCOPE(compliance_channel_actor_tests, fixture)

CAF_TEST(an_applied_kill_is_a_measured_channel_and_reaches_the_receiver_signed) {
  auto box = outbox();
  auto kill = coordinator(box, true);
  auto r = issue(kill, "k-c1");
  CAF_REQUIRE_EQUAL(r.acks.size(), 1u);
  CAF_CHECK_EQUAL(r.acks[0].channels_started, 1);
  auto c = find_channel(r, "compliance");
  CAF_REQUIRE(c != nullptr);
  CAF_CHECK(c->ok);
  CAF_CHECK(c->duration_ns > 0);
  CAF_CHECK_EQUAL(c->node.value, "n1");
  CAF_CHECK(!gate.is_open());
  CAF_REQUIRE(itest::wait_until([&] { return receiver.acknowledged() == 1; }, 20s, 5ms));
  auto got = receiver.requests().at(0);
  CAF_CHECK(got.verified);
  // issuer/id@node#<16 hex of the kill's content digest>, signed in the body.
  CAF_CHECK_EQUAL(got.key.rfind("alice/k-c1@n1#", 0), 0u);
  CAF_CHECK_EQUAL(got.key.size(), std::string("alice/k-c1@n1#").size() + 16);
  CAF_CHECK(got.body.find("\"idempotency_key\":\"" + got.key + "\"") != std::string::npos);
  CAF_CHECK_EQUAL(got.key_id, "node-n1");
  CAF_CHECK(got.body.find("\"issuer_kind\":\"operator\"") != std::string::npos);
  CAF_CHECK(got.body.find("\"level\":1,\"level_name\":\"1-halt\"") != std::string::npos);
  CAF_CHECK(got.body.find("\"origin_node\":\"n1\"") != std::string::npos);
  // The receiver answers before the outbox's delivery thread reads the
  // answer and counts it: wait for the count, not the acknowledgement.
  CAF_CHECK(itest::wait_until([&] { return box->stats().delivered == 1; }, 20s, 5ms));
  stop(kill);
  CAF_CHECK_EQUAL(box->stats().delivered, 1);
}

CAF_TEST(kill_names_with_control_characters_are_refused_where_kills_are_checked) {
  // They would reach logs, audit lines and the notification's HTTP header.
  for (const char* id : {"k\r\nX-Injected: yes", "k\x01", "k\x7f"}) {
    auto why = kill_switch::check_fields(keys.kill(id, kill_level::halt_new_orders));
    CAF_REQUIRE(why.has_value());
    CAF_CHECK(why->find("control character") != std::string::npos);
  }
  auto cmd = keys.kill("k-ok", kill_level::halt_new_orders);
  CAF_CHECK(!kill_switch::check_fields(cmd).has_value());
  cmd.issuer.value = "al\nice";
  CAF_CHECK(kill_switch::check_fields(cmd).has_value());
}

CAF_TEST(a_full_outbox_fails_the_channel_not_the_kill) {
  receiver.stop();
  auto box = outbox(1);
  auto kill = coordinator(box, true);
  auto r1 = issue(kill, "k-f1");
  auto first = find_channel(r1, "compliance");
  CAF_REQUIRE(first != nullptr);
  CAF_CHECK(first->ok);
  auto r = issue(kill, "k-f2");
  CAF_REQUIRE_EQUAL(r.acks.size(), 1u);
  CAF_CHECK(r.acks[0].applied);
  auto c = find_channel(r, "compliance");
  CAF_REQUIRE(c != nullptr);
  CAF_CHECK(!c->ok);
  CAF_CHECK(c->error.find("compliance outbox full") != std::string::npos);
  CAF_CHECK(!gate.is_open());
  stop(kill);
}

CAF_TEST(an_outbox_that_did_not_open_fails_the_channel_with_the_reason) {
  auto kill = coordinator(nullptr, true);
  auto r = issue(kill, "k-n1");
  auto c = find_channel(r, "compliance");
  CAF_REQUIRE(c != nullptr);
  CAF_CHECK(!c->ok);
  CAF_CHECK(c->error.find("disk gone") != std::string::npos);
  // Visible before any kill too: compliance.open=0 in the kill role's stats.
  actor_stats s;
  (*self)->request(kill, 5s, stats_atom::value)
    .receive([&](actor_stats& got) { s = std::move(got); }, [](caf::error&) { CAF_FAIL("no stats"); });
  CAF_CHECK_EQUAL(s.counters["compliance.open"], 0);
  stop(kill);
}

CAF_TEST(a_node_without_compliance_has_no_such_channel) {
  auto kill = coordinator(nullptr, false);
  auto r = issue(kill, "k-o1");
  CAF_REQUIRE_EQUAL(r.acks.size(), 1u);
  CAF_CHECK_EQUAL(r.acks[0].channels_started, 0);
  CAF_CHECK(find_channel(r, "compliance") == nullptr);
  CAF_CHECK(r.complete);
  actor_stats s;
  (*self)->request(kill, 5s, stats_atom::value)
    .receive([&](actor_stats& got) { s = std::move(got); }, [](caf::error&) { CAF_FAIL("no stats"); });
  CAF_CHECK_EQUAL(s.counters.count("compliance.open"), 0u);
  stop(kill);
}

CAF_TEST_FIXTURE_SCOPE_END()
