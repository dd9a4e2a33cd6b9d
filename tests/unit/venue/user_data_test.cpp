// User Data Stream events built from the matching engine's order updates:
// executionReport sequences (NEW, TRADE, CANCELED, EXPIRED, TRADE_PREVENTION)
// and outboundAccountPosition after balance changes.
#define CAF_SUITE venue_user_data
#include "tests/support/unit_test.hpp"

#include <set>

#include "tests/unit/venue/usdchf_rules.hpp"
#include "venue/user_data.hpp"

using namespace cwts;
using namespace cwts::venue;
using namespace cwts::venue::testing;

namespace {

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

struct fixture {
  matching_engine engine;
  std::set<std::string> listening{"a", "b"};
  user_data_feed feed{engine, [this](const std::string& acc) { return listening.count(acc) > 0; }};

  fixture() {
    engine.add_symbol(usdchf_rules());
    for (auto* acc : {"a", "b", "quiet"})
      for (auto* asset : {"USD", "CHF"})
        engine.fund(acc, asset, *qty::parse("1000"));
  }

  order place(const place_request& r, int64_t now = 1000) {
    auto res = engine.place(r, now);
    CAF_REQUIRE(std::holds_alternative<order>(res));
    return std::get<order>(res);
  }

  // The executionReports of `account` in the next batch, and its positions.
  std::pair<std::vector<std::string>, std::vector<std::string>> events(const std::string& acc) {
    std::vector<std::string> reports, positions;
    for (auto& ev : feed.take(2000)) {
      if (ev.account != acc) continue;
      (contains(ev.json, "\"e\":\"executionReport\"") ? reports : positions).push_back(ev.json);
    }
    return {reports, positions};
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(user_data_tests, fixture)

CAF_TEST(resting_order_reports_new_with_every_field) {
  auto o = place(limit("a", order_side::buy, "1.2", "10"));
  auto [reports, positions] = events("a");
  CAF_REQUIRE_EQUAL(reports.size(), 1u);
  CAF_CHECK_EQUAL(reports[0],
                  "{\"e\":\"executionReport\",\"E\":1000,\"s\":\"USDCHF\",\"c\":\""
                    + o.client_order_id + "\",\"S\":\"BUY\",\"o\":\"LIMIT\",\"f\":\"GTC\","
                    "\"q\":\"10.00000000\",\"p\":\"1.20000000\",\"P\":\"0.00000000\","
                    "\"F\":\"0.00000000\",\"g\":-1,\"C\":\"\",\"x\":\"NEW\",\"X\":\"NEW\","
                    "\"r\":\"NONE\",\"i\":" + std::to_string(o.order_id) + ",\"l\":\"0.00000000\","
                    "\"z\":\"0.00000000\",\"L\":\"0.00000000\",\"n\":\"0\",\"N\":null,\"T\":1000,"
                    "\"t\":-1,\"I\":1,\"w\":true,\"m\":false,\"M\":false,\"O\":1000,"
                    "\"Z\":\"0.00000000\",\"Y\":\"0.00000000\",\"Q\":\"0.00000000\",\"W\":1000,"
                    "\"V\":\"NONE\"}");
  // 12 CHF locked by the bid.
  CAF_REQUIRE_EQUAL(positions.size(), 1u);
  CAF_CHECK_EQUAL(positions[0], "{\"e\":\"outboundAccountPosition\",\"E\":2000,\"u\":1000,\"B\":["
                                "{\"a\":\"USD\",\"f\":\"1000.00000000\",\"l\":\"0.00000000\"},"
                                "{\"a\":\"CHF\",\"f\":\"988.00000000\",\"l\":\"12.00000000\"}]}");
}

CAF_TEST(fills_report_trade_per_fill_for_taker_and_maker) {
  auto bid = place(limit("a", order_side::buy, "1.2", "10"));
  events("a");
  // b sells 4 then 6 into a's bid: a's order goes PARTIALLY_FILLED then FILLED.
  auto first = place(limit("b", order_side::sell, "1.2", "4"), 1500);
  auto [taker, taker_pos] = events("b");
  CAF_REQUIRE_EQUAL(taker.size(), 2u);
  CAF_CHECK(contains(taker[0], "\"x\":\"NEW\",\"X\":\"NEW\""));
  CAF_CHECK(contains(taker[0], "\"w\":false")); // traded at once, never rested
  CAF_CHECK(contains(taker[1], "\"x\":\"TRADE\",\"X\":\"FILLED\""));
  CAF_CHECK(contains(taker[1], "\"l\":\"4.00000000\",\"z\":\"4.00000000\",\"L\":\"1.20000000\""));
  CAF_CHECK(contains(taker[1], "\"n\":\"0.00000000\",\"N\":\"CHF\""));
  CAF_CHECK(contains(taker[1], "\"t\":" + std::to_string(first.fills[0].trade_id)));
  CAF_CHECK(contains(taker[1], "\"m\":false"));
  CAF_CHECK(contains(taker[1], "\"Y\":\"4.80000000\""));
  CAF_CHECK_EQUAL(taker_pos.size(), 1u);
  // The maker's side of the same trade was reported in the same batch.
  place(limit("b", order_side::sell, "1.2", "6"), 1600);
  auto [maker, maker_pos] = events("a");
  CAF_REQUIRE_EQUAL(maker.size(), 1u);
  CAF_CHECK(contains(maker[0], "\"i\":" + std::to_string(bid.order_id)));
  CAF_CHECK(contains(maker[0], "\"x\":\"TRADE\",\"X\":\"FILLED\""));
  CAF_CHECK(contains(maker[0], "\"l\":\"6.00000000\",\"z\":\"10.00000000\""));
  CAF_CHECK(contains(maker[0], "\"N\":\"USD\""));
  CAF_CHECK(contains(maker[0], "\"w\":false,\"m\":true"));
  CAF_CHECK(contains(maker[0], "\"Z\":\"12.00000000\""));
  CAF_REQUIRE_EQUAL(maker_pos.size(), 1u);
  CAF_CHECK(contains(maker_pos[0], "{\"a\":\"USD\",\"f\":\"1010.00000000\",\"l\":\"0.00000000\"}"));
  CAF_CHECK(contains(maker_pos[0], "{\"a\":\"CHF\",\"f\":\"988.00000000\",\"l\":\"0.00000000\"}"));
}

CAF_TEST(partial_maker_fill_then_cancel) {
  auto bid = place(limit("a", order_side::buy, "1.2", "10"));
  place(limit("b", order_side::sell, "1.2", "3"), 1500);
  auto [fill, pos] = events("a");
  CAF_REQUIRE_EQUAL(fill.size(), 2u); // NEW (earlier batch not taken) and the TRADE
  CAF_CHECK(contains(fill[1], "\"x\":\"TRADE\",\"X\":\"PARTIALLY_FILLED\""));
  CAF_CHECK(contains(fill[1], "\"w\":true,\"m\":true"));
  auto done = engine.cancel("a", usdchf(), order_key{bid.order_id, {}}, 1700, "mycancel");
  CAF_REQUIRE(std::holds_alternative<order>(done));
  auto [cancel, cancel_pos] = events("a");
  CAF_REQUIRE_EQUAL(cancel.size(), 1u);
  CAF_CHECK(contains(cancel[0], "\"c\":\"mycancel\""));
  CAF_CHECK(contains(cancel[0], "\"C\":\"" + bid.client_order_id + "\""));
  CAF_CHECK(contains(cancel[0], "\"x\":\"CANCELED\",\"X\":\"CANCELED\""));
  CAF_CHECK(contains(cancel[0], "\"z\":\"3.00000000\""));
  CAF_CHECK_EQUAL(cancel_pos.size(), 1u);
}

CAF_TEST(ioc_remainder_expires_and_stp_reports_trade_prevention) {
  place(limit("b", order_side::sell, "1.2", "2"));
  place(limit("a", order_side::buy, "1.2", "5", time_in_force::ioc), 1100);
  auto [ioc, ioc_pos] = events("a");
  CAF_REQUIRE_EQUAL(ioc.size(), 3u);
  CAF_CHECK(contains(ioc[0], "\"x\":\"NEW\""));
  CAF_CHECK(contains(ioc[1], "\"x\":\"TRADE\",\"X\":\"PARTIALLY_FILLED\""));
  CAF_CHECK(contains(ioc[2], "\"x\":\"EXPIRED\",\"X\":\"EXPIRED\""));
  CAF_CHECK(contains(ioc[2], "\"z\":\"2.00000000\""));
  place(limit("a", order_side::sell, "1.3", "2"));
  auto stp = limit("a", order_side::buy, "1.3", "2");
  stp.stp = stp_mode::expire_taker;
  place(stp, 1200);
  auto [prevented, pos] = events("a");
  CAF_REQUIRE_EQUAL(prevented.size(), 3u); // the resting ask's NEW, then the taker
  CAF_CHECK(contains(prevented[2], "\"x\":\"TRADE_PREVENTION\",\"X\":\"EXPIRED_IN_MATCH\""));
  CAF_CHECK(contains(prevented[2], "\"V\":\"EXPIRE_TAKER\""));
}

CAF_TEST(accounts_nobody_listens_to_build_nothing) {
  place(limit("quiet", order_side::buy, "1.2", "10"));
  auto all = feed.take(2000);
  CAF_CHECK(all.empty());
  // Listening later: the next change continues the order's sequence.
  listening.insert("quiet");
  place(limit("b", order_side::sell, "1.2", "10"), 1500);
  auto [reports, pos] = events("quiet");
  CAF_REQUIRE_EQUAL(reports.size(), 1u);
  CAF_CHECK(contains(reports[0], "\"x\":\"TRADE\",\"X\":\"FILLED\""));
}

CAF_TEST_FIXTURE_SCOPE_END()
