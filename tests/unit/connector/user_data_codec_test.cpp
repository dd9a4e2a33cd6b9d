#define CAF_SUITE connector_user_data_codec
#include "tests/support/unit_test.hpp"

#include <map>

#include "actors/connector/user_data_codec.hpp"
#include "common/hmac.hpp"

using namespace cwts;
using namespace cwts::connector;

namespace {

// web-socket-api.md, "Log in with API key (SIGNED)": the documented key,
// secret, timestamp and the signature of apiKey + timestamp.
const std::string doc_key = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
const std::string doc_secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
const std::string doc_signature = "1cf54395b336b0a9727ef27d5d98987962bc47aca6e13fe978612d0adee066ed";
constexpr int64_t doc_timestamp = 1649729878532;

// An executionReport as cwts-venue sends it (every field of
// user-data-stream.md), with `fields` replacing single values.
std::string execution_frame(std::map<std::string, std::string> fields = {}) {
  std::map<std::string, std::string> f{
    {"e", R"("executionReport")"}, {"E", "1700000000123"}, {"s", R"("USDCHF")"},
    {"c", R"("ord-1")"}, {"S", R"("BUY")"}, {"o", R"("LIMIT")"}, {"f", R"("GTC")"},
    {"q", R"("10.00000000")"}, {"p", R"("0.91230000")"}, {"P", R"("0.00000000")"},
    {"F", R"("0.00000000")"}, {"g", "-1"}, {"C", R"("")"}, {"x", R"("TRADE")"},
    {"X", R"("PARTIALLY_FILLED")"}, {"r", R"("NONE")"}, {"i", "42"}, {"l", R"("4.00000000")"},
    {"z", R"("6.00000000")"}, {"L", R"("0.91220000")"}, {"n", R"("0.00400000")"},
    {"N", R"("USD")"}, {"T", "1700000000120"}, {"t", "777"}, {"I", "9"}, {"w", "false"},
    {"m", "true"}, {"M", "true"}, {"O", "1700000000000"}, {"Z", R"("5.47330000")"},
    {"Y", R"("3.64880000")"}, {"Q", R"("0.00000000")"}, {"W", "1700000000001"},
    {"V", R"("NONE")"}};
  for (auto& [k, v] : fields)
    f[k] = v;
  std::string body;
  for (auto& [k, v] : f) {
    if (v.empty())
      continue; // an empty replacement removes the field
    body += (body.empty() ? "" : ",") + ("\"" + k + "\":" + v);
  }
  return R"({"subscriptionId":3,"event":{)" + body + "}}";
}

frame_error error_of(const std::string& text) {
  auto r = parse_user_data_frame(text);
  CAF_REQUIRE(!r.ok());
  return r.error();
}

} // namespace

CAF_TEST(reads_every_execution_report_field_it_uses) {
  auto r = parse_user_data_frame(execution_frame());
  CAF_REQUIRE(r.ok());
  auto* e = std::get_if<execution_event>(&r.value());
  CAF_REQUIRE(e != nullptr);
  CAF_CHECK_EQUAL(e->subscription_id, 3);
  CAF_CHECK_EQUAL(e->event_time.ns, 1700000000123 * 1'000'000);
  CAF_CHECK_EQUAL(e->sym.str(), "USDCHF");
  CAF_CHECK_EQUAL(e->client_id.value, "ord-1");
  CAF_CHECK(e->order_side == side::buy);
  CAF_CHECK_EQUAL(e->orig_qty.to_string(), "10.00000000");
  CAF_CHECK_EQUAL(e->limit_price.to_string(), "0.91230000");
  CAF_CHECK(e->exec == execution_type::trade);
  CAF_CHECK(e->status == order_status::partially_filled);
  CAF_CHECK_EQUAL(e->reject_reason, "NONE");
  CAF_CHECK_EQUAL(e->order_id.value, 42);
  CAF_CHECK_EQUAL(e->last_qty.to_string(), "4.00000000");
  CAF_CHECK_EQUAL(e->cum_qty.to_string(), "6.00000000");
  CAF_CHECK_EQUAL(e->last_price.to_string(), "0.91220000");
  CAF_CHECK_EQUAL(e->commission.to_string(), "0.00400000");
  CAF_CHECK_EQUAL(e->commission_asset, "USD");
  CAF_CHECK_EQUAL(e->transact_time.ns, 1700000000120 * 1'000'000);
  CAF_CHECK_EQUAL(e->trade_id, 777);
  CAF_CHECK(e->is_maker);
  CAF_CHECK_EQUAL(e->cum_quote.to_string(), "5.47330000");
  CAF_CHECK_EQUAL(e->last_quote.to_string(), "3.64880000");
}

CAF_TEST(decimals_are_exact_not_doubles) {
  // 0.1 + 0.2 style values survive exactly; a float parse would not.
  auto r = parse_user_data_frame(execution_frame({{"z", R"("0.30000001")"}, {"l", R"("0.10000001")"}}));
  CAF_REQUIRE(r.ok());
  auto& e = std::get<execution_event>(r.value());
  CAF_CHECK_EQUAL(e.cum_qty.raw, 30000001);
  CAF_CHECK_EQUAL(e.last_qty.raw, 10000001);
}

CAF_TEST(new_cancel_and_expiry_events) {
  auto fresh = parse_user_data_frame(execution_frame(
    {{"x", R"("NEW")"}, {"X", R"("NEW")"}, {"l", R"("0.00000000")"}, {"z", R"("0.00000000")"},
     {"L", R"("0.00000000")"}, {"n", R"("0")"}, {"N", "null"}, {"t", "-1"}}));
  CAF_REQUIRE(fresh.ok());
  auto& n = std::get<execution_event>(fresh.value());
  CAF_CHECK(n.exec == execution_type::new_order);
  CAF_CHECK(n.status == order_status::accepted);
  CAF_CHECK_EQUAL(n.commission_asset, "");
  CAF_CHECK_EQUAL(n.trade_id, -1);
  // A cancel: "c" is the cancel request's id, "C" the order's own.
  auto canceled = parse_user_data_frame(execution_frame(
    {{"x", R"("CANCELED")"}, {"X", R"("CANCELED")"}, {"c", R"("cwtscancel42")"}, {"C", R"("ord-1")"}}));
  CAF_REQUIRE(canceled.ok());
  auto& c = std::get<execution_event>(canceled.value());
  CAF_CHECK_EQUAL(c.client_id.value, "ord-1");
  CAF_CHECK(c.status == order_status::canceled);
  // EXPIRED_IN_MATCH (self-trade prevention) is an expiry.
  auto stp = parse_user_data_frame(
    execution_frame({{"x", R"("TRADE_PREVENTION")"}, {"X", R"("EXPIRED_IN_MATCH")"}}));
  CAF_REQUIRE(stp.ok());
  CAF_CHECK(std::get<execution_event>(stp.value()).exec == execution_type::trade_prevention);
  CAF_CHECK(std::get<execution_event>(stp.value()).status == order_status::expired);
  auto amended = parse_user_data_frame(
    execution_frame({{"x", R"("AMENDMENT")"}, {"X", R"("NEW")"}, {"q", R"("7.00000000")"}}));
  CAF_REQUIRE(amended.ok());
  CAF_CHECK(std::get<execution_event>(amended.value()).exec == execution_type::amendment);
  CAF_CHECK_EQUAL(std::get<execution_event>(amended.value()).orig_qty.to_string(), "7.00000000");
}

CAF_TEST(event_to_tracker_shape) {
  auto r = parse_user_data_frame(execution_frame());
  CAF_REQUIRE(r.ok());
  auto o = to_venue_order(std::get<execution_event>(r.value()));
  CAF_CHECK_EQUAL(o.client_id.value, "ord-1");
  CAF_CHECK_EQUAL(o.order_id.value, 42);
  CAF_CHECK(o.has_details);
  CAF_CHECK_EQUAL(o.executed_qty.to_string(), "6.00000000");
  CAF_CHECK_EQUAL(o.cumulative_quote_qty.to_string(), "5.47330000");
  CAF_CHECK_EQUAL(o.orig_qty.to_string(), "10.00000000");
  CAF_CHECK(o.status == order_status::partially_filled);
  CAF_CHECK_EQUAL(o.update_time.ns, 1700000000120 * 1'000'000);
}

CAF_TEST(reads_account_position) {
  auto r = parse_user_data_frame(
    R"({"subscriptionId":0,"event":{"e":"outboundAccountPosition","E":1700000000200,"u":1700000000199,)"
    R"("B":[{"a":"USD","f":"9999990.00000000","l":"10.00000000"},{"a":"CHF","f":"10000000.00000000","l":"0.00000000"}]}})");
  CAF_REQUIRE(r.ok());
  auto& p = std::get<account_position>(r.value());
  CAF_CHECK_EQUAL(p.last_update.ns, 1700000000199 * 1'000'000);
  CAF_REQUIRE_EQUAL(p.balances.size(), 2u);
  CAF_CHECK_EQUAL(p.balances[0].asset, "USD");
  CAF_CHECK_EQUAL(p.balances[0].free.to_string(), "9999990.00000000");
  CAF_CHECK_EQUAL(p.balances[0].locked.to_string(), "10.00000000");
  CAF_CHECK_EQUAL(p.balances[1].asset, "CHF");
}

CAF_TEST(reads_balance_update) {
  // user-data-stream.md example; a withdrawal's delta is negative.
  auto r = parse_user_data_frame(
    R"({"subscriptionId":2,"event":{"e":"balanceUpdate","E":1573200697110,"a":"BTC",)"
    R"("d":"-100.00000000","T":1573200697068}})");
  CAF_REQUIRE(r);
  CAF_REQUIRE(std::holds_alternative<balance_delta>(r.value()));
  auto& d = std::get<balance_delta>(r.value());
  CAF_CHECK_EQUAL(d.subscription_id, 2);
  CAF_CHECK_EQUAL(d.asset, "BTC");
  CAF_CHECK_EQUAL(d.delta.to_string(), "-100.00000000");
  CAF_CHECK_EQUAL(d.event_time.ns, 1573200697110LL * 1'000'000);
  CAF_CHECK_EQUAL(d.clear_time.ns, 1573200697068LL * 1'000'000);
}

CAF_TEST(reads_api_responses) {
  auto ok = parse_user_data_frame(
    R"({"id":"cwts-uds-1","status":200,"result":{"subscriptionId":4},"rateLimits":[]})");
  CAF_REQUIRE(ok.ok());
  auto& a = std::get<ws_api_response>(ok.value());
  CAF_CHECK(a.ok);
  CAF_CHECK_EQUAL(a.id, "cwts-uds-1");
  CAF_CHECK_EQUAL(a.subscription_id, 4);
  auto refused = parse_user_data_frame(
    R"({"id":7,"status":400,"error":{"code":-1022,"msg":"Signature for this request is not valid."}})");
  CAF_REQUIRE(refused.ok());
  auto& b = std::get<ws_api_response>(refused.value());
  CAF_CHECK(!b.ok);
  CAF_CHECK_EQUAL(b.id, "7");
  CAF_CHECK_EQUAL(b.status, 400);
  CAF_CHECK_EQUAL(b.error.code, -1022);
  CAF_CHECK_EQUAL(b.subscription_id, -1);
}

CAF_TEST(malformed_frames_are_errors_with_a_reason) {
  CAF_CHECK(error_of("").issue == frame_issue::malformed_json);
  CAF_CHECK(error_of("{\"subscriptionId\":1,\"event\":{").issue == frame_issue::malformed_json);
  CAF_CHECK(error_of("not json").issue == frame_issue::malformed_json);
  CAF_CHECK(error_of("[1,2]").issue == frame_issue::not_an_object);
  CAF_CHECK(error_of("{\"hello\":1}").issue == frame_issue::unknown_message);
  auto unknown = error_of(R"({"subscriptionId":1,"event":{"e":"listStatus","E":1}})");
  CAF_CHECK(unknown.issue == frame_issue::unknown_event);
  CAF_CHECK_NOT_EQUAL(unknown.reason.find("listStatus"), std::string::npos);
  auto short_delta = error_of(R"({"subscriptionId":1,"event":{"e":"balanceUpdate","E":1}})");
  CAF_CHECK(short_delta.issue == frame_issue::bad_field);
  CAF_CHECK_NOT_EQUAL(short_delta.reason.find("balanceUpdate"), std::string::npos);
  CAF_CHECK(error_of(R"({"subscriptionId":1,"event":{"e":"balanceUpdate","E":1,"a":"BTC","d":1,"T":1}})")
              .issue
            == frame_issue::bad_field); // "d" must be a decimal string
  CAF_CHECK(error_of(R"({"subscriptionId":1,"event":[]})").issue == frame_issue::bad_field);
  CAF_CHECK(error_of(R"({"subscriptionId":"x","event":{"e":"executionReport"}})").issue
            == frame_issue::bad_field);
  CAF_CHECK(error_of(R"({"id":1,"status":"200"})").issue == frame_issue::bad_field);
  CAF_CHECK(error_of(R"({"subscriptionId":0,"event":{"e":"outboundAccountPosition","E":1,"u":1}})").issue
            == frame_issue::bad_field);
}

CAF_TEST(execution_report_field_errors_name_the_field) {
  struct bad_case {
    const char* key;
    const char* value; // "" removes the field
  };
  for (auto c : {bad_case{"z", R"("1e3")"}, bad_case{"z", "6"}, bad_case{"l", ""},
                 bad_case{"L", R"("abc")"}, bad_case{"Z", R"("")"}, bad_case{"X", R"("MAYBE")"},
                 bad_case{"x", R"("AMENDMENT_X")"}, bad_case{"S", R"("HOLD")"}, bad_case{"i", R"("42")"},
                 bad_case{"T", ""}, bad_case{"s", R"("")"}, bad_case{"m", "1"}, bad_case{"n", ""},
                 bad_case{"q", R"("-")"}, bad_case{"t", "1.5"}}) {
    auto e = error_of(execution_frame({{c.key, c.value}}));
    CAF_CHECK(e.issue == frame_issue::bad_field);
    CAF_CHECK_NOT_EQUAL(e.reason.find(std::string("\"") + c.key + "\""), std::string::npos);
  }
  auto empty_id = error_of(execution_frame({{"c", R"("")"}}));
  CAF_CHECK(empty_id.issue == frame_issue::bad_field);
}

CAF_TEST(subscribe_request_is_signed_over_sorted_params) {
  CAF_CHECK_EQUAL(ws_signature_payload({{"timestamp", "2"}, {"apiKey", "k"}, {"signature", "x"},
                                        {"recvWindow", "100"}}),
                  "apiKey=k&recvWindow=100&timestamp=2");
  // Without recvWindow the params are the documentation's logon example.
  auto doc = subscribe_signature_request("r1", doc_key, doc_secret, 0, doc_timestamp);
  CAF_CHECK_EQUAL(doc, R"({"id":"r1","method":"userDataStream.subscribe.signature","params":{"apiKey":")"
                         + doc_key + R"(","timestamp":1649729878532,"signature":")" + doc_signature
                         + R"("}})");
  auto with_window = subscribe_signature_request("r2", doc_key, doc_secret, 5000, doc_timestamp);
  auto sig = hmac_sha256_hex(doc_secret, "apiKey=" + doc_key + "&recvWindow=5000&timestamp="
                                           + std::to_string(doc_timestamp));
  CAF_CHECK_NOT_EQUAL(with_window.find(R"("recvWindow":5000)"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(with_window.find(sig), std::string::npos);
}
