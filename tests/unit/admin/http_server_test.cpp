// The admin HTTP server on 127.0.0.1 (issue 17 finding 9): clients that
// send nothing or a byte at a time, more connections than the cap, and a
// handler that blocks (a kill waiting for its report) hold no one else up;
// each refusal is counted by reason. Results and counters are asserted,
// never timings: a blocked server would hang the test until its timeout.
#define CAF_SUITE admin_http_server
#include "tests/support/unit_test.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "nodes/admin/http_server.hpp"
#include "tests/integration/support/wait_until.hpp"

using namespace cwts;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Polls `pred` (the state another thread is reaching), up to a generous bound.
bool wait_until(const std::function<bool()>& pred) { return itest::wait_until(pred, 20s, 2ms); }

// A raw client: connects, writes `request` (maybe partial), and can read
// everything until the server closes.
struct raw_client {
  asio::io_context ioc;
  tcp::socket socket{ioc};
  explicit raw_client(uint16_t port, const std::string& request = "") {
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    if (!request.empty())
      asio::write(socket, asio::buffer(request));
  }
  void send(const std::string& more) { asio::write(socket, asio::buffer(more)); }
  std::string read_all() {
    std::string out;
    char buf[4096];
    boost::system::error_code ec;
    for (;;) {
      auto n = socket.read_some(asio::buffer(buf), ec);
      out.append(buf, n);
      if (ec)
        return out;
    }
  }
};

std::string get(uint16_t port, const std::string& target) {
  raw_client c(port, "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
  return c.read_all();
}

std::string post(uint16_t port, const std::string& target, const std::string& body) {
  raw_client c(port, "POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: "
                       + std::to_string(body.size()) + "\r\n\r\n" + body);
  return c.read_all();
}

// A server whose POST handler blocks until released (a kill waiting for its
// report); GET /healthz is immediate, other GETs go to the query pool.
struct blocking_node {
  std::mutex mtx;
  std::condition_variable cv;
  bool released = false;
  std::atomic<int> posts_entered{0};
  std::atomic<int> handled{0};
  admin::http_server server;

  explicit blocking_node(admin::http_server_options o)
    : server([this](const admin::http_request& r) { return handle(r); }, with_immediate(o)) {
    std::string error;
    CAF_REQUIRE(server.start("127.0.0.1", 0, error));
  }
  ~blocking_node() { release(); }

  static admin::http_server_options with_immediate(admin::http_server_options o) {
    o.immediate = [](const admin::http_request& r) { return r.target == "/healthz"; };
    return o;
  }
  admin::http_reply handle(const admin::http_request& r) {
    ++handled;
    if (r.method == "POST") {
      ++posts_entered;
      std::unique_lock<std::mutex> lock(mtx);
      cv.wait(lock, [&] { return released; });
      return {200, "application/json", "{\"applied\":\"" + r.body + "\"}"};
    }
    return {200, "application/json", "{\"path\":\"" + r.target + "\"}"};
  }
  void release() {
    std::lock_guard<std::mutex> guard(mtx);
    released = true;
    cv.notify_all();
  }
  uint16_t port() const { return server.port(); }
};

admin::http_server_options opts(std::size_t cap, std::chrono::milliseconds deadline) {
  admin::http_server_options o;
  o.max_connections = cap;
  o.request_deadline = deadline;
  return o;
}

} // namespace

CAF_TEST(silent_and_byte_a_time_clients_do_not_hold_other_requests) {
  blocking_node node(opts(16, 60s)); // they would hold it for a minute
  std::vector<std::unique_ptr<raw_client>> silent;
  for (int i = 0; i < 3; ++i)
    silent.push_back(std::make_unique<raw_client>(node.port()));
  raw_client drip(node.port(), "G");
  drip.send("E");
  CAF_REQUIRE(wait_until([&] { return node.server.open_connections() == 4; }));
  auto health = get(node.port(), "/healthz");
  CAF_CHECK(has(health, "200 OK"));
  auto query = get(node.port(), "/api/nodes");
  CAF_CHECK(has(query, "{\"path\":\"/api/nodes\"}"));
  node.release();
  auto kill = post(node.port(), "/api/kill", "k1");
  CAF_CHECK(has(kill, "{\"applied\":\"k1\"}"));
  CAF_CHECK_EQUAL(node.server.refused_deadline(), 0u);
  // The three answered connections close on the server's io thread after
  // the client read its answer: wait for that, then the four slow ones are
  // still all that is open.
  CAF_CHECK(wait_until([&] { return node.server.open_connections() == 4; }));
  CAF_CHECK_EQUAL(node.server.open_connections(), 4u);
}

CAF_TEST(a_request_not_complete_by_the_deadline_is_closed_and_counted) {
  blocking_node node(opts(16, 300ms));
  raw_client silent(node.port());
  // Bytes keep coming, a header line at a time, but the request never ends:
  // the deadline counts from accept, not from the last byte.
  raw_client drip(node.port(), "GET /api/nodes HTTP/1.1\r\n");
  std::atomic<bool> closed{false};
  std::thread dripper([&] {
    boost::system::error_code ec;
    for (int i = 0; !closed && !ec && i < 10'000; ++i) {
      std::string line = "X-Slow-" + std::to_string(i) + ": 1\r\n";
      asio::write(drip.socket, asio::buffer(line), ec);
      std::this_thread::sleep_for(20ms);
    }
  });
  auto silent_answer = silent.read_all();
  auto drip_answer = drip.read_all();
  closed = true;
  dripper.join();
  CAF_CHECK_EQUAL(silent_answer, "");
  CAF_CHECK_EQUAL(drip_answer, "");
  CAF_CHECK_EQUAL(node.server.refused_deadline(), 2u);
  CAF_CHECK_EQUAL(node.handled.load(), 0);
  CAF_CHECK(wait_until([&] { return node.server.open_connections() == 0; }));
  CAF_CHECK(has(get(node.port(), "/healthz"), "200 OK"));
}

CAF_TEST(a_connection_over_the_cap_is_answered_503_at_once_and_counted) {
  blocking_node node(opts(2, 60s));
  raw_client a(node.port());
  raw_client b(node.port());
  CAF_REQUIRE(wait_until([&] { return node.server.open_connections() == 2; }));
  raw_client c(node.port(), "GET /healthz HTTP/1.1\r\n\r\n");
  auto refused = c.read_all();
  CAF_CHECK(has(refused, "503 Service Unavailable"));
  CAF_CHECK(has(refused, "2 connections open"));
  CAF_CHECK_EQUAL(node.server.refused_over_capacity(), 1u);
  // Once one closes, the port serves again.
  a.socket.close();
  CAF_REQUIRE(wait_until([&] { return node.server.open_connections() < 2; }));
  CAF_CHECK(has(get(node.port(), "/healthz"), "200 OK"));
}

CAF_TEST(handlers_blocked_on_commands_hold_neither_healthz_nor_queries) {
  admin::http_server_options o = opts(16, 60s);
  o.command_threads = 2;
  blocking_node node(o);
  std::vector<std::string> answers(3);
  std::vector<std::thread> posters;
  for (int i = 0; i < 3; ++i) // one more than the command pool: queued
    posters.emplace_back([&, i] { answers[i] = post(node.port(), "/api/kill", "k" + std::to_string(i)); });
  CAF_REQUIRE(wait_until([&] { return node.posts_entered.load() == 2; }));
  CAF_CHECK(has(get(node.port(), "/healthz"), "200 OK"));
  CAF_CHECK(has(get(node.port(), "/api/orders"), "{\"path\":\"/api/orders\"}"));
  node.release();
  for (auto& t : posters)
    t.join();
  for (int i = 0; i < 3; ++i)
    CAF_CHECK(has(answers[i], "{\"applied\":\"k" + std::to_string(i) + "\"}"));
  CAF_CHECK_EQUAL(node.posts_entered.load(), 3);
}

CAF_TEST(a_client_that_does_not_read_its_answer_is_closed_after_the_deadline) {
  // A big answer the client never reads: the write phase is bounded too.
  admin::http_server_options o = opts(4, 300ms);
  admin::http_server server([](const admin::http_request&) {
    return admin::http_reply{200, "text/plain", std::string(64 << 20, 'x')};
  }, o);
  std::string error;
  CAF_REQUIRE(server.start("127.0.0.1", 0, error));
  raw_client c(server.port(), "GET /metrics HTTP/1.1\r\n\r\n");
  CAF_REQUIRE(wait_until([&] { return server.requests() == 1; }));
  CAF_CHECK(wait_until([&] { return server.open_connections() == 0; }));
  CAF_CHECK_EQUAL(server.refused_deadline(), 0u); // the request itself was complete
}
