#pragma once
// A node's audit chain head, anchored at its peers (docs/kill-switch.md
// "Audit chain"): record `seq` of `node`'s audit log has chain hash `head`,
// and `signature` is that record's signature by the node's key
// (audit_signing_payload in actors/kill/audit_chain.hpp). A peer keeps the
// latest one it verified in a file next to its own audit log, so a log cut
// or rewritten before `seq` is caught by `cwts audit-verify --anchor=`.

#include <cstdint>
#include <string>
#include <vector>

#include "messages/ids.hpp"

namespace cwts {

struct audit_anchor {
  node_id node;
  uint64_t seq = 0;
  std::string head; // hex SHA-256 chain hash of record `seq`
  std::vector<uint8_t> signature;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, audit_anchor& x) {
  return f(caf::meta::type_name("audit_anchor"), x.node, x.seq, x.head, x.signature);
}

} // namespace cwts
