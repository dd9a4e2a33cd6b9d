#define CAF_SUITE connector_kraken_private_stream
#include "tests/support/unit_test.hpp"

#include <mutex>
#include <stdexcept>

#include "actors/connector/kraken/kraken_private_stream.hpp"
#include "tests/unit/connector/ws_script_server.hpp"

using namespace cwts;
using namespace cwts::connector;
using namespace cwts::connector::kraken;
using cwts::test::peer;
using cwts::test::ws_script_server;
using cwts::test::script_detail::eventually;

namespace {

const char* subscribed = R"({"method":"subscribe","req_id":1,"result":{"channel":"executions",)"
                         R"("snapshot":true},"success":true})";

std::string execution(const std::string& exec_type, const std::string& extra) {
  return R"({"order_id":"OA-1","cl_ord_id":"tr1-a-1","symbol":"USD/CHF","side":"buy",)"
         R"("order_type":"limit","order_qty":10,"limit_price":0.9,"order_status":"partially_filled",)"
         R"("cum_qty":4,"cum_cost":3.6,"avg_price":0.9,"exec_type":")"
         + exec_type + "\"" + extra + "}";
}

struct sink {
  std::mutex mtx;
  std::vector<kraken_execution> items;
  std::vector<uint64_t> subscriptions;
  int tokens = 0;

  kraken_private_stream::callbacks callbacks() {
    kraken_private_stream::callbacks c;
    c.token_source = [this] {
      std::lock_guard<std::mutex> g(mtx);
      kraken_reply<kraken_token> t;
      t.kind = reply_kind::ok;
      t.value.token = "tok-" + std::to_string(++tokens);
      t.value.expires_s = 900;
      return t;
    };
    c.on_execution = [this](const kraken_execution& e) {
      std::lock_guard<std::mutex> g(mtx);
      items.push_back(e);
    };
    c.on_subscribed = [this](uint64_t n) {
      std::lock_guard<std::mutex> g(mtx);
      subscriptions.push_back(n);
    };
    return c;
  }
  std::size_t count() {
    std::lock_guard<std::mutex> g(mtx);
    return items.size();
  }
};

kraken_stream_config config(uint16_t port) {
  kraken_stream_config c;
  c.port = port;
  c.connect_timeout = std::chrono::milliseconds(1000);
  c.login_timeout = std::chrono::milliseconds(1000);
  c.backoff_initial = std::chrono::milliseconds(10);
  c.backoff_max = std::chrono::milliseconds(50);
  c.jitter_seed = 3;
  return c;
}

} // namespace

// Subscribe with a fresh token per connection; items to the callback,
// heartbeats and status skipped, malformed frames counted; a dropped
// connection subscribes again (count 2: the owner reconciles).
CAF_TEST(executions_subscription_items_and_resubscription) {
  std::vector<std::string> subscribes;
  std::mutex seen;
  ws_script_server venue([](const std::string&) { return std::string("{}"); },
                         [&](peer& p, int index) {
                           p.send(R"({"channel":"status","type":"update","data":[{"system":"online"}]})");
                           auto sub = p.read_until("subscribe");
                           {
                             std::lock_guard<std::mutex> g(seen);
                             subscribes.push_back(sub);
                           }
                           p.send(subscribed);
                           if (index > 0)
                             return;
                           p.send(R"({"channel":"executions","type":"snapshot","data":[)"
                                  + execution("new", "") + "]}");
                           p.send(R"({"channel":"heartbeat"})");
                           p.send("not json");
                           p.send(R"({"channel":"executions","type":"update","data":[)"
                                  + execution("trade", R"(,"exec_id":"T-1","last_qty":4,"last_price":0.9)")
                                  + "," + execution("trade", "") + "]}");
                           throw std::runtime_error("the venue drops the connection");
                         });
  sink s;
  kraken_private_stream stream(config(venue.port()), s.callbacks());
  stream.start();
  CAF_REQUIRE(eventually([&] { return s.count() >= 2; }));
  CAF_REQUIRE(eventually([&] {
    std::lock_guard<std::mutex> g(s.mtx);
    return s.subscriptions.size() == 2;
  }));
  CAF_CHECK(eventually([&] { return stream.subscribed(); }));
  stream.stop();
  std::lock_guard<std::mutex> g(s.mtx);
  CAF_CHECK_EQUAL(s.subscriptions[1], 2u);
  CAF_REQUIRE_EQUAL(s.items.size(), 2u);
  CAF_CHECK_EQUAL(s.items[0].exec_type, "new");
  CAF_CHECK_EQUAL(s.items[1].exec_id, "T-1");
  CAF_CHECK(s.items[1].last_qty == *qty::parse("4"));
  // "not json" and the trade without exec_id.
  CAF_CHECK_EQUAL(stream.malformed_frames(), 2u);
  CAF_CHECK_GREATER_OR_EQUAL(stream.reconnects(), 1u);
  CAF_CHECK_EQUAL(stream.token_fetches(), 2u);
  std::lock_guard<std::mutex> g2(seen);
  CAF_REQUIRE_EQUAL(subscribes.size(), 2u);
  CAF_CHECK_NOT_EQUAL(subscribes[0].find(R"("channel":"executions")"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(subscribes[0].find(R"("token":"tok-1")"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(subscribes[1].find(R"("token":"tok-2")"), std::string::npos);
}

// A refused subscription (a bad token) is dropped and tried again.
CAF_TEST(a_refused_subscription_is_tried_again) {
  ws_script_server venue([](const std::string&) { return std::string("{}"); },
                         [&](peer& p, int index) {
                           p.read_until("subscribe");
                           if (index == 0)
                             p.send(R"({"method":"subscribe","req_id":1,"success":false,)"
                                    R"("error":"EAccount:Invalid token"})");
                           else
                             p.send(subscribed);
                         });
  sink s;
  kraken_private_stream stream(config(venue.port()), s.callbacks());
  stream.start();
  CAF_CHECK(eventually([&] { return stream.subscribed(); }));
  stream.stop();
  CAF_CHECK_EQUAL(stream.subscribe_failures(), 1u);
  CAF_CHECK_NOT_EQUAL(stream.last_error().find("Invalid token"), std::string::npos);
  std::lock_guard<std::mutex> g(s.mtx);
  CAF_CHECK_EQUAL(s.subscriptions.size(), 1u);
}
