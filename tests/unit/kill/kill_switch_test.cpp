#define CAF_SUITE kill_switch
#include "caf/test/unit_test_impl.hpp"

#include "actors/kill/kill_switch.hpp"

using namespace cwts;

namespace {

struct fixture {
  kill_gate gate;
  kill_switch ks{kill_switch_config{node_id{"n1"}}, gate};
  timestamp_ns now = wall_clock_now();

  kill_command command(const std::string& id, kill_level level = kill_level::cancel_all) {
    return kill_command{kill_id{id}, level, kill_scope::cluster, "", operator_id{"alice"},
                        node_id{"n2"}, "drill", now, {}};
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(kill_switch_tests, fixture)

CAF_TEST(valid_command_closes_the_gate_before_returning) {
  CAF_REQUIRE(gate.is_open());
  auto d = ks.on_command(command("k1"), now);
  CAF_CHECK(d.verdict == kill_verdict::applied);
  CAF_CHECK(!gate.is_open());
  CAF_CHECK_EQUAL(gate.level(), 2);
  CAF_CHECK(d.ack.applied);
  CAF_CHECK(d.ack.gate_close_ns >= 0);
  CAF_CHECK(ks.state().mode == trading_mode::halted);
}

CAF_TEST(second_sight_of_a_kill_is_an_echo_and_ignored) {
  ks.on_command(command("k1"), now);
  auto d = ks.on_command(command("k1"), now);
  CAF_CHECK(d.verdict == kill_verdict::duplicate);
  CAF_CHECK_EQUAL(ks.duplicate_count(), 1u);
  CAF_CHECK_EQUAL(ks.applied_count(), 1u);
}

CAF_TEST(malformed_or_replayed_commands_are_rejected_with_a_reason) {
  auto no_reason = command("k2");
  no_reason.reason.clear();
  CAF_CHECK(ks.on_command(no_reason, now).verdict == kill_verdict::rejected);
  auto old = command("k3");
  old.issued_at.ns -= 120'000'000'000;
  auto d = ks.on_command(old, now);
  CAF_CHECK(d.verdict == kill_verdict::rejected);
  CAF_CHECK(d.reason.find("expired") != std::string::npos);
  auto bad_level = command("k4", kill_level::none);
  CAF_CHECK(ks.on_command(bad_level, now).verdict == kill_verdict::rejected);
  auto scoped = command("k5");
  scoped.scope = kill_scope::symbol;
  scoped.scope_value = "USDCHF";
  CAF_CHECK(ks.on_command(scoped, now).verdict == kill_verdict::rejected);
  CAF_CHECK_EQUAL(ks.rejected_count(), 4u);
  CAF_CHECK(gate.is_open());
}

CAF_TEST(node_scoped_kill_for_another_node_leaves_this_gate_open) {
  auto other = command("k6", kill_level::halt_new_orders);
  other.scope = kill_scope::node;
  other.scope_value = "n9";
  auto d = ks.on_command(other, now);
  CAF_CHECK(d.verdict == kill_verdict::applied);
  CAF_CHECK(!d.ack.applied);
  CAF_CHECK(gate.is_open());
}

CAF_TEST(lower_level_never_lowers_a_higher_one) {
  ks.on_command(command("k7", kill_level::cancel_all), now);
  ks.on_command(command("k8", kill_level::halt_new_orders), now);
  CAF_CHECK_EQUAL(gate.level(), 2);
}

CAF_TEST(report_is_complete_only_when_every_peer_and_channel_reported) {
  auto d = ks.on_command(command("k9"), now);
  d.ack.channels_started = 1;
  ks.on_ack(d.ack);
  CAF_CHECK(!ks.is_complete(kill_id{"k9"}, 1)); // peer missing, channel missing
  ks.on_ack(kill_ack{kill_id{"k9"}, node_id{"n2"}, true, 10, now, 1, ""});
  CAF_CHECK(!ks.is_complete(kill_id{"k9"}, 1)); // two channels announced
  ks.on_channel_result(channel_result{kill_id{"k9"}, node_id{"n1"}, "oms", true, 5, 0, 2, -1, ""});
  ks.on_channel_result(channel_result{kill_id{"k9"}, node_id{"n2"}, "venue", false, 5, 0, 0, 3, "x"});
  CAF_CHECK(ks.is_complete(kill_id{"k9"}, 1));
  // A retry of the same channel replaces the failed result.
  ks.on_channel_result(channel_result{kill_id{"k9"}, node_id{"n2"}, "venue", true, 9, 1, 3, 0, ""});
  auto r = ks.report(kill_id{"k9"});
  CAF_CHECK_EQUAL(r.acks.size(), 2u);
  CAF_REQUIRE_EQUAL(r.channels.size(), 2u);
  CAF_CHECK(r.channels[1].ok);
  CAF_CHECK_EQUAL(r.channels[1].retries, 1);
  CAF_CHECK(!ks.on_ack(kill_ack{kill_id{"unknown"}, node_id{"n2"}, true, 0, now, 0, ""}));
}

CAF_TEST_FIXTURE_SCOPE_END()
