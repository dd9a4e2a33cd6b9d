#pragma once
// The two sockets tick_to_order_bench owns (bench only):
//
// - tick_feed: the market-data side, a WebSocket server the connector's
//   market stream connects to. send() writes one Binance trade frame (the
//   exact unmasked bytes, RFC 6455 5.2) and returns t0, taken just before
//   the write. Every new connection replaces the current one (a fresh
//   connector per mode, the plain path's own stream).
// - order_tap: the venue side, a TCP relay in front of a cwts-venue. Each
//   read from the connector is timed as it returns; a read that starts an
//   order (REST `POST /api/v3/order`, or a WebSocket API text frame whose
//   unmasked payload holds "order.place") sets t1 and counts it, then the
//   bytes go on to the venue, which answers as it always does.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

namespace cwts::bench {

inline int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

class tick_feed {
public:
  tick_feed()
    : acceptor_(ioc_, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { accept_loop(); });
  }
  ~tick_feed() {
    stopping_ = true;
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
    thread_.join();
  }
  tick_feed(const tick_feed&) = delete;
  tick_feed& operator=(const tick_feed&) = delete;

  uint16_t port() const { return port_; }

  // Until `n` clients have connected in all, or the deadline.
  bool wait_connections(int n, std::chrono::milliseconds within) {
    std::unique_lock<std::mutex> lk(mtx_);
    return cv_.wait_for(lk, within, [&] { return connections_ >= n; });
  }

  // Writes `frame` to the current client; t0 (steady ns) or 0 when none.
  int64_t send(const std::string& frame) {
    std::lock_guard<std::mutex> lk(mtx_);
    if (!current_)
      return 0;
    boost::system::error_code ec;
    auto& sock = boost::beast::get_lowest_layer(*current_).socket();
    auto t0 = steady_ns();
    boost::asio::write(sock, boost::asio::buffer(frame), ec);
    return ec ? 0 : t0;
  }

private:
  using ws_t = boost::beast::websocket::stream<boost::beast::tcp_stream>;

  void accept_loop() {
    while (!stopping_) {
      auto ws = std::make_unique<ws_t>(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(boost::beast::get_lowest_layer(*ws).socket(), ec);
      if (ec || stopping_)
        return;
      ws->accept(ec);
      if (ec)
        continue;
      int one = 1;
      ::setsockopt(boost::beast::get_lowest_layer(*ws).socket().native_handle(), IPPROTO_TCP,
                   TCP_NODELAY, &one, sizeof one);
      std::lock_guard<std::mutex> lk(mtx_);
      // The old connection stays open (its reader is gone or stopping):
      // bounded by the modes of one run.
      if (current_)
        old_.push_back(std::move(current_));
      current_ = std::move(ws);
      ++connections_;
      cv_.notify_all();
    }
  }

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex mtx_;
  std::condition_variable cv_;
  std::unique_ptr<ws_t> current_;
  std::vector<std::unique_ptr<ws_t>> old_;
  int connections_ = 0;
  std::thread thread_;
};

// Does this read from the connector start an order?
inline bool starts_order(const char* p, size_t n) {
  static const char rest[] = "POST /api/v3/order";
  constexpr size_t rest_len = sizeof rest - 1;
  if (n > rest_len && std::memcmp(p, rest, rest_len) == 0)
    return p[rest_len] == '?' || p[rest_len] == ' ';
  // A masked text frame (client to server, RFC 6455 5.3): unmask the start
  // of its payload and look for the WebSocket API's order method.
  auto u = reinterpret_cast<const unsigned char*>(p);
  if (n < 8 || u[0] != 0x81 || !(u[1] & 0x80))
    return false;
  size_t len = u[1] & 0x7f, at = 2;
  if (len == 126)
    at = 4;
  else if (len == 127)
    at = 10;
  if (n < at + 4)
    return false;
  const unsigned char* mask = u + at;
  at += 4;
  std::string head;
  for (size_t i = 0; at + i < n && i < 160; ++i)
    head.push_back(static_cast<char>(u[at + i] ^ mask[i % 4]));
  return head.find("\"order.place\"") != std::string::npos;
}

class order_tap {
public:
  explicit order_tap(uint16_t venue_port) : venue_port_(venue_port) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listen_fd_, 64);
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~order_tap() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    std::vector<std::thread> relays;
    {
      std::lock_guard<std::mutex> lk(mtx_);
      for (int fd : fds_)
        ::shutdown(fd, SHUT_RDWR);
      relays.swap(relays_);
    }
    for (auto& t : relays)
      t.join();
    for (int fd : fds_)
      ::close(fd);
    ::close(listen_fd_);
  }
  order_tap(const order_tap&) = delete;
  order_tap& operator=(const order_tap&) = delete;

  uint16_t port() const { return port_; }
  uint64_t orders() const { return orders_.load(); }

  // Until more than `seen` orders started, or the deadline: t1 of the
  // latest (steady ns), 0 at the deadline.
  int64_t wait_order_after(uint64_t seen, std::chrono::milliseconds within) {
    std::unique_lock<std::mutex> lk(mtx_);
    if (!cv_.wait_for(lk, within, [&] { return orders_.load() > seen; }))
      return 0;
    return last_t1_.load();
  }

private:
  static int connect_loopback(uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd);
      return -1;
    }
    return fd;
  }

  static bool send_all(int fd, const char* p, size_t n) {
    while (n > 0) {
      auto w = ::send(fd, p, n, MSG_NOSIGNAL);
      if (w <= 0)
        return false;
      p += w;
      n -= static_cast<size_t>(w);
    }
    return true;
  }

  void accept_loop() {
    while (!stopping_) {
      int client = ::accept(listen_fd_, nullptr, nullptr);
      if (client < 0)
        return;
      int venue = connect_loopback(venue_port_);
      if (venue < 0) {
        ::close(client);
        continue;
      }
      int one = 1;
      ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      ::setsockopt(venue, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      std::lock_guard<std::mutex> lk(mtx_);
      fds_.push_back(client);
      fds_.push_back(venue);
      relays_.emplace_back([this, client, venue] { relay(client, venue, true); });
      relays_.emplace_back([this, client, venue] { relay(venue, client, false); });
    }
  }

  // One direction; from the connector each read is checked for an order.
  void relay(int from, int to, bool from_connector) {
    std::vector<char> buf(1 << 16);
    for (;;) {
      auto n = ::recv(from, buf.data(), buf.size(), 0);
      auto t1 = steady_ns();
      if (n <= 0)
        break;
      bool order = from_connector && starts_order(buf.data(), static_cast<size_t>(n));
      if (order)
        last_t1_ = t1;
      if (!send_all(to, buf.data(), static_cast<size_t>(n)))
        break;
      if (order) {
        std::lock_guard<std::mutex> lk(mtx_);
        ++orders_;
        cv_.notify_all();
      }
    }
    ::shutdown(to, SHUT_WR);
  }

  uint16_t venue_port_;
  uint16_t port_ = 0;
  int listen_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> orders_{0};
  std::atomic<int64_t> last_t1_{0};
  std::mutex mtx_;
  std::condition_variable cv_;
  std::vector<int> fds_;
  std::vector<std::thread> relays_;
  std::thread acceptor_;
};

} // namespace cwts::bench
