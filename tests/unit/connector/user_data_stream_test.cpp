#define CAF_SUITE connector_user_data_stream
#include "tests/support/unit_test.hpp"

#include <mutex>
#include <thread>

#include "actors/connector/user_data_stream.hpp"
#include "tests/integration/support/wait_until.hpp"
#include "tests/unit/connector/test_server.hpp"

using namespace cwts;
using namespace cwts::connector;
using namespace std::chrono_literals;

namespace {

// Waits for a condition; generous bound, not a timing assertion.
template <class Pred>
bool eventually(Pred pred) {
  return itest::wait_until(pred, 10s, 10ms);
}

user_data_stream_config config_for(uint16_t port) {
  user_data_stream_config cfg;
  cfg.port = port;
  cfg.api_key = "key";
  cfg.secret = "secret";
  cfg.backoff_initial = 10ms;
  cfg.backoff_max = 50ms;
  cfg.jitter_seed = 11;
  return cfg;
}

const std::string subscribed = R"({"id":"cwts-uds-1","status":200,"result":{"subscriptionId":0}})";

std::string execution(const std::string& id, const std::string& cum) {
  return R"({"subscriptionId":0,"event":{"e":"executionReport","E":1,"s":"USDCHF","c":")" + id
         + R"(","S":"SELL","q":"5.00000000","p":"0.90000000","C":"","x":"TRADE","X":"PARTIALLY_FILLED",)"
           R"("r":"NONE","i":3,"l":"1.00000000","z":")"
         + cum
         + R"(","L":"0.90000000","n":"0","N":null,"T":2,"t":5,"m":true,"Z":"0.90000000","Y":"0.90000000"}})";
}

struct seen {
  std::mutex mtx;
  std::vector<execution_event> executions;
  std::vector<account_position> positions;
  std::vector<balance_delta> deltas;
  std::vector<uint64_t> subscriptions;
  template <class T>
  std::size_t count(const std::vector<T>& v) {
    std::lock_guard<std::mutex> g(mtx);
    return v.size();
  }
};

user_data_stream::callbacks collect(seen& s) {
  user_data_stream::callbacks cbs;
  cbs.on_execution = [&s](const execution_event& e) {
    std::lock_guard<std::mutex> g(s.mtx);
    s.executions.push_back(e);
  };
  cbs.on_balances = [&s](const account_position& p) {
    std::lock_guard<std::mutex> g(s.mtx);
    s.positions.push_back(p);
  };
  cbs.on_balance_delta = [&s](const balance_delta& d) {
    std::lock_guard<std::mutex> g(s.mtx);
    s.deltas.push_back(d);
  };
  cbs.on_subscribed = [&s](uint64_t n) {
    std::lock_guard<std::mutex> g(s.mtx);
    s.subscriptions.push_back(n);
  };
  return cbs;
}

} // namespace

CAF_TEST(config_is_validated_with_the_key_named) {
  auto cfg = config_for(1);
  CAF_CHECK(validate(cfg).empty());
  cfg.secret.clear();
  CAF_CHECK_EQUAL(validate(cfg).rfind("api_key/secret", 0), 0u);
  cfg = config_for(0);
  CAF_CHECK_EQUAL(validate(cfg).rfind("port", 0), 0u);
  cfg = config_for(1);
  cfg.recv_window_ms = 60001;
  CAF_CHECK_EQUAL(validate(cfg).rfind("recv_window_ms", 0), 0u);
  cfg = config_for(1);
  cfg.max_connection_age = std::chrono::hours(25);
  CAF_CHECK_EQUAL(validate(cfg).rfind("max_connection_age", 0), 0u);
}

CAF_TEST(delivers_events_and_counts_bad_frames_by_reason) {
  cwts::test::ws_test_server server(
    {subscribed, execution("a", "1.00000000"), "not json", "[]",
     R"({"subscriptionId":0,"event":{"e":"listStatus","E":1}})",
     R"({"subscriptionId":0,"event":{"e":"balanceUpdate","E":1,"a":"USD","d":"-1.5","T":1}})",
     R"({"subscriptionId":0,"event":{"e":"executionReport","E":1}})",
     R"({"id":"someone-else","status":200,"result":{}})",
     R"({"subscriptionId":0,"event":{"e":"outboundAccountPosition","E":3,"u":2,"B":[{"a":"USD","f":"1.00000000","l":"0.00000000"}]}})",
     execution("a", "2.00000000")},
    false);
  seen s;
  user_data_stream stream(config_for(server.port()), collect(s));
  stream.start();
  CAF_REQUIRE(eventually([&] { return s.count(s.executions) == 2 && s.count(s.positions) == 1; }));
  CAF_CHECK_EQUAL(server.last_target(), "/ws-api/v3");
  CAF_CHECK(stream.subscribed());
  CAF_CHECK_EQUAL(stream.subscriptions(), 1u);
  CAF_CHECK_EQUAL(stream.events(), 4u);
  CAF_CHECK_EQUAL(stream.balance_deltas(), 1u);
  CAF_CHECK_EQUAL(stream.frame_errors(frame_issue::malformed_json), 1u);
  CAF_CHECK_EQUAL(stream.frame_errors(frame_issue::not_an_object), 1u);
  CAF_CHECK_EQUAL(stream.frame_errors(frame_issue::unknown_event), 1u);
  CAF_CHECK_EQUAL(stream.frame_errors(frame_issue::bad_field), 1u);
  CAF_CHECK_EQUAL(stream.frame_errors(frame_issue::unknown_message), 1u);
  CAF_CHECK_EQUAL(stream.frame_errors(), 5u);
  // Bad frames in between lost nothing that was accepted.
  std::lock_guard<std::mutex> g(s.mtx);
  CAF_CHECK_EQUAL(s.executions[0].cum_qty.to_string(), "1.00000000");
  CAF_CHECK_EQUAL(s.executions[1].cum_qty.to_string(), "2.00000000");
  CAF_CHECK_EQUAL(s.positions[0].balances.at(0).asset, "USD");
  CAF_REQUIRE_EQUAL(s.deltas.size(), 1u);
  CAF_CHECK_EQUAL(s.deltas[0].delta.to_string(), "-1.50000000");
  CAF_CHECK_EQUAL(s.subscriptions, std::vector<uint64_t>{1});
}

CAF_TEST(a_refused_subscription_is_retried_on_a_new_connection) {
  cwts::test::ws_test_server server(
    {R"({"id":"cwts-uds-1","status":400,"error":{"code":-1022,"msg":"Signature for this request is not valid."}})"},
    false);
  seen s;
  user_data_stream stream(config_for(server.port()), collect(s));
  stream.start();
  CAF_REQUIRE(eventually([&] { return server.connections() >= 2; }));
  CAF_CHECK_GREATER_OR_EQUAL(stream.subscribe_errors(), 1u);
  CAF_CHECK_GREATER_OR_EQUAL(stream.reconnects(), 1u);
  CAF_CHECK(!stream.subscribed());
  CAF_CHECK_NOT_EQUAL(stream.last_subscribe_error().find("code=-1022"), std::string::npos);
  CAF_CHECK_EQUAL(s.count(s.subscriptions), 0u);
}

CAF_TEST(reconnects_with_a_new_request_after_the_server_closes) {
  // Every connection answers the first request's id, then closes: on the
  // second connection that answer is not for the request just sent.
  cwts::test::ws_test_server server({subscribed}, true);
  seen s;
  user_data_stream stream(config_for(server.port()), collect(s));
  stream.start();
  CAF_REQUIRE(eventually([&] { return stream.frame_errors(frame_issue::unknown_message) >= 1; }));
  CAF_CHECK_GREATER_OR_EQUAL(server.connections(), 2);
  CAF_CHECK_GREATER_OR_EQUAL(stream.reconnects(), 1u);
  CAF_CHECK_EQUAL(stream.subscriptions(), 1u);
  CAF_CHECK_EQUAL(s.count(s.subscriptions), 1u);
}

CAF_TEST(stop_returns_while_nothing_listens) {
  seen s;
  user_data_stream stream(config_for(cwts::test::unused_port()), collect(s));
  stream.start();
  CAF_REQUIRE(eventually([&] { return stream.reconnects() >= 2; }));
  stream.stop();
  CAF_CHECK(!stream.connected());
}

CAF_TEST(the_connection_is_renewed_before_the_venue_limit) {
  // Every connection gets a ping and the subscribe answer of the first
  // request id; the stream closes each one itself at max_connection_age and
  // connects again at once (no backoff: counted apart from losses).
  cwts::test::ws_test_server server({subscribed}, false);
  seen s;
  auto cfg = config_for(server.port());
  cfg.max_connection_age = 200ms;
  cfg.backoff_initial = 5000ms; // a backoff would stall the test's bound
  cfg.backoff_max = 5000ms;
  user_data_stream stream(cfg, collect(s));
  stream.start();
  CAF_REQUIRE(eventually([&] { return server.connections() >= 3; }));
  CAF_CHECK_GREATER_OR_EQUAL(stream.proactive_reconnects(), 2u);
  CAF_CHECK_EQUAL(stream.subscriptions(), 1u); // later answers carry the old id
  stream.stop();
}
