#define CAF_SUITE kill_switch
#include "tests/support/unit_test.hpp"

#include "actors/kill/kill_switch.hpp"
#include "tests/unit/kill/test_keys.hpp"

using namespace cwts;

namespace {

struct fixture {
  kill_test::test_keys keys;
  kill_gate gate;
  kill_switch ks{kill_switch_config{node_id{"n1"}, keys.registry}, gate};
  timestamp_ns now = wall_clock_now();

  kill_command command(const std::string& id, kill_level level = kill_level::cancel_all) {
    return keys.kill(id, level, now);
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
  CAF_CHECK(d.ack.verify_ns > 0);
  CAF_CHECK(ks.state().mode == trading_mode::halted);
}

CAF_TEST(second_sight_of_a_kill_is_an_echo_and_ignored) {
  ks.on_command(command("k1"), now);
  auto d = ks.on_command(command("k1"), now);
  CAF_CHECK(d.verdict == kill_verdict::duplicate);
  CAF_CHECK_EQUAL(ks.duplicate_count(), 1u);
  CAF_CHECK_EQUAL(ks.applied_count(), 1u);
}

CAF_TEST(malformed_or_expired_commands_are_rejected_with_a_reason) {
  auto no_reason = command("k2");
  no_reason.reason.clear();
  CAF_CHECK(ks.on_command(no_reason, now).verdict == kill_verdict::rejected);
  auto old = keys.kill("k3", kill_level::cancel_all, timestamp_ns{now.ns - 120'000'000'000});
  auto d = ks.on_command(old, now);
  CAF_CHECK(d.verdict == kill_verdict::rejected);
  CAF_CHECK(d.reason.find("outside the 30 s window") != std::string::npos);
  auto bad_level = command("k4", kill_level::none);
  CAF_CHECK(ks.on_command(bad_level, now).verdict == kill_verdict::rejected);
  auto scoped = command("k5");
  scoped.scope = kill_scope::symbol; // a symbol scope needs the symbol
  sign(scoped, keys.alice);
  CAF_CHECK(ks.on_command(scoped, now).verdict == kill_verdict::rejected);
  CAF_CHECK_EQUAL(ks.rejected_count(), 4u);
  CAF_CHECK(gate.is_open());
}

CAF_TEST(unsigned_forged_and_unauthorized_kills_leave_the_gate_open) {
  auto unsigned_kill = command("u1");
  unsigned_kill.signature.clear();
  auto d = ks.on_command(unsigned_kill, now);
  CAF_CHECK(d.verdict == kill_verdict::rejected);
  CAF_CHECK_EQUAL(d.reason, "unsigned kill");
  auto altered = command("u2");
  altered.level = kill_level::halt_new_orders; // changed after signing (same role needed)
  d = ks.on_command(altered, now);
  CAF_CHECK(d.reason.find("bad signature") == 0);
  auto wrong_key = command("u3");
  sign(wrong_key, keys.stranger);
  d = ks.on_command(wrong_key, now);
  CAF_CHECK(d.reason.find("bad signature") == 0);
  auto bob = command("u4");
  bob.issuer = operator_id{"bob"};
  sign(bob, keys.bob);
  d = ks.on_command(bob, now);
  CAF_CHECK_EQUAL(d.reason, "issuer 'bob' lacks role 'kill' needed for a kill");
  auto mallory = command("u5");
  mallory.issuer = operator_id{"mallory"};
  d = ks.on_command(mallory, now);
  CAF_CHECK(d.reason.find("unknown issuer 'mallory'") == 0);
  CAF_CHECK_EQUAL(ks.rejected_count(), 5u);
  CAF_CHECK(gate.is_open());
}

CAF_TEST(a_node_key_with_role_kill_may_kill) {
  kill_command c{kill_id{"risk-1"}, kill_level::cancel_all, kill_scope::node, "n1",
                 operator_id{"node-n1"}, node_id{"n1"}, "loss limit", now, {}};
  sign(c, keys.node);
  CAF_CHECK(ks.on_command(c, now).verdict == kill_verdict::applied);
  CAF_CHECK(!gate.is_open());
}

CAF_TEST(without_an_operators_file_every_kill_is_refused) {
  kill_gate g;
  kill_switch bare{kill_switch_config{node_id{"n1"}, nullptr}, g};
  auto d = bare.on_command(command("k1"), now);
  CAF_CHECK(d.verdict == kill_verdict::rejected);
  CAF_CHECK(g.is_open());
}

CAF_TEST(node_scoped_kill_for_another_node_leaves_this_gate_open) {
  auto other = command("k6", kill_level::halt_new_orders);
  other.scope = kill_scope::node;
  other.scope_value = "n9";
  sign(other, keys.alice);
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

CAF_TEST(restored_halt_closes_the_gate_and_reopen_starts_the_agreed_epoch) {
  ks.restore(halt_state{kill_level::cancel_all, kill_id{"k-old"}, now, 4, "drill"});
  CAF_CHECK(!gate.is_open());
  auto h = ks.halt();
  CAF_CHECK(h.level == kill_level::cancel_all);
  CAF_CHECK_EQUAL(h.cause.value, "k-old");
  CAF_CHECK_EQUAL(h.epoch, 4);
  CAF_CHECK(ks.reopen(kill_id{"r-1"}, "all clear", 5, ks.apply_seq()));
  CAF_CHECK(gate.is_open());
  CAF_CHECK(!ks.halt().halted());
  CAF_CHECK_EQUAL(ks.epoch(), 5);
  // A kill seen before the reset stays seen: replaying it does not halt again.
  ks.on_command(command("k10"), now);
  CAF_CHECK(ks.reopen(kill_id{"r-2"}, "all clear", 9, ks.apply_seq()));
  CAF_CHECK_EQUAL(ks.epoch(), 9);
  CAF_CHECK_EQUAL(ks.halt().epoch, 9);
  CAF_CHECK(ks.on_command(command("k10"), now).verdict == kill_verdict::duplicate);
  CAF_CHECK(gate.is_open());
}

CAF_TEST(report_is_complete_only_when_every_peer_and_channel_reported) {
  auto d = ks.on_command(command("k9"), now);
  d.ack.channels_started = 1;
  ks.on_ack(d.ack);
  CAF_CHECK(!ks.is_complete("alice/k9", 1)); // peer missing, channel missing
  ks.on_ack(kill_ack{kill_id{"k9"}, node_id{"n2"}, true, 10, 10, now, now, 1, "", operator_id{"alice"}});
  CAF_CHECK(!ks.is_complete("alice/k9", 1)); // two channels announced
  ks.on_channel_result(channel_result{kill_id{"k9"}, node_id{"n1"}, "oms", true, 5, 0, 2, -1, "", 0, -1, operator_id{"alice"}});
  ks.on_channel_result(channel_result{kill_id{"k9"}, node_id{"n2"}, "venue", false, 5, 0, 0, 3, "x", 0, -1, operator_id{"alice"}});
  CAF_CHECK(ks.is_complete("alice/k9", 1));
  // A retry of the same channel replaces the failed result.
  ks.on_channel_result(channel_result{kill_id{"k9"}, node_id{"n2"}, "venue", true, 9, 1, 3, 0, "", 0, -1, operator_id{"alice"}});
  auto r = ks.report("alice/k9");
  CAF_CHECK_EQUAL(r.acks.size(), 2u);
  CAF_REQUIRE_EQUAL(r.channels.size(), 2u);
  CAF_CHECK(r.channels[1].ok);
  CAF_CHECK_EQUAL(r.channels[1].retries, 1);
  CAF_CHECK(!ks.on_ack(kill_ack{kill_id{"unknown"}, node_id{"n2"}, true, 0, 0, now, now, 0, ""}));
}

CAF_TEST(a_symbol_kill_closes_that_symbol_only_and_is_kept_in_the_halt_state) {
  auto c = command("ks1", kill_level::halt_new_orders);
  c.scope = kill_scope::symbol;
  c.scope_value = "USDCHF";
  sign(c, keys.alice);
  auto d = ks.on_command(c, now);
  CAF_REQUIRE(d.verdict == kill_verdict::applied);
  CAF_CHECK(d.ack.applied);
  CAF_CHECK(gate.is_open());
  CAF_CHECK(ks.state().mode == trading_mode::active);
  CAF_CHECK_EQUAL(gate.level_for("mm", "USDCHF", "demo"), 1);
  CAF_CHECK_EQUAL(gate.level_for("mm", "BTCUSDT", "demo"), 0);
  auto h = ks.halt();
  CAF_CHECK(!h.halted());
  CAF_REQUIRE_EQUAL(h.scoped.size(), 1u);
  CAF_CHECK_EQUAL(h.scoped[0].value, "USDCHF");
  CAF_CHECK_EQUAL(h.scoped[0].cause.value, "ks1");
  // A restarted node closes the same scope again.
  kill_gate g2;
  kill_switch restored{kill_switch_config{node_id{"n1"}, keys.registry}, g2};
  restored.restore(h);
  CAF_CHECK_EQUAL(g2.level_for("mm", "USDCHF", "demo"), 1);
  CAF_CHECK(g2.is_open());
}

CAF_TEST(levels_and_scopes_that_do_not_go_together_are_refused) {
  auto full = command("kl1", kill_level::full_stop);
  full.scope = kill_scope::symbol;
  full.scope_value = "USDCHF";
  sign(full, keys.alice);
  auto d = ks.on_command(full, now);
  CAF_CHECK(d.verdict == kill_verdict::rejected);
  CAF_CHECK(d.reason.find("level 4 (full stop) is cluster-wide") != std::string::npos);
  auto flat = command("kl2", kill_level::flatten);
  flat.scope = kill_scope::strategy;
  flat.scope_value = "mm";
  sign(flat, keys.alice);
  d = ks.on_command(flat, now);
  CAF_CHECK(d.verdict == kill_verdict::rejected);
  CAF_CHECK(d.reason.find("cannot be scoped to a strategy") != std::string::npos);
  CAF_CHECK(gate.all_open());
}

CAF_TEST(levels_3_and_4_need_role_kill_full) {
  // keys.alice holds kill and reset, not kill-full.
  auto d = ks.on_command(command("kf1", kill_level::flatten), now);
  CAF_CHECK(d.verdict == kill_verdict::rejected);
  CAF_CHECK(d.reason.find("lacks role 'kill-full'") != std::string::npos);
  CAF_CHECK(gate.is_open());
  auto full = ed25519_signer::generate();
  auto registry = std::make_shared<const operator_registry>(
    std::vector<operator_key>{{operator_id{"dora"}, full.public_key(), {operator_role::kill_full}}},
    std::chrono::seconds(30));
  kill_gate g;
  kill_switch k{kill_switch_config{node_id{"n1"}, registry}, g};
  auto c = command("kf2", kill_level::full_stop);
  c.issuer = operator_id{"dora"};
  sign(c, full);
  CAF_CHECK(k.on_command(c, now).verdict == kill_verdict::applied);
  CAF_CHECK_EQUAL(g.level(), 4);
  // kill-full covers the lower levels too.
  auto low = command("kf3", kill_level::halt_new_orders);
  low.issuer = operator_id{"dora"};
  sign(low, full);
  CAF_CHECK(k.on_command(low, now).verdict == kill_verdict::applied);
}

// Issue 17 #1: a kill signed by a node key under id X was accepted first;
// the operator's real cluster kill with the same id X was then refused as a
// duplicate. A kill is known by issuer and id, compared after verification.
CAF_TEST(a_decoy_with_the_same_id_does_not_suppress_an_operator_kill) {
  kill_command decoy{kill_id{"X"}, kill_level::halt_new_orders, kill_scope::node, "nobody",
                     operator_id{"node-n2"}, node_id{"n2"}, "decoy", now, {}};
  sign(decoy, *keys.node2);
  auto d = ks.on_command(decoy, now);
  CAF_CHECK(d.verdict == kill_verdict::rejected); // a node key halts only its own node
  CAF_CHECK(d.reason.find("may halt only its own node") != std::string::npos);
  auto real = command("X");
  auto r = ks.on_command(real, now);
  CAF_REQUIRE(r.verdict == kill_verdict::applied);
  CAF_CHECK_EQUAL(gate.level(), 2);
  // Even a decoy that was accepted (n2 halting itself) leaves X free for alice.
  kill_gate g;
  kill_switch other{kill_switch_config{node_id{"n2"}, keys.registry}, g};
  kill_command own{kill_id{"Y"}, kill_level::halt_new_orders, kill_scope::node, "n2",
                   operator_id{"node-n2"}, node_id{"n2"}, "own node", now, {}};
  sign(own, *keys.node2);
  CAF_CHECK(other.on_command(own, now).verdict == kill_verdict::applied);
  CAF_CHECK(other.on_command(command("Y"), now).verdict == kill_verdict::applied);
  CAF_CHECK_EQUAL(g.level(), 2);
}

CAF_TEST(the_same_id_with_other_content_is_equivocation_and_both_apply) {
  auto first = command("E", kill_level::halt_new_orders);
  CAF_REQUIRE(ks.on_command(first, now).verdict == kill_verdict::applied);
  auto second = command("E", kill_level::cancel_all);
  second.reason = "other content";
  sign(second, keys.alice);
  auto d = ks.on_command(second, now);
  CAF_CHECK(d.verdict == kill_verdict::applied);
  CAF_CHECK(d.equivocation);
  CAF_CHECK_EQUAL(ks.equivocation_count(), 1u);
  CAF_CHECK_EQUAL(gate.level(), 2);
  // A forged copy under the same id is refused, not taken for an echo.
  auto forged = command("E");
  forged.reason = "forged";
  CAF_CHECK(ks.on_command(forged, now).verdict == kill_verdict::rejected);
}

// Issue 17 #4: any node key halted and cancelled the whole cluster.
CAF_TEST(a_node_key_alone_cannot_halt_the_cluster) {
  kill_switch_config cfg{node_id{"n1"}, keys.registry};
  cfg.node_halt_signatures = 2;
  kill_gate g;
  kill_switch k{cfg, g};
  kill_command c{kill_id{"role-lost-1"}, kill_level::cancel_all, kill_scope::cluster, "",
                 operator_id{"node-n2"}, node_id{"n2"}, "role lost", now, {}};
  sign(c, *keys.node2);
  auto d = k.on_command(c, now);
  CAF_CHECK(d.verdict == kill_verdict::pending);
  CAF_CHECK(g.is_open());
  CAF_CHECK_EQUAL(k.pending().size(), 1u);
  // A forged endorsement (n1's name, another key) adds nothing.
  auto forged = c;
  forged.cosignatures.push_back(
    kill_cosignature{node_id{"n1"}, keys.stranger.sign(cosigning_payload(c))});
  CAF_CHECK(k.on_command(forged, now).verdict == kill_verdict::pending);
  // Nor does n2 endorsing itself, nor an issuer signature passed off as one.
  auto self_endorsed = c;
  cosign(self_endorsed, node_id{"n2"}, *keys.node2);
  self_endorsed.cosignatures.push_back(kill_cosignature{node_id{"n1"}, c.signature});
  CAF_CHECK(k.on_command(self_endorsed, now).verdict == kill_verdict::pending);
  CAF_CHECK(g.is_open());
  // n1 agrees: two distinct members signed, the cluster halts.
  auto endorsed = c;
  cosign(endorsed, node_id{"n1"}, *keys.node1);
  auto e = k.on_command(endorsed, now);
  CAF_CHECK(e.verdict == kill_verdict::applied);
  CAF_CHECK_EQUAL(g.level(), 2);
  CAF_CHECK(k.pending().empty());
  // Node keys never reach level 3-4, nor other nodes or scopes.
  kill_command other{kill_id{"o1"}, kill_level::cancel_all, kill_scope::node, "n1",
                     operator_id{"node-n2"}, node_id{"n2"}, "other node", now, {}};
  sign(other, *keys.node2);
  CAF_CHECK(k.on_command(other, now).verdict == kill_verdict::rejected);
  // A non-member's node key is refused outright.
  cfg.members = {"n1", "n3"};
  kill_gate g3;
  kill_switch members_only{cfg, g3};
  kill_command own{kill_id{"own"}, kill_level::cancel_all, kill_scope::node, "n2",
                   operator_id{"node-n2"}, node_id{"n2"}, "own", now, {}};
  sign(own, *keys.node2);
  auto m = members_only.on_command(own, now);
  CAF_CHECK(m.verdict == kill_verdict::rejected);
  CAF_CHECK(m.reason.find("not a member") != std::string::npos);
}

CAF_TEST(node_halt_signatures_are_f_plus_1_and_never_one_node_of_three) {
  CAF_CHECK_EQUAL(node_halt_signatures(1), 1);
  CAF_CHECK_EQUAL(node_halt_signatures(2), 1);
  CAF_CHECK_EQUAL(node_halt_signatures(3), 2);
  CAF_CHECK_EQUAL(node_halt_signatures(4), 2);
  CAF_CHECK_EQUAL(node_halt_signatures(7), 3);
}

// Issue 17 #3 and #8: commands bound to the cluster id; a tight future skew.
CAF_TEST(commands_for_another_cluster_or_from_the_future_are_refused) {
  auto c = command("c1");
  c.cluster = "prod-eu";
  sign(c, keys.alice);
  auto d = ks.on_command(c, now);
  CAF_CHECK(d.verdict == kill_verdict::rejected);
  CAF_CHECK(d.reason.find("is for cluster 'prod-eu'") != std::string::npos);
  auto future = keys.kill("f1", kill_level::cancel_all, timestamp_ns{now.ns + 10'000'000'000});
  d = ks.on_command(future, now);
  CAF_CHECK(d.verdict == kill_verdict::rejected);
  CAF_CHECK(d.reason.find("in the future") != std::string::npos);
  CAF_CHECK(gate.is_open());
}

// Issue 17 #3: seen commands lived only in memory.
CAF_TEST(a_kill_seen_before_a_restart_is_still_a_duplicate_after_it) {
  auto c = command("r1");
  CAF_REQUIRE(ks.on_command(c, now).verdict == kill_verdict::applied);
  auto reset = keys.reset("rs1", now);
  ks.remember_reset(reset);
  auto saved = ks.halt();
  CAF_CHECK_EQUAL(saved.seen.size(), 2u);
  kill_gate g;
  kill_switch restarted{kill_switch_config{node_id{"n1"}, keys.registry}, g};
  restarted.restore(halt_state{kill_level::none, {}, now, 1, "", {}, saved.seen});
  CAF_CHECK(restarted.on_command(c, now).verdict == kill_verdict::duplicate);
  CAF_CHECK(g.is_open());
  CAF_CHECK(restarted.reset_seen(reset.id));
}

CAF_TEST_FIXTURE_SCOPE_END()
