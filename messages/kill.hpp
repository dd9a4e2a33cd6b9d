#pragma once
// Kill-switch commands and events (DESIGN.md §3 "Kill switch").

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "messages/ids.hpp"
#include "messages/symbol.hpp"
#include "messages/time.hpp"

namespace cwts {

enum class kill_level : uint8_t {
  none = 0,
  halt_new_orders = 1, // close the gate
  cancel_all = 2,      // + cancel every open order in scope, confirmed by a venue query
  flatten = 3,         // + flatten positions
  full_stop = 4,       // + cluster-wide full stop, venues disconnected
};

enum class kill_scope : uint8_t { strategy, symbol, account, node, cluster };

enum class trading_mode : uint8_t { active, reducing, halted };

const char* to_string(kill_level l);
const char* to_string(kill_scope s);
const char* to_string(trading_mode m);

// A member node's endorsement of a kill another node raised: its Ed25519
// signature, with its own node key, of the kill's cosigning_payload(). A
// cluster-wide kill raised by nodes (not an operator) applies only with the
// signatures of enough distinct members that at least one correct node agrees
// (docs/kill-switch.md "Node keys").
struct kill_cosignature {
  node_id node;
  std::vector<uint8_t> signature;
};

// Command: activate the kill switch. `signature` is the issuer's Ed25519
// signature of signing_payload(*this); peers echo it unchanged, so every node
// verifies the original issuer (docs/kill-switch.md).
struct kill_command {
  kill_id id;
  kill_level level = kill_level::halt_new_orders;
  kill_scope scope = kill_scope::cluster;
  std::string scope_value; // strategy/symbol/account/node name; empty for cluster
  operator_id issuer;
  node_id origin;
  std::string reason;
  timestamp_ns issued_at;
  std::vector<uint8_t> signature;
  // The cluster the issuer meant ([cluster] id): a command signed for one
  // cluster is refused by every other.
  std::string cluster{};
  // Endorsements of member nodes (not signed by the issuer: they are added
  // as the kill travels). Only for cluster-wide kills raised by nodes.
  std::vector<kill_cosignature> cosignatures{};
};

// Size caps every kill must meet on every path. They are the direct
// fan-out's frame limits (actors/kill/fanout_codec.cpp), so a kill CAF
// would carry is never one the fan-out refuses (or truncates): the origin
// refuses it before signing, every receiver before verifying.
namespace kill_limits {
constexpr size_t max_name = 256;       // id, scope value, issuer, origin, cluster, cosigner
constexpr size_t max_reason = 4096;
constexpr size_t max_signature = 128;  // Ed25519 is 64; other sizes never verify
constexpr size_t max_cosignatures = 64;
constexpr size_t max_encoded = 16 * 1024; // the fan-out's largest frame body
} // namespace kill_limits

// The size of `c`'s fan-out frame body (type byte, 2-byte length per text
// field, fixed fields): at most kill_limits::max_encoded.
size_t kill_encoded_size(const kill_command& c);

// The exact bytes an issuer signs: every field but `origin` (set by the node
// that first receives the command), the signature and the cosignatures, each
// length-prefixed.
std::string signing_payload(const kill_command& c);
// What a member endorsing `c` signs: the same content under another tag, so
// an endorsement can never pass for an issuer's signature.
std::string cosigning_payload(const kill_command& c);
// The identity of a kill for de-duplication: issuer and id (two issuers may
// use the same id; neither suppresses the other).
std::string kill_key(const kill_command& c);
std::string kill_key(const operator_id& issuer, const kill_id& id);

// Of the `symbols` node `self` trades for `account`, those `c`'s scope
// covers: all for the cluster, this node or this account; one for a symbol
// it trades; none for another node, account or symbol, nor for a strategy
// (a strategy shares its symbols with others).
std::vector<symbol> symbols_in_scope(const kill_command& c, const node_id& self,
                                     const account_id& account,
                                     const std::vector<symbol>& symbols);

// Event: a node applied a kill. Durations are measured on that node.
struct kill_ack {
  kill_id id;
  node_id node;
  bool applied = false;
  int64_t verify_ns = 0;     // signature and authorization check
  int64_t gate_close_ns = 0; // from the accepted command to the gate closed
  timestamp_ns accepted_at{}; // wall clock when this node accepted the command
  timestamp_ns gate_closed_at;
  int32_t channels_started = 0; // channel_results that will follow from this node
  std::string error;
  operator_id issuer{}; // with `id`, which kill this answers (kill_key)
};

// Event: one kill channel (oms, venue cancel-all, ...) finished.
struct channel_result {
  kill_id id;
  node_id node;
  std::string channel;
  bool ok = false;
  int64_t duration_ns = 0;
  int32_t retries = 0;
  int64_t orders_canceled = 0;
  int64_t open_orders_after = -1; // as queried from the venue; -1 when not queried
  std::string error;
  // The flatten channel (level 3): market orders sent, and positions in the
  // kill's scope still not flat when it reported (-1 for other channels).
  int64_t orders_sent = 0;
  int64_t positions_open_after = -1;
  // With `id`, which kill this reports on (kill_key); the coordinator sets it.
  operator_id issuer{};
  // The venue channels (cancel-all, disconnect): one per venue, this one's.
  venue_name venue{};
};

// Event: a node's trading state changed.
struct trading_state {
  node_id node;
  trading_mode mode = trading_mode::active;
  kill_level level = kill_level::none;
  kill_id cause;
  timestamp_ns since;
  // What an operator signs a reset for: this node's epoch (the reset
  // resumes at epoch + 1) and its cluster id.
  int64_t epoch = 0;
  std::string cluster{};
};

// Reply to whoever issued a kill: what every node measured and reported.
struct kill_report {
  kill_id id;
  node_id origin;
  bool complete = false; // every expected ack and channel result arrived in time
  std::vector<kill_ack> acks;
  std::vector<channel_result> channels;
  int64_t total_ns = 0; // from receipt at the origin to the last result
  std::string error;
};

// Command: resume trading (DESIGN.md "Reset"). Signed by an operator holding
// the `reset` role; every node verifies it and votes; a node reopens its gate
// only with a quorum of yes votes and its own vote yes.
struct reset_command {
  kill_id id;
  operator_id issuer;
  node_id origin; // the node the operator sent it to
  std::string reason;
  timestamp_ns issued_at;
  std::vector<uint8_t> signature;
  // The epoch trading resumes at: the epoch the operator saw + 1, signed, so
  // a reset that once resumed the cluster is stale ever after.
  int64_t epoch = 0;
  // Signed too: the cluster it is for, and the halt it ends (the cause the
  // operator saw). A node halted again after the reset was signed, by
  // another cause, votes no: a withheld reset cannot undo a later kill.
  std::string cluster{};
  kill_id halt_cause{};
};

std::string signing_payload(const reset_command& c);

// Event: one node's vote on a reset, with why it voted no. Signed with the
// voting node's own key (the operators file lists it with `node = <node>`),
// so no peer can vote in another node's name.
struct reset_vote {
  kill_id reset;
  node_id node;
  bool yes = false;
  std::string reason;
  int64_t epoch = 0; // the epoch this vote agrees to resume at
  std::vector<uint8_t> signature{};
};

// The exact bytes a node signs for its vote: every field but the signature.
std::string signing_payload(const reset_vote& v);

// Reply to whoever proposed a reset: the votes the origin saw and whether
// the origin resumed.
struct reset_report {
  kill_id id;
  node_id origin;
  int32_t nodes = 0;  // n, from the origin's config
  int32_t quorum = 0; // yes votes needed
  bool resumed = false;
  std::vector<reset_vote> votes;
  std::string error;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reset_command& x) {
  return f(caf::meta::type_name("reset_command"), x.id, x.issuer, x.origin, x.reason,
           x.issued_at, x.signature, x.epoch, x.cluster, x.halt_cause);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reset_vote& x) {
  return f(caf::meta::type_name("reset_vote"), x.reset, x.node, x.yes, x.reason, x.epoch,
           x.signature);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reset_report& x) {
  return f(caf::meta::type_name("reset_report"), x.id, x.origin, x.nodes, x.quorum, x.resumed,
           x.votes, x.error);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, kill_cosignature& x) {
  return f(caf::meta::type_name("kill_cosignature"), x.node, x.signature);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, kill_command& x) {
  return f(caf::meta::type_name("kill_command"), x.id, x.level, x.scope, x.scope_value, x.issuer,
           x.origin, x.reason, x.issued_at, x.signature, x.cluster, x.cosignatures);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, kill_ack& x) {
  return f(caf::meta::type_name("kill_ack"), x.id, x.node, x.applied, x.verify_ns,
           x.gate_close_ns, x.accepted_at, x.gate_closed_at, x.channels_started, x.error, x.issuer);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, channel_result& x) {
  return f(caf::meta::type_name("channel_result"), x.id, x.node, x.channel, x.ok, x.duration_ns,
           x.retries, x.orders_canceled, x.open_orders_after, x.error, x.orders_sent,
           x.positions_open_after, x.issuer, x.venue);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, kill_report& x) {
  return f(caf::meta::type_name("kill_report"), x.id, x.origin, x.complete, x.acks, x.channels,
           x.total_ns, x.error);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trading_state& x) {
  return f(caf::meta::type_name("trading_state"), x.node, x.mode, x.level, x.cause, x.since,
           x.epoch, x.cluster);
}

} // namespace cwts
