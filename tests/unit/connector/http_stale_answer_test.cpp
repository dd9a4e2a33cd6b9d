#define CAF_SUITE connector_http_stale_answer
#include "tests/support/unit_test.hpp"

// A server that sends two answers to one request: the second must never be
// taken as the answer to the client's next request on the kept-alive
// connection (the transport drops the connection and reconnects, counted).

#include <atomic>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "actors/connector/http_client.hpp"

using namespace cwts::connector;
using namespace std::chrono_literals;

namespace {

// Raw sockets, not Beast: the double answer must go out in one write.
class double_answer_server {
public:
  double_answer_server() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 4);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~double_answer_server() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  uint16_t port() const { return port_; }
  int requests() const { return requests_; }

private:
  // Polls with a short period so the destructor's stop is seen (bounded).
  bool readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    while (!stop_) {
      if (::poll(&p, 1, 20) > 0)
        return true;
    }
    return false;
  }
  void run() {
    while (readable(fd_)) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0)
        continue;
      serve(c);
      ::close(c);
    }
  }
  void serve(int c) {
    std::string buf;
    char chunk[4096];
    while (readable(c)) {
      auto n = ::recv(c, chunk, sizeof chunk, 0);
      if (n <= 0)
        return;
      buf.append(chunk, static_cast<size_t>(n));
      size_t end;
      while ((end = buf.find("\r\n\r\n")) != std::string::npos) {
        buf.erase(0, end + 4); // the tests' requests carry no body
        int k = ++requests_;
        std::string a = k == 1 ? answer("200 OK", "first") + answer("200 OK", "stale")
                               : answer("500 Internal Server Error", "second");
        if (::send(c, a.data(), a.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(a.size()))
          return;
      }
    }
  }
  static std::string answer(const std::string& status, const std::string& body) {
    return "HTTP/1.1 " + status + "\r\nContent-Length: " + std::to_string(body.size())
           + "\r\n\r\n" + body;
  }

  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

http_request get(const char* target) {
  http_request req;
  req.target = target;
  return req;
}

} // namespace

CAF_TEST(an_extra_answer_is_never_the_next_requests_answer) {
  double_answer_server server;
  http_client client("127.0.0.1", server.port(), 2000ms);
  auto first = client.send(get("/one"));
  CAF_REQUIRE(first.ok());
  CAF_CHECK_EQUAL(first.value().status, 200u);
  CAF_CHECK_EQUAL(first.value().body, "first");
  auto second = client.send(get("/two"));
  CAF_REQUIRE(second.ok());
  // Without the fix the stale "200 stale" answers /two.
  CAF_CHECK_EQUAL(second.value().status, 500u);
  CAF_CHECK_EQUAL(second.value().body, "second");
  CAF_CHECK_EQUAL(second.value().reused_connection, false);
  CAF_CHECK_EQUAL(client.stale_connections(), 1u);
  CAF_CHECK_EQUAL(client.connections_opened(), 2u);
  CAF_CHECK_EQUAL(server.requests(), 2);
}
