#define CAF_SUITE connector_okx_private_stream
#include "tests/support/unit_test.hpp"

#include <mutex>
#include <thread>

#include "actors/connector/okx/okx_private_stream.hpp"
#include "tests/integration/support/wait_until.hpp"
#include "tests/unit/connector/test_server.hpp"

using namespace cwts;
using namespace cwts::connector::okx;

namespace {

// What a venue sends on /ws/v5/private after the login op: the login and
// subscribe answers, order pushes, and frames the stream must count and skip.
std::vector<std::string> script() {
  return {
    R"({"event":"login","code":"0","msg":"","connId":"a1"})",
    R"({"event":"subscribe","arg":{"channel":"orders","instType":"SPOT"},"connId":"a1"})",
    R"({"arg":{"channel":"orders","instType":"SPOT","uid":"1"},"data":[{"instId":"USD-CHF",)"
    R"("ordId":"11","clOrdId":"a1","px":"0.9","sz":"10","ordType":"limit","side":"buy",)"
    R"("state":"partially_filled","accFillSz":"2","avgPx":"0.9","fillSz":"2","fillPx":"0.9",)"
    R"("tradeId":"t1","uTime":"1597026383085"}]})",
    "not json",
    R"({"arg":{"channel":"orders"},"data":[{"instId":"USD-CHF","ordId":"x"}]})",
    R"({"arg":{"channel":"account"},"data":[]})",
    "pong",
  };
}

template <class Pred>
bool wait_until(std::chrono::milliseconds limit, Pred pred) {
  return itest::wait_until(pred, limit, std::chrono::milliseconds(5));
}

okx_stream_config config(uint16_t port) {
  okx_stream_config c;
  c.port = port;
  c.credentials = okx_credentials{"k", "s", "p"};
  c.backoff_initial = std::chrono::milliseconds(10);
  c.backoff_max = std::chrono::milliseconds(20);
  c.jitter_seed = 3;
  return c;
}

} // namespace

CAF_TEST(logs_in_subscribes_delivers_orders_and_counts_bad_frames) {
  cwts::test::ws_test_server server(script(), false);
  std::mutex mtx;
  std::vector<okx_order> orders;
  std::vector<uint64_t> subscribed;
  okx_private_stream::callbacks cbs;
  cbs.on_order = [&](const okx_order& o) {
    std::lock_guard<std::mutex> guard(mtx);
    orders.push_back(o);
  };
  cbs.on_subscribed = [&](uint64_t n) {
    std::lock_guard<std::mutex> guard(mtx);
    subscribed.push_back(n);
  };
  okx_private_stream s(config(server.port()), cbs);
  s.start();
  CAF_REQUIRE(wait_until(std::chrono::seconds(5), [&] { return s.malformed_frames() >= 3; }));
  CAF_CHECK(s.subscribed());
  CAF_CHECK_EQUAL(s.logins(), 1u);
  CAF_CHECK_EQUAL(server.last_target(), "/ws/v5/private");
  std::lock_guard<std::mutex> guard(mtx);
  CAF_REQUIRE_EQUAL(orders.size(), 1u);
  CAF_CHECK_EQUAL(orders[0].trade_id, "t1");
  CAF_CHECK(orders[0].fill_sz == *qty::parse("2"));
  CAF_CHECK_EQUAL(subscribed, std::vector<uint64_t>{1});
  // "not json", an order without a valid ordId, a channel it did not ask for.
  CAF_CHECK_EQUAL(s.malformed_frames(), 3u);
  CAF_CHECK_NOT_EQUAL(s.last_error().find("account"), std::string::npos);
}

CAF_TEST(every_new_connection_logs_in_again_and_says_so) {
  cwts::test::ws_test_server server(script(), true); // closes after its frames
  std::atomic<uint64_t> last{0};
  okx_private_stream::callbacks cbs;
  cbs.on_subscribed = [&](uint64_t n) { last = n; };
  okx_private_stream s(config(server.port()), cbs);
  s.start();
  CAF_CHECK(wait_until(std::chrono::seconds(5), [&] { return last.load() >= 3; }));
  CAF_CHECK_GREATER_OR_EQUAL(s.reconnects(), 2u);
  CAF_CHECK_GREATER_OR_EQUAL(s.logins(), 3u);
  s.stop();
  CAF_CHECK(!s.connected());
}

CAF_TEST(a_refused_login_is_retried) {
  cwts::test::ws_test_server server({R"({"event":"error","code":"60009","msg":"Login failed."})"},
                                    false);
  okx_private_stream s(config(server.port()), {});
  s.start();
  CAF_CHECK(wait_until(std::chrono::seconds(5), [&] { return s.login_failures() >= 2; }));
  CAF_CHECK(!s.subscribed());
  CAF_CHECK_NOT_EQUAL(s.last_error().find("60009"), std::string::npos);
}
