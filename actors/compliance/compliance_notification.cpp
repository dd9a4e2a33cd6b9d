#include "actors/compliance/compliance_notification.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/base64.hpp"
#include "common/hex.hpp"

namespace cwts::compliance {

std::string notification_body(const kill_notification& n) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto str = [&](const char* k, const std::string& v) {
    w.Key(k);
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  };
  auto num = [&](const char* k, int64_t v) {
    w.Key(k);
    w.Int64(v);
  };
  w.StartObject();
  num("schema_version", notification_schema_version);
  str("type", "kill");
  str("kill_id", n.kill_id);
  num("level", n.level);
  str("level_name", n.level_name);
  str("scope", n.scope);
  str("scope_value", n.scope_value);
  str("issuer", n.issuer);
  str("issuer_kind", n.issuer_kind);
  str("reason", n.reason);
  str("origin_node", n.origin);
  str("node", n.node);
  num("kill_ts_ns", n.kill_ts_ns);
  num("accepted_ts_ns", n.accepted_ns);
  num("gate_closed_ts_ns", n.gate_closed_ns);
  str("content_digest", n.content_digest);
  str("idempotency_key", idempotency_key(n));
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

namespace {

// The key's separators and anything not printable ASCII, as %XX.
std::string pct(const std::string& s) {
  return percent_encode_if(s, [](unsigned char c) {
    return c > 0x20 && c < 0x7f && c != '%' && c != '/' && c != '@' && c != '#';
  });
}

} // namespace

std::string idempotency_key(const kill_notification& n) {
  return pct(n.issuer) + "/" + pct(n.kill_id) + "@" + pct(n.node) + "#"
         + pct(n.content_digest.substr(0, 16));
}

bool has_control_chars(const std::string& text) {
  for (unsigned char c : text)
    if (c < 0x20 || c == 0x7f)
      return true;
  return false;
}

std::string sign_body(const ed25519_signer& key, const std::string& body) {
  auto sig = key.sign(body);
  return base64_encode(std::string(sig.begin(), sig.end()));
}

bool verify_body(const std::vector<uint8_t>& public_key, const std::string& body,
                 const std::string& signature_b64) {
  auto raw = base64_decode(signature_b64);
  if (!raw)
    return false;
  return ed25519_verify(public_key, body, std::vector<uint8_t>(raw->begin(), raw->end()));
}

} // namespace cwts::compliance
