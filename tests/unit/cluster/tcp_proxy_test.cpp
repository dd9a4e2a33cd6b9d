// The drills' loopback link proxy (nodes/cluster/tcp_proxy.hpp) between a
// client and an echo server of the test's own: bytes relayed both ways, a
// cut link refusing, and, the defect a TLS cluster met in drills, a new
// connection whose client waits for the server to speak first never stalls
// the link's other connections.
#define CAF_SUITE tcp_proxy
#include "tests/support/unit_test.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <string>
#include <thread>
#include <vector>

#include "nodes/cluster/tcp_proxy.hpp"
#include "tests/integration/support/wait_until.hpp"

using namespace cwts::cluster;
using cwts::itest::millis;
using cwts::itest::wait_until;

namespace {

sockaddr_in loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

// Echoes every byte back on its connection; counts connections it saw end.
class echo_server {
public:
  echo_server() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    auto a = loopback(0);
    socklen_t len = sizeof a;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0
        || ::listen(listener_, 16) != 0
        || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      return;
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }

  ~echo_server() {
    stopping_ = true;
    if (thread_.joinable())
      thread_.join();
    for (int fd : conns_)
      ::close(fd);
    if (listener_ >= 0)
      ::close(listener_);
  }

  uint16_t port() const { return port_; }
  int ended() const { return ended_.load(); }

private:
  void run() {
    char buf[4096];
    while (!stopping_) {
      std::vector<pollfd> fds{{listener_, POLLIN, 0}};
      for (int fd : conns_)
        fds.push_back({fd, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), 20) <= 0)
        continue;
      if (fds[0].revents & POLLIN) {
        int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd >= 0)
          conns_.push_back(fd);
      }
      for (size_t i = 1; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
          continue;
        auto n = ::read(fds[i].fd, buf, sizeof buf);
        if (n > 0 && ::write(fds[i].fd, buf, static_cast<size_t>(n)) == n)
          continue;
        ::close(fds[i].fd);
        conns_.erase(std::find(conns_.begin(), conns_.end(), fds[i].fd));
        ++ended_;
      }
    }
  }

  int listener_ = -1;
  uint16_t port_ = 0;
  std::vector<int> conns_; // the server thread's own
  std::atomic<int> ended_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// A client connection to the proxy (closed with the object).
struct client {
  int fd = -1;

  explicit client(uint16_t port) {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    auto a = loopback(port);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  ~client() { close(); }

  void close() {
    if (fd >= 0)
      ::close(fd);
    fd = -1;
  }

  bool send(const std::string& s) const {
    return fd >= 0 && ::write(fd, s.data(), s.size()) == static_cast<ssize_t>(s.size());
  }

  // What arrives within `limit` (a ceiling: it returns as soon as `n` bytes
  // came); "<closed>" when the proxy closed the connection.
  std::string receive(size_t n, millis limit) const {
    std::string got;
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (got.size() < n) {
      auto left = std::chrono::duration_cast<millis>(deadline - std::chrono::steady_clock::now());
      pollfd p{fd, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0)
        break;
      char buf[256];
      auto r = ::read(fd, buf, std::min(sizeof buf, n - got.size()));
      if (r <= 0)
        return got + "<closed>";
      got.append(buf, static_cast<size_t>(r));
    }
    return got;
  }
};

// Generous: on a loaded machine a relay takes milliseconds, never seconds.
constexpr millis answer_limit{10000};

struct fixture {
  echo_server server;
  tcp_proxy proxy{server.port()};
  bool started = false;

  fixture() {
    std::string error;
    started = server.port() != 0 && proxy.start(error);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(tcp_proxy_tests, fixture)

CAF_TEST(bytes_are_relayed_both_ways_in_order) {
  CAF_REQUIRE(started);
  client c(proxy.port());
  CAF_REQUIRE(c.send("hello, "));
  CAF_REQUIRE(c.send("venue"));
  CAF_CHECK_EQUAL(c.receive(12, answer_limit), "hello, venue");
  CAF_CHECK_EQUAL(proxy.connections(), 1u);
}

// The drill defect: the proxy read the revents of a connection it had just
// accepted from a stale poll entry (a closed connection's), and blocked
// reading a client that waits for the server to speak, so every connection
// of the link stalled until that client gave up (a TLS peer: 10 s).
CAF_TEST(a_new_connection_waiting_for_the_server_never_stalls_the_others) {
  CAF_REQUIRE(started);
  {
    client first(proxy.port());
    CAF_REQUIRE(first.send("x"));
    CAF_REQUIRE_EQUAL(first.receive(1, answer_limit), "x");
  } // closed by the client: its EOF was the last thing the proxy polled
  CAF_REQUIRE(wait_until([&] { return server.ended() == 1; }, answer_limit, millis{5}));
  client waiting(proxy.port()); // sends nothing: a server speaks first
  CAF_REQUIRE(wait_until([&] { return server.ended() == 1 && proxy.connections() == 2; },
                         answer_limit, millis{5}));
  client talking(proxy.port());
  CAF_REQUIRE(talking.send("still relayed"));
  CAF_CHECK_EQUAL(talking.receive(13, answer_limit), "still relayed");
  CAF_CHECK_EQUAL(proxy.connections(), 3u);
}

CAF_TEST(a_cut_link_drops_its_connections_and_refuses_new_ones_until_healed) {
  CAF_REQUIRE(started);
  client before(proxy.port());
  CAF_REQUIRE(before.send("a"));
  CAF_REQUIRE_EQUAL(before.receive(1, answer_limit), "a");
  proxy.cut();
  CAF_CHECK_EQUAL(before.receive(1, answer_limit), "<closed>");
  client during(proxy.port());
  CAF_CHECK_EQUAL(during.receive(1, answer_limit), "<closed>");
  CAF_CHECK_EQUAL(proxy.refused(), 1u);
  proxy.heal();
  client after(proxy.port());
  CAF_REQUIRE(after.send("b"));
  CAF_CHECK_EQUAL(after.receive(1, answer_limit), "b");
}

CAF_TEST_FIXTURE_SCOPE_END()
