// The network-namespace lab of the partition tests (tests/integration/support/
// netns_lab.hpp): two members on their own addresses reach each other over
// TCP and UDP; a cut stops that silently (a connect neither succeeds nor is
// refused, no ICMP error), a one-way cut stops one direction only, heal and
// heal_all restore it, a flapping link follows each change, and the lab
// leaves no namespace behind. Needs root: fails (not skips) without it.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include "tests/integration/support/netns_lab.hpp"

namespace {

using namespace cwts::itest;

int failures = 0;

void check(bool ok, const std::string& what) {
  std::cout << (ok ? "ok   " : "FAIL ") << what << "\n";
  if (!ok) ++failures;
}

sockaddr_in endpoint(const std::string& address, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, address.c_str(), &a.sin_addr);
  return a;
}

// A non-blocking connect, waited on for at most `ms`: "connected",
// "pending" (nothing came back: a silent drop) or the error's text.
std::string connect_for(int fd, const sockaddr_in& to, int ms) {
  int flags = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0) return "connected";
  if (errno != EINPROGRESS) return std::strerror(errno);
  pollfd p{fd, POLLOUT, 0};
  if (poll(&p, 1, ms) == 0) return "pending";
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
  return err == 0 ? "connected" : std::strerror(err);
}

// Whether a datagram arrives on `fd` within `ms` (drained).
bool receives(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, ms) <= 0) return false;
  char buf[64];
  while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0) {}
  return true;
}

void send_to(int fd, const sockaddr_in& to) {
  sendto(fd, "x", 1, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
}

// UDP from `from` reaches `to_fd` bound at `to`: tried a few times, since a
// first datagram may wait on ARP.
bool udp_flows(int from_fd, const sockaddr_in& to, int to_fd) {
  for (int i = 0; i < 3; ++i) {
    send_to(from_fd, to);
    if (receives(to_fd, 300)) return true;
  }
  return false;
}

} // namespace

int main() {
  if (auto why = netns_lab::root_problem(); !why.empty()) {
    std::cout << "FAIL netns_lab_test needs root: " << why << "\n";
    return 1;
  }
  auto dir = make_test_dir("netns_lab_test");
  std::vector<std::string> made;
  {
    netns_lab lab("lab", dir);
    auto a = lab.add("a");
    auto b = lab.add("b");
    check(lab.ok() && !a.empty() && !b.empty() && a != b,
          "two members on their own addresses: a=" + a + " b=" + b + " " + lab.error());
    if (!lab.ok()) return 1;
    made = lab.namespaces();

    // TCP: b listens on its own address, a connects to it.
    int listener = lab.socket_in("b", SOCK_STREAM);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    auto at_b = endpoint(b, 47901);
    check(bind(listener, reinterpret_cast<const sockaddr*>(&at_b), sizeof at_b) == 0
            && listen(listener, 16) == 0,
          "b listens on " + b + ":47901");
    int c1 = lab.socket_in("a", SOCK_STREAM);
    check(connect_for(c1, at_b, 5000) == "connected", "a connects to b over TCP");
    // b's own address is not reachable from a's loopback view of the world:
    // the lab's namespaces are really apart (a has no listener at all).
    int self = lab.socket_in("a", SOCK_STREAM);
    check(connect_for(self, endpoint("127.0.0.1", 47901), 2000) != "connected",
          "a's loopback does not reach b's listener");
    close(self);

    // UDP both ways.
    int ua = lab.socket_in("a", SOCK_DGRAM), ub = lab.socket_in("b", SOCK_DGRAM);
    auto ua_at = endpoint(a, 47902), ub_at = endpoint(b, 47902);
    bind(ua, reinterpret_cast<const sockaddr*>(&ua_at), sizeof ua_at);
    bind(ub, reinterpret_cast<const sockaddr*>(&ub_at), sizeof ub_at);
    check(udp_flows(ua, ub_at, ub) && udp_flows(ub, ua_at, ua), "UDP flows a->b and b->a");

    // A cut: silent both ways. A new connect is neither accepted nor refused.
    check(lab.cut("a", "b"), "cut(a, b) " + lab.error());
    int c2 = lab.socket_in("a", SOCK_STREAM);
    auto during_cut = connect_for(c2, at_b, 1500);
    check(during_cut == "pending",
          "during the cut a's connect gets no answer, no RST, no ICMP (" + during_cut + ")");
    check(!udp_flows(ua, ub_at, ub) && !udp_flows(ub, ua_at, ua), "no UDP either way during the cut");
    // The established connection: data a sends does not arrive while cut...
    int accepted = accept(listener, nullptr, nullptr);
    check(accepted >= 0, "b accepted a's first connection");
    check(send(c1, "ping", 4, MSG_NOSIGNAL) == 4, "a's send on the established connection raises no error");
    pollfd p{accepted, POLLIN, 0};
    check(poll(&p, 1, 1000) == 0, "nothing arrives at b while the link is cut");

    // ...and arrives once healed (TCP retransmits it): nothing was refused.
    check(lab.heal("a", "b"), "heal(a, b) " + lab.error());
    bool arrived = wait_until([&] { pollfd q{accepted, POLLIN, 0}; return poll(&q, 1, 0) > 0; },
                              millis{15000}, millis{50});
    char buf[8] = {};
    check(arrived && recv(accepted, buf, sizeof buf, 0) == 4 && std::string(buf, 4) == "ping",
          "after the heal the data sent during the cut arrives");
    int c3 = lab.socket_in("a", SOCK_STREAM);
    check(connect_for(c3, at_b, 5000) == "connected", "after the heal a new connect succeeds");
    check(udp_flows(ua, ub_at, ub) && udp_flows(ub, ua_at, ua), "UDP flows again both ways");

    // One way: a's packets are dropped at b, b's still reach a.
    check(lab.cut_one_way("a", "b"), "cut_one_way(a, b) " + lab.error());
    check(!udp_flows(ua, ub_at, ub), "one-way cut: a->b dropped");
    check(udp_flows(ub, ua_at, ua), "one-way cut: b->a still flows");
    check(lab.heal_all(), "heal_all() " + lab.error());
    check(udp_flows(ua, ub_at, ub), "heal_all: a->b flows again");

    // A flapping link: each change is in effect when `after` looks.
    int rounds_right = 0;
    check(lab.flap("a", "b", 2, millis{200},
                   [&](int, bool cut) { rounds_right += udp_flows(ua, ub_at, ub) != cut; }),
          "flap(a, b, 2 rounds) " + lab.error());
    check(rounds_right == 4, "the flapping link was down after each cut and up after each heal ("
                               + std::to_string(rounds_right) + "/4)");
    check(udp_flows(ua, ub_at, ub), "the link is up after flapping");
    for (int fd : {listener, c1, c2, c3, accepted, ua, ub})
      if (fd >= 0) close(fd);
  }
  // The destructor removed every namespace the lab made.
  bool left = false;
  for (auto& ns : made)
    left = left || std::filesystem::exists("/var/run/netns/" + ns);
  check(!made.empty() && !left, "the lab removed its namespaces");
  std::cout << (failures ? "FAILED" : "PASSED") << " (" << failures << " failures)\n";
  return failures ? 1 : 0;
}
