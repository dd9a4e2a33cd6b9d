#define CAF_SUITE connector_okx_codec
#include "tests/support/unit_test.hpp"

#include "actors/connector/okx/okx_codec.hpp"

using namespace cwts;
using namespace cwts::connector::okx;

namespace {

const char* live_order = R"({"instId":"USD-CHF","ordId":"312269865356374016","clOrdId":"b15",
  "px":"0.9","sz":"2","ordType":"limit","side":"buy","state":"partially_filled",
  "accFillSz":"0.5","avgPx":"0.89","fillSz":"0.5","fillPx":"0.89","tradeId":"242589207",
  "uTime":"1597026383085","cTime":"1597026383085"})";

} // namespace

CAF_TEST(envelope_success_and_error) {
  auto ok = parse_envelope(R"({"code":"0","msg":"","data":[{"ts":"1597026383085"}]})");
  CAF_REQUIRE(ok);
  CAF_CHECK(ok.value().ok());
  auto t = parse_server_time(ok.value());
  CAF_REQUIRE(t);
  CAF_CHECK_EQUAL(t.value(), 1597026383085);
  auto err = parse_envelope(R"({"code":"50113","msg":"Invalid Sign","data":[]})");
  CAF_REQUIRE(err);
  CAF_CHECK(!err.value().ok());
  CAF_CHECK_EQUAL(err.value().code, "50113");
  CAF_CHECK_EQUAL(err.value().msg, "Invalid Sign");
  CAF_CHECK(effect_of("50113") == code_effect::rejected);
  CAF_CHECK(effect_of("50011") == code_effect::rate_limited);
  CAF_CHECK(effect_of("50004") == code_effect::unknown);
  CAF_CHECK(effect_of("50026") == code_effect::unknown);
  CAF_CHECK(effect_of("50001") == code_effect::unknown);
}

CAF_TEST(malformed_envelopes_are_refused_with_a_reason) {
  CAF_CHECK(!parse_envelope("not json"));
  CAF_CHECK(!parse_envelope("[]"));
  auto no_code = parse_envelope(R"({"msg":"","data":[]})");
  CAF_REQUIRE(!no_code);
  CAF_CHECK_NOT_EQUAL(no_code.error().reason.find("code"), std::string::npos);
  CAF_CHECK(!parse_envelope(R"({"code":"0","data":{}})"));
}

CAF_TEST(per_order_acks_carry_scode) {
  auto env = parse_envelope(R"({"code":"2","msg":"","data":[
    {"clOrdId":"a1","ordId":"11","sCode":"0","sMsg":""},
    {"clOrdId":"a2","ordId":"12","sCode":"51401","sMsg":"Order has been canceled"}]})");
  CAF_REQUIRE(env);
  auto acks = parse_acks(env.value());
  CAF_REQUIRE(acks);
  CAF_REQUIRE_EQUAL(acks.value().size(), 2u);
  CAF_CHECK_EQUAL(acks.value()[0].s_code, "0");
  CAF_CHECK_EQUAL(acks.value()[1].s_code, "51401");
  CAF_CHECK(settled_cancel_code("51401"));
  CAF_CHECK(settled_cancel_code("51402"));
  CAF_CHECK(!settled_cancel_code("50013"));
}

CAF_TEST(error_codes_map_to_reject_reasons) {
  CAF_CHECK(reason_of("51008") == reject_reason::venue_rejected);
  CAF_CHECK(reason_of("51001") == reject_reason::unknown_symbol);
  CAF_CHECK(reason_of("51006") == reject_reason::invalid_price);
  CAF_CHECK(reason_of("51121") == reject_reason::invalid_qty);
  CAF_CHECK(reason_of("51016") == reject_reason::duplicate_client_order_id);
  CAF_CHECK(reason_of("51603") == reject_reason::unknown_order);
  CAF_CHECK(order_not_found("51603"));
}

CAF_TEST(order_json_is_read) {
  auto env = parse_envelope(std::string(R"({"code":"0","msg":"","data":[)") + live_order + "]}");
  CAF_REQUIRE(env);
  auto orders = parse_orders(env.value());
  CAF_REQUIRE(orders);
  CAF_REQUIRE_EQUAL(orders.value().size(), 1u);
  auto& o = orders.value()[0];
  CAF_CHECK_EQUAL(o.inst_id, "USD-CHF");
  CAF_CHECK_EQUAL(o.ord_id.value, 312269865356374016);
  CAF_CHECK_EQUAL(o.cl_ord_id, "b15");
  CAF_CHECK(o.order_side == side::buy);
  CAF_CHECK(o.status == order_status::partially_filled);
  CAF_CHECK(o.px == *price::parse("0.9"));
  CAF_CHECK(o.sz == *qty::parse("2"));
  CAF_CHECK(o.acc_fill_sz == *qty::parse("0.5"));
  CAF_CHECK(o.fill_px == *price::parse("0.89"));
  CAF_CHECK_EQUAL(o.trade_id, "242589207");
  CAF_CHECK_EQUAL(o.update_time.millis(), 1597026383085);
}

CAF_TEST(order_states_and_types) {
  CAF_CHECK(parse_state("live") == order_status::accepted);
  CAF_CHECK(parse_state("filled") == order_status::filled);
  CAF_CHECK(parse_state("canceled") == order_status::canceled);
  CAF_CHECK(parse_state("mmp_canceled") == order_status::canceled);
  CAF_CHECK(!parse_state("LIVE"));
  rapidjson::Document d;
  d.Parse(R"({"instId":"USD-CHF","ordId":"1","side":"sell","ordType":"market","state":"filled",
              "px":"","sz":"3","accFillSz":"3","avgPx":"0.9","fillSz":"","fillPx":"","tradeId":""})");
  auto m = parse_order(d);
  CAF_REQUIRE(m);
  CAF_CHECK(m.value().type == order_type::market);
  CAF_CHECK(m.value().px.is_zero()); // "" is absent
  CAF_CHECK(m.value().fill_sz.is_zero());
}

CAF_TEST(nineteen_digit_order_ids) {
  rapidjson::Document d;
  d.Parse(R"({"instId":"USD-CHF","ordId":"1968593483469594624","side":"buy","ordType":"limit",
              "state":"live","sz":"1"})");
  auto o = parse_order(d);
  CAF_REQUIRE(o);
  CAF_CHECK_EQUAL(o.value().ord_id.value, 1968593483469594624);
  d.Parse(R"({"instId":"USD-CHF","ordId":"9999999999999999999","side":"buy","ordType":"limit",
              "state":"live","sz":"1"})");
  CAF_CHECK(!parse_order(d)); // beyond int64
}

CAF_TEST(bad_orders_name_their_field) {
  rapidjson::Document d;
  d.Parse(R"({"instId":"USD-CHF","ordId":"x1","side":"buy","ordType":"limit","state":"live","sz":"1"})");
  auto a = parse_order(d);
  CAF_REQUIRE(!a);
  CAF_CHECK_NOT_EQUAL(a.error().reason.find("ordId"), std::string::npos);
  d.Parse(R"({"instId":"USD-CHF","ordId":"1","side":"up","ordType":"limit","state":"live","sz":"1"})");
  auto b = parse_order(d);
  CAF_REQUIRE(!b);
  CAF_CHECK_NOT_EQUAL(b.error().reason.find("side"), std::string::npos);
  d.Parse(R"({"instId":"USD-CHF","ordId":"1","side":"buy","ordType":"limit","state":"live","sz":"1e3"})");
  CAF_CHECK(!parse_order(d));
}

CAF_TEST(balances_and_instruments) {
  auto env = parse_envelope(R"({"code":"0","msg":"","data":[{"totalEq":"1","details":[
    {"ccy":"USD","availBal":"1000.5","frozenBal":"10","cashBal":"1010.5"},
    {"ccy":"CHF","availBal":"5","frozenBal":""}]}]})");
  CAF_REQUIRE(env);
  auto b = parse_balances(env.value());
  CAF_REQUIRE(b);
  CAF_REQUIRE_EQUAL(b.value().size(), 2u);
  CAF_CHECK_EQUAL(b.value()[0].asset, "USD");
  CAF_CHECK(b.value()[0].free == *qty::parse("1000.5"));
  CAF_CHECK(b.value()[0].locked == *qty::parse("10"));
  CAF_CHECK(b.value()[1].locked.is_zero());
  auto i = parse_envelope(R"({"code":"0","msg":"","data":[
    {"instId":"USD-CHF","baseCcy":"USD","quoteCcy":"CHF","tickSz":"0.0001","lotSz":"1","minSz":"1"}]})");
  CAF_REQUIRE(i);
  auto inst = parse_instruments(i.value());
  CAF_REQUIRE(inst);
  CAF_CHECK_EQUAL(inst.value()[0].base, "USD");
  CAF_CHECK_EQUAL(inst.value()[0].quote, "CHF");
}

CAF_TEST(request_bodies) {
  order_request req;
  req.id = client_order_id{"abc1"};
  req.sym = *symbol::parse("USDCHF");
  req.order_side = side::sell;
  req.limit_price = *price::parse("0.91500000");
  req.quantity = *qty::parse("2.50000000");
  CAF_CHECK_EQUAL(order_args(req, "USD-CHF", "abc1"),
                  R"({"instId":"USD-CHF","tdMode":"cash","clOrdId":"abc1","side":"sell",)"
                  R"("ordType":"limit","px":"0.915","sz":"2.5"})");
  req.tif = time_in_force::ioc;
  CAF_CHECK_NOT_EQUAL(order_args(req, "USD-CHF", "abc1").find(R"("ordType":"ioc")"),
                      std::string::npos);
  req.type = order_type::market;
  auto m = order_args(req, "USD-CHF", "abc1");
  CAF_CHECK_NOT_EQUAL(m.find(R"("tgtCcy":"base_ccy")"), std::string::npos);
  CAF_CHECK_EQUAL(m.find("\"px\""), std::string::npos);
  CAF_CHECK_EQUAL(cancel_batch_body({{"USD-CHF", venue_order_id{7}}, {"USD-CHF", venue_order_id{8}}}),
                  R"([{"instId":"USD-CHF","ordId":"7"},{"instId":"USD-CHF","ordId":"8"}])");
  CAF_CHECK_EQUAL(cancel_all_after_body(60), R"({"timeOut":"60"})");
  CAF_CHECK_EQUAL(ws_op("c1", "cancel-order", cancel_args("USD-CHF", "abc1")),
                  R"({"id":"c1","op":"cancel-order","args":[{"instId":"USD-CHF","clOrdId":"abc1"}]})");
  CAF_CHECK_EQUAL(okx_decimal(300000000), "3");
  CAF_CHECK_EQUAL(okx_decimal(1), "0.00000001");
}

// printf '%s' 'tr1-kx2abc1234-1' | openssl dgst -sha256 (first 31 hex digits)
CAF_TEST(client_ids_fit_okx) {
  CAF_CHECK_EQUAL(okx_client_id(client_order_id{"abc123"}), "abc123");
  auto mapped = okx_client_id(client_order_id{"tr1-kx2abc1234-1"});
  CAF_CHECK_EQUAL(mapped, "x1d3d6374956bea55bdb142026b13ad2");
  CAF_CHECK_EQUAL(mapped.size(), 32u);
  CAF_CHECK_EQUAL(okx_client_id(client_order_id{std::string(33, 'a')}).size(), 32u);
}

#include "actors/connector/okx/okx_adapter.hpp"

CAF_TEST(adapter_config_errors_name_their_key) {
  okx_adapter_config c;
  c.port = 9000;
  c.api_key = "k";
  c.secret = "s";
  c.passphrase = "p";
  c.symbols = {*symbol::parse("USDCHF")};
  CAF_CHECK_EQUAL(validate(c), "");
  auto with = [&](auto change) {
    auto copy = c;
    change(copy);
    return validate(copy);
  };
  CAF_CHECK_EQUAL(with([](auto& x) { x.passphrase.clear(); }).rfind("passphrase:", 0), 0u);
  CAF_CHECK_EQUAL(with([](auto& x) { x.symbols.clear(); }).rfind("symbols:", 0), 0u);
  CAF_CHECK_EQUAL(with([](auto& x) { x.port = 0; }).rfind("port:", 0), 0u);
  // cancel-all-after: 0 or whole seconds 10..120.
  CAF_CHECK_EQUAL(with([](auto& x) { x.dead_mans_switch = std::chrono::seconds(60); }), "");
  CAF_CHECK_EQUAL(with([](auto& x) { x.dead_mans_switch = std::chrono::seconds(5); })
                    .rfind("dead_mans_switch:", 0),
                  0u);
  CAF_CHECK_EQUAL(with([](auto& x) { x.dead_mans_switch = std::chrono::seconds(121); })
                    .rfind("dead_mans_switch:", 0),
                  0u);
  CAF_CHECK_EQUAL(with([](auto& x) { x.dead_mans_switch = std::chrono::milliseconds(10500); })
                    .rfind("dead_mans_switch:", 0),
                  0u);
  CAF_CHECK_EQUAL(with([](auto& x) { x.ping_interval = std::chrono::seconds(30); })
                    .rfind("ping_interval:", 0),
                  0u);
}
