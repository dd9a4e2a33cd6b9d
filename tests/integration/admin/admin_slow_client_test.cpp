// One slow client no longer holds the admin port (issue 17 finding 9): a
// real cwts-node with [admin] max-connections=8 and a long request
// deadline; connections that send nothing and one that sends a byte at a
// time stay open, yet /healthz answers and a signed POST /api/kill (through
// `cwts console`) is applied; connections over the cap are answered 503 at
// once and counted in /metrics. Counts and answers are asserted, never
// timings: a blocked port would hang the test until its timeout.
#define CAF_SUITE admin_slow_client
#include "caf/test/unit_test_impl.hpp"

#include <atomic>
#include <memory>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include "tests/integration/admin/http_get.hpp"
#include "tests/integration/node/single_node.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {


struct raw_connection {
  asio::io_context ioc;
  asio::ip::tcp::socket socket{ioc};
  explicit raw_connection(uint16_t port) {
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
  }
  void send(const std::string& bytes) {
    boost::system::error_code ec;
    asio::write(socket, asio::buffer(bytes), ec);
  }
  std::string read_all() {
    std::string out;
    char buf[2048];
    boost::system::error_code ec;
    while (!ec) {
      auto n = socket.read_some(asio::buffer(buf), ec);
      out.append(buf, n);
    }
    return out;
  }
};

int64_t metric(uint16_t admin, const std::string& reason) {
  auto m = http_get(admin, "/metrics");
  auto key = "cwts_admin_requests_refused_total{node=\"solo\",reason=\"" + reason + "\"} ";
  auto at = m.body.find(key);
  return at == std::string::npos ? -1 : std::stoll(m.body.substr(at + key.size()));
}

} // namespace

CAF_TEST(slow_clients_hold_neither_healthz_nor_a_signed_kill) {
  auto admin = free_port();
  single_node n("admin_slow_client", {"--admin.port=" + std::to_string(admin),
                                      "--admin.max-connections=8",
                                      "--admin.request-deadline-ms=120000"});
  CAF_REQUIRE(wait_until([&] { return http_get(admin, "/healthz").status == 200; }, 30s));
  // Three that send nothing, one that sends a byte at a time.
  std::vector<std::unique_ptr<raw_connection>> slow;
  for (int i = 0; i < 3; ++i)
    slow.push_back(std::make_unique<raw_connection>(admin));
  auto drip = std::make_unique<raw_connection>(admin);
  std::atomic<bool> done{false};
  std::thread dripper([&] {
    const std::string request = "GET /api/nodes HTTP/1.1\r\nX-Slow: ";
    for (size_t i = 0; !done; ++i) {
      drip->send(std::string(1, i < request.size() ? request[i] : 'x'));
      std::this_thread::sleep_for(1s);
    }
  });
  auto health = http_get(admin, "/healthz");
  CAF_CHECK_EQUAL(health.status, 200);
  std::vector<std::string> alice{"--operator=alice",
                                 "--key-file=" + n.paths.operator_key("alice")};
  std::vector<std::string> argv{n.paths.cli_bin, "console",
                                "--admin=127.0.0.1:" + std::to_string(admin)};
  argv.insert(argv.end(), alice.begin(), alice.end());
  argv.push_back("-c");
  argv.push_back("kill 1 cluster --reason 'slow client drill'");
  auto kill = run_command("console", argv, n.dir, 40s);
  CAF_MESSAGE("console kill: rc=" << kill.exit_code << " " << kill.out << kill.err);
  CAF_CHECK_EQUAL(kill.exit_code, 0);
  CAF_CHECK(has(http_get(admin, "/api/kill").body, "\"mode\":\"HALTED\""));

  // Fill the cap (4 slow + 4 more), then two over it: 503 at once, each.
  std::vector<std::unique_ptr<raw_connection>> filler;
  for (int i = 0; i < 4; ++i)
    filler.push_back(std::make_unique<raw_connection>(admin));
  int refused = 0;
  for (int i = 0; i < 2; ++i) {
    raw_connection over(admin);
    refused += has(over.read_all(), "503 Service Unavailable") ? 1 : 0;
  }
  CAF_CHECK_EQUAL(refused, 2);
  filler.clear(); // closed: the port has room again
  CAF_CHECK(wait_until([&] { return http_get(admin, "/healthz").status == 200; }, 20s));
  CAF_CHECK_GREATER_OR_EQUAL(metric(admin, "over_capacity"), 2);
  CAF_CHECK_EQUAL(metric(admin, "deadline"), 0);
  done = true;
  dripper.join();
  n.node.stop(6s);
}
