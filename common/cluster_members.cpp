#include "common/cluster_members.hpp"

#include <cctype>
#include <set>

namespace cwts {

namespace {

// The node id rules of [cwts] node-id (1..32 of [A-Za-z0-9_-]): the id is
// also a certificate CN and part of file names, so nothing else is allowed.
bool valid_node_id(const std::string& id) {
  if (id.empty() || id.size() > 32)
    return false;
  for (unsigned char c : id)
    if (!std::isalnum(c) && c != '-' && c != '_')
      return false;
  return true;
}

} // namespace

std::optional<cluster_membership> cluster_membership::make(const std::vector<std::string>& ids,
                                                           const std::string& self,
                                                           const operator_registry& operators,
                                                           std::string& error) {
  if (ids.empty()) {
    error = "cluster.members: empty (list every node of the cluster, this one included)";
    return std::nullopt;
  }
  std::set<std::string> seen;
  std::vector<cluster_member> out;
  for (auto& id : ids) {
    if (!valid_node_id(id)) {
      error = "cluster.members: '" + id + "' is not a node id (1..32 characters of [A-Za-z0-9_-])";
      return std::nullopt;
    }
    if (!seen.insert(id).second) {
      error = "cluster.members: '" + id + "' is listed twice";
      return std::nullopt;
    }
    // The member's key: without one its votes and heartbeats could never be
    // verified, and the quorum would count a node that can never count.
    const operator_key* key = operators.node_key(id);
    if (!key) {
      error = "cluster.members: member '" + id + "' has no node key in the operators file (an "
              "[operator.<name>] section with node = \"" + id + "\"; `cwts keys` writes one)";
      return std::nullopt;
    }
    out.push_back(cluster_member{id, key->public_key, id});
  }
  if (!seen.count(self)) {
    error = "cluster.members: this node ('" + self + "') is not in the list ("
            + cluster_membership(out).joined_ids() + ")";
    return std::nullopt;
  }
  return cluster_membership(std::move(out));
}

const cluster_member* cluster_membership::find(const std::string& id) const {
  for (auto& m : members_)
    if (m.id == id)
      return &m;
  return nullptr;
}

std::vector<std::string> cluster_membership::ids() const {
  std::vector<std::string> out;
  for (auto& m : members_)
    out.push_back(m.id);
  return out;
}

std::string cluster_membership::joined_ids() const {
  std::string out;
  for (auto& m : members_)
    out += (out.empty() ? "" : ",") + m.id;
  return out;
}

std::string cluster_membership::refusal(const std::string& node) const {
  if (contains(node))
    return "";
  return "node '" + node + "' is not a configured member of the cluster (members: " + joined_ids()
         + ")";
}

std::string membership_refusal(const cluster_membership* members, const std::string& node) {
  return members ? members->refusal(node) : std::string();
}

} // namespace cwts
