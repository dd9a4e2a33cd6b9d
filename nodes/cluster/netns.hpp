#pragma once
// Network namespaces on one bridge, as separate hosts on one LAN: what
// `cwts cluster up --netns` runs a cluster in and what the partition tests'
// lab (tests/integration/support/netns_lab.hpp) builds on. CAF-free; the
// work is done by iproute2's `ip` and nftables' `nft`, run to completion.
//
//     <prefix>hub:       br0 -- v1 .. vN (veth ports), vroot
//     <prefix><member>:  eth0 <address>/24, lo; table inet cwts_lab
//     root namespace:    <root-if> <subnet>.1/24 (only with link_root)
//
// The bridge lives in the hub namespace, so nothing of it is visible in the
// root namespace unless link_root gives the root namespace a port on it
// (the cluster tool does, so that its probes, an operator's curl and a test
// reach each member at its address; the test lab does not).
//
// A cut is a silent drop, as a real partition: each member's input hook
// drops packets from the addresses in its `blocked` set (no RST, no ICMP
// error; an established TCP connection just stops getting answers).
//
// Deleting a namespace deletes its veth end and with it the peer end, so
// remove (members first, the hub last) leaves nothing behind. Needs
// root (CAP_NET_ADMIN, CAP_SYS_ADMIN): missing_capability() says why not.

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace cwts::netns {

// Empty when this process may make namespaces; else why not (not root,
// `ip` or `nft` missing), with the fix.
std::string missing_capability();

// The path of `ip` or `nft` (/usr/sbin, /sbin, ...); empty when missing.
std::string tool_path(const std::string& name);

// Runs argv (argv[0] a tool name: "ip", "nft") to completion; empty on
// success, else the command line with its exit status and output.
std::string run_tool(const std::vector<std::string>& argv,
                     std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));

// "a.b.c.d": an IPv4 address (not 0.0.0.0).
bool is_ipv4(const std::string& text);

// The name of the namespace file a process is placed in by name.
std::string namespace_path(const std::string& ns);

class bridge {
public:
  // Namespaces are named <prefix>hub and <prefix><member>; a prefix plus the
  // longest member name must stay within 64 characters.
  explicit bridge(std::string prefix);

  const std::string& prefix() const { return prefix_; }
  std::string hub() const { return prefix_ + "hub"; }
  std::string namespace_of(const std::string& member) const { return prefix_ + member; }

  // The hub namespace with its bridge up. Empty, or why not.
  std::string create();
  // Member `member`'s namespace, its veth port v<port> on the bridge, eth0
  // with `address`/24 and loopback up, and its drop table.
  std::string add_member(const std::string& member, const std::string& address, int port);
  // A port on the bridge for the root namespace: interface `root_if` (at
  // most 15 characters) with `address`/24.
  std::string link_root(const std::string& root_if, const std::string& address);

  // Packets from `from_address` no longer reach member `member` (silently).
  std::string block(const std::string& member, const std::string& from_address);
  // Undoes block (no error when it was not blocked).
  std::string unblock(const std::string& member, const std::string& from_address);
  // Member `member` receives from everyone again.
  std::string unblock_all(const std::string& member);
  // Many links at once: for each member, the addresses it stops (`block`)
  // or resumes receiving from. One nft run per member, all started
  // together: a cut of many links takes about one run, not one per link
  // (a run is a process start, a few hundred ms on a loaded machine, and a
  // partition put in place link by link over seconds is not the one a
  // scenario states). Empty, or every failure.
  std::string set_blocked(const std::map<std::string, std::vector<std::string>>& from_by_member,
                          bool block);

  // argv run inside member `member`'s namespace (ip netns exec <ns> argv...).
  std::vector<std::string> exec_argv(const std::string& member,
                                     const std::vector<std::string>& argv) const;
  // A socket created inside namespace `ns` (it stays there); -1 with `error`.
  static int socket_in(const std::string& ns, int type, std::string& error);

  // Every namespace whose name starts with `prefix`, the hub (<prefix>hub) last.
  static std::vector<std::string> list(const std::string& prefix);
  // Deletes each of `namespaces` that exists. Empty, or the failures.
  static std::string remove(const std::vector<std::string>& namespaces);

private:
  std::string nft_in(const std::string& member, const std::string& script);
  std::string prefix_;
};

} // namespace cwts::netns
