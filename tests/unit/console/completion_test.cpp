// Tab completion candidates: commands, then per command roles, symbols,
// kill levels and scopes, options; roles and symbols read from /api/actors.
#define CAF_SUITE console_completion
#include "tests/support/unit_test.hpp"

#include "nodes/console/completion.hpp"

using namespace cwts::console;

namespace {

using words = std::vector<std::string>;

const completion_context ctx{{"connector.binance", "kill", "oms", "risk"}, {"EURUSD", "USDCHF"}};

} // namespace

CAF_TEST(the_first_word_completes_to_commands) {
  CAF_CHECK_EQUAL(complete("act", ctx), words{"actors"});
  CAF_CHECK_EQUAL(complete("r", ctx), (words{"reset", "risk"}));
  CAF_CHECK(complete("", ctx).size() >= 14u);
  CAF_CHECK(complete("zz", ctx).empty());
}

CAF_TEST(arguments_complete_to_roles_symbols_levels_and_scopes) {
  CAF_CHECK_EQUAL(complete("inspect o", ctx), words{"oms"});
  CAF_CHECK_EQUAL(complete("inspect ", ctx), ctx.roles);
  CAF_CHECK_EQUAL(complete("book US", ctx), words{"USDCHF"});
  CAF_CHECK_EQUAL(complete("drill ", ctx), words{"crash"});
  CAF_CHECK_EQUAL(complete("drill crash k", ctx), words{"kill"});
  CAF_CHECK_EQUAL(complete("kill ", ctx), (words{"1", "2", "3", "4"}));
  CAF_CHECK_EQUAL(complete("kill 2 s", ctx), (words{"strategy", "symbol"}));
  CAF_CHECK_EQUAL(complete("kill 2 symbol E", ctx), words{"EURUSD"});
  CAF_CHECK(complete("kill 2 cluster x", ctx).empty());
  CAF_CHECK_EQUAL(complete("help ki", ctx), words{"kill"});
  CAF_CHECK(complete("nosuch ", ctx).empty());
}

CAF_TEST(options_complete_and_their_values_are_free_text) {
  CAF_CHECK_EQUAL(complete("kill 2 cluster --r", ctx), words{"--reason"});
  CAF_CHECK_EQUAL(complete("actors --", ctx), words{"--json"});
  CAF_CHECK(complete("kill 2 cluster --reason ", ctx).empty());
  // After the option's value the arguments go on where they were.
  CAF_CHECK_EQUAL(complete("kill --reason drill 2 ", ctx),
                  (words{"account", "cluster", "node", "strategy", "symbol"}));
}

CAF_TEST(roles_and_symbols_come_from_an_api_actors_answer) {
  auto c = completion_context_from_actors(
    R"({"node":"solo","actors":[)"
    R"({"role":"connector.binance","counters":{"book.synced.USDCHF":1,"md.feed_age_ms.EURUSD":3}},)"
    R"({"role":"validator","counters":{"last_trade_age_ms.GBPUSD":5,"trades":9}},)"
    R"({"role":"oms","counters":{}}]})");
  CAF_CHECK_EQUAL(c.roles, (words{"connector.binance", "oms", "validator"}));
  CAF_CHECK_EQUAL(c.symbols, (words{"EURUSD", "GBPUSD", "USDCHF"}));
  CAF_CHECK(completion_context_from_actors("not json").roles.empty());
}
