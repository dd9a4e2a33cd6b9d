#define CAF_SUITE oms_order_state_machine
#include "tests/support/unit_test.hpp"

#include <vector>

#include "tests/unit/oms/oms_test_fixture.hpp"

using namespace cwts;
using namespace cwts::oms;
using namespace cwts::oms::testing;

namespace {

const std::vector<order_status> all_statuses = {
  order_status::pending_new,    order_status::accepted, order_status::partially_filled,
  order_status::filled,         order_status::pending_cancel, order_status::canceled,
  order_status::rejected,       order_status::expired,
};

const std::vector<order_status> live_statuses = {
  order_status::pending_new, order_status::accepted, order_status::partially_filled,
  order_status::pending_cancel,
};

// A cum_qty consistent with the reported status for an order of 1 at cum 0 or 0.4.
std::string cum_for(order_status reported, order_status from) {
  if (reported == order_status::filled)
    return "1";
  if (reported == order_status::partially_filled)
    return from == order_status::partially_filled ? "0.7" : "0.4";
  return from == order_status::partially_filled ? "0.4" : "0";
}

std::string name(order_status s) { return to_string(s); }

} // namespace

CAF_TEST_FIXTURE_SCOPE(order_state_machine_tests, oms_fixture)

CAF_TEST(every_table_entry_from_a_live_state_is_applied_or_refused) {
  int n = 0;
  for (auto from : live_statuses) {
    for (auto reported : all_statuses) {
      std::string id = "t" + std::to_string(++n);
      drive_to(id, from);
      auto before = store.find(client_order_id{id})->venue_status;
      auto cum = cum_for(reported, from);
      auto u = store.apply(report(id, reported, cum, "0.1"));
      CAF_MESSAGE(name(from) << " + report " << name(reported) << " -> " << to_string(u.outcome));
      if (reported == before && cum == (from == order_status::partially_filled ? "0.4" : "0")) {
        CAF_CHECK_EQUAL(to_string(u.outcome), std::string("duplicate"));
      } else if (order_state_machine::is_legal(from, reported)) {
        CAF_CHECK_EQUAL(to_string(u.outcome), std::string("applied"));
        bool absorbed = from == order_status::pending_cancel
                        && (reported == order_status::accepted
                            || reported == order_status::partially_filled);
        auto expected = absorbed ? order_status::pending_cancel : reported;
        CAF_CHECK_EQUAL(name(status_of(id)), name(expected));
      } else {
        CAF_CHECK_EQUAL(to_string(u.outcome), std::string("illegal"));
        CAF_CHECK_EQUAL(name(status_of(id)), name(from));
        CAF_CHECK(!u.detail.empty());
      }
    }
  }
}

CAF_TEST(pending_new_to_accepted_records_venue_id_and_time) {
  store.submit(order("a"), tick());
  auto u = store.apply(report("a", order_status::accepted, "0"));
  CAF_CHECK(u.changed());
  const auto* r = store.find(client_order_id{"a"});
  CAF_CHECK_EQUAL(name(r->status), name(order_status::accepted));
  CAF_CHECK_EQUAL(r->venue_id.value, 42);
  CAF_CHECK(r->acknowledged);
  CAF_CHECK(r->entered_at[index_of(order_status::accepted)].ns > 0);
}

CAF_TEST(pending_new_to_rejected_by_venue) {
  store.submit(order("a"), tick());
  auto u = store.apply(report("a", order_status::rejected, "0"));
  CAF_CHECK(u.became_terminal());
  CAF_CHECK_EQUAL(store.count(order_status::rejected), 1u);
  CAF_CHECK(store.live_orders().empty());
}

CAF_TEST(send_failure_rejects_a_pending_new_order) {
  store.submit(order("a"), tick());
  order_reject rej;
  rej.id.value = "a";
  rej.reason = reject_reason::venue_unreachable;
  rej.detail = "connector down";
  auto u = store.apply(rej);
  CAF_CHECK(u.changed());
  CAF_CHECK_EQUAL(name(status_of("a")), name(order_status::rejected));
}

CAF_TEST(accepted_to_expired_for_an_ioc_remainder) {
  drive_to("a", order_status::partially_filled);
  auto u = store.apply(report("a", order_status::expired, "0.4"));
  CAF_CHECK(u.became_terminal());
  int64_t leaves = u.leaves_qty.raw;
  CAF_CHECK_EQUAL(leaves, 0);
}

CAF_TEST(rejects_transition_out_of_a_terminal_state) {
  drive_to("a", order_status::accepted);
  store.apply(report("a", order_status::filled, "1", "1"));
  auto u = store.apply(report("a", order_status::canceled, "1"));
  CAF_CHECK_EQUAL(to_string(u.outcome), std::string("illegal"));
  CAF_CHECK_EQUAL(to_string(u.error), std::string("from_terminal_state"));
  CAF_CHECK_EQUAL(name(status_of("a")), name(order_status::filled));
  CAF_CHECK_EQUAL(store.state_machine().illegal(transition_error::from_terminal_state), 1u);
}

CAF_TEST(rejects_accepted_back_to_pending_new_and_reject_after_ack) {
  drive_to("a", order_status::accepted);
  auto u1 = store.apply(report("a", order_status::pending_new, "0"));
  CAF_CHECK_EQUAL(to_string(u1.error), std::string("illegal_transition"));
  drive_to("b", order_status::pending_cancel);
  store.apply(report("b", order_status::accepted, "0")); // late ack, absorbed
  auto u2 = store.apply(report("b", order_status::rejected, "0"));
  CAF_CHECK_EQUAL(to_string(u2.error), std::string("rejected_after_ack"));
}

CAF_TEST(rejects_overfill_and_decreasing_cum_qty) {
  drive_to("a", order_status::partially_filled);
  auto u1 = store.apply(report("a", order_status::partially_filled, "0.2", "0.1"));
  CAF_CHECK_EQUAL(to_string(u1.error), std::string("cum_qty_decreased"));
  auto u2 = store.apply(report("a", order_status::filled, "1.5", "1.1"));
  CAF_CHECK_EQUAL(to_string(u2.error), std::string("overfill"));
  auto u3 = store.apply(report("a", order_status::filled, "0.9", "0.5"));
  CAF_CHECK_EQUAL(to_string(u3.error), std::string("inconsistent_fill"));
  CAF_CHECK_EQUAL(store.state_machine().illegal_total(), 3u);
  CAF_CHECK_EQUAL(name(status_of("a")), name(order_status::partially_filled));
}

CAF_TEST(partial_fills_sum_to_filled_with_average_price) {
  drive_to("a", order_status::accepted);
  auto u1 = store.apply(report("a", order_status::partially_filled, "0.25", "0.25", "100"));
  auto u2 = store.apply(report("a", order_status::partially_filled, "0.5", "0.25", "110"));
  auto u3 = store.apply(report("a", order_status::filled, "1", "0.5", "120"));
  CAF_CHECK(u1.has_fill() && u2.has_fill() && u3.has_fill());
  int64_t fill3 = u3.fill_qty.raw;
  CAF_CHECK_EQUAL(fill3, qt("0.5").raw);
  CAF_CHECK(u3.became_terminal());
  const auto* r = store.find(client_order_id{"a"});
  CAF_CHECK_EQUAL(r->cum_qty.raw, qt("1").raw);
  CAF_CHECK_EQUAL(r->leaves_qty.raw, 0);
  // (0.25 × 100 + 0.25 × 110 + 0.5 × 120) / 1 = 112.5
  CAF_CHECK_EQUAL(r->avg_fill_price.raw, px("112.5").raw);
  CAF_CHECK_EQUAL(store.count(order_status::filled), 1u);
}

CAF_TEST(fill_during_pending_cancel_is_applied_and_cancel_stays_pending) {
  drive_to("a", order_status::accepted);
  auto cancel = store.request_cancel(client_order_id{"a"}, tick());
  CAF_REQUIRE(cancel.has_value());
  auto u = store.apply(report("a", order_status::partially_filled, "0.3", "0.3"));
  CAF_CHECK(u.has_fill());
  CAF_CHECK_EQUAL(name(status_of("a")), name(order_status::pending_cancel));
  store.apply(report("a", order_status::canceled, "0.3"));
  CAF_CHECK_EQUAL(name(status_of("a")), name(order_status::canceled));
  CAF_CHECK_EQUAL(store.find(client_order_id{"a"})->cum_qty.raw, qt("0.3").raw);
}

CAF_TEST(fill_completing_the_order_during_pending_cancel_ends_filled) {
  drive_to("a", order_status::partially_filled);
  store.request_cancel(client_order_id{"a"}, tick());
  store.apply(report("a", order_status::filled, "1", "0.6"));
  CAF_CHECK_EQUAL(name(status_of("a")), name(order_status::filled));
}

CAF_TEST(cancel_reject_returns_to_the_state_the_fills_say) {
  drive_to("a", order_status::accepted);
  store.request_cancel(client_order_id{"a"}, tick());
  store.apply(report("a", order_status::partially_filled, "0.3", "0.3"));
  auto u = store.cancel_rejected(client_order_id{"a"}, tick());
  CAF_CHECK(u.changed());
  CAF_CHECK_EQUAL(name(status_of("a")), name(order_status::partially_filled));
  auto again = store.cancel_rejected(client_order_id{"a"}, tick());
  CAF_CHECK_EQUAL(to_string(again.error), std::string("not_pending_cancel"));
}

CAF_TEST(request_cancel_is_refused_for_terminal_and_pending_cancel_orders) {
  drive_to("a", order_status::accepted);
  CAF_CHECK(store.request_cancel(client_order_id{"a"}, tick()).has_value());
  CAF_CHECK(!store.request_cancel(client_order_id{"a"}, tick()).has_value());
  store.apply(report("a", order_status::canceled, "0"));
  CAF_CHECK(!store.request_cancel(client_order_id{"a"}, tick()).has_value());
  CAF_CHECK(!store.request_cancel(client_order_id{"nope"}, tick()).has_value());
}

CAF_TEST(duplicate_reports_are_ignored_not_errors) {
  drive_to("a", order_status::accepted);
  auto dup = store.apply(report("a", order_status::accepted, "0"));
  CAF_CHECK_EQUAL(to_string(dup.outcome), std::string("duplicate"));
  store.apply(report("a", order_status::partially_filled, "0.5", "0.5"));
  auto dup2 = store.apply(report("a", order_status::partially_filled, "0.5", "0.5"));
  CAF_CHECK_EQUAL(to_string(dup2.outcome), std::string("duplicate"));
  CAF_CHECK(!dup2.has_fill());
  CAF_CHECK_EQUAL(store.state_machine().duplicates(), 2u);
  CAF_CHECK_EQUAL(store.state_machine().illegal_total(), 0u);
  CAF_CHECK_EQUAL(store.find(client_order_id{"a"})->cum_qty.raw, qt("0.5").raw);
}

CAF_TEST(report_for_unknown_order_is_counted) {
  auto u = store.apply(report("ghost", order_status::accepted, "0"));
  CAF_CHECK_EQUAL(to_string(u.outcome), std::string("unknown_order"));
  CAF_CHECK_EQUAL(store.unknown_inputs(), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
