// Kill level 3: one flatten job's rounds, refusals, deadline and report
// (flatten_job.hpp), without the risk actor.
#define CAF_SUITE risk_flatten_job
#include "tests/support/unit_test.hpp"

#include "actors/risk/flatten_job.hpp"
#include "tests/unit/risk/risk_test_fixture.hpp"

using namespace cwts;
using namespace cwts::risk;
using namespace cwts::risk::testing;

namespace {

constexpr int64_t second = 1'000'000'000;

struct fixture : risk_fixture {
  bool oms_wired = true;

  fixture() { gate.close(static_cast<uint8_t>(kill_level::flatten)); }

  kill_command kill() {
    kill_command c;
    c.id = kill_id{"k-flat"};
    c.level = kill_level::flatten;
    c.scope = kill_scope::cluster;
    return c;
  }

  flatten_context context() {
    return flatten_context{checker,
                           trading_mode::halted,
                           refs,
                           book,
                           flatten_target{node_id{"n1"}, account_id{"acct"},
                                          strategy_id{"kill-flatten"}, venue_name{}},
                           {sym("BTCUSDT"), sym("ETHUSDT")},
                           oms_wired,
                           timestamp_ns{5},
                           [this] { return now_ns += 20'000'000; }};
  }

  flatten_round start(flatten_job& job) {
    auto ctx = context();
    return job.start(ctx);
  }

  flatten_round poll(flatten_job& job, int64_t at) {
    auto ctx = context();
    return job.poll(ctx, at, 5 * second);
  }

  // The venue fills (or expires) a flatten order.
  void filled(const order_request& o) {
    book.on_execution_report(report(o, order_status::filled, o.quantity.to_string(), "30000",
                                    o.quantity.to_string()));
  }
  void expired(const order_request& o) {
    book.on_execution_report(report(o, order_status::expired, "0", "0", "0"));
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(flatten_job_tests, fixture)

CAF_TEST(nothing_open_reports_ok_at_once_without_a_round) {
  flatten_job job{kill(), 0};
  auto r = start(job);
  CAF_CHECK(r.done);
  CAF_CHECK(r.send.empty());
  CAF_CHECK_EQUAL(job.rounds(), 0);
  auto rep = job.report(book, node_id{"n1"}, 7);
  CAF_CHECK(rep.ok);
  CAF_CHECK_EQUAL(rep.channel, "flatten");
  CAF_CHECK_EQUAL(rep.retries, 0);
  CAF_CHECK_EQUAL(rep.duration_ns, 7);
  CAF_CHECK_EQUAL(rep.positions_open_after, 0);
  CAF_CHECK_EQUAL(rep.error, "");
}

CAF_TEST(a_passed_order_is_booked_as_sent_and_not_sent_again_while_in_flight) {
  fill("f1", side::buy, "1", "30000");
  flatten_job job{kill(), 0};
  auto first = start(job);
  CAF_REQUIRE_EQUAL(first.send.size(), 1u);
  CAF_CHECK(!first.done);
  CAF_CHECK(first.refused.empty());
  CAF_CHECK(first.send[0].order_side == side::sell);
  CAF_CHECK_EQUAL(job.orders_sent(), 1);
  CAF_CHECK_EQUAL(job.rounds(), 1);
  // Booked: the next poll sees it in flight and sends nothing more.
  auto again = poll(job, second);
  CAF_CHECK(again.send.empty());
  CAF_CHECK(!again.done);
  CAF_CHECK_EQUAL(job.rounds(), 1);
  filled(first.send[0]);
  CAF_CHECK(job.flat(book));
  auto rep = job.report(book, node_id{"n1"}, 2 * second);
  CAF_CHECK(rep.ok);
  CAF_CHECK_EQUAL(rep.orders_sent, 1);
  CAF_CHECK_EQUAL(rep.retries, 0);
  CAF_CHECK_EQUAL(rep.positions_open_after, 0);
}

CAF_TEST(an_order_that_expired_unfilled_is_sent_again_and_counts_as_a_retry) {
  fill("f1", side::buy, "1", "30000");
  flatten_job job{kill(), 0};
  auto first = start(job);
  CAF_REQUIRE_EQUAL(first.send.size(), 1u);
  expired(first.send[0]);
  auto second_round = poll(job, second);
  CAF_REQUIRE_EQUAL(second_round.send.size(), 1u);
  CAF_CHECK(second_round.send[0].id != first.send[0].id);
  CAF_CHECK_EQUAL(job.rounds(), 2);
  filled(second_round.send[0]);
  auto rep = job.report(book, node_id{"n1"}, 2 * second);
  CAF_CHECK(rep.ok);
  CAF_CHECK_EQUAL(rep.orders_sent, 2);
  CAF_CHECK_EQUAL(rep.retries, 1);
}

CAF_TEST(without_an_oms_the_order_is_refused_and_the_report_names_it) {
  fill("f1", side::buy, "1", "30000");
  oms_wired = false;
  flatten_job job{kill(), 0};
  auto r = start(job);
  CAF_CHECK(r.send.empty());
  CAF_REQUIRE_EQUAL(r.refused.size(), 1u);
  CAF_CHECK_EQUAL(r.refused[0].reason, "BTCUSDT: no OMS wired");
  CAF_CHECK(!r.done);
  CAF_CHECK_EQUAL(job.orders_refused(), 1);
  CAF_CHECK_EQUAL(job.orders_sent(), 0);
  CAF_CHECK_EQUAL(job.rounds(), 1); // a round with an order to send, even if refused
  // Nothing was booked: the next round plans it again.
  CAF_CHECK_EQUAL(poll(job, second).refused.size(), 1u);
  auto rep = job.report(book, node_id{"n1"}, 5 * second);
  CAF_CHECK(!rep.ok);
  CAF_CHECK_EQUAL(rep.positions_open_after, 1);
  CAF_CHECK_EQUAL(rep.retries, 1);
  CAF_CHECK(rep.error.rfind("BTCUSDT position ", 0) == 0);
  CAF_CHECK(rep.error.find(" not flat; last refusal: BTCUSDT: no OMS wired") != std::string::npos);
}

CAF_TEST(an_order_the_pre_trade_check_refuses_is_not_booked) {
  fill("f1", side::buy, "1", "30000");
  gate.reopen();
  gate.close(static_cast<uint8_t>(kill_level::cancel_all)); // flatten orders not admitted
  auto tracked = book.tracked_orders();
  flatten_job job{kill(), 0};
  auto r = start(job);
  CAF_CHECK(r.send.empty());
  CAF_REQUIRE_EQUAL(r.refused.size(), 1u);
  CAF_CHECK(r.refused[0].reason.rfind("BTCUSDT: ", 0) == 0);
  CAF_CHECK(r.refused[0].reason.size() > std::string("BTCUSDT: ").size());
  CAF_CHECK_EQUAL(job.last_refusal(), r.refused[0].reason);
  CAF_CHECK_EQUAL(book.tracked_orders(), tracked);
}

CAF_TEST(at_the_deadline_a_poll_reports_without_another_round) {
  fill("f1", side::buy, "1", "30000");
  flatten_job job{kill(), second};
  auto first = start(job);
  CAF_REQUIRE_EQUAL(first.send.size(), 1u);
  expired(first.send[0]);
  // Just before the deadline (5 s after the start) it sends again ...
  auto before = poll(job, 6 * second - 1);
  CAF_CHECK_EQUAL(before.send.size(), 1u);
  CAF_CHECK(!before.done);
  expired(before.send[0]);
  // ... at it, nothing more goes out and it reports, not flat.
  auto at = poll(job, 6 * second);
  CAF_CHECK(at.done);
  CAF_CHECK(at.send.empty());
  CAF_CHECK_EQUAL(job.rounds(), 2);
  auto rep = job.report(book, node_id{"n1"}, 6 * second);
  CAF_CHECK(!rep.ok);
  CAF_CHECK_EQUAL(rep.duration_ns, 5 * second);
  CAF_CHECK_EQUAL(rep.error.find("last refusal"), std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
