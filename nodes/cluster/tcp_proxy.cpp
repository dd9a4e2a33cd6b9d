#include "nodes/cluster/tcp_proxy.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace cwts::cluster {

namespace {

sockaddr_in loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

int connect_to(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  auto a = loopback(port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Writes all of `data` (blocking): a relay that cannot keep up slows the
// sender down instead of dropping bytes. MSG_NOSIGNAL: a peer that is gone
// (a node the drill SIGKILLed) is an EPIPE that closes this relay, not a
// SIGPIPE that ends the drill's whole process.
bool write_all(int fd, const char* data, size_t n) {
  while (n > 0) {
    auto w = ::send(fd, data, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return false;
    data += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

struct relay {
  int client = -1;
  int upstream = -1;
};

void close_relay(relay& r) {
  for (int* fd : {&r.client, &r.upstream})
    if (*fd >= 0) {
      ::shutdown(*fd, SHUT_RDWR);
      close(*fd);
      *fd = -1;
    }
}

} // namespace

tcp_proxy::tcp_proxy(uint16_t target_port, uint16_t listen_port)
  : target_port_(target_port), port_(listen_port) {}

tcp_proxy::~tcp_proxy() {
  stopping_ = true;
  if (wake_[1] >= 0)
    (void)!::write(wake_[1], "x", 1);
  if (thread_.joinable())
    thread_.join();
  for (int fd : {listener_, wake_[0], wake_[1]})
    if (fd >= 0)
      close(fd);
}

bool tcp_proxy::start(std::string& error) {
  listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  auto a = loopback(port_);
  socklen_t len = sizeof a;
  if (listener_ < 0 || bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0
      || listen(listener_, 64) != 0 || getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len) != 0
      || pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) {
    error = std::string("proxy listener: ") + std::strerror(errno);
    return false;
  }
  port_ = ntohs(a.sin_port);
  thread_ = std::thread([this] { run(); });
  return true;
}

void tcp_proxy::cut() {
  cut_ = true;
  (void)!::write(wake_[1], "c", 1);
}

void tcp_proxy::heal() {
  cut_ = false;
  (void)!::write(wake_[1], "h", 1);
}

void tcp_proxy::run() {
  std::vector<relay> relays;
  std::vector<pollfd> fds;
  char buf[65536];
  while (!stopping_) {
    if (cut_)
      for (auto& r : relays)
        close_relay(r);
    relays.erase(std::remove_if(relays.begin(), relays.end(), [](const relay& r) { return r.client < 0; }),
                 relays.end());
    fds.clear();
    fds.push_back({listener_, POLLIN, 0});
    fds.push_back({wake_[0], POLLIN, 0});
    for (auto& r : relays) {
      fds.push_back({r.client, POLLIN, 0});
      fds.push_back({r.upstream, POLLIN, 0});
    }
    if (poll(fds.data(), fds.size(), 500) < 0 && errno != EINTR)
      break;
    if (fds[1].revents & POLLIN)
      while (::read(wake_[0], buf, sizeof buf) > 0) {
      }
    // Only the relays this poll covered: one accepted below has no entry in
    // `fds` yet, and reading past its end would take a stale entry's
    // revents for its own: a blocking read on a socket with nothing to read
    // stalls every connection of this link (a TLS server waiting for the
    // ClientHello the proxy never forwards, until its handshake deadline).
    const size_t polled = relays.size();
    if (fds[0].revents & POLLIN) {
      int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client >= 0) {
        int upstream = cut_ ? -1 : connect_to(target_port_);
        if (upstream < 0) {
          ++refused_;
          close(client);
        } else {
          int one = 1;
          setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          ++accepted_;
          relays.push_back({client, upstream});
        }
      }
    }
    for (size_t i = 0; i < polled; ++i) {
      auto& r = relays[i];
      for (int side = 0; side < 2 && r.client >= 0; ++side) {
        auto& p = fds[2 + 2 * i + static_cast<size_t>(side)];
        if (!(p.revents & (POLLIN | POLLHUP | POLLERR)))
          continue;
        int from = side == 0 ? r.client : r.upstream;
        int to = side == 0 ? r.upstream : r.client;
        auto n = ::read(from, buf, sizeof buf);
        if (n <= 0 || !write_all(to, buf, static_cast<size_t>(n)))
          close_relay(r);
      }
    }
  }
  for (auto& r : relays)
    close_relay(r);
}

} // namespace cwts::cluster
