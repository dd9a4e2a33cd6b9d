#pragma once
// Cluster membership is configuration, bound to identity (DESIGN.md "Kill
// switch": "Membership is configuration"; issue 17 finding 2). A member is
// (node id, public key, certificate identity):
//
//   node id               listed in the node config's [cluster] members
//   public key            the operators file's entry with node = "<id>"
//   certificate identity  the node id: the CN of the node's TLS certificate
//                         (scripts/gen-certs, `cwts keys`)
//
// Only members count: their heartbeats, announces, reset votes and echoes.
// The quorum sizes (reset quorum, heartbeat quorum: docs/kill-switch.md) are
// computed from size(), never from who happens to connect. A node key in the
// operators file that names a node outside the list is a key, not a member:
// a fourth process holding it cannot join a 3-member cluster.
//
// CAF-free; built once at start and shared read-only.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/operator_auth.hpp"

namespace cwts {

struct cluster_member {
  std::string id;
  std::vector<uint8_t> public_key; // Ed25519, 32 raw bytes (the operators file's node key)
  std::string certificate_name;    // the CN its TLS certificate must carry
};

class cluster_membership {
public:
  // Members `ids` of the cluster `self` belongs to, each with the node key the
  // operators file lists for it. nullopt with `error` (naming
  // cluster.members and the reason) when an id is malformed or repeated,
  // `self` is not listed, or a member has no node key.
  static std::optional<cluster_membership> make(const std::vector<std::string>& ids,
                                                const std::string& self,
                                                const operator_registry& operators,
                                                std::string& error);

  const cluster_member* find(const std::string& id) const;
  bool contains(const std::string& id) const { return find(id) != nullptr; }
  int32_t size() const { return static_cast<int32_t>(members_.size()); }
  const std::vector<cluster_member>& members() const { return members_; }
  std::vector<std::string> ids() const;
  // "gw1,tr1,w1": for log lines and refusals.
  std::string joined_ids() const;

  // Empty when `node` is a member; else why it does not count.
  std::string refusal(const std::string& node) const;

private:
  explicit cluster_membership(std::vector<cluster_member> m) : members_(std::move(m)) {}
  std::vector<cluster_member> members_;
};

// `members` null: no list configured (a unit test, or a single node): every
// node counts. Otherwise `members->refusal(node)`.
std::string membership_refusal(const cluster_membership* members, const std::string& node);

} // namespace cwts
