// Tables and the node's JSON answers as console text.
#define CAF_SUITE console_views
#include "tests/support/unit_test.hpp"

#include "nodes/console/table.hpp"
#include "nodes/console/views.hpp"

using namespace cwts::console;

namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

CAF_TEST(a_table_pads_columns_and_right_aligns_numbers) {
  auto t = render_table({"ROLE", "RATE"}, {{"oms", "12.5"}, {"connector.binance", "3"}});
  CAF_CHECK_EQUAL(t, "ROLE               RATE\n"
                     "-----------------  ----\n"
                     "oms                12.5\n"
                     "connector.binance     3\n");
  CAF_CHECK(has(render_table({"A"}, {}), "(none)"));
}

CAF_TEST(actors_show_a_rate_from_the_second_sample_on) {
  actor_rates rates;
  auto at = [](int64_t handled) {
    return R"({"node":"solo","actors":[{"role":"oms","messages_handled":)" + std::to_string(handled)
           + R"(,"mailbox_depth":2,"mailbox_depth_max":9,"handler_p50_us":1.5,"handler_p99_us":40.0,)"
             R"("restarts":1,"counters":{}}]})";
  };
  auto first = render_actors(at(100), rates, 1'000'000'000);
  CAF_REQUIRE(first);
  CAF_CHECK(has(*first, "ROLE  MAILBOX/MAX  RATE/S  HANDLED  RESTARTS  P50_US  P99_US"));
  CAF_CHECK(has(*first, "oms           2/9       -      100"));
  auto second = render_actors(at(300), rates, 3'000'000'000);
  CAF_REQUIRE(second);
  CAF_CHECK(has(*second, "100.0")); // 200 messages in 2 s
  CAF_CHECK(!render_actors("{\"node\":\"solo\"}", rates, 0));
}

CAF_TEST(inspect_lists_fields_and_counters) {
  actor_rates rates;
  auto text = render_inspect(
    R"({"node":"solo","actors":[{"role":"risk","restarts":0,"restarts_by_reason":{},)"
    R"("counters":{"orders_checked":42,"rejects":1}}]})",
    rates, 1);
  CAF_REQUIRE(text);
  CAF_CHECK(has(*text, "node solo actor risk"));
  CAF_CHECK(has(*text, "orders_checked  42"));
  CAF_CHECK(!has(*text, "restarts_by_reason"));
}

CAF_TEST(orders_positions_risk_and_book_render_as_tables) {
  auto orders = render_orders(
    R"({"node":"solo","oms":true,"orders":[{"client_order_id":"solo-1","venue":"fix","symbol":"USDCHF",)"
    R"("side":"BUY","type":"LIMIT","price":"0.91230000","qty":"1000.00000000",)"
    R"("cum_qty":"0.00000000","acknowledged":true,"strategy":"mm-USDCHF","account":"demo"}]})");
  CAF_REQUIRE(orders);
  CAF_CHECK(has(*orders, "1 live orders"));
  CAF_CHECK(has(*orders, "solo-1"));
  CAF_CHECK(has(*orders, "VENUE"));
  CAF_CHECK(has(*orders, "fix"));
  auto no_oms = render_orders(R"({"node":"gw1","oms":false,"orders":[]})");
  CAF_REQUIRE(no_oms);
  CAF_CHECK(has(*no_oms, "has no OMS"));
  auto positions = render_positions(
    R"({"node":"solo","positions":[{"symbol":"USDCHF","qty":"5.00000000","average_cost":"0.9",)"
    R"("realized_pnl":"1.0","unrealized_pnl":"-0.5"}]})");
  CAF_REQUIRE(positions);
  CAF_CHECK(has(*positions, "USDCHF"));
  auto risk = render_risk(
    R"({"node":"solo","risk":true,"trading_state":{"mode":"HALTED","level":"2-cancel-all",)"
    R"("cause":"k-1","since_ns":5},"counters":{"rejects":3},"health":[{"rule":"memory",)"
    R"("enabled":true,"breached":false,"value":1.0,"limit":2.0,"unit":"bytes","kill_level":0,)"
    R"("kills_triggered":0}]})");
  CAF_REQUIRE(risk);
  CAF_CHECK(has(*risk, "trading state HALTED (level 2-cancel-all, cause k-1)"));
  CAF_CHECK(has(*risk, "memory"));
  auto book = render_book(
    R"({"node":"solo","symbol":"USDCHF","synced":true,"crossed":false,"update_id":812,)"
    R"("age_ms":14,"bids":[{"price":"0.91","qty":"5"},{"price":"0.90","qty":"7"}],)"
    R"("asks":[{"price":"0.92","qty":"3"}]})");
  CAF_REQUIRE(book);
  CAF_CHECK(has(*book, "book USDCHF: synced, update id 812, age 14 ms"));
  CAF_CHECK(has(*book, "BID_QTY   BID   ASK  ASK_QTY"));
  CAF_CHECK(has(*book, "      7  0.90"));
  // A node with several venues names the connector's venue.
  auto venue_book = render_book(
    R"({"node":"solo","venue":"binance","symbol":"USDCHF","synced":true,"crossed":false,)"
    R"("update_id":812,"age_ms":14,"bids":[],"asks":[]})");
  CAF_REQUIRE(venue_book);
  CAF_CHECK(has(*venue_book, "book USDCHF venue binance: synced"));
}

CAF_TEST(kill_and_reset_reports_show_refusals_and_every_node) {
  auto refused = render_kill_report(
    R"({"id":"k-1","origin":"solo","complete":false,"total_ns":0,"error":"bad signature",)"
    R"("acks":[],"channels":[]})");
  CAF_REQUIRE(refused);
  CAF_CHECK(has(*refused, "REFUSED: bad signature"));
  auto applied = render_kill_report(
    R"({"id":"k-2","origin":"solo","complete":true,"total_ns":2500000,"error":"",)"
    R"("acks":[{"node":"solo","applied":true,"verify_ns":90000,"gate_close_ns":2000,)"
    R"("channels_started":2,"error":""}],"channels":[{"node":"solo","channel":"oms","ok":true,)"
    R"("duration_ns":1000000,"retries":0,"orders_canceled":3,"open_orders_after":0,"error":""}]})");
  CAF_REQUIRE(applied);
  CAF_CHECK(has(*applied, "complete=yes total_ms=2.500"));
  CAF_CHECK(has(*applied, "oms"));
  auto reset = render_reset_report(
    R"({"id":"r-1","origin":"solo","nodes":1,"quorum":1,"resumed":true,"epoch":2,"error":"",)"
    R"("votes":[{"node":"solo","yes":true,"epoch":2,"reason":""}]})");
  CAF_REQUIRE(reset);
  CAF_CHECK(has(*reset, "resumed=yes"));
  CAF_CHECK(!render_reset_report("[]"));
}
