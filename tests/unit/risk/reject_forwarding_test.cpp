// Risk's refusals to the OMS journal: bounded per (strategy, rule), the
// rest counted into summaries that add up (review R1 H2).
#define CAF_SUITE risk_reject_forwarding
#include "tests/support/unit_test.hpp"

#include "actors/risk/reject_forwarding.hpp"

using namespace cwts;
using namespace cwts::risk;

namespace {

order_request bad(const std::string& strategy, int n) {
  order_request r;
  r.id.value = strategy + "-" + std::to_string(n);
  r.strategy.value = strategy;
  r.sym = *symbol::parse("BTCUSDT");
  return r;
}

constexpr int64_t ms = 1'000'000;

} // namespace

// 10,000 bad orders in 1 s (one each 100 us): 100 full records (the burst),
// ~one more per 10 ms of refill, and the rest in a summary whose counts add
// up to exactly what was left out.
CAF_TEST(ten_thousand_refusals_give_a_bounded_number_of_records_and_an_exact_count) {
  reject_forwarder f;
  int64_t forwarded = 0, summarized = 0, rows = 0;
  for (int i = 0; i < 10'000; ++i) {
    int64_t mono = i * 100'000;
    if (f.admit(bad("mm", i), reject_reason::max_qty_exceeded, "qty", mono, timestamp_ns{mono}))
      ++forwarded, ++rows;
    for (auto& s : f.due(mono)) {
      summarized += s.count, ++rows;
      CAF_CHECK_EQUAL(s.last.strategy.value, "mm");
      CAF_CHECK(s.text(100).rfind(std::to_string(s.count) + " rejects (max_qty_exceeded)", 0) == 0);
    }
  }
  for (auto& s : f.due(10'000 * 100'000 + 1000 * ms))
    summarized += s.count, ++rows;
  CAF_CHECK(!f.pending());
  CAF_CHECK_EQUAL(forwarded + summarized, 10'000);
  CAF_CHECK_EQUAL(f.suppressed(), summarized);
  CAF_CHECK_EQUAL(f.forwarded(), forwarded);
  // burst 100 + refill 100/s over 1 s, give or take one token
  CAF_CHECK(forwarded >= 199 && forwarded <= 201);
  // At most one summary per second: the first suppressed refusal came after
  // the burst (~10 ms), so its summary falls due after the flood's second.
  CAF_CHECK_EQUAL(f.summaries(), 1);
  CAF_CHECK_EQUAL(rows, forwarded + 1);
}

// Keys are separate: one strategy's flood does not spend another's records.
CAF_TEST(each_strategy_and_rule_has_its_own_bucket) {
  reject_forwarder f({2, 1024, 1000 * ms});
  CAF_CHECK(f.admit(bad("a", 1), reject_reason::max_qty_exceeded, "", 0, {}));
  CAF_CHECK(f.admit(bad("a", 2), reject_reason::max_qty_exceeded, "", 0, {}));
  CAF_CHECK(!f.admit(bad("a", 3), reject_reason::max_qty_exceeded, "", 0, {}));
  CAF_CHECK(f.admit(bad("a", 4), reject_reason::rate_throttled, "", 0, {}));
  CAF_CHECK(f.admit(bad("b", 1), reject_reason::max_qty_exceeded, "", 0, {}));
  CAF_CHECK(f.due(999 * ms).empty()); // not a second yet
  auto due = f.due(1000 * ms);
  CAF_REQUIRE_EQUAL(due.size(), 1u);
  CAF_CHECK_EQUAL(due[0].count, 1);
  CAF_CHECK_EQUAL(due[0].last.id.value, "a-3");
}

// A strategy id an outsider chose cannot grow the map: the least recently
// used key goes, and what it held is summarized, not lost.
CAF_TEST(keys_are_bounded_and_an_evicted_key_keeps_its_count) {
  reject_forwarder f({1, 4, 1000 * ms});
  CAF_CHECK(f.admit(bad("s0", 0), reject_reason::max_qty_exceeded, "", 0, {}));
  CAF_CHECK(!f.admit(bad("s0", 1), reject_reason::max_qty_exceeded, "", 0, {}));
  for (int i = 1; i < 100; ++i)
    f.admit(bad("s" + std::to_string(i), 0), reject_reason::max_qty_exceeded, "", 0, {});
  CAF_CHECK_EQUAL(f.keys(), 4u);
  CAF_CHECK_EQUAL(f.evictions(), 96);
  CAF_CHECK(f.pending());
  auto due = f.due(0); // evicted summaries go at once
  CAF_REQUIRE_EQUAL(due.size(), 1u);
  CAF_CHECK_EQUAL(due[0].last.strategy.value, "s0");
  CAF_CHECK_EQUAL(due[0].count, 1);
}
