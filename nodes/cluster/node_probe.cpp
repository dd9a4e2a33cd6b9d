#include "nodes/cluster/node_probe.hpp"

#include <rapidjson/document.h>

#include "nodes/cluster/admin_probe.hpp"

namespace cwts::cluster {

node_view probe_node(const std::string& host, uint16_t admin_port) {
  node_view v;
  auto health = admin_get(host, admin_port, "/healthz");
  if (health.status == 0) {
    v.error = health.error;
    return v;
  }
  v.reachable = true;
  v.healthy = health.ok();
  v.ready = admin_get(host, admin_port, "/readyz").ok();
  auto nodes = admin_get(host, admin_port, "/api/nodes");
  rapidjson::Document doc;
  if (!nodes.ok() || doc.Parse(nodes.body.c_str()).HasParseError() || !doc.IsObject()) {
    v.error = "/api/nodes: " + (nodes.ok() ? std::string("not JSON") : nodes.body + nodes.error);
    return v;
  }
  if (doc.HasMember("trading_state") && doc["trading_state"].IsObject()) {
    auto& t = doc["trading_state"];
    auto str = [&](const char* k) {
      return t.HasMember(k) && t[k].IsString() ? std::string(t[k].GetString()) : std::string();
    };
    v.mode = str("mode");
    v.level = str("level");
    v.cause = str("cause");
  }
  if (doc.HasMember("quorum_held") && doc["quorum_held"].IsBool())
    v.quorum_held = doc["quorum_held"].GetBool();
  if (doc.HasMember("peers") && doc["peers"].IsArray()) {
    v.peers = static_cast<int64_t>(doc["peers"].Size());
    for (auto& p : doc["peers"].GetArray())
      if (p.IsObject() && p.HasMember("node") && p["node"].IsString()
          && p.HasMember("heartbeat_age_ms") && p["heartbeat_age_ms"].IsInt64())
        v.heartbeat_age_ms[p["node"].GetString()] = p["heartbeat_age_ms"].GetInt64();
  }
  return v;
}

} // namespace cwts::cluster
