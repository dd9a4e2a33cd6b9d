// cwts-venue over real sockets on loopback, in one run: signed orders/s over
// one REST keep-alive connection, orders/s over one WebSocket API connection
// (order.place), and market-stream events/s received by one WebSocket client
// (combined trade, aggTrade, bookTicker and depth@100ms of a replay run as
// fast as the venue prints). Medians of several rounds.
//
//   venue_socket_bench [rounds=5] [orders-per-round=2000] [stream-seconds=1]
//
// The bench starts its own cwts-venue processes (the binary and the shipped
// config reach it at compile time) with a copy of config/venue.ini whose
// request-weight, ORDERS and queue limits are raised, so the limits do not
// cap the figures. Each order is a signed LIMIT IOC BUY far below the market
// (parsed, authenticated, checked against filters and balances, matched,
// expired, answered FULL): the whole order path, no fill. Requests are sent
// one at a time (each waits for its reply), so orders/s = 1 / round trip.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "bench/bench_args.hpp"
#include "common/hmac.hpp"
#include "tests/integration/support/venue_child.hpp"

namespace {

using cwts::bench::arg;
using cwts::bench::median;

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;

// config/venue-demo-keys.ini: the local venue's demo account.
constexpr const char* demo_key = "cwtsDemoKeyAlpha0000000000000000000000000000000000000000000001";
constexpr const char* demo_secret = "cwtsDemoSecretAlpha000000000000000000000000000000000000000000001";

constexpr const char* usage =
  "usage: venue_socket_bench [rounds=5] [orders-per-round=2000] [stream-seconds=1]\n"
  "Starts cwts-venue on 127.0.0.1 and reports medians of: REST orders/s (one\n"
  "keep-alive connection), WebSocket API orders/s (one connection) and stream\n"
  "events/s received by one WebSocket client.\n"
  "example:\n"
  "  build-venue/bench/venue_socket_bench 5 2000 1\n";

int64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// The shipped config with absolute paths and raised limits, in a temp file.
std::string bench_config(const std::string& speed, const std::string& trades_per_s) {
  std::string dir = CWTS_CONFIG_DIR;
  std::ifstream in(dir + "/venue.ini");
  std::ostringstream out;
  std::string line;
  auto key_of = [](const std::string& l) { return l.substr(0, l.find(' ')); };
  while (std::getline(in, line)) {
    auto k = key_of(line);
    if (k == "data" || k == "keys-file") line = k + " = " + dir + "/" + line.substr(line.find('=') + 2);
    else if (k == "request-weight-limit") line = "request-weight-limit = 1000000000";
    else if (k == "orders-per-10s") line = "orders-per-10s = 1000000000";
    else if (k == "orders-per-day") line = "orders-per-day = 1000000000000";
    else if (k == "ws-queue-limit") line = "ws-queue-limit = 1000000";
    else if (k == "speed") line = "speed = " + speed;
    else if (k == "max-trades-per-second") line = "max-trades-per-second = " + trades_per_s;
    else if (k == "summary-interval-s") line = "summary-interval-s = 3600";
    out << line << "\n";
  }
  char path[] = "/tmp/venue-socket-bench-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return {};
  auto text = out.str();
  if (write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) return {};
  close(fd);
  return path;
}

// The venue on --port 0 with the bench's config (removed afterwards); its
// log (stderr) is not the bench's output.
struct bench_venue {
  std::string config;
  cwts::itest::venue_child child;
  int port = 0;

  bench_venue(const std::string& speed, const std::string& trades_per_s)
    : config(bench_config(speed, trades_per_s)),
      child(CWTS_VENUE_BIN, {"--config", config, "--port", "0"}, cwts::proc::output::null()),
      port(config.empty() ? 0 : child.port) {}
  ~bench_venue() {
    child.stop();
    if (!config.empty()) unlink(config.c_str());
  }
};

constexpr const char* order_params = "symbol=USDCHF&side=BUY&type=LIMIT&timeInForce=IOC"
                                     "&quantity=10&price=0.5000&newOrderRespType=FULL";


// Orders/s of `n` signed POST /api/v3/order on one keep-alive connection;
// -1 when any reply is not 200.
double rest_round(int port, int n) {
  asio::io_context ioc;
  beast::tcp_stream s(ioc);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)));
  beast::flat_buffer buf;
  auto start = steady::now();
  for (int i = 0; i < n; ++i) {
    std::string params = std::string(order_params) + "&timestamp=" + std::to_string(wall_ms());
    auto target = "/api/v3/order?" + params + "&signature="
                  + cwts::hmac_sha256_hex(demo_secret, params);
    http::request<http::empty_body> req{http::verb::post, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set("X-MBX-APIKEY", demo_key);
    req.keep_alive(true);
    http::write(s, req);
    http::response<http::string_body> res;
    http::read(s, buf, res);
    if (res.result_int() != 200) {
      std::fprintf(stderr, "rest order refused: %d %s\n", res.result_int(), res.body().c_str());
      return -1;
    }
  }
  return n / std::chrono::duration<double>(steady::now() - start).count();
}

// Orders/s of `n` order.place requests on one /ws-api/v3 connection.
double ws_api_round(int port, int n) {
  asio::io_context ioc;
  beast::websocket::stream<beast::tcp_stream> ws(ioc);
  beast::get_lowest_layer(ws).connect(
    tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)));
  ws.handshake("127.0.0.1", "/ws-api/v3?returnRateLimits=false");
  beast::flat_buffer buf;
  auto start = steady::now();
  for (int i = 0; i < n; ++i) {
    auto ts = std::to_string(wall_ms());
    // web-socket-api.md: the signature covers the params sorted by name.
    std::string payload = "apiKey=" + std::string(demo_key)
                          + "&newOrderRespType=FULL&price=0.5000&quantity=10&side=BUY"
                            "&symbol=USDCHF&timeInForce=IOC&timestamp=" + ts + "&type=LIMIT";
    auto frame = "{\"id\":" + std::to_string(i) + ",\"method\":\"order.place\",\"params\":{"
                 "\"apiKey\":\"" + demo_key + "\",\"newOrderRespType\":\"FULL\","
                 "\"price\":\"0.5000\",\"quantity\":\"10\",\"side\":\"BUY\","
                 "\"symbol\":\"USDCHF\",\"timeInForce\":\"IOC\",\"timestamp\":" + ts + ","
                 "\"type\":\"LIMIT\",\"signature\":\""
                 + cwts::hmac_sha256_hex(demo_secret, payload) + "\"}}";
    ws.write(asio::buffer(frame));
    buf.clear();
    ws.read(buf);
    auto reply = beast::buffers_to_string(buf.data());
    if (reply.find("\"status\":200") == std::string::npos) {
      std::fprintf(stderr, "ws-api order refused: %s\n", reply.c_str());
      return -1;
    }
  }
  return n / std::chrono::duration<double>(steady::now() - start).count();
}

// Events/s received on one combined stream during `seconds`.
double stream_round(int port, double seconds) {
  asio::io_context ioc;
  beast::websocket::stream<beast::tcp_stream> ws(ioc);
  beast::get_lowest_layer(ws).connect(
    tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)));
  ws.handshake("127.0.0.1", "/stream?streams=usdchf@trade/usdchf@aggTrade/usdchf@bookTicker/"
                            "usdchf@depth@100ms");
  beast::flat_buffer buf;
  // Warm-up: the first frame.
  ws.read(buf);
  int64_t events = 0;
  auto start = steady::now();
  auto until = start + std::chrono::duration_cast<steady::duration>(
                         std::chrono::duration<double>(seconds));
  while (steady::now() < until) {
    buf.clear();
    ws.read(buf);
    ++events;
  }
  return static_cast<double>(events)
         / std::chrono::duration<double>(steady::now() - start).count();
}

std::string list(const std::vector<double>& v) {
  std::string s;
  for (auto x : v) s += (s.empty() ? "" : " ") + std::to_string(static_cast<int64_t>(x));
  return s;
}

} // namespace

int main(int argc, char** argv) {
  if (argc > 1 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
    std::fputs(usage, stdout);
    return 0;
  }
  int rounds = argc > 1 ? std::atoi(argv[1]) : 5;
  int orders = argc > 2 ? std::atoi(argv[2]) : 2000;
  double stream_s = argc > 3 ? std::atof(argv[3]) : 1.0;
  if (rounds < 1 || orders < 1 || !(stream_s > 0)) {
    std::fputs(usage, stderr);
    return 2;
  }
  std::vector<double> rest, wsapi, streams;
  {
    // A slow replay: the order path is what is measured.
    bench_venue venue("1", "50");
    if (venue.port <= 0) {
      std::fprintf(stderr, "venue_socket_bench: cwts-venue did not start (%s)\n", CWTS_VENUE_BIN);
      return 1;
    }
    for (int r = 0; r < rounds; ++r) {
      rest.push_back(rest_round(venue.port, orders));
      wsapi.push_back(ws_api_round(venue.port, orders));
    }
  }
  {
    // The replay as fast as the venue prints (1000 prints per timer turn).
    bench_venue venue("1000000000", "1000000");
    if (venue.port <= 0) return 1;
    for (int r = 0; r < rounds; ++r)
      streams.push_back(stream_round(venue.port, stream_s));
  }
  std::printf("venue_socket_bench rounds=%d orders_per_round=%d stream_seconds=%.1f\n", rounds,
              orders, stream_s);
  std::printf("rest_orders_per_s median=%.0f rounds=[%s]\n", median(rest), list(rest).c_str());
  std::printf("ws_api_orders_per_s median=%.0f rounds=[%s]\n", median(wsapi), list(wsapi).c_str());
  std::printf("stream_events_per_s median=%.0f rounds=[%s]\n", median(streams),
              list(streams).c_str());
  std::printf("ratio ws_api/rest=%.2f\n", median(rest) > 0 ? median(wsapi) / median(rest) : 0.0);
  return 0;
}
