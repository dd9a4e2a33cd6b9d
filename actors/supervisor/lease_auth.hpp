#pragma once
// Who may speak in the trading lease (docs/supervision.md "Trading lease"):
// a request, reply or release counts only when it is signed by the node key
// the operators file lists for the node it names, that node is a configured
// member, and it was issued inside the operators file's window. (The shell
// adds the last check, as the supervisor's check_announce does: the sender
// is in that node's process.) CAF-free.
//
// Refusals are counted by class and logged once per class and peer: a peer
// that keeps sending bad messages is counted, not logged for each.

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "common/cluster_members.hpp"
#include "common/operator_auth.hpp"
#include "messages/lease.hpp"

namespace cwts {

struct lease_refusal {
  std::string kind;   // a bounded set: not_member, no_key, bad_signature, stale, ...
  std::string detail; // for the log line
  bool ok() const { return kind.empty(); }
};

class lease_auth {
public:
  lease_auth(std::shared_ptr<const operator_registry> operators,
             std::shared_ptr<const cluster_membership> members)
    : operators_(std::move(operators)), members_(std::move(members)) {}

  lease_refusal check(const lease_request& r, int64_t now_wall_ns) const {
    return check_signed(r.candidate.value, signing_payload(r), r.signature, r.issued_at, now_wall_ns);
  }
  lease_refusal check(const lease_reply& r, int64_t now_wall_ns) const {
    return check_signed(r.grantor.value, signing_payload(r), r.signature, r.issued_at, now_wall_ns);
  }
  lease_refusal check(const lease_release& r, int64_t now_wall_ns) const {
    return check_signed(r.holder.value, signing_payload(r), r.signature, r.issued_at, now_wall_ns);
  }
  lease_refusal check(const lease_notice& n, int64_t now_wall_ns) const {
    return check_signed(n.holder.value, signing_payload(n), n.signature, n.issued_at, now_wall_ns);
  }

  // The notice's certificate: at least `majority` distinct configured
  // members each granted this role to this holder at this epoch, every
  // grant checked as a reply (signed by its grantor's node key, a member,
  // inside the window). At most `max_grants` grants are looked at (an
  // outsider cannot make a member verify an unbounded list).
  lease_refusal check_certificate(const lease_notice& n, size_t majority,
                                  int64_t now_wall_ns) const;
  static constexpr size_t max_grants = 64;

private:
  lease_refusal check_signed(const std::string& node, const std::string& payload,
                             const std::vector<uint8_t>& signature, timestamp_ns issued_at,
                             int64_t now_wall_ns) const;

  std::shared_ptr<const operator_registry> operators_;
  std::shared_ptr<const cluster_membership> members_;
};

// Counts refusals by kind; says whether this (kind, peer) is new, so the
// shell logs it once. Bounded: at most `max_logged` pairs remembered (past
// that nothing more is logged, everything is still counted).
class lease_refusal_log {
public:
  static constexpr size_t max_logged = 64;
  // True when the caller should log it.
  bool add(const lease_refusal& r, const std::string& peer) {
    ++counts_[r.kind];
    if (logged_.size() >= max_logged)
      return false;
    return logged_.insert({r.kind, peer.substr(0, 32)}).second;
  }
  const std::map<std::string, int64_t>& counts() const { return counts_; }

private:
  std::map<std::string, int64_t> counts_; // by kind: a fixed set of names
  std::set<std::pair<std::string, std::string>> logged_;
};

} // namespace cwts
