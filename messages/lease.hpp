#pragma once
// The trading lease's wire messages (docs/supervision.md "Trading lease";
// actors/supervisor/trading_lease.hpp). A node's lease actor asks every
// member's lease actor for the lease of a role that trades ("oms",
// "connector.<venue>"); each answers, and the holder gives the role back
// with a release. Every one is signed with the sending node's key (the
// operators file's `node = <id>` entry) over the payload below, and checked
// against membership, a freshness window and the sender's process: a grant
// changes who may trade, so no one but that member may make one.

#include <cstdint>
#include <string>
#include <vector>

#include "messages/ids.hpp"
#include "messages/signing_payload.hpp"
#include "messages/time.hpp"

namespace cwts {

// `candidate` asks for `role` at `epoch` in its round `round`. A probe asks
// only what the member knows (holder, epoch, whether its grant runs) and is
// never granted: a standby watches the active's lease with it.
struct lease_request {
  std::string role;
  node_id candidate;
  int64_t epoch = 0;
  uint64_t round = 0;
  bool probe = false;
  timestamp_ns issued_at;
  std::vector<uint8_t> signature{};
};

// `grantor`'s answer to `candidate`'s round `round` for `role`: granted at
// `epoch`, or refused with the holder it knows, its epoch (the highest this
// member promised) and why.
struct lease_reply {
  std::string role;
  node_id grantor;
  node_id candidate;
  uint64_t round = 0;
  bool granted = false;
  int64_t epoch = 0;
  std::string holder;
  bool running = false; // holder's grant runs at this member
  // The grantor cannot say which grant runs (restarted within one grant's
  // time, its store unreadable, or the request refused unread).
  bool unsure = false;
  std::string reason;
  timestamp_ns issued_at;
  std::vector<uint8_t> signature{};
};

// `holder` gives `role` at `epoch` back (its gate is closed already).
struct lease_release {
  std::string role;
  node_id holder;
  int64_t epoch = 0;
  timestamp_ns issued_at;
  std::vector<uint8_t> signature{};
};

// `holder` acquired `role` at `epoch`: sent by the new holder to every
// member's lease actor when a majority granted it. `grants` is the proof,
// a majority certificate: the granting replies of one round, each signed
// by its grantor (granted, this role, this holder, this epoch). A member
// raises its connectors' epoch fence for the role only on such a
// certificate, and a holder of an older epoch gives its roles back on it:
// no single member (a restarted or cut-off grantor, a Byzantine one) can
// fence or demote the rightful holder.
struct lease_notice {
  std::string role;
  node_id holder;
  int64_t epoch = 0;
  std::vector<lease_reply> grants;
  timestamp_ns issued_at;
  std::vector<uint8_t> signature{};
};

// Local only (lease actor -> its supervisor), after each round: what the
// node's leases say about failover.
struct lease_view {
  bool all_held = false;   // every leased role of this node is held now
  std::string other;       // a member another member's running grant names (empty: none)
  int64_t other_epoch = 0; // that grant's epoch
  std::string refusal;     // a refusal of the last round ("held by tr1 at epoch 3")
  // A newer holder of one of this node's leased roles, proven by a majority
  // (a certificate, or a majority's answers in one round naming its running
  // grant): this node must give its roles back. Empty: none.
  std::string superseded_by;
  int64_t superseded_epoch = 0;
  // Some but not all of this node's leased roles held, at every round start
  // for this long (0: none or all held): a split with another candidate
  // shows as this lasting past a takeover's few rounds.
  int64_t partial_for_ns = 0;
  int64_t lease_ns = 0; // what one grant is worth (the lease duration)
};

inline std::string signing_payload(const lease_request& r) {
  return signing_payload_builder("cwts-lease-request/1")
    .field(r.role)
    .field(r.candidate.value)
    .field(std::to_string(r.epoch))
    .field(std::to_string(r.round))
    .field(r.probe ? "probe" : "ask")
    .field(std::to_string(r.issued_at.ns))
    .str();
}

inline std::string signing_payload(const lease_reply& r) {
  return signing_payload_builder("cwts-lease-reply/1")
    .field(r.role)
    .field(r.grantor.value)
    .field(r.candidate.value)
    .field(std::to_string(r.round))
    .field(r.granted ? "granted" : "refused")
    .field(std::to_string(r.epoch))
    .field(r.holder)
    .field(r.running ? "running" : "ended")
    .field(r.unsure ? "unsure" : "sure")
    .field(r.reason)
    .field(std::to_string(r.issued_at.ns))
    .str();
}

inline std::string signing_payload(const lease_release& r) {
  return signing_payload_builder("cwts-lease-release/1")
    .field(r.role)
    .field(r.holder.value)
    .field(std::to_string(r.epoch))
    .field(std::to_string(r.issued_at.ns))
    .str();
}

// The holder signs what it claims; each grant in it is checked on its own
// signature (lease_auth::check_certificate).
inline std::string signing_payload(const lease_notice& n) {
  auto b = signing_payload_builder("cwts-lease-notice/1");
  b.field(n.role).field(n.holder.value).field(std::to_string(n.epoch));
  for (auto& g : n.grants)
    b.field(g.grantor.value);
  b.field(std::to_string(n.issued_at.ns));
  return b.str();
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lease_request& x) {
  return f(caf::meta::type_name("lease_request"), x.role, x.candidate, x.epoch, x.round, x.probe,
           x.issued_at, x.signature);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lease_reply& x) {
  return f(caf::meta::type_name("lease_reply"), x.role, x.grantor, x.candidate, x.round, x.granted,
           x.epoch, x.holder, x.running, x.unsure, x.reason, x.issued_at, x.signature);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lease_notice& x) {
  return f(caf::meta::type_name("lease_notice"), x.role, x.holder, x.epoch, x.grants, x.issued_at,
           x.signature);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lease_release& x) {
  return f(caf::meta::type_name("lease_release"), x.role, x.holder, x.epoch, x.issued_at,
           x.signature);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lease_view& x) {
  return f(caf::meta::type_name("lease_view"), x.all_held, x.other, x.other_epoch, x.refusal,
           x.superseded_by, x.superseded_epoch, x.partial_for_ns, x.lease_ns);
}

} // namespace cwts
