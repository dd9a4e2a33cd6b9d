// The risk actor under CAF's deterministic test coordinator (issue 26): no
// threads, no sleeps, no quiet windows. risk_actor_test's
// loss_breach_sends_exactly_one_kill raced a test thread closing the gate
// with the marks risk was still handling; here every message is handled in
// the order the test says, the kill coordinator double closes the gate
// before it answers (as the real one does: gate first), and "no second
// kill" is a disallow on the very next message, not a wait.
#define CAF_SUITE risk_actor_sched
#include "tests/support/unit_test.hpp"

#include "caf/test/dsl.hpp"

#include <memory>
#include <vector>

#include "actors/risk/risk_actor.hpp"
#include "common/operator_auth.hpp"
#include "messages/registry.hpp"
#include "tests/unit/risk/risk_test_fixture.hpp"

using namespace cwts;
using namespace cwts::risk::testing;

namespace {

struct risk_sched_config : caf::actor_system_config {
  risk_sched_config() { register_message_types(*this); }
};

struct seen {
  std::vector<order_request> orders;
  std::vector<order_reject> rejects;
  std::vector<kill_command> kills;
};

// The OMS and the strategy: record what risk sends them.
caf::behavior recorder(caf::event_based_actor* self, std::shared_ptr<seen> log) {
  self->set_default_handler(caf::drop); // reports, journal records: not asserted here
  return {
    [=](const order_request& o) { log->orders.push_back(o); },
    [=](const order_reject& r) { log->rejects.push_back(r); },
  };
}

// The kill coordinator: gate first, then the report.
caf::behavior kill_double(caf::event_based_actor*, kill_gate* gate, std::shared_ptr<seen> log) {
  return {
    [=](const kill_command& k) -> kill_report {
      log->kills.push_back(k);
      gate->close(static_cast<uint8_t>(k.level));
      return kill_report{k.id, k.origin, true, {}, {}, 0, ""};
    },
  };
}

struct fixture : test_coordinator_fixture<risk_sched_config> {
  kill_gate gate;
  std::shared_ptr<const ed25519_signer> node_key =
    std::make_shared<const ed25519_signer>(ed25519_signer::generate());
  std::shared_ptr<seen> oms_log = std::make_shared<seen>();
  std::shared_ptr<seen> strategy_log = std::make_shared<seen>();
  std::shared_ptr<seen> kill_log = std::make_shared<seen>();
  caf::actor risk;
  caf::actor oms;
  caf::actor strategy;
  caf::actor kill;
  int64_t trade_seq = 0;

  fixture() {
    risk_actor_config cfg;
    cfg.self = node_id{"n1"};
    cfg.gate = &gate;
    cfg.limits = default_limits(); // loss limit 1000, drawdown 500
    cfg.rules = default_rules();
    cfg.memory = std::make_shared<risk_memory>();
    cfg.kill_issuer = operator_id{"node-n1"};
    cfg.kill_key = node_key;
    risk = spawn_risk(sys, cfg);
    oms = sys.spawn(recorder, oms_log);
    strategy = sys.spawn(recorder, strategy_log);
    kill = sys.spawn(kill_double, &gate, kill_log);
    self->send(risk, wire_atom::value,
               role_directory{{"oms", oms}, {"strategy", strategy}, {"kill", kill}});
    expect((wire_atom, role_directory), from(self).to(risk));
  }

  ~fixture() override {
    for (auto& a : {risk, oms, strategy, kill})
      caf::anon_send_exit(a, caf::exit_reason::kill);
    consume_messages();
  }

  void mark(const char* p) {
    self->send(risk, trade{sym("BTCUSDT"), trade_id{++trade_seq}, px(p), qt("0.01"), false,
                           wall_clock_now(), wall_clock_now()});
    expect((trade), from(self).to(risk));
  }

  // A buy of `q` at `p` through risk to the OMS, filled in one report.
  void buy_filled(const char* id, const char* q, const char* p) {
    auto o = limit_order(id, side::buy, p, q);
    self->send(risk, o);
    expect((order_request), from(self).to(risk));
    expect((order_request), from(risk).to(oms));
    self->send(risk, report(o, order_status::filled, q, p, q));
    expect((execution_report), from(self).to(risk));
    consume_messages(); // the report's copies to the strategy
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(risk_actor_sched_tests, fixture)

CAF_TEST(a_loss_breach_sends_exactly_one_kill_and_the_closed_gate_stops_new_orders) {
  mark("30000");
  buy_filled("b1", "1", "30000");
  mark("29500"); // -500: within both limits (drawdown exactly at 500)
  disallow((kill_command), from(risk).to(kill));
  mark("28999"); // -1001: loss and drawdown breached at once: one kill
  expect((kill_command), from(risk).to(kill));
  CAF_REQUIRE_EQUAL(kill_log->kills.size(), 1u);
  auto& k = kill_log->kills.front();
  CAF_CHECK(k.level == kill_level::cancel_all);
  CAF_CHECK(k.scope == kill_scope::node);
  CAF_CHECK(ed25519_verify(node_key->public_key(), signing_payload(k), k.signature));
  CAF_CHECK(k.reason.find("loss_limit breached") != std::string::npos);
  CAF_CHECK(!gate.is_open()); // the double closed it before answering
  expect((kill_report), from(kill).to(risk));
  // Deeper, hovering and recovering while halted: no second kill.
  for (auto p : {"28000", "29100", "27000", "29900", "28000"}) {
    mark(p);
    disallow((kill_command), from(risk).to(kill));
  }
  CAF_CHECK_EQUAL(kill_log->kills.size(), 1u);
  // The gate closed by the kill refuses a new order at risk: it never
  // reaches the OMS, the strategy hears why.
  self->send(risk, limit_order("b2", side::buy, "28000", "0.1"));
  expect((order_request), from(self).to(risk));
  disallow((order_request), from(risk).to(oms));
  consume_messages();
  CAF_CHECK_EQUAL(oms_log->orders.size(), 1u); // b1 only
  CAF_REQUIRE(!strategy_log->rejects.empty());
  CAF_CHECK_EQUAL(strategy_log->rejects.back().id.value, "b2");
  CAF_CHECK_EQUAL(std::string(to_string(strategy_log->rejects.back().reason)), "kill_gate_closed");
}

CAF_TEST_FIXTURE_SCOPE_END()
