#define CAF_SUITE messages_roundtrip
#include "tests/support/unit_test.hpp"

#include "caf/all.hpp"

#include "messages/registry.hpp"
#include "tests/unit/actor_test_system.hpp"

using namespace cwts;

namespace {

struct fixture : testing::actor_test_system {
  // Serializes `x` to bytes, reads it back and compares the full structure.
  template <class T>
  void check_round_trip(T x) {
    std::vector<char> buf;
    caf::binary_serializer sink{*sys, buf};
    CAF_REQUIRE_EQUAL(sink(x), caf::none);
    T y;
    caf::binary_deserializer source{*sys, buf};
    CAF_REQUIRE_EQUAL(source(y), caf::none);
    CAF_CHECK_EQUAL(caf::deep_to_string(x), caf::deep_to_string(y));
    // Also through a type-erased message, as it crosses nodes.
    auto msg = caf::make_message(x);
    std::vector<char> buf2;
    caf::binary_serializer sink2{*sys, buf2};
    CAF_REQUIRE_EQUAL(sink2(msg), caf::none);
    caf::message back;
    caf::binary_deserializer source2{*sys, buf2};
    CAF_REQUIRE_EQUAL(source2(back), caf::none);
    CAF_REQUIRE(back.match_elements<T>());
    CAF_CHECK_EQUAL(caf::deep_to_string(back.get_as<T>(0)), caf::deep_to_string(x));
  }
};

symbol btc() {
  return *symbol::parse("BTCUSDT");
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(roundtrip_tests, fixture)

CAF_TEST(every_message_type_survives_serialization) {
  check_round_trip(trade{btc(), trade_id{42}, *price::parse("27123.45"), *qty::parse("0.001"), true,
                         timestamp_ns{1700000000000000000}, timestamp_ns{1700000000000000123}});
  book_top top{btc(), 77, *price::parse("27123.40"), *qty::parse("1.5"), *price::parse("27123.50"),
               *qty::parse("0.25"), true, timestamp_ns{1700000000000000000},
               timestamp_ns{1700000000000000456}};
  check_round_trip(top);
  check_round_trip(market_batch{{trade{btc(), trade_id{43}, *price::parse("27123.46"),
                                      *qty::parse("0.002"), false, timestamp_ns{1}, timestamp_ns{2}}},
                                {top}});
  check_round_trip(order_request{client_order_id{"cwts-1"}, strategy_id{"mm"}, account_id{"acct-1"},
                                 btc(), side::sell,
                                 order_type::limit, time_in_force::ioc, *price::parse("1.5"),
                                 *qty::parse("2"), timestamp_ns{7}});
  check_round_trip(cancel_request{client_order_id{"cwts-1"}, btc(), timestamp_ns{8}});
  check_round_trip(amend_request{client_order_id{"cwts-1"},
                                 order_request{client_order_id{"cwts-2"}, strategy_id{"mm"},
                                               account_id{"acct-1"}, btc(), side::sell,
                                               order_type::limit, time_in_force::gtc,
                                               *price::parse("1.6"), *qty::parse("3"),
                                               timestamp_ns{9}}});
  check_round_trip(execution_report{client_order_id{"cwts-1"}, venue_order_id{99}, btc(), side::buy,
                                    order_status::partially_filled, *qty::parse("0.5"),
                                    *price::parse("100"), *qty::parse("0.5"), *qty::parse("1.5"),
                                    "text", timestamp_ns{1}, timestamp_ns{2}});
  check_round_trip(order_reject{client_order_id{"cwts-2"}, btc(), reject_reason::max_notional_exceeded,
                                "notional 1000000 > 500000", timestamp_ns{3}});
  check_round_trip(kill_command{kill_id{"k-1"}, kill_level::cancel_all, kill_scope::cluster, "",
                                operator_id{"alice"}, node_id{"n1"}, "drill", timestamp_ns{4},
                                std::vector<uint8_t>{1, 2, 3}});
  check_round_trip(kill_ack{kill_id{"k-1"}, node_id{"n2"}, true, 80000, 1234, timestamp_ns{4}, timestamp_ns{5}, 2, ""});
  check_round_trip(reset_command{kill_id{"r-1"}, operator_id{"alice"}, node_id{"n1"}, "all clear",
                                 timestamp_ns{9}, std::vector<uint8_t>(64, 7)});
  check_round_trip(reset_vote{kill_id{"r-1"}, node_id{"n2"}, false, "OMS not reconciled", 3,
                              std::vector<uint8_t>(64, 7)});
  check_round_trip(reset_report{kill_id{"r-1"}, node_id{"n1"}, 2, 2, false,
                                {reset_vote{kill_id{"r-1"}, node_id{"n1"}, true, ""}}, "no quorum"});
  check_round_trip(kill_report{kill_id{"k-1"}, node_id{"n1"}, true,
                               {kill_ack{kill_id{"k-1"}, node_id{"n2"}, true, 3, 1, {}, {}, 0, ""}},
                               {channel_result{kill_id{"k-1"}, node_id{"n1"}, "oms", true, 2, 0, 1, -1, ""}},
                               99, ""});
  check_round_trip(actor_stats{"oms", {{"orders_sent", 3}, {"fills", 2}}});
  check_round_trip(position_snapshot{btc(), *qty::parse("-1.5"), *price::parse("100"),
                                     *notional::parse("12.5"), *notional::parse("-3"), true,
                                     *price::parse("102")});
  check_round_trip(position_snapshot{btc(), *qty::parse("2"), *price::parse("100"),
                                     *notional::parse("0"), *notional::parse("0"), false, price{}});
  check_round_trip(channel_result{kill_id{"k-1"}, node_id{"n1"}, "venue_cancel_all", true, 5000000,
                                  1, 3, 0, ""});
  check_round_trip(trading_state{node_id{"n1"}, trading_mode::halted, kill_level::cancel_all,
                                 kill_id{"k-1"}, timestamp_ns{6}});
  check_round_trip(heartbeat{node_id{"n1"}, node_id{"n2"}, 17, timestamp_ns{9}, std::vector<uint8_t>(64, 5)});
  check_round_trip(audit_anchor{node_id{"n1"}, 42, std::string(64, 'a'), std::vector<uint8_t>(64, 7)});
  check_round_trip(operator_command{command_id{"c-1"}, operator_action::change_limit,
                                    operator_id{"alice"}, timestamp_ns{10}, "BTCUSDT",
                                    "max-order-qty", "2.5", "widen for auction",
                                    std::vector<uint8_t>{4, 5}});
  check_round_trip(command_result{command_id{"c-1"}, node_id{"n1"}, false, "bad signature"});
  venue_order_state open{client_order_id{"cwts-3"}, venue_order_id{7}, btc(), side::sell,
                         order_type::limit, time_in_force::gtc, order_status::partially_filled,
                         *price::parse("100"), *qty::parse("2"), *qty::parse("0.5"),
                         *notional::parse("50"), timestamp_ns{11}};
  reset_precondition not_reconciled{"oms", false, ""};
  not_reconciled.unexplained = true;
  not_reconciled.detail = "unexplained: positions unexplained";
  check_round_trip(not_reconciled);
  check_round_trip(connector_status{true, false, true, {btc()}, 250});
  check_round_trip(quorum_status{true, 2, 3});
  order_book_snapshot book{"BTCUSDT", true, "", true, false, 42, 13, 14,
                           {book_level{*price::parse("100"), *qty::parse("2")}},
                           {book_level{*price::parse("101"), *qty::parse("0.5")}}};
  check_round_trip(book);
  check_round_trip(reconcile_orders{3, {order_request{}}});
  check_round_trip(venue_snapshot{3, true, "", {open}, {open}, {client_order_id{"cwts-4"}},
                                  {asset_balance{"BTC", *qty::parse("1"), *qty::parse("0.5")}},
                                  {symbol_assets{btc(), "BTC", "USDT"}}, 4, 1000, timestamp_ns{12}});
  check_round_trip(std::vector<journaled_fill>{journaled_fill{client_order_id{"cwts-3"}, btc(),
                                                              side::buy, *qty::parse("0.5"),
                                                              *price::parse("100")}});
  check_round_trip(std::vector<restored_order>{restored_order{order_request{}, *qty::parse("0.5"), true}});
  check_round_trip(open_orders_query{3, {strategy_id{"mm-BTCUSDT"}}, {venue_name{"binance"}}});
  check_round_trip(open_orders_answer{3, node_id{"tr1"}, true, false, "",
                                      {restored_order{order_request{}, *qty::parse("0.5"), true}}});
  check_round_trip(std::vector<trade>{trade{}, trade{btc(), trade_id{1}, price{}, qty{}, false, {}, {}}});
}

// Two commands that differ only in where a field boundary falls must not
// share a signed payload.
CAF_TEST(signing_payload_separates_fields) {
  operator_command a{command_id{"c"}, operator_action::change_limit, operator_id{"op"},
                     timestamp_ns{1}, "AB", "C", "1", "", {}};
  operator_command b = a;
  b.target = "A";
  b.field = "BC";
  CAF_CHECK_NOT_EQUAL(signing_payload(a), signing_payload(b));
  b = a;
  b.signature = {9, 9};
  CAF_CHECK_EQUAL(signing_payload(a), signing_payload(b));
}

CAF_TEST_FIXTURE_SCOPE_END()
