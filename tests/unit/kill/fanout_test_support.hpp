#pragma once
// Helpers of the kill fan-out's tests (fanout_test.cpp, fanout_attack_test.cpp):
// raw sockets, identities, a node (gate, kill_switch and link) on loopback.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <functional>
#include <optional>
#include <thread>

#include "actors/kill/fanout_link.hpp"
#include "actors/kill/kill_switch.hpp"
#include "tests/integration/support/process.hpp"
#include "tests/unit/kill/test_keys.hpp"

namespace cwts::fanout_test {

using namespace cwts::fanout;


// Until `cond` holds, at most 5 s (the integration support's bounded poll).
inline bool eventually(const std::function<bool()>& cond) {
  return itest::wait_until(cond, std::chrono::seconds(5), std::chrono::milliseconds(5));
}

inline int raw_connect(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// True once the other side closed `fd` (read returns 0 or a reset); false
// when it is still open after 5 s (the receive timeout is not a close).
inline bool closed_by_peer(int fd) {
  char b[64];
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  while (true) {
    auto n = ::recv(fd, b, sizeof(b), 0);
    if (n == 0)
      return true;
    if (n < 0)
      return errno != EAGAIN && errno != EWOULDBLOCK;
  }
}

// Reads whole frames from `fd` until one decodes (5 s receive timeout).
inline std::optional<frame> read_frame(int fd) {
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  framer f;
  std::string error;
  char b[4096];
  while (true) {
    if (auto body = f.next(error))
      return decode(*body, error);
    if (!error.empty())
      return std::nullopt;
    auto n = ::recv(fd, b, sizeof(b), 0);
    if (n <= 0)
      return std::nullopt;
    f.feed(std::string_view(b, static_cast<size_t>(n)));
  }
}

inline void send_all(int fd, const std::string& bytes) {
  ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
}

// A port nothing listens on right now (bind 0, read, close).
inline uint16_t unused_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

inline std::shared_ptr<const identity> make_id(const std::string& self,
                                        std::shared_ptr<const ed25519_signer> key,
                                        const kill_test::test_keys& keys,
                                        const std::string& cluster = "c1") {
  auto id = std::make_shared<identity>();
  id->cluster = cluster;
  id->self = self;
  id->key = std::move(key);
  for (auto& k : keys.registry->keys())
    if (!k.node.empty() && k.node != self)
      id->members[k.node] = k.public_key;
  return id;
}

// Runs a handshake between two sessions in memory (hello, challenge, auth,
// hello_back); the first refusal of either side, else the client's last
// result.
inline session::result handshake(session& client, session& server) {
  auto hello = client.start();
  auto r1 = server.feed(hello);
  if (!r1.refusal.empty())
    return r1;
  auto r2 = client.feed(r1.send);
  if (!r2.refusal.empty())
    return r2;
  auto r3 = server.feed(r2.send);
  if (!r3.refusal.empty())
    return r3;
  return client.feed(r3.send);
}

// A node of the test: its gate, kill_switch and link.
struct node {
  kill_gate gate;
  std::shared_ptr<kill_switch> core;
  std::unique_ptr<fanout::link> l;
  std::atomic<int> applied{0};

  // `forward`: what an applied kill is sent on as (default: the core's
  // merged command, as kill_fanout.cpp does).
  node(const std::string& self, std::shared_ptr<const ed25519_signer> key,
       const kill_test::test_keys& keys, std::vector<endpoint> members, link_config extra = {},
       std::function<kill_command(const kill_command&)> forward = {}) {
    kill_switch_config kc{node_id{self}, keys.registry};
    kc.cluster = "c1";
    core = std::make_shared<kill_switch>(kc, gate);
    extra.id = make_id(self, std::move(key), keys);
    extra.listen = endpoint{"127.0.0.1", extra.listen.port, ""};
    extra.members = std::move(members);
    auto c = core;
    l = std::make_unique<fanout::link>(std::move(extra), [c, this, forward](const kill_command& k,
                                                                    const std::string&,
                                                                    int64_t received) {
      auto d = c->on_command(k, wall_clock_now(), kill_path::fanout, received);
      applied += d.verdict == kill_verdict::applied ? 1 : 0;
      kill_result r;
      r.outcome = d.verdict == kill_verdict::applied    ? kill_outcome::applied
                  : d.verdict == kill_verdict::rejected ? kill_outcome::refused
                                                        : kill_outcome::other;
      if (d.verdict == kill_verdict::applied)
        r.forward = forward ? forward(k) : d.command;
      return r;
    });
    std::string error;
    if (!l->start(error))
      CAF_FAIL("link start: " << error);
  }
  int64_t counter(const std::string& k) const {
    auto c = l->counters();
    auto i = c.find(k);
    return i == c.end() ? 0 : i->second;
  }
};

inline kill_command kill_for(const kill_test::test_keys& keys, const std::string& id,
                      const std::string& cluster = "c1") {
  auto c = keys.kill(id, kill_level::halt_new_orders);
  c.cluster = cluster;
  sign(c, keys.alice);
  return c;
}

struct fixture {
  kill_test::test_keys keys;
};

} // namespace cwts::fanout_test
