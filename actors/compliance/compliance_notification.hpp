#pragma once
// The kill's regulatory notification (docs/kill-switch.md "Compliance
// channel"): what a node tells a compliance receiver about a kill it applied.
// The body is JSON with a schema version; the node signs the exact body bytes
// with its Ed25519 key and sends the signature beside it in a header, so a
// receiver verifies what it stores without re-encoding anything.
// CAF-free: built from plain fields by the kill coordinator's channel.

#include <cstdint>
#include <string>
#include <vector>

#include "common/operator_auth.hpp"

namespace cwts::compliance {

inline constexpr int notification_schema_version = 1;

// HTTP header names of a delivery (the receiver's contract).
inline constexpr const char* idempotency_header = "Idempotency-Key";
inline constexpr const char* signature_header = "X-CWTS-Signature"; // base64 Ed25519 of the body
inline constexpr const char* key_id_header = "X-CWTS-Key-Id";       // the signing node key's name

struct kill_notification {
  std::string kill_id;
  int level = 0;           // 1..4
  std::string level_name;  // "1-halt", "2-cancel-all", ... (to_string(kill_level))
  std::string scope;       // "cluster", "node", "symbol", ...
  std::string scope_value; // empty for cluster
  std::string issuer;
  std::string issuer_kind; // "operator" or "node" (a node key's own kill)
  std::string reason;
  std::string origin;      // the node that first received the kill
  std::string node;        // the node writing this notification
  int64_t kill_ts_ns = 0;  // the kill's signed issue time, UTC ns
  int64_t accepted_ns = 0; // this node accepted it, UTC ns
  int64_t gate_closed_ns = 0; // this node's gate closed, UTC ns
  // Hex SHA-256 of the kill's signed payload and signature (content_digest
  // of actors/kill/halt_state.hpp): two contents under one issuer and id
  // (equivocation, an id reused) are two notifications.
  std::string content_digest;
};

// One JSON object, fields in a fixed order (schema_version first); it holds
// the idempotency key, so the key a receiver dedupes on is signed.
std::string notification_body(const kill_notification& n);

// The receiver's dedup key: one kill content (issuer, id, content digest) at
// one node, as issuer/id@node#digest16 with '%', '/', '@', '#', space,
// control and non-ASCII bytes percent-encoded: unambiguous, and always a
// valid HTTP header value.
std::string idempotency_key(const kill_notification& n);

// True when `text` holds a byte below 0x20 or 0x7f (CR, LF, NUL...).
bool has_control_chars(const std::string& text);

// base64 of the Ed25519 signature of `body`'s exact bytes.
std::string sign_body(const ed25519_signer& key, const std::string& body);

// True when `signature_b64` is `public_key`'s signature of `body`.
bool verify_body(const std::vector<uint8_t>& public_key, const std::string& body,
                 const std::string& signature_b64);

} // namespace cwts::compliance
