// The OMS's phases as behaviours (issue 26; actors/oms/oms_phase.hpp), under
// CAF's deterministic test coordinator: no threads, no sleeps, every message
// the OMS sends is expected (or disallowed) in order. The test plays risk
// (it sends the orders, local to the OMS) and two recorder actors stand in
// for the venue's connector and the risk actor the OMS reports to.
#define CAF_SUITE oms_phase_actor
#include "tests/support/unit_test.hpp"

#include "caf/test/dsl.hpp"

#include <chrono>
#include <fstream>
#include <memory>
#include <vector>

#include "actors/oms/oms_actor.hpp"
#include "actors/oms/order_journal.hpp"
#include "messages/registry.hpp"
#include "tests/unit/oms/oms_test_fixture.hpp"
#include "tests/unit/oms/temp_dir.hpp"

using namespace cwts;
using namespace cwts::oms::testing;

namespace {

struct phase_test_config : caf::actor_system_config {
  phase_test_config() { register_message_types(*this); }
};

// What a double received.
struct seen {
  std::vector<order_request> orders;
  std::vector<order_reject> rejects;
  std::vector<kill_command> kills;
};

caf::behavior recorder(caf::event_based_actor* self, std::shared_ptr<seen> log) {
  self->set_default_handler(caf::drop); // reconcile requests, reports: not asserted here
  return {
    [=](const order_request& o) { log->orders.push_back(o); },
    [=](const order_reject& r) { log->rejects.push_back(r); },
    [=](const reconcile_orders&) {},
    [=](const kill_command& k) { log->kills.push_back(k); },
  };
}

constexpr int64_t one_hour_ns = 3'600'000'000'000;

struct fixture : test_coordinator_fixture<phase_test_config> {
  kill_gate gate;
  lease_gate lease;
  temp_dir dir;
  std::shared_ptr<oms::journal_faults> faults = std::make_shared<oms::journal_faults>();
  std::shared_ptr<seen> venue_log = std::make_shared<seen>();
  std::shared_ptr<seen> risk_log = std::make_shared<seen>();
  caf::actor oms;
  caf::actor conn;
  caf::actor risk;
  int64_t round = 0;

  fixture() { lease.add_role("oms"); }

  ~fixture() override {
    for (auto& a : {oms, conn, risk})
      if (a)
        caf::anon_send_exit(a, caf::exit_reason::kill);
    run();
  }

  // An OMS wired to the doubles (and the test as its kill coordinator);
  // its first reconciliation request goes to the connector.
  void start(const std::string& journal_path = {}) {
    oms_actor_config cfg;
    cfg.self = node_id{"t"};
    cfg.gate = &gate;
    cfg.lease = &lease;
    cfg.journal_path = journal_path;
    cfg.journal_faults = faults;
    oms = spawn_oms(sys, cfg);
    conn = sys.spawn(recorder, venue_log);
    risk = sys.spawn(recorder, risk_log);
    caf::actor me = self;
    self->send(oms, wire_atom::value,
               role_directory{{connector_role(test_venue), conn}, {"risk", risk}, {"kill", me}});
    expect((wire_atom, role_directory), from(self).to(oms));
    expect((reconcile_orders), from(oms).to(conn));
    ++round;
  }

  // The connector's answer to the round: an empty, complete venue.
  void reconcile() {
    venue_snapshot s;
    s.venue = test_venue;
    s.round = round;
    s.complete = true;
    self->send(oms, s);
    expect((venue_snapshot), from(self).to(oms));
  }

  void hold_lease(int64_t epoch) { lease.hold("oms", epoch, lease_clock_ns() + one_hour_ns); }

  // The OMS's stats, after whatever it has queued (no timer fires: the
  // reconciliation's retry timers stay pending).
  int64_t counter(const std::string& key) {
    auto answer = self->request(oms, caf::infinite, stats_atom::value);
    consume_messages();
    int64_t n = -1;
    answer.receive([&](const actor_stats& s) { n = s.counters.count(key) ? s.counters.at(key) : -2; },
                   [](caf::error&) { CAF_FAIL("no stats"); });
    return n;
  }

  // Sends an order as risk and expects it refused to risk, never routed
  // (with a journal the reject waits for its batch's commit: the OMS's
  // queue is worked through before it is read).
  order_reject refused(const std::string& id) {
    auto routed_before = venue_log->orders.size();
    auto rejects_before = risk_log->rejects.size();
    self->send(oms, order(id));
    expect((order_request), from(self).to(oms));
    disallow((order_request), from(oms).to(conn));
    consume_messages();
    CAF_CHECK_EQUAL(venue_log->orders.size(), routed_before);
    CAF_REQUIRE_EQUAL(risk_log->rejects.size(), rejects_before + 1);
    CAF_CHECK_EQUAL(risk_log->rejects.back().id.value, id);
    return risk_log->rejects.back();
  }

  // A journal path that cannot open (its folder is a file).
  std::string unopenable_journal() {
    std::ofstream(dir.file("not-a-folder")) << "x";
    return dir.file("not-a-folder") + "/oms.sqlite";
  }

  // Rewires the OMS with `connector` as the venue's (none: the venue left
  // the directory); a new one is asked for a reconciliation round.
  void rewire(const caf::actor& connector) {
    caf::actor me = self;
    role_directory d{{"risk", risk}, {"kill", me}};
    if (connector)
      d.emplace(connector_role(test_venue), connector);
    self->send(oms, wire_atom::value, d);
    expect((wire_atom, role_directory), from(self).to(oms));
    if (connector)
      expect((reconcile_orders), from(oms).to(connector));
  }

  order_request routed(const std::string& id) {
    self->send(oms, order(id));
    expect((order_request), from(self).to(oms));
    expect((order_request), from(oms).to(conn));
    CAF_REQUIRE(!venue_log->orders.empty());
    CAF_CHECK_EQUAL(venue_log->orders.back().id.value, id);
    return venue_log->orders.back();
  }
};

std::string reason(const order_reject& r) { return to_string(r.reason); }

} // namespace

CAF_TEST_FIXTURE_SCOPE(oms_phase_actor_tests, fixture)

CAF_TEST(an_order_before_reconciliation_is_refused_not_reconciled_and_counted) {
  hold_lease(7);
  start();
  CAF_CHECK_EQUAL(counter("phase.reconciling"), 1);
  auto rej = refused("o1");
  CAF_CHECK_EQUAL(reason(rej), "not_reconciled");
  CAF_CHECK_EQUAL(counter("phase.refused.reconciling"), 1);
  CAF_CHECK(venue_log->orders.empty());
}

CAF_TEST(the_gate_comes_first_in_every_phase) {
  hold_lease(7);
  start();
  gate.close(1);
  CAF_CHECK_EQUAL(reason(refused("o1")), "kill_gate_closed"); // reconciling
  // The gate's refusal is the gate's, not the phase's (docs/oms.md).
  CAF_CHECK_EQUAL(counter("phase.refused.reconciling"), 0);
  reconcile();
  CAF_CHECK_EQUAL(counter("phase.trading"), 1);
  CAF_CHECK_EQUAL(reason(refused("o2")), "kill_gate_closed"); // trading
}

CAF_TEST(the_gate_comes_first_in_standby) {
  start(); // the lease never held
  reconcile();
  CAF_REQUIRE_EQUAL(counter("phase.standby"), 1);
  gate.close(1);
  CAF_CHECK_EQUAL(reason(refused("o1")), "kill_gate_closed");
  CAF_CHECK_EQUAL(counter("phase.refused.standby"), 0);
}

CAF_TEST(the_gate_comes_first_when_halted) {
  hold_lease(7);
  start(unopenable_journal());
  CAF_REQUIRE_EQUAL(counter("phase.halted"), 1);
  gate.close(1);
  CAF_CHECK_EQUAL(reason(refused("o1")), "kill_gate_closed");
  CAF_CHECK_EQUAL(counter("phase.refused.halted"), 0);
}

// A configured journal that never opened cannot journal before a send: the
// OMS is halted from the start, not trading with every write failing.
CAF_TEST(a_journal_that_never_opened_halts_it_from_the_start) {
  hold_lease(7);
  start(unopenable_journal());
  reconcile();
  CAF_CHECK_EQUAL(counter("phase.halted"), 1);
  CAF_CHECK_EQUAL(counter("phase.trading"), 0);
  auto rej = refused("o1");
  CAF_CHECK_EQUAL(reason(rej), "trading_halted");
  CAF_CHECK(rej.detail.rfind("OMS halted, journal unreliable: journal did not open", 0) == 0);
  CAF_CHECK_EQUAL(counter("phase.refused.halted"), 1);
}

// Outside trading an amend gets the amend checks first: an unknown original
// is refused replace_refused and counted in amends.refused, as in trading.
CAF_TEST(an_amend_outside_trading_is_checked_as_an_amend_first) {
  hold_lease(7);
  start();
  self->send(oms, amend_request{client_order_id{"nope"}, order("a1")});
  expect((amend_request), from(self).to(oms));
  consume_messages();
  CAF_REQUIRE_EQUAL(risk_log->rejects.size(), 1u);
  CAF_CHECK_EQUAL(reason(risk_log->rejects.back()), "replace_refused");
  CAF_CHECK(risk_log->rejects.back().detail.find("unknown") != std::string::npos);
  CAF_CHECK_EQUAL(counter("amends.refused"), 1);
  CAF_CHECK_EQUAL(counter("phase.refused.reconciling"), 0);
  CAF_CHECK(venue_log->orders.empty());
}

CAF_TEST(a_reconciled_venue_moves_to_trading_and_orders_carry_the_lease_epoch) {
  hold_lease(7);
  start();
  reconcile();
  CAF_CHECK_EQUAL(counter("phase.trading"), 1);
  CAF_CHECK_EQUAL(counter("phase.changes"), 1);
  CAF_CHECK_EQUAL(routed("o1").lease_epoch, 7);
}

CAF_TEST(the_lease_lapsing_moves_it_to_standby_and_a_held_lease_back_to_trading) {
  hold_lease(7);
  start();
  reconcile();
  lease.drop("oms");
  CAF_CHECK_EQUAL(reason(refused("o1")), "no_trading_lease");
  CAF_CHECK_EQUAL(counter("phase.standby"), 1);
  // In standby the next order is refused by the phase, and counted there.
  CAF_CHECK_EQUAL(reason(refused("o2")), "no_trading_lease");
  CAF_CHECK_EQUAL(counter("phase.refused.standby"), 1);
  hold_lease(8);
  CAF_CHECK_EQUAL(routed("o3").lease_epoch, 8);
  CAF_CHECK_EQUAL(counter("phase.trading"), 1);
  CAF_CHECK_EQUAL(counter("phase.changes"), 3);
}

CAF_TEST(a_node_without_the_lease_shows_standby_as_soon_as_it_is_reconciled) {
  start(); // the role is leased here, never held
  reconcile();
  CAF_CHECK_EQUAL(counter("phase.standby"), 1);
  CAF_CHECK_EQUAL(reason(refused("o1")), "no_trading_lease");
}

CAF_TEST(a_connector_restart_moves_trading_back_to_reconciling) {
  hold_lease(7);
  start();
  reconcile();
  auto conn2 = sys.spawn(recorder, venue_log);
  self->send(oms, wire_atom::value, role_directory{{connector_role(test_venue), conn2}, {"risk", risk}});
  expect((wire_atom, role_directory), from(self).to(oms));
  expect((reconcile_orders), from(oms).to(conn2));
  CAF_CHECK_EQUAL(counter("phase.reconciling"), 1);
  auto rej = refused("o1");
  CAF_CHECK_EQUAL(reason(rej), "not_reconciled");
  CAF_CHECK(rej.detail.find("connector restarted") != std::string::npos);
  caf::anon_send_exit(conn2, caf::exit_reason::user_shutdown);
}

CAF_TEST(a_connector_restart_moves_standby_back_to_reconciling) {
  start(); // the lease never held
  reconcile();
  CAF_REQUIRE_EQUAL(counter("phase.standby"), 1);
  auto conn2 = sys.spawn(recorder, venue_log);
  rewire(conn2);
  CAF_CHECK_EQUAL(counter("phase.reconciling"), 1);
  CAF_CHECK_EQUAL(counter("phase.changes"), 3);
  CAF_CHECK_EQUAL(reason(refused("o1")), "not_reconciled");
  caf::anon_send_exit(conn2, caf::exit_reason::user_shutdown);
}

// A venue whose connector left the directory does not route, even with its
// reconciliation running: with no other venue the OMS is reconciling.
CAF_TEST(a_connector_leaving_the_directory_moves_trading_back_to_reconciling) {
  hold_lease(7);
  start();
  reconcile();
  CAF_REQUIRE_EQUAL(counter("phase.trading"), 1);
  rewire(caf::actor{});
  CAF_CHECK_EQUAL(counter("phase.reconciling"), 1);
  CAF_CHECK_EQUAL(reason(refused("o1")), "venue_not_connected");
}

// An order held for its journal batch leaves after what the mailbox held
// before the commit: here a connector restart. It is refused with the
// phase's reason (journaled), never sent to the replaced connector.
CAF_TEST(a_held_order_is_refused_when_its_connector_restarted_before_the_commit) {
  hold_lease(7);
  start(dir.file("oms.sqlite"));
  reconcile();
  consume_messages(); // the baseline's batch commits
  auto conn2 = sys.spawn(recorder, venue_log);
  caf::actor me = self;
  // The mailbox: [order, connector restart]; the order's flush queues behind.
  self->send(oms, order("o1"));
  self->send(oms, wire_atom::value,
             role_directory{{connector_role(test_venue), conn2}, {"risk", risk}, {"kill", me}});
  expect((order_request), from(self).to(oms)); // journaled, held for its batch
  expect((wire_atom, role_directory), from(self).to(oms));
  expect((reconcile_orders), from(oms).to(conn2));
  disallow((order_request), from(oms).to(conn));
  consume_messages();
  CAF_CHECK(venue_log->orders.empty());
  CAF_REQUIRE_EQUAL(risk_log->rejects.size(), 1u);
  CAF_CHECK_EQUAL(risk_log->rejects.back().id.value, "o1");
  CAF_CHECK_EQUAL(reason(risk_log->rejects.back()), "not_reconciled");
  CAF_CHECK_EQUAL(counter("phase.refused.reconciling"), 1);
  CAF_CHECK_EQUAL(counter("status.REJECTED"), 1);
  caf::anon_send_exit(conn2, caf::exit_reason::user_shutdown);
}

// A state change the journal does not take (even record by record) halts
// the OMS (only a restart leaves halted, oms_phase_test): it asks the test
// (its kill coordinator) for a node halt and refuses new orders
// trading_halted, counted in the phase.
CAF_TEST(a_lost_journal_change_halts_it_and_orders_are_refused_trading_halted) {
  hold_lease(7);
  start(dir.file("oms.sqlite"));
  reconcile();
  consume_messages(); // the baseline's batch commits
  // Held until its batch commits (journal before send), then routed.
  self->send(oms, order("o1"));
  consume_messages();
  CAF_REQUIRE_EQUAL(venue_log->orders.size(), 1u);
  oms_fixture venue;
  venue.store.submit(order("o1"), venue.tick());
  faults->commits = 1;
  faults->single_writes = 1;
  self->send(oms, venue.report("o1", order_status::accepted, "0"));
  consume_messages();
  kill_command kill;
  self->receive([&](const kill_command& k) { kill = k; },
                caf::after(std::chrono::seconds(0)) >> [] { CAF_FAIL("no node kill asked"); });
  CAF_CHECK_EQUAL(kill.scope, kill_scope::node);
  CAF_CHECK_EQUAL(counter("phase.halted"), 1);
  CAF_CHECK_EQUAL(counter("journal.kills_requested"), 1);
  auto rej = refused("o2");
  CAF_CHECK_EQUAL(reason(rej), "trading_halted");
  CAF_CHECK(rej.detail.rfind("OMS halted, journal unreliable", 0) == 0);
  CAF_CHECK_EQUAL(counter("phase.refused.halted"), 1);
}

CAF_TEST_FIXTURE_SCOPE_END()
