// Starts the real cwts-venue process (--port 0), reads its port from the
// "listening" line, then drives it like a Binance client: exchangeInfo, a
// signed LIMIT order, openOrders, DELETE openOrders, a bad signature, and a
// trade event on the WebSocket stream. Asserts outcomes, never timings.
#define CAF_SUITE venue_integration
#include "caf/test/unit_test_impl.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "common/hmac.hpp"

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

const std::string api_key = "cwtsDemoKeyAlpha0000000000000000000000000000000000000000000001";
const std::string secret = "cwtsDemoSecretAlpha000000000000000000000000000000000000000000001";

struct venue_process {
  pid_t pid = -1;
  int port = 0;

  venue_process(const std::string& binary, const std::string& config) {
    int fds[2];
    CAF_REQUIRE(pipe(fds) == 0);
    pid = fork();
    CAF_REQUIRE(pid >= 0);
    if (pid == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      execl(binary.c_str(), binary.c_str(), "--config", config.c_str(), "--port", "0",
            "--speed", "2000", "--duration", "50", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    FILE* out = fdopen(fds[0], "r");
    char line[256] = {0};
    CAF_REQUIRE(fgets(line, sizeof line, out) != nullptr);
    CAF_REQUIRE(std::sscanf(line, "cwts-venue listening host=127.0.0.1 port=%d", &port) == 1);
    CAF_REQUIRE(port > 0);
  }

  ~venue_process() {
    if (pid > 0) {
      kill(pid, SIGTERM);
      int status = 0;
      waitpid(pid, &status, 0);
    }
  }
};

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

struct reply {
  int status = 0;
  std::string body;
  std::string used_weight; // X-MBX-USED-WEIGHT-1M
};

reply request(int port, http::verb verb, const std::string& target, bool with_key = false) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)));
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (with_key) req.set("X-MBX-APIKEY", api_key);
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(stream, buf, res);
  auto weight = res.find("X-MBX-USED-WEIGHT-1M");
  std::string used = weight == res.end() ? "" : std::string(weight->value());
  return {static_cast<int>(res.result_int()), res.body(), used};
}

// Binance SIGNED request: signature = HMAC-SHA256(secret, totalParams).
reply signed_request(int port, http::verb verb, const std::string& path, std::string params,
                     bool corrupt = false) {
  params += "&timestamp=" + std::to_string(now_ms());
  auto sig = cwts::hmac_sha256_hex(secret, params);
  if (corrupt) sig[0] = sig[0] == '0' ? '1' : '0';
  return request(port, verb, path + "?" + params + "&signature=" + sig, true);
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

} // namespace

CAF_TEST(venue_serves_binance_rest_and_trade_stream) {
  // Arguments after "--": the cwts-venue binary and its config.
  CAF_REQUIRE(caf::test::engine::argc() >= 3);
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  auto info = request(venue.port, http::verb::get, "/api/v3/exchangeInfo");
  CAF_CHECK_EQUAL(info.status, 200);
  CAF_CHECK(contains(info.body, "\"symbol\":\"USDCHF\""));
  CAF_CHECK(contains(info.body, "\"filterType\":\"PRICE_FILTER\""));
  CAF_CHECK(contains(info.body, "\"rateLimitType\":\"REQUEST_WEIGHT\""));
  CAF_CHECK(!info.used_weight.empty());

  // Public market data (rest-api.md "Market Data endpoints").
  auto book = request(venue.port, http::verb::get, "/api/v3/depth?symbol=USDCHF&limit=5");
  CAF_CHECK_EQUAL(book.status, 200);
  CAF_CHECK(contains(book.body, "{\"lastUpdateId\":"));
  CAF_CHECK(contains(book.body, "\"bids\":[[\""));
  auto ticker = request(venue.port, http::verb::get, "/api/v3/ticker/bookTicker?symbol=USDCHF");
  CAF_CHECK_EQUAL(ticker.status, 200);
  CAF_CHECK(contains(ticker.body, "\"bidPrice\":\""));
  auto day = request(venue.port, http::verb::get, "/api/v3/ticker/24hr?symbol=USDCHF");
  CAF_CHECK_EQUAL(day.status, 200);
  CAF_CHECK(contains(day.body, "\"weightedAvgPrice\":\""));
  auto recent = request(venue.port, http::verb::get, "/api/v3/trades?symbol=USDCHF&limit=3");
  CAF_CHECK_EQUAL(recent.status, 200);
  CAF_CHECK(contains(recent.body, "\"isBestMatch\":true"));

  // A bid far below the market rests (the tape trades near 1.19).
  auto placed = signed_request(venue.port, http::verb::post, "/api/v3/order",
                               "symbol=USDCHF&side=BUY&type=LIMIT&timeInForce=GTC"
                               "&quantity=100&price=0.5000&newClientOrderId=itest1");
  CAF_CHECK_EQUAL(placed.status, 200);
  CAF_CHECK(contains(placed.body, "\"status\":\"NEW\""));
  CAF_CHECK(contains(placed.body, "\"clientOrderId\":\"itest1\""));

  auto open = signed_request(venue.port, http::verb::get, "/api/v3/openOrders", "symbol=USDCHF");
  CAF_CHECK_EQUAL(open.status, 200);
  CAF_CHECK(contains(open.body, "\"clientOrderId\":\"itest1\""));

  auto canceled = signed_request(venue.port, http::verb::delete_, "/api/v3/openOrders",
                                 "symbol=USDCHF");
  CAF_CHECK_EQUAL(canceled.status, 200);
  CAF_CHECK(contains(canceled.body, "\"status\":\"CANCELED\""));

  auto empty = signed_request(venue.port, http::verb::get, "/api/v3/openOrders", "symbol=USDCHF");
  CAF_CHECK_EQUAL(empty.status, 200);
  CAF_CHECK_EQUAL(empty.body, "[]");

  auto bad = signed_request(venue.port, http::verb::get, "/api/v3/openOrders", "symbol=USDCHF",
                            true);
  CAF_CHECK_EQUAL(bad.status, 400);
  CAF_CHECK_EQUAL(bad.body, "{\"code\":-1022,\"msg\":\"Signature for this request is not valid.\"}");

  asio::io_context ioc;
  beast::websocket::stream<beast::tcp_stream> ws(ioc);
  beast::get_lowest_layer(ws).connect(
    tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(venue.port)));
  ws.handshake("127.0.0.1", "/stream?streams=usdchf@trade");
  beast::flat_buffer buf;
  ws.read(buf);
  auto event = beast::buffers_to_string(buf.data());
  CAF_CHECK(contains(event, "{\"stream\":\"usdchf@trade\",\"data\":{\"e\":\"trade\""));
  CAF_CHECK(contains(event, "\"s\":\"USDCHF\""));
  beast::error_code ec;
  ws.close(beast::websocket::close_code::normal, ec);
}
