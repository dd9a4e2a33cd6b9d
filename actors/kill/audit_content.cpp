#include "actors/kill/audit_content.hpp"

#include "caf/binary_deserializer.hpp"
#include "caf/binary_serializer.hpp"

#include "common/operator_auth.hpp"

namespace cwts {

namespace {

// CAF's binary form needs no actor system for plain value types: no
// execution unit is passed.
template <class T>
std::string encode(T x) {
  std::vector<char> buf;
  caf::binary_serializer sink{static_cast<caf::execution_unit*>(nullptr), buf};
  if (sink(x))
    return "";
  std::vector<uint8_t> bytes(buf.begin(), buf.end());
  return to_hex(bytes);
}

template <class T>
bool decode(const std::string& hex, T& x) {
  auto bytes = from_hex(hex);
  if (!bytes || bytes->empty())
    return false;
  caf::binary_deserializer source{static_cast<caf::execution_unit*>(nullptr),
                                  reinterpret_cast<const char*>(bytes->data()), bytes->size()};
  if (source(x))
    return false;
  return source.remaining() == 0; // every byte used: the same field list
}

audit_record base(const char* event, const node_id& self, const char* verdict,
                  const std::string& reason) {
  audit_record r(event);
  r.add("node", self.value)
    .add("ts_ns", wall_clock_now().ns)
    .add("verdict", verdict)
    .add("reason", reason);
  return r;
}

const operator_key* key_of(const operator_registry& ops, const std::string& id) {
  for (auto& k : ops.keys())
    if (k.id.value == id)
      return &k;
  return nullptr;
}

bool acted_on(const std::string& verdict) {
  return verdict == "accepted" || verdict == "duplicate" || verdict == "counted";
}

// The stored command's signature again, with the key of its issuer.
template <class Command>
std::string check_command(const std::map<std::string, std::string>& f, const operator_registry& ops,
                          content_check_stats& stats) {
  Command cmd;
  if (!decode(f.at("content"), cmd))
    return "content does not decode (damaged, or written by a build with other fields)";
  auto get = [&](const char* k) {
    auto i = f.find(k);
    return i == f.end() ? std::string() : i->second;
  };
  if (get("id") != cmd.id.value || get("issuer") != cmd.issuer.value)
    return "readable id/issuer differ from the signed content";
  auto key = key_of(ops, cmd.issuer.value);
  if (!key)
    return "issuer '" + cmd.issuer.value + "' is not in the operators file";
  if (!ed25519_verify(key->public_key, signing_payload(cmd), cmd.signature))
    return "the stored " + f.at("event") + " signature does not verify for issuer '"
           + cmd.issuer.value + "'";
  ++stats.commands_verified;
  return "";
}

} // namespace

std::string encode_content(const kill_command& x) { return encode(x); }
std::string encode_content(const reset_command& x) { return encode(x); }
std::string encode_content(const reset_vote& x) { return encode(x); }
bool decode_content(const std::string& hex, kill_command& x) { return decode(hex, x); }
bool decode_content(const std::string& hex, reset_command& x) { return decode(hex, x); }
bool decode_content(const std::string& hex, reset_vote& x) { return decode(hex, x); }

audit_record kill_command_record(const node_id& self, const kill_command& cmd, const char* via,
                                 const char* verdict, const std::string& reason) {
  auto r = base("kill_command", self, verdict, reason);
  r.add("via", via)
    .add("id", cmd.id.value)
    .add("level", static_cast<int64_t>(cmd.level))
    .add("scope", to_string(cmd.scope))
    .add("scope_value", cmd.scope_value)
    .add("issuer", cmd.issuer.value)
    .add("origin", cmd.origin.value)
    .add("issued_at_ns", cmd.issued_at.ns)
    .add("text", cmd.reason)
    .add("content", encode_content(cmd));
  return r;
}

audit_record reset_command_record(const node_id& self, const reset_command& cmd, const char* via,
                                  const char* verdict, const std::string& reason) {
  auto r = base("reset_command", self, verdict, reason);
  r.add("via", via)
    .add("id", cmd.id.value)
    .add("issuer", cmd.issuer.value)
    .add("origin", cmd.origin.value)
    .add("issued_at_ns", cmd.issued_at.ns)
    .add("epoch", cmd.epoch)
    .add("text", cmd.reason)
    .add("content", encode_content(cmd));
  return r;
}

audit_record reset_vote_record(const node_id& self, const reset_vote& v, const char* verdict,
                               const std::string& reason) {
  auto r = base("reset_vote", self, verdict, reason);
  r.add("reset", v.reset.value)
    .add("from", v.node.value)
    .add("yes", v.yes ? 1 : 0)
    .add("epoch", v.epoch)
    .add("why", v.reason)
    .add("content", encode_content(v));
  return r;
}

std::string check_record_content(const std::string& record, const operator_registry& ops,
                                 content_check_stats& stats) {
  auto f = parse_audit_record(record);
  auto event = f.count("event") ? f["event"] : std::string();
  if (event != "kill_command" && event != "reset_command" && event != "reset_vote")
    return "";
  if (!acted_on(f["verdict"])) {
    ++stats.refused_skipped;
    return "";
  }
  if (!f.count("content"))
    return event + " " + f["verdict"] + " without its signed content";
  if (event == "kill_command")
    return check_command<kill_command>(f, ops, stats);
  if (event == "reset_command")
    return check_command<reset_command>(f, ops, stats);
  reset_vote v;
  if (!decode(f["content"], v))
    return "content does not decode (damaged, or written by a build with other fields)";
  if (f["reset"] != v.reset.value || f["from"] != v.node.value)
    return "readable reset/from differ from the signed content";
  auto key = ops.node_key(v.node.value);
  if (!key)
    return "node '" + v.node.value + "' has no key in the operators file";
  if (!ed25519_verify(key->public_key, signing_payload(v), v.signature))
    return "the stored vote signature of node '" + v.node.value + "' does not verify";
  ++stats.votes_verified;
  return "";
}

} // namespace cwts
