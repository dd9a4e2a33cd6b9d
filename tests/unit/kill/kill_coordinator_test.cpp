#define CAF_SUITE kill_coordinator
#include "tests/support/unit_test.hpp"

#include "tests/unit/kill/kill_coordinator_fixture.hpp"

using namespace cwts;
using namespace cwts::kill_coordinator_testing;

CAF_TEST_FIXTURE_SCOPE(kill_coordinator_tests, fixture)

CAF_TEST(level_two_closes_the_gate_before_the_venue_cancel_and_reports_measured_channels) {
  auto kill = coordinator("n1", gate1);
  auto venue = sys->spawn(fake_connector, std::vector<int64_t>{0}, &gate1, seen);
  auto oms = sys->spawn(fake_oms, true);
  (*self)->send(kill, wire_atom::value, role_directory{{binance, venue}, {"oms", oms}});
  auto r = issue(kill, command(kill_level::cancel_all));
  CAF_CHECK(r.complete);
  CAF_CHECK(r.error.empty());
  CAF_CHECK(!gate1.is_open());
  CAF_CHECK(seen->gate_was_closed.load());
  CAF_REQUIRE_EQUAL(r.acks.size(), 1u);
  // oms, venue_cancel_all, and the audit of the command (fdatasync'ed).
  CAF_CHECK_EQUAL(r.acks[0].channels_started, 3);
  CAF_REQUIRE_EQUAL(r.channels.size(), 3u);
  bool audit_seen = false;
  for (auto& c : r.channels) {
    CAF_CHECK(c.ok);
    CAF_CHECK(c.duration_ns > 0);
    audit_seen = audit_seen || c.channel == "audit";
  }
  CAF_CHECK(audit_seen);
  caf::anon_send_exit(venue, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(oms, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(kill, caf::exit_reason::user_shutdown);
}

CAF_TEST(a_failed_venue_channel_is_reported_and_retried_until_confirmed) {
  auto kill = coordinator("n1", gate1);
  auto venue = sys->spawn(fake_connector, std::vector<int64_t>{2, 0}, &gate1, seen);
  (*self)->send(kill, wire_atom::value, role_directory{{binance, venue}});
  auto r = issue(kill, command(kill_level::cancel_all));
  const channel_result* venue_result = nullptr;
  for (auto& c : r.channels)
    if (c.channel == "venue_cancel_all")
      venue_result = &c;
  CAF_REQUIRE(venue_result != nullptr);
  CAF_CHECK(!venue_result->ok); // honest: the first attempt left orders open
  CAF_CHECK_EQUAL(venue_result->open_orders_after, 2);
  // The coordinator retries on its own (after 200 ms) until the venue
  // confirms nothing is left; the second answer of the double says 0.
  itest::wait_until([&] { return seen->cancel_all_calls.load() >= 2; }, std::chrono::seconds(3),
                    std::chrono::milliseconds(20));
  CAF_CHECK_EQUAL(seen->cancel_all_calls.load(), 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  CAF_CHECK_EQUAL(seen->cancel_all_calls.load(), 2); // confirmed: no third attempt
  caf::anon_send_exit(venue, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(kill, caf::exit_reason::user_shutdown);
}

CAF_TEST(a_venue_channel_never_confirmed_is_escalated_and_keeps_retrying) {
  auto kill = coordinator("n1", gate1, 1, std::chrono::milliseconds(50));
  // Orders stay open through the three quick retries and two slow ones.
  auto venue = sys->spawn(fake_connector, std::vector<int64_t>{4, 4, 4, 4, 4, 4, 0}, &gate1, seen);
  (*self)->send(kill, wire_atom::value, role_directory{{binance, venue}});
  issue(kill, command(kill_level::cancel_all));
  itest::wait_until([&] { return seen->cancel_all_calls.load() >= 7; }, std::chrono::seconds(4),
                    std::chrono::milliseconds(20));
  CAF_CHECK_EQUAL(seen->cancel_all_calls.load(), 7); // confirmed at the 7th
  std::map<std::string, int64_t> counters;
  (*self)->request(kill, std::chrono::seconds(5), stats_atom::value)
    .receive([&](const actor_stats& s) { counters = s.counters; },
             [](caf::error&) { CAF_FAIL("no stats"); });
  CAF_CHECK_EQUAL(counters["channels_escalated"], 1);
  // What the alert rules read (cwts_kill_channel_failures_total and
  // _retries_total): six attempts left orders open, six were retries.
  CAF_CHECK_EQUAL(counters["channel_failures.venue_cancel_all.binance"], 6);
  CAF_CHECK_EQUAL(counters["channel_retries.venue_cancel_all.binance"], 6);
  // Every channel of this node is there from the wiring on, at 0 until it
  // fails: a rule's increase() sees the first failure.
  CAF_CHECK_EQUAL(counters.count("channel_failures.audit"), 1u);
  CAF_CHECK_EQUAL(counters["channel_failures.audit"], 0);
  CAF_CHECK_EQUAL(counters.count("channel_failures.venue_disconnect.binance"), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CAF_CHECK_EQUAL(seen->cancel_all_calls.load(), 7); // no retry after the confirmation
  auto audit = read_text(dir + "/n1-audit.log");
  CAF_CHECK(audit.find("event=channel_escalated") != std::string::npos);
  caf::anon_send_exit(venue, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(kill, caf::exit_reason::user_shutdown);
}

CAF_TEST(every_local_venue_gets_its_own_cancel_all_channel_and_a_hung_one_delays_no_other) {
  // A hung venue is found out at the channel timeout; the others report first.
  timing.channel_timeout = std::chrono::milliseconds(1500);
  auto kill = coordinator("n1", gate1);
  auto seen_a = std::make_shared<venue_probe>();
  auto seen_b = std::make_shared<venue_probe>();
  // "a" comes first in the directory (and would be asked first one by one).
  auto a = sys->spawn(standin_connector, true, seen_a);
  auto b = sys->spawn(standin_connector, false, seen_b);
  // The test stands in for n2, the kill's origin: n1 sends it its ack and
  // every channel result as each arrives.
  auto origin = caf::actor_cast<caf::actor>(*self);
  (*self)->send(kill, wire_atom::value,
                role_directory{{connector_role(venue_name{"a"}), a},
                               {connector_role(venue_name{"b"}), b},
                               {peer_kill_prefix + "n2", origin}});
  (*self)->send(kill, peer_atom::value, keys.kill("k-venues", kill_level::cancel_all));
  std::vector<channel_result> results; // the venue channels', in arrival order
  std::optional<kill_ack> ack;
  auto receive_until = [&](const std::function<bool()>& done) {
    bool timed_out = false;
    while (!done() && !timed_out)
      (*self)->receive(
        [&](const channel_result& r) {
          if (r.channel == "venue_cancel_all")
            results.push_back(r);
        },
        [&](const kill_ack& x) { ack = x; },
        [](peer_atom, const kill_command&) {}, // n1's echo
        caf::after(std::chrono::seconds(10)) >> [&] { timed_out = true; });
    return done();
  };
  // b's result comes while a's first request is still unanswered.
  CAF_REQUIRE(receive_until([&] { return !results.empty(); }));
  CAF_CHECK_EQUAL(results[0].venue.value, "b");
  CAF_CHECK(results[0].ok);
  CAF_CHECK_EQUAL(results[0].retries, 0);
  CAF_CHECK_LESS_OR_EQUAL(seen_a->cancel_all_calls.load(), 1); // a not retried yet
  // Then a's timeout, and a's retry, which the stand-in answers.
  CAF_REQUIRE(receive_until([&] { return results.size() >= 3; }));
  CAF_CHECK_EQUAL(results[1].venue.value, "a");
  CAF_CHECK(!results[1].ok);
  CAF_CHECK_EQUAL(results[1].retries, 0);
  CAF_CHECK_EQUAL(results[2].venue.value, "a");
  CAF_CHECK(results[2].ok);
  CAF_CHECK_GREATER_OR_EQUAL(results[2].retries, 1);
  CAF_CHECK_EQUAL(seen_a->cancel_all_calls.load(), 2);
  CAF_CHECK_EQUAL(seen_b->cancel_all_calls.load(), 1); // b confirmed: never retried
  // Both venue channels announced, with the audit's.
  CAF_REQUIRE(receive_until([&] { return ack.has_value(); }));
  CAF_CHECK(ack->applied);
  CAF_CHECK_EQUAL(ack->channels_started, 3);
  CAF_CHECK(!gate1.is_open());
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(b, caf::exit_reason::user_shutdown);
  stop(kill);
}

CAF_TEST(malformed_commands_are_refused_and_leave_the_gate_open) {
  auto kill = coordinator("n1", gate1);
  auto r = issue(kill, command(kill_level::cancel_all, ""));
  CAF_CHECK(!r.error.empty());
  CAF_CHECK(r.acks.empty());
  CAF_CHECK(gate1.is_open());
  caf::anon_send_exit(kill, caf::exit_reason::user_shutdown);
}

CAF_TEST(unsigned_forged_and_replayed_kills_are_refused_audited_and_never_close_the_gate) {
  auto kill = coordinator("n1", gate1);
  auto unsigned_kill = command(kill_level::cancel_all, "u");
  unsigned_kill.signature.clear();
  auto r = issue(kill, unsigned_kill);
  CAF_CHECK_EQUAL(r.error, "unsigned kill");
  auto forged = command(kill_level::cancel_all, "f");
  sign(forged, keys.stranger);
  r = issue(kill, forged);
  CAF_CHECK(r.error.find("bad signature") == 0);
  // A peer cannot slip a forged kill in as an echo either.
  auto echoed = command(kill_level::full_stop, "e");
  echoed.reason = "changed after signing";
  (*self)->send(kill, peer_atom::value, echoed);
  auto st = gate_of(kill);
  CAF_CHECK(st.mode == trading_mode::active);
  CAF_CHECK(gate1.is_open());
  // The real one is applied once; a replay of it changes nothing.
  auto good = command(kill_level::halt_new_orders, "g");
  r = issue(kill, good);
  CAF_CHECK(r.error.empty());
  CAF_CHECK(!gate1.is_open());
  r = issue(kill, good);
  CAF_CHECK_EQUAL(r.error.find("duplicate kill id"), 0u);
  stop(kill);
  auto v = verify_audit_file(dir + "/n1-audit.log");
  CAF_CHECK(v.ok);
  CAF_CHECK_GREATER_OR_EQUAL(v.records, 6u); // 3 refused, accepted + ack, duplicate
}

CAF_TEST(the_halt_is_on_disk_before_the_ack_and_a_restarted_coordinator_comes_back_halted) {
  auto kill = coordinator("n1", gate1);
  auto r = issue(kill, command(kill_level::cancel_all, "durable"));
  CAF_REQUIRE_EQUAL(r.acks.size(), 1u);
  std::string error;
  auto saved = load_halt_state(dir + "/n1-halt.state", error);
  CAF_REQUIRE(saved);
  CAF_CHECK(saved->level == kill_level::cancel_all);
  stop(kill);
  kill_gate fresh; // as after a process restart
  auto again = coordinator("n1", fresh);
  auto st = gate_of(again);
  CAF_CHECK(st.mode == trading_mode::halted);
  CAF_CHECK(!fresh.is_open());
  CAF_CHECK_EQUAL(st.cause.value, r.id.value);
  stop(again);
}

CAF_TEST(one_node_cluster_resumes_with_an_operator_signed_reset) {
  auto kill = coordinator("n1", gate1);
  auto oms = sys->spawn(fake_oms, true);
  (*self)->send(kill, wire_atom::value, role_directory{{"oms", oms}});
  issue(kill, command(kill_level::halt_new_orders, "before-reset"));
  CAF_REQUIRE(!gate1.is_open());
  auto unsigned_reset = keys.reset("r-0");
  unsigned_reset.signature.clear();
  auto refused = reset(kill, unsigned_reset);
  CAF_CHECK_EQUAL(refused.error, "unsigned reset");
  CAF_CHECK(!gate1.is_open());
  auto r = reset(kill, keys.reset("r-1"));
  CAF_CHECK(r.resumed);
  CAF_CHECK_EQUAL(r.quorum, 1);
  CAF_CHECK_EQUAL(r.votes.size(), 1u);
  CAF_CHECK(gate1.is_open());
  auto replay = reset(kill, keys.reset("r-1"));
  CAF_CHECK(replay.error.find("replayed reset id") == 0);
  std::string error;
  auto saved = load_halt_state(dir + "/n1-halt.state", error);
  CAF_REQUIRE(saved);
  CAF_CHECK(!saved->halted());
  CAF_CHECK_EQUAL(saved->epoch, 1);
  caf::anon_send_exit(oms, caf::exit_reason::user_shutdown);
  stop(kill);
  CAF_CHECK(verify_audit_file(dir + "/n1-audit.log").ok);
}

// A peer that does not understand a message answers with an error; CAF's
// default made the coordinator quit on it, five restarts halted the node
// (cluster4_byzantine_test). Stray messages and errors are dropped, counted.
CAF_TEST(stray_messages_and_unsolicited_errors_do_not_stop_the_coordinator) {
  auto kill = coordinator("n1", gate1);
  (*self)->send(kill, std::string("not a message the coordinator takes"), 42);
  (*self)->send(kill, caf::make_error(caf::sec::unexpected_message));
  (*self)->send(kill, caf::make_error(caf::sec::request_timeout));
  CAF_CHECK_EQUAL(counter(kill, "stray.unexpected_messages"), 1);
  CAF_CHECK_EQUAL(counter(kill, "stray.unsolicited_errors"), 2);
  CAF_CHECK(gate_of(kill).mode == trading_mode::active);
  CAF_CHECK(issue(kill, command(kill_level::halt_new_orders, "after-strays")).error.empty());
  stop(kill);
}

CAF_TEST(a_reset_vote_reads_typed_preconditions_not_metric_names) {
  auto kill = coordinator("n1", gate1);
  auto oms = sys->spawn(oms_metrics_disagree);
  (*self)->send(kill, wire_atom::value, role_directory{{"oms", oms}});
  CAF_REQUIRE(issue(kill, command(kill_level::halt_new_orders, "typed")).error.empty());
  auto r = reset(kill, keys.reset("r-typed"));
  CAF_CHECK(!r.resumed);
  CAF_REQUIRE_EQUAL(r.votes.size(), 1u);
  CAF_CHECK(!r.votes[0].yes);
  CAF_CHECK_EQUAL(r.votes[0].reason, "OMS not reconciled with the venue");
  CAF_CHECK(!gate1.is_open());
  caf::anon_send_exit(oms, caf::exit_reason::user_shutdown);
  stop(kill);
}

// Issue 17 #3: seen kill and reset ids lived only in memory; a signed reset
// replayed after a restart resumed the node.
CAF_TEST(a_kill_and_a_reset_replayed_after_a_restart_change_nothing) {
  auto kill = coordinator("n1", gate1);
  auto oms = sys->spawn(fake_oms, true);
  (*self)->send(kill, wire_atom::value, role_directory{{"oms", oms}});
  auto k = command(kill_level::halt_new_orders, "replayed");
  CAF_REQUIRE(issue(kill, k).error.empty());
  auto rs = keys.reset("r-replay");
  CAF_REQUIRE(reset(kill, rs).resumed);
  CAF_REQUIRE(gate1.is_open());
  stop(kill);
  kill_gate fresh; // a new process on the same folder
  auto again = coordinator("n1", fresh);
  (*self)->send(again, wire_atom::value, role_directory{{"oms", oms}});
  auto replayed_kill = issue(again, k);
  CAF_CHECK_EQUAL(replayed_kill.error.find("duplicate kill id"), 0u);
  CAF_CHECK(fresh.is_open());
  // Halted by a new kill, the old reset cannot end it.
  CAF_REQUIRE(issue(again, command(kill_level::halt_new_orders, "second")).error.empty());
  auto replayed_reset = reset(again, rs);
  CAF_CHECK_EQUAL(replayed_reset.error.find("replayed reset id"), 0u);
  CAF_CHECK(!replayed_reset.resumed);
  CAF_CHECK(!fresh.is_open());
  caf::anon_send_exit(oms, caf::exit_reason::user_shutdown);
  stop(again);
}

CAF_TEST_FIXTURE_SCOPE_END()
