#include "messages/kill.hpp"

#include "messages/cluster.hpp"
#include "messages/signing_payload.hpp"

namespace cwts {

const char* to_string(kill_level l) {
  switch (l) {
    case kill_level::none: return "none";
    case kill_level::halt_new_orders: return "1-halt";
    case kill_level::cancel_all: return "2-cancel-all";
    case kill_level::flatten: return "3-flatten";
    case kill_level::full_stop: return "4-full-stop";
  }
  return "?";
}

const char* to_string(kill_scope s) {
  switch (s) {
    case kill_scope::strategy: return "strategy";
    case kill_scope::symbol: return "symbol";
    case kill_scope::account: return "account";
    case kill_scope::node: return "node";
    case kill_scope::cluster: return "cluster";
  }
  return "?";
}

const char* to_string(trading_mode m) {
  switch (m) {
    case trading_mode::active: return "ACTIVE";
    case trading_mode::reducing: return "REDUCING";
    case trading_mode::halted: return "HALTED";
  }
  return "?";
}

namespace {

signing_payload_builder kill_fields(const char* tag, const kill_command& c) {
  signing_payload_builder b(tag);
  b.field(c.cluster)
    .field(c.id.value)
    .field(std::to_string(static_cast<int>(c.level)))
    .field(to_string(c.scope))
    .field(c.scope_value)
    .field(c.issuer.value)
    .field(c.reason)
    .field(std::to_string(c.issued_at.ns));
  return b;
}

} // namespace

// /2: the cluster id joined the signed fields.
std::string signing_payload(const kill_command& c) {
  return kill_fields("cwts-kill-command/2", c).str();
}

std::string cosigning_payload(const kill_command& c) {
  return kill_fields("cwts-kill-cosign/1", c).str();
}

size_t kill_encoded_size(const kill_command& c) {
  // type, level, scope, issued_at, cosignature count; then each field with
  // its 2-byte length.
  size_t n = 1 + 1 + 1 + 8 + 1;
  for (size_t len : {c.id.value.size(), c.scope_value.size(), c.issuer.value.size(),
                     c.origin.value.size(), c.reason.size(), c.signature.size(), c.cluster.size()})
    n += 2 + len;
  for (auto& k : c.cosignatures)
    n += 2 + k.node.value.size() + 2 + k.signature.size();
  return n;
}

std::string kill_key(const operator_id& issuer, const kill_id& id) {
  return issuer.value + "/" + id.value;
}

std::string kill_key(const kill_command& c) {
  return kill_key(c.issuer, c.id);
}

std::vector<symbol> symbols_in_scope(const kill_command& c, const node_id& self,
                                     const account_id& account,
                                     const std::vector<symbol>& symbols) {
  switch (c.scope) {
    case kill_scope::symbol: {
      std::vector<symbol> out;
      for (auto& s : symbols)
        if (s.str() == c.scope_value)
          out.push_back(s);
      return out;
    }
    case kill_scope::account: return c.scope_value == account.value ? symbols : std::vector<symbol>{};
    case kill_scope::node: return c.scope_value == self.value ? symbols : std::vector<symbol>{};
    case kill_scope::strategy: return {};
    case kill_scope::cluster: return symbols;
  }
  return {};
}

// /2: bound to the cluster, the epoch it resumes at and the halt it ends.
std::string signing_payload(const reset_command& c) {
  return signing_payload_builder("cwts-reset-command/2")
    .field(c.cluster)
    .field(c.id.value)
    .field(c.issuer.value)
    .field(c.reason)
    .field(std::to_string(c.issued_at.ns))
    .field(std::to_string(c.epoch))
    .field(c.halt_cause.value)
    .str();
}

std::string signing_payload(const reset_vote& v) {
  return signing_payload_builder("cwts-reset-vote/1")
    .field(v.reset.value)
    .field(v.node.value)
    .field(v.yes ? "yes" : "no")
    .field(v.reason)
    .field(std::to_string(v.epoch))
    .str();
}

// /2 named its receiver (finding F2); /3 adds the ack (finding F1). A
// signature of an older version never verifies.
std::string signing_payload(const heartbeat& h) {
  return signing_payload_builder("cwts-heartbeat/3")
    .field(h.node.value)
    .field(h.to.value)
    .field(std::to_string(h.seq))
    .field(std::to_string(h.ack_seq))
    .field(std::to_string(h.sent_at.ns))
    .str();
}

std::string signing_payload(const peer_announce& a) {
  return signing_payload_builder("cwts-peer-announce/1")
    .field(a.node.value)
    .field(std::to_string(a.issued_at.ns))
    .str();
}

} // namespace cwts
