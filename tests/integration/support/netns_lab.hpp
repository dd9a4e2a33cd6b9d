#pragma once
// Network namespaces for partition tests (issue 24): each named member of a
// lab gets its own namespace with loopback up and its own IPv4 address on
// one bridge, as if on its own host. The bridge lives in the lab's hub
// namespace, so nothing of the lab is visible in (or routed from) the root
// namespace. Links can be cut, one way or both, and healed:
//
//     lab hub namespace:  br0 -- v1 ... vN (veth)
//     member namespaces:  eth0 10.99.0.<10+i>/24, lo
//
// A cut is a silent drop, as a real partition: an nftables set of blocked
// source addresses in the receiver's input hook (no RST, no ICMP error; the
// sender's kernel never hears of it, so an established TCP connection just
// stops getting answers). cut_one_way(a, b) blocks a's packets at b only.
//
// Namespaces are named cwts-<tag>-<pid>-<member>; at start the lab removes
// every cwts-<tag>-<pid>- namespace whose pid no longer runs (a crashed run
// of the same test), and its destructor removes everything it made.
// Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN): root_problem() says why not.
// The namespace commands are nodes/cluster/netns.hpp's (the cluster tool's
// `cwts cluster up --netns` makes the same layout).

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "nodes/cluster/netns.hpp"
#include "tests/integration/support/process.hpp"

namespace cwts::itest {

class netns_lab {
public:
  // `tag`: short, names the test (letters, digits, '-'); `dir`: where the
  // output of the lab's ip/nft commands goes.
  netns_lab(std::string tag, std::string dir);
  ~netns_lab();
  netns_lab(const netns_lab&) = delete;
  netns_lab& operator=(const netns_lab&) = delete;

  // Empty when this process may make namespaces; else why not (not root,
  // ip or nft missing), worded for a test's failure message.
  static std::string root_problem();

  // False once a setup command failed; error() says which and why.
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  // Adds member `name` (its namespace, veth, address); its address, or
  // empty with error() set.
  std::string add(const std::string& name);
  std::string address(const std::string& name) const;
  // The namespace's name (for `ip netns exec`).
  std::string namespace_of(const std::string& name) const;
  // argv run inside member `name`'s namespace (ip netns exec <ns> argv...).
  std::vector<std::string> in(const std::string& name, const std::vector<std::string>& argv) const;
  // Runs argv to completion inside member `name`'s namespace.
  command_result run(const std::string& name, const std::vector<std::string>& argv,
                     millis timeout = millis{30000});
  // A socket created inside member `name`'s namespace (bind/connect with it
  // as usual; it stays in that namespace); -1 with error() set.
  int socket_in(const std::string& name, int type);

  // Packets from a to b and from b to a are dropped silently.
  bool cut(const std::string& a, const std::string& b);
  // Packets from `from` to `to` are dropped; the other direction flows.
  bool cut_one_way(const std::string& from, const std::string& to);
  // Undoes both directions of a cut between a and b.
  bool heal(const std::string& a, const std::string& b);
  bool heal_all();
  // A flapping link: `times` rounds of cut(a, b), `period`, heal(a, b),
  // `period`; after each change `after` runs (cut: true/false) so the test
  // can look at what the change did before the next one. False when a
  // change failed. The link is healed when it returns.
  bool flap(const std::string& a, const std::string& b, int times, millis period,
            const std::function<void(int round, bool cut)>& after = {});

  // Every namespace this lab made, hub first.
  std::vector<std::string> namespaces() const;

private:
  // True when `why` is empty; else records the first failure (of `what`).
  bool note(const std::string& why, const std::string& what);
  void sweep_stale();

  std::string tag_, dir_, prefix_;
  netns::bridge bridge_; // the commands, shared with `cwts cluster up --netns`
  std::string hub_;
  std::map<std::string, std::string> addresses_; // member -> address
  std::vector<std::string> members_;             // in add order
  std::string error_;
  int steps_ = 0;
};

} // namespace cwts::itest
