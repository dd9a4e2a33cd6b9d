#include "tests/integration/support/netns_lab.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <thread>

namespace cwts::itest {

namespace {

const char* const subnet = "10.99.0.";

} // namespace

std::string netns_lab::root_problem() {
  if (auto why = netns::missing_capability(); !why.empty())
    return "this test makes network namespaces to put each process on its own address and cut "
           "links between them: " + why + " (CI does); it is not skipped, because a skipped "
           "partition test proves nothing";
  return {};
}

netns_lab::netns_lab(std::string tag, std::string dir)
  : tag_(std::move(tag)), dir_(std::move(dir)),
    prefix_("cwts-" + tag_ + "-" + std::to_string(getpid()) + "-"), bridge_(prefix_) {
  hub_ = bridge_.hub();
  if (auto why = root_problem(); !why.empty()) {
    error_ = why;
    return;
  }
  sweep_stale();
  // The hub: one bridge every member's veth is a port of.
  note(bridge_.create(), "make the hub");
}

netns_lab::~netns_lab() {
  // Deleting a namespace deletes its veth end, and with it the peer in the hub.
  std::vector<std::string> all;
  for (auto i = members_.rbegin(); i != members_.rend(); ++i)
    all.push_back(namespace_of(*i));
  all.push_back(hub_);
  note(netns::bridge::remove(all), "remove the lab");
}

bool netns_lab::note(const std::string& why, const std::string& what) {
  if (why.empty())
    return true;
  if (error_.empty())
    error_ = "netns lab: could not " + what + " (" + why + ")";
  return false;
}

// Namespaces named cwts-<tag>-<pid>-... whose pid is gone: left by a crashed
// earlier run of this test. A live pid is another run of it: left alone.
void netns_lab::sweep_stale() {
  auto head = "cwts-" + tag_ + "-";
  std::vector<std::string> stale;
  for (auto& name : netns::bridge::list(head)) {
    auto rest = name.substr(head.size());
    auto dash = rest.find('-');
    if (dash == std::string::npos)
      continue;
    auto pid = static_cast<pid_t>(std::strtol(rest.substr(0, dash).c_str(), nullptr, 10));
    if (pid <= 0 || pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH)
      continue;
    stale.push_back(name);
  }
  note(netns::bridge::remove(stale), "remove stale namespaces");
}

std::string netns_lab::add(const std::string& name) {
  if (!ok())
    return {};
  if (addresses_.count(name)) {
    error_ = "netns lab: member '" + name + "' added twice";
    return {};
  }
  auto address = subnet + std::to_string(10 + members_.size());
  members_.push_back(name); // removed with the lab even when half made
  if (!note(bridge_.add_member(name, address, static_cast<int>(members_.size())), "add " + name))
    return {};
  addresses_[name] = address;
  return address;
}

std::string netns_lab::address(const std::string& name) const {
  auto i = addresses_.find(name);
  return i == addresses_.end() ? std::string() : i->second;
}

std::string netns_lab::namespace_of(const std::string& name) const {
  return bridge_.namespace_of(name);
}

std::vector<std::string> netns_lab::in(const std::string& name,
                                       const std::vector<std::string>& argv) const {
  return bridge_.exec_argv(name, argv);
}

command_result netns_lab::run(const std::string& name, const std::vector<std::string>& argv,
                              millis timeout) {
  return run_command("in-" + name + "-" + std::to_string(++steps_), in(name, argv), dir_, timeout);
}

int netns_lab::socket_in(const std::string& name, int type) {
  std::string why;
  int fd = netns::bridge::socket_in(namespace_of(name), type, why);
  if (fd < 0 && error_.empty())
    error_ = "netns lab: " + why;
  return fd;
}

bool netns_lab::cut_one_way(const std::string& from, const std::string& to) {
  auto a = address(from);
  if (a.empty() || address(to).empty()) {
    error_ = "netns lab: cut " + from + " -> " + to + ": no such member";
    return false;
  }
  return note(bridge_.block(to, a), "cut " + from + " -> " + to);
}

bool netns_lab::cut(const std::string& a, const std::string& b) {
  return cut_one_way(a, b) && cut_one_way(b, a);
}

bool netns_lab::heal(const std::string& a, const std::string& b) {
  bool ok_a = note(bridge_.unblock(b, address(a)), "heal " + a + " -> " + b);
  bool ok_b = note(bridge_.unblock(a, address(b)), "heal " + b + " -> " + a);
  return ok_a && ok_b;
}

bool netns_lab::heal_all() {
  bool all = true;
  for (auto& m : members_)
    all = note(bridge_.unblock_all(m), "flush " + m + "'s blocked set") && all;
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
