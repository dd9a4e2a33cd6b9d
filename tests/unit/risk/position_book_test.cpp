#define CAF_SUITE risk_position_book
#include "tests/support/unit_test.hpp"

#include "tests/unit/risk/risk_test_fixture.hpp"

using namespace cwts;
using namespace cwts::risk;
using namespace cwts::risk::testing;

namespace {

struct book_fixture {
  position_book book;
  int next_id = 0;

  void fill(side s, std::string_view q, std::string_view p) {
    auto o = limit_order("o" + std::to_string(++next_id), s, p, q);
    book.on_order_sent(o);
    book.on_execution_report(report(o, order_status::filled, q, p, q));
  }

  int64_t net() const { return book.get(sym("BTCUSDT")).net.raw; }
  int64_t avg() const { return book.get(sym("BTCUSDT")).avg_cost.raw; }
  int64_t realized() const { return book.get(sym("BTCUSDT")).realized_pnl.raw; }
};

int64_t raw_q(std::string_view s) { return qt(s).raw; }
int64_t raw_p(std::string_view s) { return px(s).raw; }
int64_t raw_n(std::string_view s) { return nt(s).raw; }

} // namespace

CAF_TEST_FIXTURE_SCOPE(position_book_tests, book_fixture)

CAF_TEST(pnl_over_buys_and_sells_with_a_flip_through_zero) {
  fill(side::buy, "1", "100");
  fill(side::buy, "1", "110");
  CAF_CHECK_EQUAL(net(), raw_q("2"));
  CAF_CHECK_EQUAL(avg(), raw_p("105"));
  fill(side::sell, "0.5", "120"); // +7.5
  CAF_CHECK_EQUAL(realized(), raw_n("7.5"));
  CAF_CHECK_EQUAL(avg(), raw_p("105"));
  fill(side::sell, "2.5", "90"); // closes 1.5 at -15 each: -22.5, then short 1 at 90
  CAF_CHECK_EQUAL(realized(), raw_n("-15"));
  CAF_CHECK_EQUAL(net(), raw_q("-1"));
  CAF_CHECK_EQUAL(avg(), raw_p("90"));
  fill(side::buy, "0.4", "80"); // short covers lower: +4
  CAF_CHECK_EQUAL(realized(), raw_n("-11"));
  CAF_CHECK_EQUAL(net(), raw_q("-0.6"));
  auto unrealized = book.unrealized_pnl(sym("BTCUSDT"), px("85"));
  CAF_REQUIRE(unrealized.has_value());
  int64_t u = unrealized->raw;
  CAF_CHECK_EQUAL(u, raw_n("3"));
  fill(side::buy, "0.6", "95"); // -3, flat
  CAF_CHECK_EQUAL(realized(), raw_n("-14"));
  CAF_CHECK_EQUAL(net(), 0);
  CAF_CHECK_EQUAL(avg(), 0);
  auto pos = book.get(sym("BTCUSDT"));
  CAF_CHECK_EQUAL(pos.bought.raw, raw_q("3"));
  CAF_CHECK_EQUAL(pos.sold.raw, raw_q("3"));
}

CAF_TEST(average_cost_rounds_half_up_at_eight_decimals) {
  fill(side::buy, "1", "100");
  fill(side::buy, "2", "100.00000001");
  // (100 + 2 × 100.00000001) / 3 = 100.0000000066... -> 100.00000001
  CAF_CHECK_EQUAL(avg(), raw_p("100.00000001"));
}

CAF_TEST(unrealized_pnl_marks_to_the_reference_price) {
  fill(side::buy, "2", "100");
  reference_prices refs;
  CAF_CHECK(!book.unrealized_pnl(sym("BTCUSDT"), refs).has_value());
  trade t;
  t.sym = sym("BTCUSDT");
  t.px = px("101.5");
  refs.on_trade(t);
  auto u = book.unrealized_pnl(sym("BTCUSDT"), refs);
  CAF_REQUIRE(u.has_value());
  int64_t got = u->raw;
  CAF_CHECK_EQUAL(got, raw_n("3"));
}

CAF_TEST(reference_prices_ignore_non_positive_trades) {
  reference_prices refs;
  trade t;
  t.sym = sym("BTCUSDT");
  t.px = px("0");
  CAF_CHECK(!refs.on_trade(t));
  CAF_CHECK(!refs.get(t.sym).has_value());
  CAF_CHECK_EQUAL(refs.ignored_trades(), 1u);
}

CAF_TEST(duplicate_fill_reports_count_once) {
  auto o = limit_order("d1", side::buy, "100", "1");
  book.on_order_sent(o);
  auto partial = report(o, order_status::partially_filled, "0.4", "100", "0.4");
  book.on_execution_report(partial);
  book.on_execution_report(partial);
  CAF_CHECK_EQUAL(net(), raw_q("0.4"));
  book.on_execution_report(report(o, order_status::filled, "0.6", "100", "1"));
  book.on_execution_report(report(o, order_status::filled, "0.6", "100", "1"));
  CAF_CHECK_EQUAL(net(), raw_q("1"));
  CAF_CHECK_EQUAL(book.late_reports(), 1u);
}

CAF_TEST(exposure_moves_from_in_flight_to_open_and_is_released) {
  auto o = limit_order("e1", side::sell, "100", "1");
  book.on_order_sent(o);
  auto s = sym("BTCUSDT");
  CAF_CHECK_EQUAL(book.get(s).in_flight_sell.raw, raw_q("1"));
  book.on_execution_report(report(o, order_status::accepted, "0", "0", "0"));
  CAF_CHECK_EQUAL(book.get(s).in_flight_sell.raw, 0);
  CAF_CHECK_EQUAL(book.get(s).open_sell.raw, raw_q("1"));
  book.on_execution_report(report(o, order_status::partially_filled, "0.25", "100", "0.25"));
  CAF_CHECK_EQUAL(book.get(s).open_sell.raw, raw_q("0.75"));
  CAF_CHECK_EQUAL(book.pending_qty(s, side::sell).raw, raw_q("0.75"));
  book.on_execution_report(report(o, order_status::canceled, "0", "0", "0.25"));
  CAF_CHECK_EQUAL(book.pending_qty(s, side::sell).raw, 0);
  CAF_CHECK_EQUAL(net(), raw_q("-0.25"));
  CAF_CHECK_EQUAL(book.tracked_orders(), 0u);
}

CAF_TEST(reject_releases_in_flight_exposure) {
  auto o = limit_order("r1", side::buy, "100", "1");
  book.on_order_sent(o);
  order_reject rej;
  rej.id = o.id;
  rej.sym = o.sym;
  book.on_order_reject(rej);
  CAF_CHECK_EQUAL(book.pending_qty(sym("BTCUSDT"), side::buy).raw, 0);
  CAF_CHECK_EQUAL(book.tracked_orders(), 0u);
}

CAF_TEST(duplicate_id_reject_does_not_release_the_original_order) {
  auto o = limit_order("r1", side::buy, "100", "1");
  book.on_order_sent(o);
  order_reject rej;
  rej.id = o.id;
  rej.sym = o.sym;
  rej.reason = reject_reason::duplicate_client_order_id;
  book.on_order_reject(rej);
  CAF_CHECK_EQUAL(book.pending_qty(sym("BTCUSDT"), side::buy).raw, qt("1").raw);
}

CAF_TEST(fills_of_orders_not_sent_through_the_book_still_move_the_position) {
  auto o = limit_order("x1", side::buy, "100", "1");
  book.on_execution_report(report(o, order_status::partially_filled, "0.5", "100", "0.5"));
  CAF_CHECK_EQUAL(net(), raw_q("0.5"));
  CAF_CHECK_EQUAL(book.pending_qty(sym("BTCUSDT"), side::buy).raw, raw_q("0.5"));
}

CAF_TEST(journaled_fills_rebuild_positions_and_keep_order_exposure) {
  std::vector<journaled_fill> fills{
    journaled_fill{client_order_id{"j1"}, sym("BTCUSDT"), side::buy, qt("2"), px("100")},
    journaled_fill{client_order_id{"j2"}, sym("BTCUSDT"), side::sell, qt("1"), px("110")}};
  auto open = limit_order("open", side::sell, "120", "0.5");
  book.on_order_sent(open);
  book.restore_fills(fills);
  CAF_CHECK_EQUAL(net(), raw_q("1"));
  CAF_CHECK_EQUAL(avg(), raw_p("100"));
  CAF_CHECK_EQUAL(realized(), raw_n("10"));
  CAF_CHECK_EQUAL(book.pending_qty(sym("BTCUSDT"), side::sell).raw, raw_q("0.5"));
  CAF_CHECK_EQUAL(book.account_exposure(account_id{"acct"}), nt("60"));
  // The OMS sends the whole journal again after its own restart: same result.
  book.restore_fills(fills);
  CAF_CHECK_EQUAL(net(), raw_q("1"));
  CAF_CHECK_EQUAL(realized(), raw_n("10"));
}

CAF_TEST(reports_of_restored_orders_count_only_fills_the_journal_did_not_hold) {
  // j1 (buy 2) had 0.5 filled before the restart; the venue then reports cum 0.8.
  book.restore_fills({journaled_fill{client_order_id{"j1"}, sym("BTCUSDT"), side::buy, qt("0.5"),
                                     px("100")}});
  CAF_CHECK_EQUAL(net(), raw_q("0.5"));
  auto j1 = limit_order("j1", side::buy, "100", "2");
  book.on_execution_report(report(j1, order_status::partially_filled, "0.3", "100", "0.8"));
  CAF_CHECK_EQUAL(net(), raw_q("0.8"));
  // After the OMS restarts again its journal holds all of it, j2 included; a
  // repeated FILLED of j2 (a stream reconnect) then adds nothing.
  book.restore_fills(
    {journaled_fill{client_order_id{"j1"}, sym("BTCUSDT"), side::buy, qt("0.5"), px("100")},
     journaled_fill{client_order_id{"j1"}, sym("BTCUSDT"), side::buy, qt("0.3"), px("100")},
     journaled_fill{client_order_id{"j2"}, sym("BTCUSDT"), side::sell, qt("1"), px("100")}});
  CAF_CHECK_EQUAL(net(), raw_q("-0.2"));
  auto j2 = limit_order("j2", side::sell, "100", "1");
  book.on_execution_report(report(j2, order_status::filled, "1", "100", "1"));
  CAF_CHECK_EQUAL(net(), raw_q("-0.2"));
}

CAF_TEST(restored_live_orders_count_as_exposure_and_credit_again) {
  // r1 (buy 2 at 100) was open with 0.5 filled when the node crashed.
  book.restore_fills({journaled_fill{client_order_id{"r1"}, sym("BTCUSDT"), side::buy, qt("0.5"),
                                     px("100")}});
  auto r1 = limit_order("r1", side::buy, "100", "2");
  book.restore_order(r1, qt("0.5"), true);
  CAF_CHECK_EQUAL(net(), raw_q("0.5"));
  CAF_CHECK_EQUAL(book.pending_qty(sym("BTCUSDT"), side::buy).raw, raw_q("1.5"));
  CAF_CHECK_EQUAL(book.account_exposure(account_id{"acct"}), nt("150"));
  CAF_CHECK(book.knows(r1.id));
  // Its next fill counts only what is new; restoring it twice changes nothing.
  book.restore_order(r1, qt("0.5"), true);
  book.on_execution_report(report(r1, order_status::partially_filled, "0.5", "100", "1"));
  CAF_CHECK_EQUAL(net(), raw_q("1"));
  CAF_CHECK_EQUAL(book.pending_qty(sym("BTCUSDT"), side::buy).raw, raw_q("1"));
  CAF_CHECK_EQUAL(book.account_exposure(account_id{"acct"}), nt("100"));
}

CAF_TEST_FIXTURE_SCOPE_END()
