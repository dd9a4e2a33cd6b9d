// The venue's per-account order log (docs/venue.md "Order log", issue 24)
// against the real cwts-venue over Binance REST: every order request that
// reaches the book is one JSON line with the receive time, the account, the
// protocol, the connection id and the peer's address:port, the order's ids,
// symbol, side, quantity, price and outcome (accepted with its status, or
// refused with the venue's error); two connections get two ids; a bad
// [venue] order-log path stops the venue at start with a message naming it.
// ws_api_test checks the same log over the WebSocket API.
#define CAF_SUITE venue_order_log
#include "tests/support/unit_test.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "venue_client.hpp"

namespace {

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

// The string value of "key" in a flat JSON line.
std::string str_of(const std::string& s, const std::string& key) {
  auto at = s.find("\"" + key + "\":\"");
  if (at == std::string::npos) return "<absent>";
  auto from = at + key.size() + 4;
  return s.substr(from, s.find('"', from) - from);
}

std::string temp_path(const std::string& name) {
  return "/tmp/cwts-order-log-" + std::to_string(getpid()) + "-" + name;
}

} // namespace

CAF_TEST(every_rest_order_request_is_one_line_naming_its_connection) {
  auto path = temp_path("rest.jsonl");
  std::remove(path.c_str());
  int64_t before_ns = now_ms() * 1'000'000;
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2], "2000",
                      {"--order-log", path});
  auto placed = signed_request(venue.port, http::verb::post, "/api/v3/order",
                               "symbol=USDCHF&side=BUY&type=LIMIT&timeInForce=GTC&quantity=100"
                               "&price=0.5000&newClientOrderId=logged1");
  CAF_REQUIRE_EQUAL(placed.status, 200);
  auto order_id = int_field(placed.body, "orderId");
  // Refused by the book: more than the account can pay for.
  auto refused = signed_request(venue.port, http::verb::post, "/api/v3/order",
                                "symbol=USDCHF&side=BUY&type=LIMIT&timeInForce=GTC"
                                "&quantity=9000000&price=1.5000&newClientOrderId=logged2");
  CAF_CHECK_EQUAL(refused.status, 400);
  auto canceled = signed_request(venue.port, http::verb::delete_, "/api/v3/order",
                                 "symbol=USDCHF&origClientOrderId=logged1");
  CAF_CHECK_EQUAL(canceled.status, 200);
  // Each request above was its own connection (request() connects anew).
  auto lines = lines_of(path);
  CAF_REQUIRE_EQUAL(lines.size(), 3u);
  auto& n = lines[0];
  CAF_MESSAGE("order log: " << n);
  CAF_CHECK_EQUAL(str_of(n, "account"), "demo"); // config/venue-demo-keys.ini
  CAF_CHECK_EQUAL(str_of(n, "protocol"), "rest");
  CAF_CHECK_EQUAL(str_of(n, "credential"), api_key);
  CAF_CHECK_EQUAL(str_of(n, "action"), "new");
  CAF_CHECK_EQUAL(str_of(n, "client_order_id"), "logged1");
  CAF_CHECK_EQUAL(int_field(n, "order_id"), order_id);
  CAF_CHECK_EQUAL(str_of(n, "symbol"), "USDCHF");
  CAF_CHECK_EQUAL(str_of(n, "side"), "BUY");
  CAF_CHECK_EQUAL(str_of(n, "quantity"), "100.00000000");
  CAF_CHECK_EQUAL(str_of(n, "price"), "0.50000000");
  CAF_CHECK_EQUAL(str_of(n, "outcome"), "accepted");
  CAF_CHECK_EQUAL(str_of(n, "status"), "NEW");
  // The peer: this test's loopback socket, address and port.
  auto remote = str_of(n, "remote");
  CAF_CHECK(remote.rfind("127.0.0.1:", 0) == 0 && std::atoi(remote.c_str() + 10) > 0);
  CAF_CHECK(int_field(n, "ts_ns") >= before_ns);
  CAF_CHECK(int_field(n, "ts_ns") <= (now_ms() + 1) * 1'000'000);
  auto& r = lines[1];
  CAF_CHECK_EQUAL(str_of(r, "outcome"), "refused");
  CAF_CHECK_EQUAL(int_field(r, "error_code"), -2010);
  CAF_CHECK_EQUAL(str_of(r, "client_order_id"), "logged2");
  CAF_CHECK_EQUAL(str_of(r, "quantity"), "9000000.00000000");
  auto& c = lines[2];
  CAF_CHECK_EQUAL(str_of(c, "action"), "cancel");
  CAF_CHECK_EQUAL(str_of(c, "client_order_id"), "logged1");
  CAF_CHECK_EQUAL(str_of(c, "status"), "CANCELED");
  CAF_CHECK_EQUAL(str_of(c, "side"), "BUY");
  // Three connections, three ids; no replay (venue-owned) order is logged.
  auto c0 = int_field(n, "connection"), c1 = int_field(r, "connection"),
       c2 = int_field(c, "connection");
  CAF_CHECK(c0 > 0 && c1 > 0 && c2 > 0 && c0 != c1 && c1 != c2 && c0 != c2);
  CAF_CHECK_NOT_EQUAL(str_of(r, "remote"), remote); // another connection, another port
  std::remove(path.c_str());
}

CAF_TEST(an_unwritable_order_log_stops_the_venue_naming_the_file) {
  std::string binary = caf::test::engine::argv()[1], config = caf::test::engine::argv()[2];
  auto err = temp_path("stderr.txt");
  auto cmd = binary + " --config " + config + " --port 0 --duration 5"
             + " --order-log /nonexistent-dir/x.jsonl > /dev/null 2> " + err;
  int rc = std::system(cmd.c_str());
  CAF_CHECK(rc != 0);
  std::ifstream in(err);
  std::stringstream text;
  text << in.rdbuf();
  CAF_MESSAGE("stderr: " << text.str());
  CAF_CHECK(contains(text.str(), "order-log: cannot open '/nonexistent-dir/x.jsonl'"));
  std::remove(err.c_str());
}
