#define CAF_SUITE risk_actor
#include "tests/support/unit_test.hpp"

#include <chrono>
#include <memory>

#include <unistd.h>

#include <cstdio>

#include "caf/all.hpp"

#include "actors/risk/risk_actor.hpp"
#include "common/operator_auth.hpp"
#include "messages/registry.hpp"
#include "tests/unit/actor_test_system.hpp"
#include "tests/unit/order_replies.hpp"
#include "tests/unit/risk/risk_test_fixture.hpp"

using namespace cwts;
using namespace cwts::risk::testing;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The test plays oms, strategy and kill coordinator at once: whatever risk
// sends to any of them arrives at the scoped actor. Operators: alice holds
// risk-officer, bob only operations; keys are generated per test.
struct fixture : testing::actor_test_system {
  kill_gate gate;
  ed25519_signer alice = ed25519_signer::generate();
  ed25519_signer bob = ed25519_signer::generate();
  std::shared_ptr<const operator_registry> operators = std::make_shared<operator_registry>(
    std::vector<operator_key>{
      operator_key{operator_id{"alice"}, alice.public_key(), {operator_role::risk_officer}},
      operator_key{operator_id{"bob"}, bob.public_key(), {operator_role::operations}}},
    30s);
  std::shared_ptr<const ed25519_signer> node_key =
    std::make_shared<const ed25519_signer>(ed25519_signer::generate());
  std::shared_ptr<risk_memory> memory = std::make_shared<risk_memory>();
  int next_command = 0;
  std::vector<caf::actor> spawned;

  // Kill requests keep a 30 s timeout pending inside risk: stop every risk
  // actor explicitly so the system does not wait for it.
  ~fixture() {
    for (auto& a : spawned)
      (*self)->send_exit(a, caf::exit_reason::kill);
    shutdown();
  }

  // Set to make risk keep its decisions in a file (a process restart is a
  // start() with a fresh `memory`).
  std::string decisions_path;

  // Strategy "mm" trips after 2 fills in a minute; loss limit 1000, drawdown 500.
  caf::actor start() {
    risk_actor_config cfg;
    cfg.self = node_id{"n1"};
    cfg.gate = &gate;
    cfg.limits = default_limits();
    cfg.limits.per_strategy[strategy_id{"mm"}] = risk::strategy_limits{100, 2, 60'000};
    cfg.rules = default_rules();
    cfg.operators = operators;
    cfg.memory = memory;
    cfg.kill_issuer = operator_id{"node-n1"};
    cfg.kill_key = node_key;
    cfg.decisions_path = decisions_path;
    auto risk = spawn_risk(*sys, cfg);
    spawned.push_back(risk);
    caf::actor me = *self;
    (*self)->send(risk, wire_atom::value,
                  role_directory{{"oms", me}, {"strategy", me}, {"kill", me}});
    return risk;
  }

  void stop(const caf::actor& risk) {
    (*self)->monitor(risk);
    (*self)->send_exit(risk, caf::exit_reason::kill);
    (*self)->receive([](const caf::down_msg&) {},
                     caf::after(5s) >> [] { CAF_FAIL("risk did not stop"); });
  }

  void send_mark(const caf::actor& risk, const char* p) {
    (*self)->send(risk, trade{sym("BTCUSDT"), trade_id{++trade_seq_}, px(p), qt("0.01"), false,
                              wall_clock_now(), wall_clock_now()});
  }

  operator_command command(const ed25519_signer& key, const char* issuer, operator_action a,
                           std::string target, std::string field = {}, std::string value = {}) {
    operator_command c{command_id{"cmd-" + std::to_string(++next_command)}, a, operator_id{issuer},
                       wall_clock_now(), std::move(target), std::move(field), std::move(value),
                       "unit test", {}};
    c.signature = key.sign(signing_payload(c));
    return c;
  }

  command_result ask(const caf::actor& risk, const operator_command& c) {
    command_result got;
    (*self)->request(risk, 5s, c).receive([&](const command_result& r) { got = r; },
                                          [](caf::error&) { CAF_FAIL("no command_result"); });
    return got;
  }

  // Order o1 (1 BTC at the 30000 mark) sent, then three fills of it within
  // the minute: the third trips the execution throttle's latch.
  void trip_fill_latch(const caf::actor& risk) {
    send_mark(risk, "30000");
    auto o = limit_order("o1", side::buy, "30000", "1");
    (*self)->send(risk, o);
    expect_sent();
    for (const char* cum : {"0.1", "0.2", "0.3"})
      (*self)->send(risk, report(o, order_status::partially_filled, "0.1", "30000", cum));
  }

  order_request expect_sent() { return testing::expect_order_sent(*self); }
  order_reject expect_reject() { return testing::expect_order_reject(*self); }

  // Answers the kill request as the coordinator would: gate first (closed at
  // the kill's level before the reply, so every mark risk handles after the
  // kill sees the node halted, as in a node), then the report. Fails on timeout.
  kill_command expect_kill() {
    kill_command got;
    (*self)->receive(
      [&](const kill_command& k) -> kill_report {
        got = k;
        gate.close(static_cast<uint8_t>(k.level));
        return kill_report{k.id, k.origin, true, {}, {}, 0, ""};
      },
      caf::after(5s) >> [] { CAF_FAIL("no kill_command"); });
    return got;
  }

  void expect_no_kill(std::chrono::milliseconds wait) {
    (*self)->receive(
      [&](const kill_command& k) -> kill_report {
        CAF_FAIL("second kill_command: " << k.reason);
        return kill_report{};
      },
      caf::after(wait) >> [] {});
  }

  // A buy of `q` at `p` sent through risk and filled in one report.
  void buy_filled(const caf::actor& risk, const char* id, const char* q, const char* p) {
    auto o = limit_order(id, side::buy, p, q);
    (*self)->send(risk, o);
    expect_sent();
    (*self)->send(risk, report(o, order_status::filled, q, p, q));
  }

  std::string reason(const order_reject& r) { return to_string(r.reason); }

  int64_t trade_seq_ = 0;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(risk_actor_tests, fixture)

CAF_TEST(an_amend_replacement_is_checked_like_a_new_order) {
  auto risk = start();
  send_mark(risk, "30000");
  auto o = limit_order("a1", side::buy, "30000", "1");
  (*self)->send(risk, o);
  expect_sent();
  // Within the limits: the amend goes on to the OMS.
  auto ok = limit_order("a1-r", side::buy, "30010", "1");
  (*self)->send(risk, amend_request{o.id, ok});
  amend_request passed;
  (*self)->receive([&](const amend_request& a) { passed = a; },
                   [](const order_reject& rej) { CAF_FAIL("amend refused: " << rej.detail); },
                   caf::after(5s) >> [] { CAF_FAIL("amend not passed on"); });
  CAF_CHECK_EQUAL(passed.replacement.id.value, "a1-r");
  // A replacement above the max quantity is refused with the rule's reason.
  auto big = limit_order("a1-s", side::buy, "30000", "1000000");
  (*self)->send(risk, amend_request{o.id, big});
  auto rej = expect_reject();
  CAF_CHECK_EQUAL(rej.id.value, "a1-s");
  CAF_CHECK_EQUAL(reason(rej), "max_qty_exceeded");
  stop(risk);
}

CAF_TEST(latch_stays_tripped_until_an_authorized_reenable) {
  auto risk = start();
  trip_fill_latch(risk);
  (*self)->send(risk, limit_order("o2", side::buy, "30000", "0.1"));
  auto rej = expect_reject();
  CAF_CHECK_EQUAL(reason(rej), "execution_throttle_tripped");
  // Refused: a signer without the role, a forged signature, no command at all.
  auto r1 = ask(risk, command(bob, "bob", operator_action::reenable_throttle, "mm"));
  CAF_CHECK(!r1.accepted);
  CAF_CHECK(contains(r1.detail, "lacks role 'risk-officer'"));
  auto forged = command(bob, "alice", operator_action::reenable_throttle, "mm");
  auto r2 = ask(risk, forged);
  CAF_CHECK(!r2.accepted);
  CAF_CHECK(contains(r2.detail, "bad signature"));
  CAF_CHECK_EQUAL(r2.node, node_id{"n1"});
  (*self)->send(risk, limit_order("o3", side::buy, "30000", "0.1"));
  CAF_CHECK_EQUAL(reason(expect_reject()), "execution_throttle_tripped");
  // Authorized: re-enabled, orders pass again; the same command replayed is refused.
  auto good = command(alice, "alice", operator_action::reenable_throttle, "mm");
  auto r3 = ask(risk, good);
  CAF_CHECK(r3.accepted);
  CAF_CHECK(contains(r3.detail, "re-enabled"));
  (*self)->send(risk, limit_order("o4", side::buy, "30000", "0.1"));
  CAF_CHECK_EQUAL(expect_sent().id.value, "o4");
  auto r4 = ask(risk, good);
  CAF_CHECK(!r4.accepted);
  CAF_CHECK(contains(r4.detail, "replayed"));
  auto r5 = ask(risk, command(alice, "alice", operator_action::reenable_throttle, "mm"));
  CAF_CHECK(!r5.accepted);
  CAF_CHECK(contains(r5.detail, "not tripped"));
  (*self)->request(risk, 5s, stats_atom::value).receive(
    [](const actor_stats& s) {
      CAF_CHECK_EQUAL(s.counters.at("commands_accepted"), 1);
      CAF_CHECK_EQUAL(s.counters.at("commands_refused"), 4);
      CAF_CHECK_EQUAL(s.counters.at("throttle_trips"), 1);
      CAF_CHECK_EQUAL(s.counters.at("throttle_tripped_now"), 0);
    },
    [](caf::error&) { CAF_FAIL("no stats"); });
}

CAF_TEST(latch_survives_a_restart_of_the_actor) {
  auto risk = start();
  trip_fill_latch(risk);
  (*self)->send(risk, limit_order("o2", side::buy, "30000", "0.1"));
  CAF_CHECK_EQUAL(reason(expect_reject()), "execution_throttle_tripped");
  stop(risk);
  auto again = start(); // the supervisor's restart: same config, same memory
  (*self)->send(again, limit_order("o3", side::buy, "30000", "0.1"));
  CAF_CHECK_EQUAL(reason(expect_reject()), "execution_throttle_tripped");
  // Positions and order exposure are kept too: 0.3 filled, 0.7 of o1 open.
  (*self)->request(again, 5s, positions_atom::value)
    .receive(
      [](const std::vector<position_snapshot>& ps) {
        CAF_REQUIRE_EQUAL(ps.size(), 2u); // BTCUSDT and ETHUSDT have limits
        for (auto& p : ps)
          if (p.sym == sym("BTCUSDT"))
            CAF_CHECK_EQUAL(p.position, qt("0.3"));
      },
      [](caf::error&) { CAF_FAIL("no positions"); });
  (*self)->request(again, 5s, stats_atom::value)
    .receive(
      [](const actor_stats& s) { CAF_CHECK_EQUAL(s.counters.at("credit_used_raw.acct"),
                                                 nt("21000").raw); },
      [](caf::error&) { CAF_FAIL("no stats"); });
}

CAF_TEST(latch_and_changed_limits_survive_a_process_restart) {
  char tmpl[] = "/tmp/cwts-risk-decisions-XXXXXX";
  auto fd = ::mkstemp(tmpl);
  CAF_REQUIRE(fd >= 0);
  ::close(fd);
  decisions_path = tmpl;
  auto risk = start();
  trip_fill_latch(risk);
  auto changed = ask(risk, command(alice, "alice", operator_action::change_limit, "BTCUSDT",
                                   "max-order-qty", "0.5"));
  CAF_CHECK(changed.accepted);
  stop(risk);
  memory = std::make_shared<risk_memory>(); // a new process: nothing in memory
  auto again = start();
  send_mark(again, "30000");
  (*self)->send(again, limit_order("o2", side::buy, "30000", "0.1"));
  CAF_CHECK_EQUAL(reason(expect_reject()), "execution_throttle_tripped");
  auto reenabled = ask(again, command(alice, "alice", operator_action::reenable_throttle, "mm"));
  CAF_CHECK(reenabled.accepted);
  (*self)->send(again, limit_order("o3", side::buy, "30000", "0.6"));
  CAF_CHECK_EQUAL(reason(expect_reject()), "max_qty_exceeded");
  stop(again);
  memory = std::make_shared<risk_memory>();
  auto third = start(); // the re-enable is durable too
  send_mark(third, "30000");
  (*self)->send(third, limit_order("o4", side::buy, "30000", "0.1"));
  expect_sent();
  stop(third);
  std::remove(tmpl);
}

CAF_TEST(change_limit_commands_apply_or_are_refused_with_the_reason) {
  auto risk = start();
  send_mark(risk, "30000");
  auto r1 = ask(risk, command(alice, "alice", operator_action::change_limit, "BTCUSDT",
                              "max-order-qty", "0.5"));
  CAF_CHECK(r1.accepted);
  (*self)->send(risk, limit_order("o1", side::buy, "30000", "0.6"));
  CAF_CHECK_EQUAL(reason(expect_reject()), "max_qty_exceeded");
  (*self)->send(risk, limit_order("o2", side::buy, "30000", "0.5"));
  expect_sent();
  auto r2 = ask(risk, command(alice, "alice", operator_action::change_limit, "BTCUSDT",
                              "max-order-qty", "1e3"));
  CAF_CHECK(!r2.accepted);
  CAF_CHECK(contains(r2.detail, "max-order-qty: '1e3' is not a decimal"));
  auto r3 = ask(risk, command(alice, "alice", operator_action::change_limit, "BTCUSDT",
                              "max-leverage", "3"));
  CAF_CHECK_EQUAL(r3.detail, "unknown field 'max-leverage'");
  auto r4 = ask(risk, command(alice, "alice", operator_action::change_limit, "nobody",
                              "credit-limit", "5"));
  CAF_CHECK(contains(r4.detail, "unknown account 'nobody'"));
  // Credit: 0.5 × 30000 = 15 000 in flight; a limit of 20 000 leaves 5 000.
  auto r5 = ask(risk, command(alice, "alice", operator_action::change_limit, "acct",
                              "credit-limit", "20000"));
  CAF_CHECK(r5.accepted);
  (*self)->send(risk, limit_order("o3", side::sell, "30000", "0.2"));
  CAF_CHECK_EQUAL(reason(expect_reject()), "credit_limit_exceeded");
  // An unauthorized change leaves the limit as it was.
  auto r6 = ask(risk, command(bob, "bob", operator_action::change_limit, "acct", "credit-limit",
                              "1000000"));
  CAF_CHECK(!r6.accepted);
  (*self)->send(risk, limit_order("o4", side::sell, "30000", "0.2"));
  CAF_CHECK_EQUAL(reason(expect_reject()), "credit_limit_exceeded");
}

CAF_TEST(a_command_without_operator_keys_is_refused) {
  risk_actor_config cfg;
  cfg.self = node_id{"n1"};
  cfg.gate = &gate;
  cfg.limits = default_limits();
  cfg.rules = default_rules();
  auto risk = spawn_risk(*sys, cfg);
  auto r = ask(risk, command(alice, "alice", operator_action::reenable_throttle, "mm"));
  CAF_CHECK(!r.accepted);
  CAF_CHECK_EQUAL(r.detail, "no operator keys configured on this node");
  stop(risk);
}

CAF_TEST(loss_breach_sends_exactly_one_kill) {
  auto risk = start();
  send_mark(risk, "30000");
  buy_filled(risk, "b1", "1", "30000");
  send_mark(risk, "29500"); // -500: within both limits (drawdown exactly 500)
  expect_no_kill(200ms);
  send_mark(risk, "28999"); // -1001: loss and drawdown breached at once, one kill
  auto k = expect_kill();
  CAF_CHECK(k.level == kill_level::cancel_all);
  CAF_CHECK(k.scope == kill_scope::node);
  CAF_CHECK_EQUAL(k.scope_value, "n1");
  CAF_CHECK_EQUAL(k.origin, node_id{"n1"});
  // Signed with the node's key, under the name the operators file lists it.
  CAF_CHECK_EQUAL(k.issuer, operator_id{"node-n1"});
  CAF_CHECK(ed25519_verify(node_key->public_key(), signing_payload(k), k.signature));
  CAF_CHECK(contains(k.reason, "loss_limit breached: total PnL -1001"));
  CAF_CHECK(contains(k.reason, "drawdown_limit breached"));
  CAF_CHECK(contains(k.id.value, "risk-n1-loss_limit+drawdown_limit-"));
  // Deeper, hovering, and recovering while the node is halted: no storm.
  send_mark(risk, "28000");
  send_mark(risk, "29100");
  send_mark(risk, "27000");
  send_mark(risk, "29900");
  send_mark(risk, "28000");
  expect_no_kill(300ms);
}

CAF_TEST(drawdown_breach_from_the_high_water_mark_sends_one_kill) {
  auto risk = start();
  send_mark(risk, "30000");
  auto r = ask(risk, command(alice, "alice", operator_action::change_limit, "n1", "loss-limit",
                             "100000"));
  CAF_CHECK(r.accepted);
  buy_filled(risk, "b1", "1", "30000");
  send_mark(risk, "31000"); // +1000: the high-water mark
  send_mark(risk, "30500"); // 500 below it: at the limit
  expect_no_kill(200ms);
  send_mark(risk, "30499.99");
  auto k = expect_kill();
  CAF_CHECK(contains(k.reason, "drawdown_limit breached"));
  CAF_CHECK(contains(k.reason, "high-water 1000"));
  send_mark(risk, "30000");
  expect_no_kill(300ms);
}

// Review R1 H2: a flood of bad orders reaches the strategy as 10,000
// rejects, but the OMS (the journal) gets at most the bucket's records plus
// summaries whose counts add up to the rest.
CAF_TEST(a_flood_of_refusals_is_forwarded_to_the_oms_bounded_and_counted) {
  auto risk = start();
  send_mark(risk, "30000");
  constexpr int n = 10'000;
  for (int i = 0; i < n; ++i) {
    auto o = limit_order("f" + std::to_string(i), side::buy, "30000", "1000000");
    o.strategy.value = "flood";
    (*self)->send(risk, o);
  }
  int64_t rejects = 0, forwarded = 0, summarized = 0, summaries = 0;
  bool done = false;
  while (!done) {
    (*self)->receive(
      [&](const order_reject&) { ++rejects; },
      [&](risk_rejected_atom, const order_request&, const order_reject&) { ++forwarded; },
      [&](risk_rejected_atom, const order_request& r, const order_reject& rej, int64_t count) {
        CAF_CHECK_EQUAL(r.strategy.value, "flood");
        CAF_CHECK_EQUAL(rej.detail.rfind(std::to_string(count) + " rejects", 0), 0u);
        summarized += count;
        ++summaries;
        done = forwarded + summarized == n;
      },
      [&](const kill_command& k) -> kill_report { // the reject-rate kill may trip
        return kill_report{k.id, k.origin, true, {}, {}, 0, ""};
      },
      caf::after(10s) >> [&] { CAF_FAIL("summaries missing: " << forwarded + summarized); });
  }
  CAF_CHECK_EQUAL(rejects, n);
  CAF_CHECK(forwarded >= 100);
  // The flood takes well under a second's refill per record: bounded by the
  // burst plus the refill of the time it ran (100/s).
  CAF_CHECK(forwarded < 1000);
  CAF_CHECK(summaries >= 1);
  CAF_CHECK_EQUAL(forwarded + summarized, n);
  stop(risk);
}

CAF_TEST_FIXTURE_SCOPE_END()
