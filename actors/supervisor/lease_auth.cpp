#include "actors/supervisor/lease_auth.hpp"

#include <chrono>
#include <set>

namespace cwts {

lease_refusal lease_auth::check_signed(const std::string& node, const std::string& payload,
                                       const std::vector<uint8_t>& signature,
                                       timestamp_ns issued_at, int64_t now_wall_ns) const {
  if (!operators_)
    return {"no_operators", "no operators file: a lease message cannot be verified"};
  // Membership is configuration: a node key of a node outside [cluster]
  // members does not make its holder a grantor or a candidate.
  if (auto why = membership_refusal(members_.get(), node); !why.empty())
    return {"not_member", why};
  auto* key = operators_->node_key(node);
  if (!key)
    return {"no_key", "no node key listed for node " + node};
  if (signature.size() != 64 || !ed25519_verify(key->public_key, payload, signature))
    return {"bad_signature", "not signed by the key listed for node " + node};
  auto age_ns = now_wall_ns - issued_at.ns;
  auto window_ns = std::chrono::nanoseconds(operators_->window()).count();
  if (age_ns > window_ns || -age_ns > window_ns)
    return {"stale", "issued " + std::to_string(age_ns / 1'000'000) + " ms from now, outside the +/-"
                       + std::to_string(operators_->window().count()) + " s window"};
  return {};
}

lease_refusal lease_auth::check_certificate(const lease_notice& n, size_t majority,
                                            int64_t now_wall_ns) const {
  if (n.grants.size() > max_grants)
    return {"bad_certificate", std::to_string(n.grants.size()) + " grants (at most "
                                 + std::to_string(max_grants) + ")"};
  std::set<std::string> granted_by;
  for (auto& g : n.grants) {
    if (!g.granted || g.role != n.role || g.candidate != n.holder || g.epoch != n.epoch)
      return {"bad_certificate", "a reply of " + g.grantor.value.substr(0, 32)
                                   + " that is not a grant of " + n.role + " to "
                                   + n.holder.value + " at epoch " + std::to_string(n.epoch)};
    if (auto why = check(g, now_wall_ns); !why.ok())
      return {"bad_certificate", "the grant of " + g.grantor.value.substr(0, 32) + ": " + why.detail};
    granted_by.insert(g.grantor.value);
  }
  if (granted_by.size() < majority)
    return {"bad_certificate", std::to_string(granted_by.size()) + " distinct grantors, a majority is "
                                 + std::to_string(majority)};
  return {};
}

} // namespace cwts
