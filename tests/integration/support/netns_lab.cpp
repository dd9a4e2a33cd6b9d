#include "tests/integration/support/netns_lab.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

namespace cwts::itest {

namespace fs = std::filesystem;

namespace {

// ip and nft live in /usr/sbin or /sbin (iproute2, nftables).
std::string find_tool(const std::string& name) {
  for (const char* d : {"/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/"})
    if (access((d + name).c_str(), X_OK) == 0)
      return d + name;
  return {};
}

const char* const subnet = "10.99.0.";
const char* const table = "cwts_lab";

} // namespace

std::string netns_lab::root_problem() {
  if (geteuid() != 0)
    return "this test makes network namespaces (ip netns, veth pairs, nftables) to put each "
           "process on its own address and cut links between them; that needs root "
           "(CAP_NET_ADMIN and CAP_SYS_ADMIN). Run it as root (CI does); it is not skipped, "
           "because a skipped partition test proves nothing";
  if (find_tool("ip").empty())
    return "the 'ip' command (Debian package iproute2) is missing: scripts/bootstrap installs it";
  if (find_tool("nft").empty())
    return "the 'nft' command (Debian package nftables) is missing: scripts/bootstrap installs it";
  return {};
}

netns_lab::netns_lab(std::string tag, std::string dir) : tag_(std::move(tag)), dir_(std::move(dir)) {
  prefix_ = "cwts-" + tag_ + "-" + std::to_string(getpid()) + "-";
  hub_ = prefix_ + "hub";
  if (auto why = root_problem(); !why.empty()) {
    error_ = why;
    return;
  }
  sweep_stale();
  // The hub: one bridge every member's veth is a port of.
  tool({"ip", "netns", "add", hub_}, "make the hub namespace")
    && tool({"ip", "-n", hub_, "link", "add", "br0", "type", "bridge"}, "make the bridge")
    && tool({"ip", "-n", hub_, "link", "set", "br0", "up"}, "bring the bridge up")
    && tool({"ip", "-n", hub_, "link", "set", "lo", "up"}, "bring the hub's loopback up");
}

netns_lab::~netns_lab() {
  // Deleting a namespace deletes its veth end, and with it the peer in the hub.
  for (auto i = members_.rbegin(); i != members_.rend(); ++i)
    tool({"ip", "netns", "del", namespace_of(*i)}, "remove " + *i);
  tool({"ip", "netns", "del", hub_}, "remove the hub");
}

bool netns_lab::tool(const std::vector<std::string>& argv, const std::string& what) {
  auto args = argv;
  args[0] = find_tool(argv[0]);
  auto r = run_command("netns-" + std::to_string(++steps_), args, dir_, millis{10000});
  if (r.exit_code == 0)
    return true;
  if (error_.empty()) {
    std::string line;
    for (auto& a : argv)
      line += (line.empty() ? "" : " ") + a;
    error_ = "netns lab: could not " + what + " (`" + line + "`: " + r.err + r.out + ")";
  }
  return false;
}

// Namespaces named cwts-<tag>-<pid>-... whose pid is gone: left by a crashed
// earlier run of this test. A live pid is another run of it: left alone.
void netns_lab::sweep_stale() {
  std::error_code ec;
  auto head = "cwts-" + tag_ + "-";
  for (auto& e : fs::directory_iterator("/var/run/netns", ec)) {
    auto name = e.path().filename().string();
    if (name.rfind(head, 0) != 0)
      continue;
    auto rest = name.substr(head.size());
    auto dash = rest.find('-');
    if (dash == std::string::npos)
      continue;
    auto pid = static_cast<pid_t>(std::strtol(rest.substr(0, dash).c_str(), nullptr, 10));
    if (pid <= 0 || pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH)
      continue;
    tool({"ip", "netns", "del", name}, "remove the stale namespace " + name);
  }
}

std::string netns_lab::add(const std::string& name) {
  if (!ok())
    return {};
  if (addresses_.count(name)) {
    error_ = "netns lab: member '" + name + "' added twice";
    return {};
  }
  auto ns = namespace_of(name);
  auto index = std::to_string(members_.size() + 1);
  auto address = subnet + std::to_string(10 + members_.size());
  auto port = "v" + index;
  bool done =
    tool({"ip", "netns", "add", ns}, "make namespace " + ns)
    && (members_.push_back(name), true)
    && tool({"ip", "-n", hub_, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns},
            "make the veth pair of " + name)
    && tool({"ip", "-n", hub_, "link", "set", port, "master", "br0"}, "attach " + port + " to the bridge")
    && tool({"ip", "-n", hub_, "link", "set", port, "up"}, "bring " + port + " up")
    && tool({"ip", "-n", ns, "addr", "add", address + "/24", "dev", "eth0"}, "address " + name)
    && tool({"ip", "-n", ns, "link", "set", "eth0", "up"}, "bring " + name + "'s eth0 up")
    && tool({"ip", "-n", ns, "link", "set", "lo", "up"}, "bring " + name + "'s loopback up")
    // The silent drop: packets from any address in `blocked` never reach
    // this namespace's sockets (input hook, so no reject and no ICMP).
    && tool({"ip", "netns", "exec", ns, find_tool("nft"),
             "add table inet " + std::string(table) + "\nadd set inet " + table
               + " blocked { type ipv4_addr; }\nadd chain inet " + table
               + " input { type filter hook input priority 0; policy accept; }\nadd rule inet "
               + table + " input ip saddr @blocked drop"},
            "install the drop rules of " + name);
  if (!done)
    return {};
  addresses_[name] = address;
  return address;
}

std::string netns_lab::address(const std::string& name) const {
  auto i = addresses_.find(name);
  return i == addresses_.end() ? std::string() : i->second;
}

std::string netns_lab::namespace_of(const std::string& name) const {
  return prefix_ + name;
}

std::vector<std::string> netns_lab::in(const std::string& name,
                                       const std::vector<std::string>& argv) const {
  std::vector<std::string> out{find_tool("ip"), "netns", "exec", namespace_of(name)};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

command_result netns_lab::run(const std::string& name, const std::vector<std::string>& argv,
                              millis timeout) {
  return run_command("in-" + name + "-" + std::to_string(++steps_), in(name, argv), dir_, timeout);
}

int netns_lab::socket_in(const std::string& name, int type) {
  // setns changes the calling thread only: a short-lived thread enters the
  // namespace and makes the socket, which belongs to that namespace for good.
  int fd = -1;
  std::string why;
  auto path = "/var/run/netns/" + namespace_of(name);
  std::thread([&] {
    int ns = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (ns < 0) {
      why = "open " + path + ": " + std::strerror(errno);
      return;
    }
    if (setns(ns, CLONE_NEWNET) != 0)
      why = std::string("setns: ") + std::strerror(errno);
    else if ((fd = socket(AF_INET, type | SOCK_CLOEXEC, 0)) < 0)
      why = std::string("socket: ") + std::strerror(errno);
    close(ns);
  }).join();
  if (fd < 0 && error_.empty())
    error_ = "netns lab: no socket in " + name + ": " + why;
  return fd;
}

bool netns_lab::nft_in(const std::string& name, const std::string& verb, const std::string& addr) {
  return tool({"ip", "netns", "exec", namespace_of(name), find_tool("nft"),
               verb + " element inet " + table + " blocked { " + addr + " }"},
              verb + " " + addr + " in " + name + "'s blocked set");
}

bool netns_lab::cut_one_way(const std::string& from, const std::string& to) {
  auto a = address(from);
  if (a.empty() || address(to).empty()) {
    error_ = "netns lab: cut " + from + " -> " + to + ": no such member";
    return false;
  }
  // Adding an element that is already there is not an error in nft.
  return nft_in(to, "add", a);
}

bool netns_lab::cut(const std::string& a, const std::string& b) {
  return cut_one_way(a, b) && cut_one_way(b, a);
}

bool netns_lab::heal(const std::string& a, const std::string& b) {
  // `delete` of an absent element fails: flush-style heal per direction
  // re-adds then deletes, so healing a half-cut link works too.
  bool ok_a = nft_in(b, "add", address(a)) && nft_in(b, "delete", address(a));
  bool ok_b = nft_in(a, "add", address(b)) && nft_in(a, "delete", address(b));
  return ok_a && ok_b;
}

bool netns_lab::heal_all() {
  bool all = true;
  for (auto& m : members_)
    all = tool({"ip", "netns", "exec", namespace_of(m), find_tool("nft"),
                std::string("flush set inet ") + table + " blocked"},
               "flush " + m + "'s blocked set")
          && all;
  return all;
}

bool netns_lab::flap(const std::string& a, const std::string& b, int times, millis period,
                     const std::function<void(int, bool)>& after) {
  for (int round = 0; round < times; ++round) {
    if (!cut(a, b))
      return false;
    if (after)
      after(round, true);
    // The period is the stimulus (how long the link stays down), not a wait
    // for something to happen: the test checks outcomes in `after`.
    std::this_thread::sleep_for(period);
    if (!heal(a, b))
      return false;
    if (after)
      after(round, false);
    std::this_thread::sleep_for(period);
  }
  return true;
}

std::vector<std::string> netns_lab::namespaces() const {
  std::vector<std::string> out{hub_};
  for (auto& m : members_)
    out.push_back(namespace_of(m));
  return out;
}

} // namespace cwts::itest
