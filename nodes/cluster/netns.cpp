#include "nodes/cluster/netns.hpp"

#include "common/process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <thread>

namespace cwts::netns {

namespace fs = std::filesystem;

namespace {

const char* const table = "cwts_lab";

std::string command_line(const std::vector<std::string>& argv) {
  std::string line;
  for (auto& a : argv)
    line += (line.empty() ? "" : " ") + a;
  return line;
}

} // namespace

std::string tool_path(const std::string& name) {
  for (const char* d : {"/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/"})
    if (access((d + name).c_str(), X_OK) == 0)
      return d + name;
  return {};
}

std::string missing_capability() {
  if (geteuid() != 0)
    return "network namespaces (ip netns, veth pairs, nftables) need root (CAP_NET_ADMIN and "
           "CAP_SYS_ADMIN): run it as root";
  if (tool_path("ip").empty())
    return "the 'ip' command (Debian package iproute2) is missing: scripts/bootstrap installs it";
  if (tool_path("nft").empty())
    return "the 'nft' command (Debian package nftables) is missing: scripts/bootstrap installs it";
  return {};
}

bool is_ipv4(const std::string& text) {
  in_addr a{};
  return inet_pton(AF_INET, text.c_str(), &a) == 1 && a.s_addr != 0;
}

std::string namespace_path(const std::string& ns) {
  return "/var/run/netns/" + ns;
}

std::string run_tool(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  auto path = argv.empty() ? std::string() : tool_path(argv[0]);
  if (path.empty())
    return "`" + command_line(argv) + "`: no such tool (install iproute2 and nftables)";
  proc::spawn_spec spec;
  spec.argv = argv;
  spec.argv[0] = path;
  spec.out = proc::output::pipe();
  spec.err = proc::output::as_stdout();
  auto child = proc::spawn(spec);
  if (!child.ok())
    return child.error;
  const int out = child.out_pipe;
  const pid_t pid = child.pid;
  std::string text;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool timed_out = false;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{out, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0)
      continue;
    char buf[4096];
    auto n = read(out, buf, sizeof buf);
    if (n <= 0)
      break;
    // Bounded: a tool's error output is short; more is noise.
    if (text.size() < 8192)
      text.append(buf, static_cast<size_t>(n));
  }
  close(out);
  // Its output closed: it exits now; waited for at most what is left of the
  // deadline. Timed out (or still there after its output closed): killed
  // without a grace (a hung `ip` has none to give) and reaped with a
  // blocking waitpid (SIGKILL cannot be ignored), so no zombie is left.
  std::optional<int> code;
  if (!timed_out) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
    code = proc::wait_exit(pid, std::max(left, std::chrono::milliseconds{0}));
  }
  if (!code) {
    timed_out = true;
    kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (!timed_out && code == 0)
    return {};
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  return "`" + command_line(argv) + "` " + (timed_out ? "timed out" : "failed")
         + (text.empty() ? "" : ": " + text);
}

bridge::bridge(std::string prefix) : prefix_(std::move(prefix)) {}

std::string bridge::create() {
  auto hub_ns = hub();
  for (auto& argv : std::vector<std::vector<std::string>>{
         {"ip", "netns", "add", hub_ns},
         {"ip", "-n", hub_ns, "link", "add", "br0", "type", "bridge"},
         {"ip", "-n", hub_ns, "link", "set", "br0", "up"},
         {"ip", "-n", hub_ns, "link", "set", "lo", "up"}})
    if (auto why = run_tool(argv); !why.empty())
      return why;
  return {};
}

std::string bridge::nft_in(const std::string& member, const std::string& script) {
  return run_tool({"ip", "netns", "exec", namespace_of(member), tool_path("nft"), script});
}

std::string bridge::add_member(const std::string& member, const std::string& address, int port) {
  auto ns = namespace_of(member);
  auto hub_ns = hub();
  auto veth = "v" + std::to_string(port);
  for (auto& argv : std::vector<std::vector<std::string>>{
         {"ip", "netns", "add", ns},
         {"ip", "-n", hub_ns, "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns},
         {"ip", "-n", hub_ns, "link", "set", veth, "master", "br0"},
         {"ip", "-n", hub_ns, "link", "set", veth, "up"},
         {"ip", "-n", ns, "addr", "add", address + "/24", "dev", "eth0"},
         {"ip", "-n", ns, "link", "set", "eth0", "up"},
         {"ip", "-n", ns, "link", "set", "lo", "up"}})
    if (auto why = run_tool(argv); !why.empty())
      return why;
  // The silent drop: packets from any address in `blocked` never reach this
  // namespace's sockets (input hook, so no reject and no ICMP).
  return nft_in(member, "add table inet " + std::string(table) + "\nadd set inet " + table
                          + " blocked { type ipv4_addr; }\nadd chain inet " + table
                          + " input { type filter hook input priority 0; policy accept; }\n"
                            "add rule inet " + table + " input ip saddr @blocked drop");
}

std::string bridge::link_root(const std::string& root_if, const std::string& address) {
  auto hub_ns = hub();
  // Made in the hub, then its far end moved to the root namespace (pid 1's).
  for (auto& argv : std::vector<std::vector<std::string>>{
         {"ip", "-n", hub_ns, "link", "add", "vroot", "type", "veth", "peer", "name", root_if,
          "netns", "1"},
         {"ip", "-n", hub_ns, "link", "set", "vroot", "master", "br0"},
         {"ip", "-n", hub_ns, "link", "set", "vroot", "up"},
         {"ip", "addr", "add", address + "/24", "dev", root_if},
         {"ip", "link", "set", root_if, "up"}})
    if (auto why = run_tool(argv); !why.empty())
      return why;
  return {};
}

std::string bridge::block(const std::string& member, const std::string& from_address) {
  return set_blocked({{member, {from_address}}}, true);
}

std::string bridge::unblock(const std::string& member, const std::string& from_address) {
  return set_blocked({{member, {from_address}}}, false);
}

std::string bridge::set_blocked(const std::map<std::string, std::vector<std::string>>& from_by_member,
                                bool block) {
  std::vector<std::string> why(from_by_member.size());
  std::vector<std::thread> runs;
  size_t i = 0;
  for (auto& [member, from] : from_by_member) {
    std::string list; // each address once: `delete` of one listed twice fails
    for (auto& a : std::set<std::string>(from.begin(), from.end()))
      list += (list.empty() ? "" : ", ") + a;
    auto element = " element inet " + std::string(table) + " blocked { " + list + " }";
    // Adding an element already there is no error in nft; `delete` of an
    // absent one is: unblocking adds first, so healing a link that was cut
    // one way only (or not at all) works too.
    auto script = "add" + element + (block ? "" : "\ndelete" + element);
    runs.emplace_back([this, member = member, script, &out = why[i++]] { out = nft_in(member, script); });
  }
  for (auto& t : runs)
    t.join();
  std::string all;
  for (auto& w : why)
    if (!w.empty())
      all += (all.empty() ? "" : "; ") + w;
  return all;
}

std::string bridge::unblock_all(const std::string& member) {
  return nft_in(member, "flush set inet " + std::string(table) + " blocked");
}

std::vector<std::string> bridge::exec_argv(const std::string& member,
                                           const std::vector<std::string>& argv) const {
  std::vector<std::string> out{tool_path("ip"), "netns", "exec", namespace_of(member)};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

int bridge::socket_in(const std::string& ns, int type, std::string& error) {
  // setns changes the calling thread only: a short-lived thread enters the
  // namespace and makes the socket, which belongs to that namespace for good.
  int fd = -1;
  std::string why;
  auto path = namespace_path(ns);
  std::thread([&] {
    int nsfd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (nsfd < 0) {
      why = "open " + path + ": " + std::strerror(errno);
      return;
    }
    if (setns(nsfd, CLONE_NEWNET) != 0)
      why = std::string("setns: ") + std::strerror(errno);
    else if ((fd = socket(AF_INET, type | SOCK_CLOEXEC, 0)) < 0)
      why = std::string("socket: ") + std::strerror(errno);
    close(nsfd);
  }).join();
  if (fd < 0)
    error = "no socket in namespace " + ns + ": " + why;
  return fd;
}

std::vector<std::string> bridge::list(const std::string& prefix) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto& e : fs::directory_iterator("/var/run/netns", ec)) {
    auto name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0)
      out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  // The hub last: deleting it first would not hurt, but members first
  // mirrors how they were made.
  std::stable_partition(out.begin(), out.end(),
                        [&](const std::string& n) { return n != prefix + "hub"; });
  return out;
}

std::string bridge::remove(const std::vector<std::string>& namespaces) {
  std::string failures;
  std::error_code ec;
  for (auto& ns : namespaces)
    if (fs::exists(namespace_path(ns), ec))
      if (auto why = run_tool({"ip", "netns", "del", ns}); !why.empty())
        failures += (failures.empty() ? "" : "; ") + why;
  return failures;
}

} // namespace cwts::netns
