#include "nodes/cluster/drill_context.hpp"

#include <rapidjson/document.h>

#include <fstream>
#include <thread>

#include "nodes/cluster/admin_probe.hpp"

namespace cwts::cluster {

namespace {

constexpr int max_log_events = 40;

// The log lines that say what a node did about a failure.
bool worth_reporting(const std::string& line) {
  static const char* markers[] = {" warning ", " error ", " critical ", "event=actor_restart",
                                  "event=failover", "event=peer_", "event=kill", "event=quorum",
                                  "event=reset", "event=halt"};
  for (auto* m : markers)
    if (line.find(m) != std::string::npos)
      return true;
  return false;
}

} // namespace

bool drill_context::add_link_proxies(std::string& error) {
  for (auto& from : rt_.spec().nodes)
    for (auto& to : rt_.spec().nodes) {
      if (from.id == to.id)
        continue;
      auto p = std::make_unique<tcp_proxy>(to.cluster_port);
      if (!p->start(error))
        return false;
      links_[{from.id, to.id}] = std::move(p);
    }
  rt_.routes().peer = [this](const node_spec& from, const node_spec& to) {
    return "127.0.0.1:" + std::to_string(links_.at({from.id, to.id})->port());
  };
  return true;
}

void drill_context::partition(const std::string& node, bool cut) {
  for (auto& [pair, proxy] : links_)
    if (pair.first == node || pair.second == node) {
      if (cut)
        proxy->cut();
      else
        proxy->heal();
    }
}

int64_t drill_context::ms_since(clock_type::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0).count();
}

int64_t drill_context::since_ready_ms() const {
  return ms_since(ready_at_);
}

void drill_context::event(const std::string& node, const std::string& text) {
  auto line = "t+" + std::to_string(since_ready_ms()) + "ms " + text;
  log_ << "  [" << node << "] " << line << "\n";
  report_.nodes[node].id = node;
  report_.nodes[node].events.push_back(line);
}

venue_counts drill_context::venue() const {
  venue_counts c;
  auto a = admin_get(rt_.venue_port(), "/venue/stats");
  rapidjson::Document doc;
  if (!a.ok() || doc.Parse(a.body.c_str()).HasParseError() || !doc.IsObject())
    return c;
  auto get = [&](const char* k) {
    return doc.HasMember(k) && doc[k].IsInt64() ? doc[k].GetInt64() : 0;
  };
  c.known = true;
  c.user_orders = get("userOrders");
  c.account_fills = get("accountFills");
  return c;
}

std::optional<int64_t> drill_context::counter(const std::string& node, const std::string& role,
                                              const std::string& key) const {
  auto* n = rt_.spec().node(node);
  if (!n)
    return std::nullopt;
  auto a = admin_get(n->admin_port, "/api/actors/" + role, std::chrono::milliseconds(1000));
  rapidjson::Document doc;
  if (!a.ok() || doc.Parse(a.body.c_str()).HasParseError() || !doc.IsObject()
      || !doc.HasMember("actors") || !doc["actors"].IsArray() || doc["actors"].Empty())
    return std::nullopt;
  auto& actor = doc["actors"][0];
  if (key == "restarts")
    return actor.HasMember("restarts") && actor["restarts"].IsInt64()
             ? std::optional<int64_t>(actor["restarts"].GetInt64())
             : std::nullopt;
  if (!actor.HasMember("counters") || !actor["counters"].IsObject())
    return std::nullopt;
  auto& counters = actor["counters"];
  auto i = counters.FindMember(key.c_str());
  if (i == counters.MemberEnd() || !i->value.IsInt64())
    return std::nullopt;
  return i->value.GetInt64();
}

bool drill_context::has_role(const std::string& node, const std::string& role) const {
  auto* n = rt_.spec().node(node);
  return n && admin_get(n->admin_port, "/api/actors/" + role).ok();
}

node_view drill_context::view(const std::string& node) const {
  auto* n = rt_.spec().node(node);
  return n ? probe_node(n->admin_port) : node_view{};
}

void drill_context::record_before() {
  report_.venue_before = venue();
  for (auto& n : rt_.spec().nodes) {
    if (auto* p = rt_.process(n.id)) {
      std::ifstream log(p->log, std::ios::ate);
      log_offsets_[n.id] = log ? static_cast<std::streamoff>(log.tellg()) : 0;
    }
    report_.nodes[n.id].id = n.id;
    report_.nodes[n.id].before = view(n.id);
  }
}

void drill_context::record_after() {
  report_.venue_after = venue();
  for (auto& n : rt_.spec().nodes) {
    report_.nodes[n.id].after = view(n.id);
    auto* p = rt_.process(n.id);
    if (!p)
      continue;
    std::ifstream log(p->log);
    log.seekg(log_offsets_[n.id]);
    std::string line;
    int kept = 0;
    while (std::getline(log, line) && kept < max_log_events) {
      if (!worth_reporting(line))
        continue;
      report_.nodes[n.id].events.push_back("log: " + line.substr(0, 400));
      ++kept;
    }
  }
}

std::optional<int64_t> drill_context::wait_for(const std::function<bool()>& pred,
                                               clock_type::time_point t0,
                                               std::chrono::milliseconds timeout) const {
  auto deadline = clock_type::now() + timeout;
  while (true) {
    if (pred())
      return ms_since(t0);
    if (clock_type::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::vector<std::optional<int64_t>> drill_context::watch_all(
  const std::vector<std::function<bool()>>& conds, clock_type::time_point t0,
  std::chrono::milliseconds timeout) const {
  std::vector<std::optional<int64_t>> seen(conds.size());
  auto deadline = clock_type::now() + timeout;
  while (true) {
    bool all = true;
    for (size_t i = 0; i < conds.size(); ++i) {
      if (!seen[i] && conds[i]())
        seen[i] = ms_since(t0);
      all = all && seen[i].has_value();
    }
    if (all || clock_type::now() >= deadline)
      return seen;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::optional<int64_t> drill_context::wait_orders_above(int64_t than, clock_type::time_point t0) const {
  return wait_for([&] { return venue().user_orders > than; }, t0, opts_.observe);
}

} // namespace cwts::cluster
