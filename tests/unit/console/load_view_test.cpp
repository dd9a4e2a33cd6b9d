// The console's `load` view (nodes/console/load_view.hpp): ticks/s from two
// /api/actors answers, mailbox depths and drops, exactly as counted.
#define CAF_SUITE console_load_view
#include "tests/support/unit_test.hpp"

#include "nodes/console/load_view.hpp"

using namespace cwts::console;

namespace {

std::string answer(int64_t ok, int64_t missed, int64_t mailbox) {
  return R"({"node":"gw1","actors":[{"role":"validator","messages_handled":)" + std::to_string(ok / 10)
         + R"(,"mailbox_depth":)" + std::to_string(mailbox)
         + R"(,"mailbox_depth_max":40,"counters":{"verdict.ok":)" + std::to_string(ok)
         + R"(,"trades_out":)" + std::to_string(ok / 2) + R"(,"trade_ids_missed":)"
         + std::to_string(missed)
         + R"(}},{"role":"kill","counters":{}}]})";
}

} // namespace

CAF_TEST(ticks_per_second_come_from_the_validators_clean_trades) {
  auto s = measure_load(answer(1000, 0, 0), answer(51000, 0, 3), 500'000'000);
  CAF_REQUIRE(s.has_value());
  CAF_CHECK_EQUAL(s->ticks_per_s, 100'000.0);
  CAF_CHECK_EQUAL(s->trades_per_s, 50'000.0); // the rest were book tops
  CAF_CHECK_EQUAL(s->ticks, 51000);
  CAF_CHECK_EQUAL(s->drops, 0);
  CAF_CHECK_EQUAL(s->max_mailbox, 3);
  CAF_CHECK_EQUAL(s->actors, 1); // kill reported no mailbox
}

CAF_TEST(ids_the_feed_skipped_are_drops) {
  auto s = measure_load(answer(0, 0, 0), answer(10, 7, 0), 1'000'000'000);
  CAF_REQUIRE(s.has_value());
  CAF_CHECK_EQUAL(s->drops, 7);
  auto text = render_load(answer(0, 0, 0), answer(10, 7, 0), 1'000'000'000);
  CAF_REQUIRE(text.has_value());
  CAF_CHECK(text->find("drops=7 (trade_ids_missed=7") != std::string::npos);
  CAF_CHECK(text->find("MAILBOX_MAX") != std::string::npos);
  CAF_CHECK(text->find("validator") != std::string::npos);
}

CAF_TEST(anything_but_two_actor_answers_is_refused) {
  CAF_CHECK(!measure_load("not json", answer(1, 0, 0), 1).has_value());
  CAF_CHECK(!measure_load(answer(1, 0, 0), R"({"node":"x"})", 1).has_value());
  CAF_CHECK(!measure_load(answer(1, 0, 0), answer(2, 0, 0), 0).has_value());
}
