// The risk core's decisions without the actor (risk_core.hpp): operator
// commands, the durable decision log and its replay, breach_now.
#define CAF_SUITE risk_core
#include "tests/support/unit_test.hpp"

#include <filesystem>
#include <map>
#include <memory>

#include "actors/risk/risk_core.hpp"
#include "tests/unit/oms/temp_dir.hpp"
#include "tests/unit/risk/risk_test_fixture.hpp"

using namespace cwts;
using namespace cwts::risk;
using namespace cwts::risk::testing;

namespace {

struct fixture {
  kill_gate gate;
  oms::testing::temp_dir dir;
  std::string path = dir.file("risk-decisions.log");

  std::unique_ptr<risk_core> fresh_core(const std::string& log) {
    auto core = std::make_unique<risk_core>(gate, default_limits(), default_rules(),
                                            reject_rate_limits{});
    replay_decisions(*core, log, "n1");
    return core;
  }

  static operator_command command(operator_action a, std::string target, std::string field = {},
                                  std::string value = {}) {
    operator_command c;
    c.id = command_id{"c1"};
    c.issuer = operator_id{"alice"};
    c.action = a;
    c.target = std::move(target);
    c.field = std::move(field);
    c.value = std::move(value);
    return c;
  }

  std::string apply(risk_core& core, const operator_command& c, std::string& detail,
                    const std::string& log) {
    return apply_operator_command(core, "n1", log, c, timestamp_ns{42}, detail);
  }

  std::vector<risk_decision> logged() {
    std::vector<risk_decision> out;
    std::string error;
    CAF_REQUIRE(risk_decision_log::read(path, out, error));
    return out;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(risk_core_tests, fixture)

CAF_TEST(a_limit_change_is_recorded_then_applied) {
  auto core = fresh_core(path);
  std::string detail;
  auto c = command(operator_action::change_limit, "BTCUSDT", "max-order-qty", "2.5");
  CAF_CHECK_EQUAL(apply(*core, c, detail, path), "");
  CAF_CHECK_EQUAL(detail, "max-order-qty of BTCUSDT set to 2.5");
  CAF_CHECK_EQUAL(core->check.limits().per_symbol.at(sym("BTCUSDT")).max_order_qty, qt("2.5"));
  auto records = logged();
  CAF_REQUIRE_EQUAL(records.size(), 1u);
  CAF_CHECK(records[0].what == risk_decision::kind::limit);
  CAF_CHECK_EQUAL(records[0].value, "2.5");
  CAF_CHECK_EQUAL(records[0].issuer, "alice");
  CAF_CHECK_EQUAL(records[0].ts_ns, 42);
  // The node's PnL limits reach the guard as well.
  c = command(operator_action::change_limit, "n1", "loss-limit", "5000");
  CAF_CHECK_EQUAL(apply(*core, c, detail, path), "");
  CAF_CHECK_EQUAL(core->guard.limits().loss_limit, nt("5000"));
}

CAF_TEST(a_bad_limit_change_is_refused_and_not_recorded) {
  auto core = fresh_core(path);
  std::string detail;
  auto c = command(operator_action::change_limit, "BTCUSDT", "max-leverage", "3");
  CAF_CHECK_EQUAL(apply(*core, c, detail, path), "unknown field 'max-leverage'");
  CAF_CHECK(logged().empty());
}

CAF_TEST(a_log_that_cannot_be_opened_trips_every_strategy_and_refuses_changes) {
  // A folder where the log should be: it neither reads nor opens.
  std::filesystem::create_directories(path);
  auto core = fresh_core(path);
  CAF_CHECK(!core->decisions_error.empty());
  CAF_CHECK(core->check.throttles().is_tripped(strategy_id{"mm"}));
  std::string detail;
  auto c = command(operator_action::change_limit, "BTCUSDT", "max-order-qty", "2.5");
  CAF_CHECK_EQUAL(apply(*core, c, detail, path),
                  "the decision log could not be written; nothing changed");
  CAF_CHECK_EQUAL(core->check.limits().per_symbol.at(sym("BTCUSDT")).max_order_qty, qt("2"));
  c = command(operator_action::reenable_throttle, "mm");
  CAF_CHECK_EQUAL(apply(*core, c, detail, path),
                  "the decision log could not be written; the strategy stays tripped");
  CAF_CHECK(core->check.throttles().is_tripped(strategy_id{"mm"}));
}

CAF_TEST(reenable_needs_a_known_tripped_strategy) {
  auto core = fresh_core(path);
  std::string detail;
  CAF_CHECK_EQUAL(apply(*core, command(operator_action::reenable_throttle, "zz"), detail, path),
                  "unknown strategy 'zz'");
  CAF_CHECK_EQUAL(apply(*core, command(operator_action::reenable_throttle, "mm"), detail, path),
                  "strategy 'mm' is not tripped; nothing to re-enable");
  CAF_CHECK(logged().empty());
  core->check.throttles().trip(strategy_id{"mm"});
  CAF_CHECK_EQUAL(apply(*core, command(operator_action::reenable_throttle, "mm"), detail, path),
                  "");
  CAF_CHECK_EQUAL(detail, "execution throttle of strategy mm re-enabled");
  CAF_CHECK(!core->check.throttles().is_tripped(strategy_id{"mm"}));
  CAF_REQUIRE_EQUAL(logged().size(), 1u);
  CAF_CHECK(logged()[0].what == risk_decision::kind::reenable);
  CAF_CHECK_EQUAL(apply(*core, command(operator_action::accept_positions, "n1"), detail, path),
                  "accept_positions is applied by the OMS, not by risk");
}

CAF_TEST(a_new_core_replays_trips_and_limit_changes) {
  {
    auto core = fresh_core(path);
    std::string detail;
    CAF_REQUIRE(record_decision(*core, path,
                                risk_decision{risk_decision::kind::trip, "mm", {}, {}, {}, {}, 1}));
    CAF_REQUIRE_EQUAL(apply(*core,
                            command(operator_action::change_limit, "n1", "drawdown-limit", "2500"),
                            detail, path),
                      "");
  }
  auto again = fresh_core(path);
  CAF_CHECK(again->decisions_error.empty());
  CAF_CHECK(again->check.throttles().is_tripped(strategy_id{"mm"}));
  CAF_CHECK_EQUAL(again->guard.limits().drawdown_limit, nt("2500"));
  CAF_CHECK_EQUAL(again->check.limits().pnl.drawdown_limit, nt("2500"));
}

CAF_TEST(without_a_log_nothing_is_recorded_and_changes_apply) {
  auto core = fresh_core("");
  std::string detail;
  auto c = command(operator_action::change_limit, "BTCUSDT", "max-position", "7");
  CAF_CHECK_EQUAL(apply(*core, c, detail, ""), "");
  CAF_CHECK_EQUAL(core->check.limits().per_symbol.at(sym("BTCUSDT")).max_position, qt("7"));
  CAF_CHECK(!std::filesystem::exists(path));
}

CAF_TEST(breach_now_names_the_condition_that_holds_now) {
  auto core = fresh_core("");
  var_limit var{var_limit_config{}};
  CAF_CHECK_EQUAL(breach_now(*core, var, 0), "");
  core->guard.update(nt("-1500"), true); // past the 1000 loss limit
  CAF_CHECK_EQUAL(breach_now(*core, var, 0), "pnl");
  core->guard.update(nt("0"), true);
  CAF_CHECK_EQUAL(breach_now(*core, var, 0), "");
}

CAF_TEST(positions_and_counters_cover_every_symbol_with_limits) {
  auto core = fresh_core("");
  auto snaps = position_snapshots(*core);
  CAF_CHECK_EQUAL(snaps.size(), 2u);
  // No validated price yet: no mark, so unrealized PnL is unknown, not 0.
  for (auto& s : snaps)
    CAF_CHECK(!s.marked);
  core->refs.set(sym("BTCUSDT"), px("101.5"), timestamp_ns{1});
  for (auto& s : position_snapshots(*core))
    if (s.sym == sym("BTCUSDT")) {
      CAF_CHECK(s.marked);
      CAF_CHECK_EQUAL(s.mark, px("101.5"));
    } else {
      CAF_CHECK(!s.marked);
    }
  std::map<std::string, int64_t> counters;
  var_limit var{var_limit_config{}};
  add_core_counters(*core, var, 0, counters);
  CAF_CHECK_EQUAL(counters.count("position_raw.BTCUSDT"), 1u);
  CAF_CHECK_EQUAL(counters.count("position_raw.ETHUSDT"), 1u);
  CAF_CHECK_EQUAL(counters.at("breach_now.pnl"), 0);
  CAF_CHECK_EQUAL(counters.count("credit_used_raw.acct"), 1u);
  CAF_CHECK_EQUAL(traded_symbols(*core).size(), 2u);
}

CAF_TEST_FIXTURE_SCOPE_END()
