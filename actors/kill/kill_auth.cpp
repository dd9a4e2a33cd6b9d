#include "actors/kill/kill_auth.hpp"

#include <chrono>
#include <cstdio>

namespace cwts {

namespace {

std::string seconds_text(int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f s", static_cast<double>(ns) / 1e9);
  return buf;
}

// The checks operator_registry::verify runs for operator commands, in the
// same order: public facts first, the signature before the signed time.
std::string check(const operator_registry* registry, const operator_id& issuer,
                  operator_role role, const char* what, const std::string& payload,
                  const std::vector<uint8_t>& signature, timestamp_ns issued_at,
                  timestamp_ns now) {
  if (!registry)
    return "no operators file loaded: nobody may issue a " + std::string(what);
  const operator_key* key = nullptr;
  for (auto& k : registry->keys())
    if (k.id == issuer)
      key = &k;
  if (!key)
    return "unknown issuer '" + issuer.value + "' (not in the operator list)";
  // kill-full covers every level; kill only levels 1-2.
  bool has_role = key->roles.count(role) > 0
                  || (role == operator_role::kill && key->roles.count(operator_role::kill_full));
  if (!has_role)
    return "issuer '" + issuer.value + "' lacks role '" + to_string(role) + "' needed for a "
           + what;
  if (signature.empty())
    return "unsigned " + std::string(what);
  if (signature.size() != 64)
    return "malformed signature: " + std::to_string(signature.size())
           + " bytes, Ed25519 needs 64";
  if (!ed25519_verify(key->public_key, payload, signature))
    return "bad signature: does not verify with the key of '" + issuer.value + "'";
  const int64_t window_ns = std::chrono::nanoseconds(registry->window()).count();
  const int64_t age_ns = now.ns - issued_at.ns;
  if (age_ns > window_ns)
    return "issued_at is " + seconds_text(age_ns) + " old, outside the +/-"
           + std::to_string(registry->window().count()) + " s window";
  if (-age_ns > window_ns)
    return "issued_at is " + seconds_text(-age_ns) + " in the future, outside the +/-"
           + std::to_string(registry->window().count()) + " s window";
  return "";
}

} // namespace

std::string authorize(const operator_registry* registry, const kill_command& cmd,
                      timestamp_ns now) {
  // Flattening positions and the full stop move the market or cut every
  // venue: a key that may halt and cancel does not suffice.
  bool full = cmd.level >= kill_level::flatten;
  return check(registry, cmd.issuer, full ? operator_role::kill_full : operator_role::kill,
               full ? "level 3-4 kill" : "kill", signing_payload(cmd), cmd.signature,
               cmd.issued_at, now);
}

std::string authorize(const operator_registry* registry, const reset_command& cmd,
                      timestamp_ns now) {
  return check(registry, cmd.issuer, operator_role::reset, "reset", signing_payload(cmd),
               cmd.signature, cmd.issued_at, now);
}

void sign(kill_command& cmd, const ed25519_signer& key) {
  cmd.signature = key.sign(signing_payload(cmd));
}

void sign(reset_command& cmd, const ed25519_signer& key) {
  cmd.signature = key.sign(signing_payload(cmd));
}

} // namespace cwts
