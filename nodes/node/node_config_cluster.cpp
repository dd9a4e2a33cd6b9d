// [cwts] and [cluster]: the node, its peers and the cluster's members;
// [operators] and [kill]: the keys that sign and verify kills;
// [supervisor], [drill], [lease] and cluster.standby-for: supervision.
#include "nodes/node/node_config.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "common/published_keys.hpp"
#include "messages/registry.hpp"
#include "nodes/node/node_config_detail.hpp"

namespace cwts {

using config_detail::in_range;
using config_detail::node_file_path;
using config_detail::off_or_within;
using config_detail::within;
using namespace std::chrono_literals;

namespace {

bool parse_peer(const std::string& full, peer_address& out, std::string& error) {
  auto at = full.find('@');
  std::string id = at == std::string::npos ? "" : full.substr(0, at);
  std::string text = at == std::string::npos ? full : full.substr(at + 1);
  if (at != std::string::npos && id.empty()) {
    error = "cluster.peers: '" + full + "' has an empty node id before '@'";
    return false;
  }
  auto colon = text.rfind(':');
  char* end = nullptr;
  long port = colon == std::string::npos ? 0 : std::strtol(text.c_str() + colon + 1, &end, 10);
  if (colon == std::string::npos || colon == 0 || end == nullptr || *end != '\0' || port < 1
      || port > 65535) {
    error = "cluster.peers: '" + full + "' is not [id@]host:port";
    return false;
  }
  out = peer_address{text.substr(0, colon), static_cast<uint16_t>(port), id};
  return true;
}

std::string with_node_id(std::string text, const node_id& self) {
  const std::string token = "<node-id>";
  for (auto at = text.find(token); at != std::string::npos; at = text.find(token, at))
    text.replace(at, token.size(), self.value);
  return text;
}

} // namespace

bool node_config::read_node(node_settings& s, std::string& error) const {
  const auto& r = raw_;
  if (r.node_id.empty() || !is_valid_client_order_id(r.node_id) || r.node_id.size() > 10) {
    error = "cwts.node-id: must be 1..10 characters of [A-Za-z0-9._:/-] (it prefixes order ids)";
    return false;
  }
  s.self = node_id{r.node_id};
  if (r.roles.empty()) {
    error = "cwts.roles: at least one of gateway, trading, witness";
    return false;
  }
  for (auto& role : r.roles) {
    // witness: only the kill coordinator (every node has one): a node that
    // holds no venue or order but counts in the kill and reset quorums.
    if (role != "gateway" && role != "trading" && role != "witness") {
      error = "cwts.roles: unknown role '" + role + "' (known: gateway, trading, witness)";
      return false;
    }
    s.roles.insert(role);
  }
  if (!in_range("cwts.duration", r.duration_s, 0, 86400 * 365, error)
      || !within("cwts.summary-interval-ms", s.summary_interval, 100ms, 60s, error)
      || !in_range("cluster.port", r.cluster_port, 0, 65535, error)
      || !within("cluster.connect-timeout-ms", s.connect_timeout, 100ms, 600s, error))
    return false;
  s.duration = std::chrono::seconds(r.duration_s);
  s.cluster_port = static_cast<uint16_t>(r.cluster_port);
  // One address, not a name or a wildcard: peers dial it, and over TLS
  // their certificate check expects exactly it (`cwts keys` names it).
  if (in_addr a{}; inet_pton(AF_INET, s.cluster_host.c_str(), &a) != 1 || a.s_addr == 0) {
    error = "cluster.host: '" + s.cluster_host + "' is not an IPv4 address (e.g. 10.0.0.5; "
            "default 127.0.0.1)";
    return false;
  }
  // Over plain TCP CAF's port takes any local process that speaks BASP, with
  // no certificate (issue 17 finding 6): only on purpose.
  if (s.cluster_port != 0 && openssl_certificate.empty() && !r.plain_tcp) {
    error = "cluster.port " + std::to_string(s.cluster_port) + " without TLS: any local process "
            "could reach this node's actors unauthenticated. Give the node its certificate "
            "([openssl] certificate, key, cafile: `cwts keys` makes them; `cwts cluster up` "
            "passes them) or, for a test or single-node development, set [cluster] "
            "plain-tcp=true (--cluster.plain-tcp)";
    return false;
  }
  for (auto& text : r.peers) {
    peer_address p;
    if (!parse_peer(text, p, error))
      return false;
    s.peers.push_back(p);
  }
  return true;
}

// Operator commands are verified against this list (DESIGN.md §3
// "Authorization"); a node without one could not tell an operator from anyone.
// A relative path is resolved against the config file's folder, as the key
// files inside it are against the operators file: a node started from any
// working directory (scripts, tests in their own folder) finds the same keys.
bool node_config::read_operators(node_settings& s, std::string& error) const {
  if (raw_.operators_file.empty()) {
    error = "operators.file: not set (every node needs the list of operator keys it trusts)";
    return false;
  }
  std::filesystem::path file(raw_.operators_file);
  if (file.is_relative())
    file = std::filesystem::path(config_file_path).parent_path() / file;
  auto registry = operator_registry::load(file.string(), error);
  if (!registry) {
    error = "operators.file: " + error;
    return false;
  }
  for (auto& k : registry->keys())
    if (auto published = published_key(k.public_key); !published.empty()) {
      error = "operators.file: " + file.string() + ": [operator." + k.id.value
              + "] public-key-file is " + published + "; make this deployment's keys with `cwts keys`";
      return false;
    }
  s.operators = std::make_shared<const operator_registry>(std::move(*registry));
  return true;
}

// Issue 17 finding 2: membership is configuration. Every member needs the
// node key the operators file lists for it; each peer named in
// cluster.peers must be a named member (over TLS its certificate is checked
// against that name; the name also says which of the two dials the link:
// cluster_link.hpp), each listed once.
bool node_config::read_members(node_settings& s, std::string& error) const {
  std::vector<std::string> ids = raw_.members;
  if (ids.empty()) {
    if (!s.peers.empty()) {
      error = "cluster.members: not set (a node with cluster.peers needs the list of the "
              "cluster's members, this node included: only they count in any quorum)";
      return false;
    }
    ids.push_back(s.self.value); // a single node is a cluster of itself
  }
  auto m = cluster_membership::make(ids, s.self.value, *s.operators, error);
  if (!m)
    return false;
  if (static_cast<int32_t>(s.peers.size()) > m->size() - 1) {
    error = "cluster.peers: " + std::to_string(s.peers.size()) + " peers, but cluster.members lists "
            + std::to_string(m->size()) + " nodes (" + m->joined_ids() + ")";
    return false;
  }
  const bool tls = !openssl_certificate.empty();
  for (auto& p : s.peers) {
    auto where = p.host + ":" + std::to_string(p.port);
    if (p.id.empty()) {
      error = "cluster.peers: '" + where + "' names no node id (write id@" + where + "): "
              + (tls ? "over TLS each peer's certificate is checked against the member it "
                       "should be"
                     : "of two members the one whose id sorts first dials the other, so each "
                       "must know who is at that address");
      return false;
    }
    if (p.id == s.self.value) {
      error = "cluster.peers: '" + p.id + "@" + where + "' is this node itself";
      return false;
    }
    if (std::count_if(s.peers.begin(), s.peers.end(),
                      [&](const peer_address& q) { return q.id == p.id; }) > 1) {
      error = "cluster.peers: '" + p.id + "' is listed more than once";
      return false;
    }
    if (!m->contains(p.id)) {
      error = "cluster.peers: '" + p.id + "@" + where + "': " + m->refusal(p.id);
      return false;
    }
  }
  s.members = std::make_shared<const cluster_membership>(std::move(*m));
  return true;
}

// DESIGN.md "Authorization": kills are signed by an operator or a node key
// listed in config. The node's key must be the one the operators file lists
// under node-key-name with role kill, or the node's own kills would be
// refused when they are needed.
bool node_config::read_kill(node_settings& s, std::string& error) const {
  const auto& r = raw_;
  auto& k = s.kill;
  if (!within("kill.reset-min-halt-ms", k.min_halt, 0ms, 24h, error)
      || !node_file_path("kill.audit-path", r.audit_path, s.self, k.audit_path, error)
      || !node_file_path("kill.state-path", r.halt_state_path, s.self, k.state_path, error))
    return false;
  if (!within("kill.heartbeat-interval-ms", k.heartbeat_interval, 10ms, 60s, error)
      || !within("kill.quorum-timeout-ms", k.quorum_timeout, 100ms, 1h, error))
    return false;
  // A peer's age at a check is up to (1 + round trip / interval) intervals
  // (it acks what it had at its tick: quorum_monitor_test, worst phase): 5
  // intervals leave a round trip of 4 before a healthy link halts.
  if (k.quorum_timeout < 5 * k.heartbeat_interval) {
    error = "kill.quorum-timeout-ms: " + std::to_string(k.quorum_timeout.count())
            + " is less than 5 x kill.heartbeat-interval-ms ("
            + std::to_string(k.heartbeat_interval.count()) + ")";
    return false;
  }
  if (!off_or_within("kill.role-lost-halt-ms", k.role_lost_halt, 1s, 1h, error))
    return false;
  // "connector": every venue's connector the cluster has shown; a venue's
  // own: "connector.<venue>".
  for (auto& role : k.required_roles)
    if (role != "oms" && role != "connector" && role != "risk" && role != "strategy"
        && role != "validator" && !is_valid_venue_name(venue_of_role(role).value)) {
      error = "kill.required-roles: '" + role + "' is not a role (oms, connector, "
              "connector.<venue>, risk, strategy, validator)";
      return false;
    }
  if (!in_range("kill.quorum-lost-level", k.quorum_lost_level, 0, 2, error)
      || !within("kill.max-future-skew-ms", k.max_future_skew, 0ms, 60s, error))
    return false;
  if (s.cluster_id.empty() || s.cluster_id.size() > 64
      || s.cluster_id.find_first_of(" \t\r\n") != std::string::npos) {
    error = "cluster.id: '" + s.cluster_id + "' must be 1..64 characters without spaces";
    return false;
  }
  if (r.node_key_name.empty() || r.node_key_file.empty()) {
    error = "kill.node-key-name and kill.node-key-file: not set (the node signs the kills it "
            "triggers itself with its own key)";
    return false;
  }
  // `<node-id>` in either is replaced, so one node config serves every node
  // of a cluster whose keys `cwts keys` named node-<id>.
  auto key_name = with_node_id(r.node_key_name, s.self);
  std::filesystem::path file(with_node_id(r.node_key_file, s.self));
  if (file.is_relative())
    file = std::filesystem::path(config_file_path).parent_path() / file;
  auto key = ed25519_signer::from_pem_file(file.string(), error);
  if (!key) {
    error = "kill.node-key-file: " + error;
    return false;
  }
  // Issue 17 finding 7: a key whose private half is in the repository
  // authenticates nobody.
  if (auto published = published_key(key->public_key()); !published.empty()) {
    error = "kill.node-key-file: '" + file.string() + "' is " + published
            + "; make this deployment's keys with `cwts keys`";
    return false;
  }
  const operator_key* listed = nullptr;
  for (auto& op : s.operators->keys())
    if (op.id.value == key_name)
      listed = &op;
  if (!listed || !listed->roles.count(operator_role::kill)) {
    error = "kill.node-key-name: '" + key_name
            + "' is not in the operators file with role kill";
    return false;
  }
  // The same key signs this node's votes and heartbeats, which peers check
  // against the key listed for this node's id.
  if (listed->node != s.self.value) {
    error = "kill.node-key-name: '" + key_name + "' must be listed with node = \""
            + s.self.value + "\" in the operators file"
            + (listed->node.empty() ? std::string(" (it has no node)")
                                    : " (it is listed for node '" + listed->node + "')");
    return false;
  }
  if (listed->public_key != key->public_key()) {
    error = "kill.node-key-file: not the key the operators file lists for '" + key_name + "'";
    return false;
  }
  k.node_key_name = operator_id{key_name};
  k.node_key = std::make_shared<const ed25519_signer>(std::move(*key));
  return true;
}

// docs/supervision.md: restart strategy and intensity, drills, standby.
bool node_config::read_supervision(node_settings& s, std::string& error) const {
  const auto& r = raw_;
  auto& v = s.supervision;
  auto strategy = parse_restart_strategy(r.supervisor_strategy);
  if (!strategy) {
    error = "supervisor.strategy: '" + r.supervisor_strategy
            + "' is not a strategy (one-for-one or rest-for-one)";
    return false;
  }
  if (!in_range("supervisor.max-restarts", r.max_restarts, 0, 1000, error)
      || !within("supervisor.window-ms", v.window, 100ms, 24h, error)
      || !within("cluster.failover-after-ms", v.failover_after, 100ms, 1h, error))
    return false;
  v.strategy = *strategy;
  v.max_restarts = static_cast<uint32_t>(r.max_restarts);
  v.drills_enabled = r.drill_enabled;
  if (!r.standby_for.empty()) {
    if (!is_valid_client_order_id(r.standby_for) || r.standby_for.size() > 10) {
      error = "cluster.standby-for: '" + r.standby_for + "' is not a node id (1..10 characters "
              "of [A-Za-z0-9._:/-])";
      return false;
    }
    if (r.standby_for == s.self.value) {
      error = "cluster.standby-for: a node cannot stand by for itself ('" + r.standby_for + "')";
      return false;
    }
    if (!s.has_role("trading") && !s.has_role("gateway")) {
      error = "cluster.standby-for: node '" + s.self.value
              + "' has no gateway or trading role to take over";
      return false;
    }
    if (s.peers.empty()) {
      error = "cluster.standby-for: no cluster.peers (a standby must reach '" + r.standby_for
              + "' to know it is alive)";
      return false;
    }
  }
  v.standby_for = r.standby_for;
  s.lease = lease_settings{r.lease_duration_ms, r.lease_renew_ms, r.lease_drift_ppm, ""};
  if (error = validate_lease_settings(s.lease); !error.empty())
    return false;
  return node_file_path("lease.state-path", r.lease_state_path, s.self, s.lease.state_path, error);
}

} // namespace cwts
