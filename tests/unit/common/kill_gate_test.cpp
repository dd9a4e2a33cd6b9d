// The node's order gate: node-wide level and scoped closures.
#define CAF_SUITE common_kill_gate
#include "tests/support/unit_test.hpp"

#include <string>

#include "common/kill_gate.hpp"

using namespace cwts;

CAF_TEST(a_scoped_closure_covers_only_its_strategy_symbol_or_account) {
  kill_gate g;
  CAF_REQUIRE(g.close_scoped(gate_scope::symbol, "BTCUSDT", 1));
  CAF_CHECK(g.is_open()); // node-wide still open
  CAF_CHECK(!g.all_open());
  CAF_CHECK_EQUAL(g.level_for("mm", "BTCUSDT", "acct"), 1);
  CAF_CHECK_EQUAL(g.level_for("mm", "ETHUSDT", "acct"), 0);
  CAF_REQUIRE(g.close_scoped(gate_scope::strategy, "mm", 2));
  CAF_REQUIRE(g.close_scoped(gate_scope::account, "acct2", 3));
  CAF_CHECK_EQUAL(g.level_for("mm", "ETHUSDT", "acct"), 2);
  CAF_CHECK_EQUAL(g.level_for("other", "ETHUSDT", "acct2"), 3);
  CAF_CHECK_EQUAL(g.level_for("other", "ETHUSDT", "acct"), 0);
  // A strategy named like a symbol is not that symbol.
  CAF_CHECK_EQUAL(g.level_for("BTCUSDT", "ETHUSDT", "acct"), 0);
}

CAF_TEST(the_node_wide_level_covers_every_order_and_levels_only_rise) {
  kill_gate g;
  g.close_scoped(gate_scope::symbol, "BTCUSDT", 3);
  g.close(1);
  CAF_CHECK_EQUAL(g.level_for("mm", "ETHUSDT", "acct"), 1);
  CAF_CHECK_EQUAL(g.level_for("mm", "BTCUSDT", "acct"), 3);
  g.close_scoped(gate_scope::symbol, "BTCUSDT", 2);
  CAF_CHECK_EQUAL(g.scoped_level(gate_scope::symbol, "BTCUSDT"), 3);
}

CAF_TEST(a_full_table_or_an_overlong_name_is_refused_so_the_caller_closes_node_wide) {
  kill_gate g;
  for (size_t i = 0; i < kill_gate::max_scoped; ++i)
    CAF_REQUIRE(g.close_scoped(gate_scope::strategy, "s" + std::to_string(i), 1));
  CAF_CHECK(!g.close_scoped(gate_scope::strategy, "one-too-many", 1));
  CAF_CHECK(g.close_scoped(gate_scope::strategy, "s7", 2)); // an existing one still rises
  CAF_CHECK(!g.close_scoped(gate_scope::symbol, std::string(kill_gate::max_scope_value + 1, 'X'), 1));
  CAF_CHECK(!g.close_scoped(gate_scope::symbol, "", 1));
}

CAF_TEST(reopen_opens_everything_and_slots_are_reused_by_name) {
  kill_gate g;
  g.close(2);
  g.close_scoped(gate_scope::symbol, "BTCUSDT", 1);
  g.reopen();
  CAF_CHECK(g.all_open());
  CAF_CHECK_EQUAL(g.level_for("mm", "BTCUSDT", "acct"), 0);
  int in_force = 0;
  g.for_each_scoped([&](gate_scope, std::string_view, uint8_t) { ++in_force; });
  CAF_CHECK_EQUAL(in_force, 0);
  g.close_scoped(gate_scope::symbol, "BTCUSDT", 1);
  CAF_CHECK_EQUAL(g.level_for("mm", "BTCUSDT", "acct"), 1);
}

// Issue 17 #10: slots were never freed, so 64 distinct scoped kills over a
// node's life filled the table for good and every later one closed the
// whole node. A reset frees them; a full table of closures in force still
// refuses (the caller closes node-wide).
CAF_TEST(slots_a_reset_reopened_are_renamed_for_new_values) {
  kill_gate g;
  for (size_t i = 0; i < kill_gate::max_scoped; ++i)
    CAF_REQUIRE(g.close_scoped(gate_scope::strategy, "s" + std::to_string(i), 1));
  g.reopen();
  for (size_t i = 0; i < kill_gate::max_scoped; ++i)
    CAF_REQUIRE(g.close_scoped(gate_scope::symbol, "SYM" + std::to_string(i), 2));
  CAF_CHECK_EQUAL(g.level_for("s3", "SYM3", "acct"), 2);
  CAF_CHECK_EQUAL(g.level_for("s3", "OTHER", "acct"), 0); // the old name is gone
  CAF_CHECK_EQUAL(g.scoped_level(gate_scope::symbol, "SYM63"), 2);
  CAF_CHECK(!g.close_scoped(gate_scope::account, "full", 1));
  size_t in_force = 0;
  g.for_each_scoped([&](gate_scope s, std::string_view v, uint8_t l) {
    in_force += s == gate_scope::symbol && v.rfind("SYM", 0) == 0 && l == 2;
  });
  CAF_CHECK_EQUAL(in_force, kill_gate::max_scoped);
}
