#define CAF_SUITE connector_kraken_ws_orders
#include "tests/support/unit_test.hpp"

#include <mutex>

#include "actors/connector/kraken/kraken_ws_orders.hpp"
#include "tests/unit/connector/ws_script_server.hpp"

using namespace cwts;
using namespace cwts::connector;
using namespace cwts::connector::kraken;
using cwts::test::peer;
using cwts::test::ws_script_server;

namespace {

// The req_id of a request frame ("req_id":N at its end).
std::string req_id_of(const std::string& frame) {
  auto at = frame.find("\"req_id\":");
  return at == std::string::npos ? "" : frame.substr(at + 9, frame.find('}', at) - at - 9);
}

kraken_pair usdchf() {
  return kraken_pair{*symbol::parse("USDCHF"), "USDCHF", "USD/CHF", "USD", "CHF", 5, 8};
}

order_request limit_buy(const std::string& id) {
  order_request r;
  r.id = client_order_id{id};
  r.sym = *symbol::parse("USDCHF");
  r.limit_price = *price::parse("0.9");
  r.quantity = *qty::parse("10");
  return r;
}

kraken_ws_config config(uint16_t port) {
  kraken_ws_config c;
  c.port = port;
  c.request_timeout = std::chrono::milliseconds(500);
  return c;
}

} // namespace

// Answers matched by method and req_id past other frames; a refusal is
// Kraken's error string; "ESession:Invalid session" fetches a fresh token
// and sends once more; no answer in time is an unknown outcome.
CAF_TEST(requests_answers_and_a_lapsed_token) {
  std::mutex mtx;
  std::vector<std::string> sent;
  ws_script_server venue([](const std::string&) { return std::string("{}"); },
                         [&](peer& p, int) {
                           p.send(R"({"channel":"status","type":"update","data":[]})");
                           for (int n = 0;; ++n) {
                             auto req = p.read();
                             {
                               std::lock_guard<std::mutex> g(mtx);
                               sent.push_back(req);
                             }
                             auto id = req_id_of(req);
                             if (n == 0) { // ok, after a heartbeat and another request's answer
                               p.send(R"({"channel":"heartbeat"})");
                               p.send(R"({"method":"add_order","req_id":999,"success":true,"result":{"order_id":"X"}})");
                               p.send(R"({"method":"add_order","req_id":)" + id
                                      + R"(,"success":true,"result":{"order_id":"OA-1","cl_ord_id":"a1"}})");
                             } else if (n == 1) {
                               p.send(R"({"method":"add_order","req_id":)" + id
                                      + R"(,"success":false,"error":"EOrder:Insufficient funds"})");
                             } else if (n == 2) {
                               p.send(R"({"method":"cancel_order","req_id":)" + id
                                      + R"(,"success":false,"error":"ESession:Invalid session"})");
                             } else if (n == 3) {
                               p.send(R"({"method":"cancel_order","req_id":)" + id
                                      + R"(,"success":true,"result":{"order_id":"OA-1"}})");
                             }
                             // n == 4: no answer at all
                           }
                         });
  int tokens = 0;
  kraken_ws_orders ws(config(venue.port()), [&] {
    kraken_reply<kraken_token> t;
    t.kind = reply_kind::ok;
    t.value.token = "tok-" + std::to_string(++tokens);
    return t;
  });
  auto placed = ws.add_order(limit_buy("a1"), usdchf(), "a1");
  CAF_CHECK(placed.ok());
  CAF_CHECK_EQUAL(placed.value, "OA-1");
  auto refused = ws.add_order(limit_buy("a2"), usdchf(), "a2");
  CAF_CHECK(refused.kind == reply_kind::rejected);
  CAF_CHECK_EQUAL(refused.error, "EOrder:Insufficient funds");
  auto canceled = ws.cancel_order("a1");
  CAF_CHECK(canceled.ok());
  CAF_CHECK_EQUAL(tokens, 2); // a fresh one after the lapsed session
  auto lost = ws.amend_order(usdchf(), "a1", *qty::parse("5"), price{});
  CAF_CHECK(lost.kind == reply_kind::unknown);
  CAF_CHECK(!ws.connected()); // answers may be out of step: dropped
  std::lock_guard<std::mutex> g(mtx);
  CAF_REQUIRE_EQUAL(sent.size(), 5u);
  CAF_CHECK_NOT_EQUAL(sent[0].find(R"("method":"add_order")"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(sent[0].find(R"("order_qty":10.00000000)"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(sent[0].find(R"("limit_price":0.90000)"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(sent[0].find(R"("symbol":"USD/CHF")"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(sent[0].find(R"("token":"tok-1")"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(sent[2].find(R"("cl_ord_id":["a1"])"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(sent[3].find(R"("token":"tok-2")"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(sent[4].find(R"("method":"amend_order")"), std::string::npos);
  CAF_CHECK_EQUAL(sent[4].find("limit_price"), std::string::npos); // unchanged: not sent
}

// Nothing listens: not sent (REST may carry the order).
CAF_TEST(no_connection_is_not_sent) {
  kraken_ws_config c;
  {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    c.port = a.local_endpoint().port();
  }
  kraken_ws_orders ws(c, [] {
    kraken_reply<kraken_token> t;
    t.kind = reply_kind::ok;
    t.value.token = "t";
    return t;
  });
  auto r = ws.add_order(limit_buy("a1"), usdchf(), "a1");
  CAF_CHECK(r.kind == reply_kind::not_sent);
  CAF_CHECK(!ws.connected());
}
