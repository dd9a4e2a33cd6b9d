#define CAF_SUITE oms_actor
#include "tests/support/unit_test.hpp"

#include "tests/unit/oms/oms_actor_fixture.hpp"

using namespace cwts;
using namespace cwts::oms::testing;
using namespace cwts::oms_actor_testing;

CAF_TEST_FIXTURE_SCOPE(oms_actor_tests, fixture)

CAF_TEST(rejects_orders_unsent_when_the_journal_cannot_be_opened) {
  std::ofstream(dir.file("not-a-folder")) << "x";
  auto oms = start(dir.file("not-a-folder") + "/oms.sqlite");
  (*self)->send(oms, order("o1"));
  auto rej = expect_reject();
  auto reason = std::string(to_string(rej.reason));
  CAF_CHECK_EQUAL(reason, "trading_halted");
  // Halted from the start (docs/oms.md): refused by the phase, with why.
  CAF_CHECK(rej.detail.rfind("OMS halted, journal unreliable: journal did not open", 0) == 0);
  CAF_CHECK_EQUAL(counter(oms, "phase.halted"), 1);
  CAF_CHECK_EQUAL(counter(oms, "orders_sent"), 0);
  CAF_CHECK_EQUAL(counter(oms, "journal.open"), 0);
  CAF_CHECK_EQUAL(counter(oms, "status.REJECTED"), 1);
  stop(oms);
}

CAF_TEST(rejects_orders_unsent_when_a_journal_write_fails) {
  auto path = dir.file("oms.sqlite");
  auto oms = start(path);
  CAF_REQUIRE_EQUAL(counter(oms, "journal.open"), 1);
  // Another process holds the write lock past the journal's busy timeout.
  sqlite3* other = nullptr;
  sqlite3_open(path.c_str(), &other);
  CAF_REQUIRE_EQUAL(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  (*self)->send(oms, order("o1"));
  auto rej = expect_reject();
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  CAF_CHECK(rej.detail.find("journal write failed: write_failed") != std::string::npos);
  CAF_CHECK_EQUAL(counter(oms, "orders_sent"), 0);
  // Once the journal is writable again, orders flow.
  (*self)->send(oms, order("o2"));
  auto sent = expect_sent();
  CAF_CHECK_EQUAL(sent.id.value, "o2");
  CAF_CHECK_EQUAL(counter(oms, "journal.writes"), 1);
  CAF_CHECK(counter(oms, "journal.last_write_ns") > 0);
  stop(oms);
}

CAF_TEST(journals_before_send_and_restores_live_orders_after_a_restart) {
  auto path = dir.file("oms.sqlite");
  auto oms = start(path);
  (*self)->send(oms, order("o1"));
  (*self)->send(oms, order("o2"));
  CAF_CHECK_EQUAL(expect_sent().id.value, "o1");
  CAF_CHECK_EQUAL(expect_sent().id.value, "o2");
  oms_fixture venue;
  venue.store.submit(order("o1"), venue.tick());
  venue.store.submit(order("o2"), venue.tick());
  (*self)->send(oms, venue.report("o1", order_status::accepted, "0"));
  (*self)->send(oms, venue.report("o2", order_status::accepted, "0"));
  (*self)->send(oms, venue.report("o2", order_status::filled, "1", "1"));
  // 2 submissions + 3 applied reports, in at most as many commits (group
  // commit: those that arrived together share one).
  CAF_CHECK_EQUAL(counter(oms, "journal.records"), 5);
  CAF_CHECK(counter(oms, "journal.commits") >= 1);
  CAF_CHECK(counter(oms, "journal.commits") <= 5);
  stop(oms); // killed: no clean shutdown of anything
  auto venue_view = complete_snapshot();
  venue_view.open_orders.push_back(open_at_venue("o1", "0"));
  venue_view.balances.front().free = *qty::parse("11"); // o2's fill
  auto again = start(path, venue_view);
  CAF_CHECK_EQUAL(counter(again, "journal.restored"), 1);
  CAF_CHECK_EQUAL(counter(again, "live_orders"), 1);
  CAF_CHECK_EQUAL(counter(again, "status.NEW"), 1);
  // The restored order takes its fill; a reused id is refused unsent.
  (*self)->send(again, venue.report("o1", order_status::filled, "1", "1"));
  (*self)->send(again, order("o2"));
  auto rej = expect_reject();
  CAF_CHECK(rej.detail.find("duplicate_order") != std::string::npos);
  CAF_CHECK_EQUAL(counter(again, "live_orders"), 0);
  CAF_CHECK_EQUAL(counter(again, "fills"), 1);
  stop(again);
}

CAF_TEST(an_amend_sends_the_replacement_only_after_the_original_is_canceled) {
  auto oms = start(dir.file("oms.sqlite"));
  oms_fixture venue;
  (*self)->send(oms, order("o1"));
  CAF_CHECK_EQUAL(expect_sent().id.value, "o1");
  venue.store.submit(order("o1"), venue.tick());
  (*self)->send(oms, venue.report("o1", order_status::accepted, "0"));
  auto replacement = order("o1-r", "2");
  (*self)->send(oms, amend_request{client_order_id{"o1"}, replacement});
  cancel_request cancel;
  (*self)->receive([&](const cancel_request& c) { cancel = c; },
                   [](const order_request& req) { CAF_FAIL("sent before the cancel: " << req.id.value); },
                   caf::after(std::chrono::seconds(5)) >> [] { CAF_FAIL("no cancel"); });
  CAF_CHECK_EQUAL(cancel.id.value, "o1");
  CAF_CHECK_EQUAL(counter(oms, "amends.pending"), 1);
  (*self)->send(oms, venue.report("o1", order_status::canceled, "0"));
  auto sent = expect_sent();
  CAF_CHECK_EQUAL(sent.id.value, "o1-r");
  CAF_CHECK_EQUAL(sent.quantity.to_string(), qt("2").to_string());
  CAF_CHECK_EQUAL(counter(oms, "amends.done"), 1);
  CAF_CHECK_EQUAL(counter(oms, "amends.pending"), 0);
  stop(oms);
}

CAF_TEST(an_amend_is_refused_when_the_original_fills_before_its_cancel) {
  auto oms = start(dir.file("oms.sqlite"));
  oms_fixture venue;
  (*self)->send(oms, order("o2"));
  CAF_CHECK_EQUAL(expect_sent().id.value, "o2");
  venue.store.submit(order("o2"), venue.tick());
  (*self)->send(oms, venue.report("o2", order_status::accepted, "0"));
  (*self)->send(oms, amend_request{client_order_id{"o2"}, order("o2-r")});
  (*self)->send(oms, venue.report("o2", order_status::filled, "1", "1"));
  auto rej = expect_reject();
  CAF_CHECK_EQUAL(rej.id.value, "o2-r");
  CAF_CHECK_EQUAL(std::string(to_string(rej.reason)), "replace_refused");
  CAF_CHECK(rej.detail.find("ended FILLED") != std::string::npos);
  // An amend of an order that is not live is refused at once.
  (*self)->send(oms, amend_request{client_order_id{"o2"}, order("o2-s")});
  auto again = expect_reject();
  CAF_CHECK_EQUAL(again.id.value, "o2-s");
  CAF_CHECK_EQUAL(counter(oms, "amends.refused"), 2);
  stop(oms);
}

CAF_TEST(a_user_data_reconnect_reconciles_again_while_trading_goes_on) {
  auto oms = start(dir.file("oms.sqlite"));
  (*self)->send(oms, order("o1"));
  CAF_CHECK_EQUAL(expect_sent().id.value, "o1");
  // The connector's stream was down for a while: o1 filled 0.5 meanwhile.
  (*self)->send(oms, retry_atom::value);
  auto venue_view = complete_snapshot();
  venue_view.open_orders.push_back(open_at_venue("o1", "0.5"));
  venue_view.balances.front().free = *qty::parse("10.5");
  auto asked = reconcile(oms, venue_view);
  CAF_REQUIRE_EQUAL(asked.live.size(), 1u);
  CAF_CHECK_EQUAL(counter(oms, "reconcile.caught_up"), 1);
  CAF_CHECK_EQUAL(counter(oms, "fills"), 1);
  CAF_CHECK_EQUAL(counter(oms, "reconcile.phase_running"), 1);
  (*self)->send(oms, order("o2"));
  CAF_CHECK_EQUAL(expect_sent().id.value, "o2");
  stop(oms);
}

CAF_TEST(refuses_new_orders_until_reconciled_with_the_venue) {
  auto oms = start_unreconciled(dir.file("oms.sqlite"));
  (*self)->send(oms, order("early"));
  auto rej = expect_reject();
  CAF_CHECK_EQUAL(std::string(to_string(rej.reason)), "not_reconciled");
  reconcile(oms, complete_snapshot());
  (*self)->send(oms, order("o1"));
  CAF_CHECK_EQUAL(expect_sent().id.value, "o1");
  CAF_CHECK_EQUAL(counter(oms, "reconcile.phase_running"), 1);
  stop(oms);
}

CAF_TEST(catches_up_missed_fills_and_adopts_orders_the_journal_lacks) {
  auto path = dir.file("oms.sqlite");
  auto oms = start(path);
  (*self)->send(oms, order("o1"));
  CAF_CHECK_EQUAL(expect_sent().id.value, "o1");
  stop(oms); // crashed before any report arrived
  auto venue_view = complete_snapshot();
  venue_view.open_orders.push_back(open_at_venue("o1", "0.5"));
  venue_view.open_orders.push_back(open_at_venue("manual-1", "0"));
  // The fill of o1 moved the account's BTC: 10 + 0.5.
  venue_view.balances.front().free = *qty::parse("10.5");
  auto again = start_unreconciled(path);
  auto asked = reconcile(again, venue_view);
  CAF_REQUIRE_EQUAL(asked.live.size(), 1u);
  CAF_CHECK_EQUAL(asked.live.front().id.value, "o1");
  CAF_CHECK_EQUAL(counter(again, "reconcile.caught_up"), 1);
  CAF_CHECK_EQUAL(counter(again, "reconcile.adopted"), 1);
  CAF_CHECK_EQUAL(counter(again, "fills"), 1);
  CAF_CHECK_EQUAL(counter(again, "live_orders"), 2);
  CAF_CHECK_EQUAL(counter(again, "reconcile.phase_running"), 1);
  stop(again);
  // The adopted order is journaled: a third start restores both.
  auto third = start_unreconciled(path);
  CAF_CHECK_EQUAL(counter(third, "journal.restored"), 2);
  stop(third);
}

CAF_TEST(an_unexplained_position_holds_the_node_until_an_operator_accepts_it) {
  auto alice = ed25519_signer::generate();
  auto mallory = ed25519_signer::generate();
  auto operators = std::make_shared<operator_registry>(
    std::vector<operator_key>{{operator_id{"alice"}, alice.public_key(), {operator_role::operations}}},
    std::chrono::seconds(30));
  auto path = dir.file("oms.sqlite");
  stop(start(path)); // baseline: BTC 10
  auto venue_view = complete_snapshot();
  venue_view.balances.front().free = *qty::parse("12"); // 2 BTC nobody journaled
  auto oms = start_unreconciled(path, operators);
  for (int round = 0; round < 3; ++round)
    reconcile(oms, venue_view);
  CAF_CHECK_EQUAL(counter(oms, "reconcile.phase_unexplained"), 1);
  (*self)->send(oms, order("o1"));
  auto rej = expect_reject();
  CAF_CHECK_EQUAL(std::string(to_string(rej.reason)), "not_reconciled");
  CAF_CHECK(rej.detail.find("BTC expected 10.00000000 venue 12.00000000") != std::string::npos);
  operator_command cmd{command_id{"c-1"}, operator_action::accept_positions, operator_id{"alice"},
                       wall_clock_now(), "t", "", "", "manual deposit confirmed", {}};
  auto ask = [&](const operator_command& c) {
    command_result got;
    (*self)->request(oms, std::chrono::seconds(5), c)
      .receive([&](const command_result& r) { got = r; },
               [](caf::error&) { CAF_FAIL("no command_result"); });
    return got;
  };
  cmd.signature = mallory.sign(signing_payload(cmd));
  CAF_CHECK(!ask(cmd).accepted);
  cmd.signature = alice.sign(signing_payload(cmd));
  auto accepted = ask(cmd);
  CAF_CHECK(accepted.accepted);
  CAF_CHECK_EQUAL(counter(oms, "reconcile.phase_running"), 1);
  (*self)->send(oms, order("o2"));
  CAF_CHECK_EQUAL(expect_sent().id.value, "o2");
  // The same signed command again is a replay.
  CAF_CHECK(!ask(cmd).accepted);
  stop(oms);
  // The accepted holdings are the new baseline: 12 BTC is explained now.
  stop(start(path, venue_view));
}

// Routing by venue: an order for a venue without a connector in the
// directory is refused with its own reason and never sent anywhere.
CAF_TEST(an_order_for_a_venue_without_a_connector_is_rejected_venue_not_connected) {
  auto oms = start("");
  auto elsewhere = order("o1");
  elsewhere.venue = venue_name{"kraken"};
  (*self)->send(oms, elsewhere);
  auto rej = expect_reject();
  CAF_CHECK_EQUAL(std::string(to_string(rej.reason)), "venue_not_connected");
  CAF_CHECK_EQUAL(rej.venue.value, "kraken");
  CAF_CHECK(rej.detail.find("kraken") != std::string::npos);
  CAF_CHECK_EQUAL(counter(oms, "rejects.venue_not_connected"), 1);
  // The venue that is connected still trades.
  (*self)->send(oms, order("o2"));
  auto sent = expect_sent();
  CAF_CHECK_EQUAL(sent.venue.value, test_venue.value);
  stop(oms);
}

// One venue's connector cannot report on another venue's order: a fill
// naming venue "fix" for an order that trades at binance is refused.
CAF_TEST(a_report_from_another_venue_is_refused) {
  auto oms = start("");
  (*self)->send(oms, order("o1"));
  CAF_CHECK_EQUAL(expect_sent().id.value, "o1");
  oms_fixture venue;
  venue.store.submit(order("o1"), venue.tick());
  auto forged = venue.report("o1", order_status::filled, "1", "1");
  forged.venue = venue_name{"fix"};
  (*self)->send(oms, forged);
  CAF_CHECK_EQUAL(counter(oms, "reports.foreign_venue"), 1);
  CAF_CHECK_EQUAL(counter(oms, "fills"), 0);
  CAF_CHECK_EQUAL(counter(oms, "status.FILLED"), 0);
  stop(oms);
}

// Two venues reconcile apart: an incomplete snapshot of one holds that
// venue's orders (not_reconciled) while the other trades.
CAF_TEST(each_venue_reconciles_on_its_own) {
  auto fix_side = sys->spawn([](caf::event_based_actor* self) -> caf::behavior {
    return {[=](const reconcile_orders& req) {
      venue_snapshot snap;
      snap.venue = venue_name{"fix"};
      snap.round = req.round;
      snap.complete = false;
      snap.error = "open orders query timed out";
      self->send(caf::actor_cast<caf::actor>(self->current_sender()), snap);
    }};
  });
  oms_actor_config cfg;
  cfg.self = node_id{"t"};
  cfg.gate = &gate;
  cfg.reconcile_retry = std::chrono::milliseconds(10);
  auto oms = spawn_oms(*sys, cfg);
  caf::actor me = *self;
  (*self)->send(oms, wire_atom::value,
                role_directory{{connector_role(test_venue), me},
                               {connector_role(venue_name{"fix"}), fix_side},
                               {"risk", me}});
  reconcile(oms, complete_snapshot());
  (*self)->send(oms, order("o1"));
  CAF_CHECK_EQUAL(expect_sent().venue.value, "binance");
  auto at_fix = order("o2");
  at_fix.venue = venue_name{"fix"};
  (*self)->send(oms, at_fix);
  auto rej = expect_reject();
  CAF_CHECK_EQUAL(std::string(to_string(rej.reason)), "not_reconciled");
  CAF_CHECK(rej.detail.find("fix") != std::string::npos);
  CAF_CHECK_EQUAL(counter(oms, "venue.binance.running"), 1);
  CAF_CHECK_EQUAL(counter(oms, "venue.fix.running"), 0);
  CAF_CHECK_EQUAL(counter(oms, "reconcile.phase_running"), 0); // not every venue
  caf::anon_send_exit(fix_side, caf::exit_reason::kill);
  stop(oms);
}

// Review finding 7: a state change (here an ack) that does not write even
// one record at a time halts the OMS: new orders are refused, the report
// still reaches its owners, and the node's kill coordinator gets a node halt.
CAF_TEST(a_lost_state_change_halts_trading_and_asks_for_a_node_kill) {
  auto path = dir.file("oms.sqlite");
  auto oms = start(path);
  caf::actor me = *self;
  (*self)->send(oms, wire_atom::value,
                role_directory{{connector_role(test_venue), me}, {"risk", me}, {"kill", me}});
  oms_fixture venue;
  (*self)->send(oms, order("o1"));
  CAF_CHECK_EQUAL(expect_sent().id.value, "o1");
  venue.store.submit(order("o1"), venue.tick());
  faults->commits = 1;
  faults->single_writes = 1;
  (*self)->send(oms, venue.report("o1", order_status::accepted, "0"));
  bool forwarded = false;
  kill_command kill;
  for (int i = 0; i < 2; ++i)
    (*self)->receive([&](const execution_report& r) { forwarded = r.id.value == "o1"; },
                     [&](const kill_command& k) { kill = k; },
                     caf::after(std::chrono::seconds(5)) >> [] { CAF_FAIL("no report or kill"); });
  CAF_CHECK(forwarded);
  CAF_CHECK_EQUAL(kill.level, kill_level::halt_new_orders);
  CAF_CHECK_EQUAL(kill.scope, kill_scope::node);
  CAF_CHECK(kill.reason.find("journal") != std::string::npos);
  CAF_CHECK_EQUAL(counter(oms, "journal.halted"), 1);
  CAF_CHECK_EQUAL(counter(oms, "journal.records_lost"), 1);
  CAF_CHECK_EQUAL(counter(oms, "journal.kills_requested"), 1);
  (*self)->send(oms, order("o2"));
  auto rej = expect_reject();
  CAF_CHECK_EQUAL(std::string(to_string(rej.reason)), "trading_halted");
  CAF_CHECK(rej.detail.rfind("OMS halted, journal unreliable", 0) == 0);
  stop(oms);
}

CAF_TEST_FIXTURE_SCOPE_END()
