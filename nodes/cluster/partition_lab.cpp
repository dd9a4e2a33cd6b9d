#include "nodes/cluster/partition_lab.hpp"

#include <rapidjson/document.h>

#include <fstream>
#include <map>
#include <thread>

#include "common/lease_gate.hpp"
#include "nodes/cluster/admin_probe.hpp"

namespace cwts::cluster {

partition_lab::partition_lab(cluster_runtime& rt, std::string order_log, std::ostream& log)
  // The namespaces cluster_runtime made: cwts-<cluster name>-<member>.
  : rt_(rt), lan_("cwts-" + rt.spec().name + "-"), order_log_(std::move(order_log)), log_(log) {}

int64_t partition_lab::wall_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

int64_t partition_lab::mono_now_ns() {
  // The nodes' held_until_ns is on the lease clock (common/lease_gate.hpp
  // lease_clock_ns): one CLOCK_BOOTTIME for every process on this host.
  return lease_clock_ns();
}

bool partition_lab::record(const std::string& why, const std::string& what) {
  if (why.empty())
    return true;
  if (error_.empty())
    error_ = what + ": " + why;
  return false;
}

std::vector<partition_lab::link> partition_lab::both_ways(const std::string& a,
                                                          const std::string& b) {
  return {{a, b}, {b, a}};
}

bool partition_lab::cut(const std::vector<link>& links) {
  auto began = clock_type::now();
  auto began_wall_ns = wall_now_ns();
  std::string text;
  std::map<std::string, std::vector<std::string>> by_member;
  for (auto& [from, to] : links) {
    auto address = rt_.address_of(from);
    by_member[to].push_back(address);
    blocked_.emplace_back(to, address);
    text += (text.empty() ? "" : ", ") + from + "->" + to;
  }
  // Every link at once (one nft run per member, side by side).
  if (!record(lan_.set_blocked(by_member, true), "cut " + text))
    return false;
  partition_run::cut_time t{wall_now_ns(), mono_now_ns()};
  cuts_.push_back(t);
  if (cut_wall_ns_ == 0) {
    cut_wall_ns_ = t.wall_ns;
    cut_mono_ns_ = t.mono_ns;
    cut_began_wall_ns_ = began_wall_ns;
  }
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - began);
  step("cut " + text + " (in place after " + std::to_string(took.count()) + " ms)");
  return true;
}

bool partition_lab::heal_all() {
  // The cut ends when its first link is restored, not when its last is:
  // from then on a node may reach a majority again (the links come back
  // together, but not in the same instant: a1 once regained its lease and
  // traded 130 ms before "healed every link" when they came back one by one).
  auto began = clock_type::now();
  heal_wall_ns_ = wall_now_ns();
  std::map<std::string, std::vector<std::string>> by_member;
  for (auto& [member, address] : blocked_)
    by_member[member].push_back(address);
  bool ok = record(lan_.set_blocked(by_member, false), "heal");
  blocked_.clear();
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - began);
  step("healed every link (in place after " + std::to_string(took.count()) + " ms; the cut ends "
       "when the first comes back)");
  return ok;
}

void partition_lab::step(const std::string& text) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - started_);
  auto line = "t+" + std::to_string(ms.count()) + "ms " + text;
  log_ << "  " << line << "\n";
  steps_.push_back(line);
}

std::optional<bool> partition_lab::holds_lease(const std::string& node) const {
  auto* n = rt_.spec().node(node);
  if (!n)
    return std::nullopt;
  auto a = admin_get(rt_.address_of(node), n->admin_port, "/api/actors/lease",
                     std::chrono::milliseconds(1000));
  rapidjson::Document doc;
  if (!a.ok() || doc.Parse(a.body.c_str()).HasParseError() || !doc.IsObject()
      || !doc.HasMember("actors") || !doc["actors"].IsArray() || doc["actors"].Empty())
    return std::nullopt;
  auto& actor = doc["actors"][0];
  if (!actor.HasMember("counters") || !actor["counters"].IsObject())
    return std::nullopt;
  auto i = actor["counters"].FindMember("held.oms");
  if (i == actor["counters"].MemberEnd() || !i->value.IsInt64())
    return std::nullopt;
  return i->value.GetInt64() == 1;
}

std::vector<std::string> partition_lab::holders() const {
  std::vector<std::string> out;
  for (auto& n : rt_.spec().nodes)
    if (holds_lease(n.id).value_or(false))
      out.push_back(n.id);
  return out;
}

std::vector<venue_order_op> partition_lab::read_orders(int64_t* bad) const {
  std::vector<venue_order_op> out;
  std::ifstream in(order_log_);
  std::string line, error;
  while (std::getline(in, line)) {
    if (line.empty())
      continue;
    if (auto op = parse_order_log_line(line, error))
      out.push_back(std::move(*op));
    else if (bad)
      ++*bad;
  }
  return out;
}

int64_t partition_lab::orders_from(const std::string& node, int64_t since_wall_ns) const {
  auto address = rt_.address_of(node);
  int64_t n = 0;
  for (auto& o : read_orders())
    if (o.is_order() && o.ts_ns >= since_wall_ns && o.address() == address)
      ++n;
  return n;
}

std::map<std::string, std::vector<node_log_event>> partition_lab::read_events() const {
  std::map<std::string, std::vector<node_log_event>> out;
  for (auto& n : rt_.spec().nodes) {
    auto* p = rt_.process(n.id);
    if (!p)
      continue;
    std::ifstream in(p->log);
    std::string line;
    auto& events = out[n.id];
    while (std::getline(in, line))
      if (line.find("event=lease_") != std::string::npos
          || line.find("event=failover_") != std::string::npos
          || line.find("event=quorum_") != std::string::npos)
        if (auto e = parse_node_log_line(line))
          events.push_back(std::move(*e));
  }
  return out;
}

std::map<std::string, std::string> partition_lab::node_of_address() const {
  std::map<std::string, std::string> out;
  for (auto& n : rt_.spec().nodes)
    out[rt_.address_of(n.id)] = n.id;
  return out;
}

bool partition_lab::wait_for(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  while (true) {
    if (pred())
      return true;
    if (clock_type::now() >= deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

} // namespace cwts::cluster
