// The OMS actor writes what the order-event records need (issue 22): risk's
// rejects with rule and reason, its own rejects, an amend's link, a kill's
// issuer; read back through reporting/orders' reader.
#define CAF_SUITE report_orders_oms_records
#include "tests/support/unit_test.hpp"

#include <chrono>
#include <thread>

#include "caf/all.hpp"

#include "actors/oms/oms_actor.hpp"
#include "actors/risk/risk_actor.hpp"
#include "messages/registry.hpp"
#include "reporting/orders/journal_reader.hpp"
#include "tests/unit/report_orders/event_lookup.hpp"
#include "tests/integration/support/process.hpp"
#include "tests/unit/actor_test_system.hpp"
#include "tests/unit/oms/oms_test_fixture.hpp"
#include "tests/unit/oms/temp_dir.hpp"

using namespace cwts;
using namespace cwts::oms::testing;
using namespace cwts::report;
using cwts::report::lookup::find;
using namespace std::chrono_literals;

namespace {

// The test plays connector, risk and strategy: what the OMS sends to any of
// them arrives at the scoped actor.
struct fixture : testing::actor_test_system {
  kill_gate gate;
  temp_dir dir;
  std::string path = dir.file("oms.sqlite");
  caf::actor oms;
  oms_fixture venue;

  fixture() {
    oms_actor_config cfg;
    cfg.self = node_id{"tr1"};
    cfg.gate = &gate;
    cfg.journal_path = path;
    oms = spawn_oms(*sys, cfg);
    caf::actor me = *self;
    (*self)->send(oms, wire_atom::value, role_directory{{connector_role(test_venue), me}, {"risk", me}});
    reconcile_orders asked;
    (*self)->receive([&](const reconcile_orders& r) { asked = r; },
                     caf::after(5s) >> [] { CAF_FAIL("no reconcile_orders"); });
    venue_snapshot s;
    s.venue = test_venue;
    s.complete = true;
    s.round = asked.round;
    s.assets.push_back(symbol_assets{*symbol::parse("BTCUSDT"), "BTC", "USDT"});
    (*self)->send(oms, s);
  }

  ~fixture() {
    (*self)->send_exit(oms, caf::exit_reason::kill);
    shutdown();
  }

  // Polls the journal (read-only, as the report does) until it holds `n`
  // records or 5 s passed: the OMS commits when its flush message comes up.
  std::vector<order_event> journal_with(size_t n) {
    std::vector<order_event> got;
    itest::wait_until(
      [&] {
        got.clear();
        auto why = read_journal(path, {timestamp_ns{0}, timestamp_ns{INT64_MAX}}, got);
        CAF_REQUIRE_EQUAL(why, "");
        return got.size() >= n;
      },
      5s, 5ms);
    return got;
  }

  template <class T>
  T expect() {
    T got;
    (*self)->receive([&](const T& x) { got = x; }, caf::after(5s) >> [] { CAF_FAIL("nothing came"); });
    return got;
  }

  void accepted(const std::string& id) {
    venue.store.submit(order(id), venue.tick());
    (*self)->send(oms, venue.report(id, order_status::accepted, "0"));
  }
};


} // namespace

CAF_TEST_FIXTURE_SCOPE(oms_records_tests, fixture)

CAF_TEST(risk_rejects_are_journaled_with_rule_and_reason) {
  auto req = order("big", "50");
  req.strategy.value = "mm";
  order_reject rej{req.id, req.sym, reject_reason::max_qty_exceeded, "qty 50 > max 10",
                   wall_clock_now(), req.venue};
  (*self)->send(oms, risk_rejected_atom::value, req, rej);
  auto got = journal_with(1);
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  auto& e = got.front();
  CAF_CHECK_EQUAL(to_string(e.type), std::string("rejected"));
  CAF_CHECK_EQUAL(e.rejected_by, "cwts");
  CAF_CHECK_EQUAL(e.reject_rule, "max_qty_exceeded");
  CAF_CHECK_EQUAL(e.text, "qty 50 > max 10");
  CAF_CHECK_EQUAL(e.initiator, "risk");
  CAF_CHECK_EQUAL(e.strategy.value, "mm");
  CAF_CHECK_EQUAL(e.quantity.to_string(), qt("50").to_string());
  CAF_CHECK_EQUAL(e.node, "tr1");
  CAF_CHECK_EQUAL(e.clock_source, "oms_clock@tr1");
}

// Review R1 H2: what risk did not forward one by one is one row that says
// how many, and exports as rejects_suppressed (never as one plain reject).
CAF_TEST(a_summary_of_suppressed_risk_rejects_is_one_row_with_its_count) {
  auto req = order("spam-9999", "50");
  req.strategy.value = "mm";
  order_reject rej{req.id, req.sym, reject_reason::max_qty_exceeded,
                   "9800 rejects (max_qty_exceeded) of strategy 'mm' suppressed between 1 and 2 "
                   "ns UTC, over 100/s; the last: qty 50 > max 10",
                   wall_clock_now(), req.venue};
  (*self)->send(oms, risk_rejected_atom::value, req, rej, int64_t{9800});
  (*self)->send(oms, risk_rejected_atom::value, req, rej, int64_t{0}); // nothing: no row
  (*self)->send(oms, risk_rejected_atom::value, order("after"), rej);
  auto got = journal_with(2);
  CAF_REQUIRE_EQUAL(got.size(), 2u);
  auto& e = got.front();
  CAF_CHECK_EQUAL(to_string(e.type), std::string("rejects_suppressed"));
  CAF_CHECK_EQUAL(e.initiator, "risk_summary");
  CAF_CHECK_EQUAL(e.reject_rule, "max_qty_exceeded");
  CAF_CHECK_EQUAL(e.text.rfind("9800 rejects", 0), 0u);
  CAF_CHECK_EQUAL(e.strategy.value, "mm");
  CAF_CHECK_EQUAL(to_string(got.back().type), std::string("rejected"));
}

CAF_TEST(the_oms_journals_its_own_rejects_of_orders_it_never_sent) {
  (*self)->send(oms, order("o1"));
  CAF_CHECK_EQUAL(expect<order_request>().id.value, "o1");
  (*self)->send(oms, order("o1")); // the same client order id again
  CAF_CHECK_EQUAL(std::string(to_string(expect<order_reject>().reason)), "duplicate_client_order_id");
  gate.close(1); // a level-1 kill after risk passed the order
  (*self)->send(oms, order("o2"));
  CAF_CHECK_EQUAL(std::string(to_string(expect<order_reject>().reason)), "kill_gate_closed");
  auto got = journal_with(3);
  CAF_REQUIRE_EQUAL(got.size(), 3u);
  CAF_CHECK_EQUAL(to_string(got[0].type), std::string("new"));
  CAF_CHECK_EQUAL(got[0].initiator, "strategy");
  auto* dup = find(got, "o1", order_event_type::rejected);
  CAF_REQUIRE(dup != nullptr);
  CAF_CHECK_EQUAL(dup->reject_rule, "duplicate_client_order_id");
  CAF_CHECK_EQUAL(dup->initiator, "oms");
  auto* gated = find(got, "o2", order_event_type::rejected);
  CAF_REQUIRE(gated != nullptr);
  CAF_CHECK_EQUAL(gated->reject_rule, "kill_gate_closed");
  CAF_CHECK_EQUAL(gated->rejected_by, "cwts");
}

CAF_TEST(an_amend_links_the_original_and_its_replacement) {
  (*self)->send(oms, order("a1"));
  expect<order_request>();
  accepted("a1");
  (*self)->send(oms, amend_request{client_order_id{"a1"}, order("a1-r", "2")});
  CAF_CHECK_EQUAL(expect<cancel_request>().id.value, "a1");
  (*self)->send(oms, venue.report("a1", order_status::canceled, "0"));
  CAF_CHECK_EQUAL(expect<order_request>().id.value, "a1-r");
  auto got = journal_with(5);
  auto* cancel = find(got, "a1", order_event_type::cancel_requested);
  CAF_REQUIRE(cancel != nullptr);
  CAF_CHECK_EQUAL(cancel->initiator, "amend");
  CAF_CHECK_EQUAL(cancel->related_id.value, "a1-r");
  auto* repl = find(got, "a1-r", order_event_type::replaced);
  CAF_REQUIRE(repl != nullptr);
  CAF_CHECK_EQUAL(repl->related_id.value, "a1");
  CAF_CHECK_EQUAL(repl->quantity.to_string(), qt("2").to_string());
  CAF_CHECK(find(got, "a1", order_event_type::canceled) != nullptr);
  auto* acc = find(got, "a1", order_event_type::accepted);
  CAF_REQUIRE(acc != nullptr);
  CAF_CHECK_EQUAL(acc->initiator, "venue");
  CAF_CHECK_EQUAL(acc->venue_id.value, 42);
  // The venue report's time is its connector's (here an actor of node tr1),
  // the OMS's own records are on the OMS's clock (review R1 M4).
  CAF_CHECK_EQUAL(acc->clock_source, "connector_clock@tr1");
  auto* cancel_req = find(got, "a1", order_event_type::cancel_requested);
  CAF_REQUIRE(cancel_req != nullptr);
  CAF_CHECK_EQUAL(cancel_req->clock_source, "oms_clock@tr1");
}

CAF_TEST(a_kills_cancels_name_the_kill_and_its_issuer) {
  (*self)->send(oms, order("k1"));
  expect<order_request>();
  accepted("k1");
  kill_command cmd;
  cmd.id = kill_id{"kill-7"};
  cmd.level = kill_level::cancel_all;
  cmd.scope = kill_scope::node;
  cmd.issuer = operator_id{"alice"};
  (*self)->request(oms, 5s, cancel_all_atom::value, cmd)
    .receive([](const channel_result& r) { CAF_CHECK_EQUAL(r.orders_canceled, 1); },
             [](caf::error& e) { CAF_FAIL("cancel_all: " << caf::to_string(e)); });
  auto got = journal_with(3);
  auto* cancel = find(got, "k1", order_event_type::cancel_requested);
  CAF_REQUIRE(cancel != nullptr);
  CAF_CHECK_EQUAL(cancel->initiator, "kill");
  CAF_CHECK_EQUAL(cancel->issuer.value, "alice");
  CAF_CHECK(cancel->text.find("kill-7") != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()

// Risk forwards every order its pre-trade check refuses, with the reject, to
// the OMS (which journals it, above); the strategy still gets the reject.
CAF_TEST(risk_forwards_each_refused_order_with_its_reject_to_the_oms) {
  testing::actor_test_system t;
  kill_gate gate;
  risk_actor_config cfg;
  cfg.self = node_id{"tr1"};
  cfg.gate = &gate;
  auto sym = *symbol::parse("BTCUSDT");
  cfg.limits.tradable.insert(sym);
  cfg.limits.per_symbol[sym].max_order_qty = qt("10");
  cfg.limits.default_strategy = risk::strategy_limits{1000, 1000, 1000};
  auto risk = spawn_risk(*t.sys, cfg);
  caf::actor me = *t.self;
  (*t.self)->send(risk, wire_atom::value, role_directory{{"oms", me}, {"strategy", me}});
  auto big = order("big", "50");
  (*t.self)->send(risk, big);
  bool to_strategy = false, to_oms = false;
  for (int i = 0; i < 2; ++i)
    (*t.self)->receive(
      [&](const order_reject& rej) {
        to_strategy = true;
        CAF_CHECK_EQUAL(rej.id.value, "big");
      },
      [&](risk_rejected_atom, const order_request& req, const order_reject& rej) {
        to_oms = true;
        CAF_CHECK_EQUAL(req.id.value, "big");
        CAF_CHECK_EQUAL(req.quantity.to_string(), qt("50").to_string());
        CAF_CHECK_NOT_EQUAL(rej.detail, "");
        CAF_MESSAGE("risk refused: " << to_string(rej.reason) << " " << rej.detail);
      },
      [](const order_request& r) { CAF_FAIL("risk passed " << r.id.value); },
      caf::after(5s) >> [] { CAF_FAIL("risk answered neither"); });
  CAF_CHECK(to_strategy);
  CAF_CHECK(to_oms);
  (*t.self)->send_exit(risk, caf::exit_reason::kill);
  t.shutdown();
}
