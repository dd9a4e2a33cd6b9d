#pragma once
// Who may command the system (DESIGN.md §3 "Authorization"): operator and node
// keys are Ed25519 (OpenSSL EVP), listed in config with the roles they hold.
// A command is accepted only if its issuer is listed, holds the role the
// action needs, its signature verifies over signing_payload(), its timestamp
// is inside the window and its id was not seen before (replay).
//
// CAF-free; used by the actors that apply operator commands (risk, oms) and,
// from the kill-switch issue on, by the kill coordinator.

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "messages/ids.hpp"
#include "messages/operator_command.hpp"
#include "messages/time.hpp"

namespace cwts {

// Roles an operator key may hold (config names in parentheses).
enum class operator_role : uint8_t {
  risk_officer, // change limits, re-enable throttles (risk-officer)
  operations,   // accept reconciled positions (operations)
  kill,         // issue kills at levels 1-2: halt, cancel all (kill)
  kill_full,    // issue kills at levels 3-4: flatten positions, full stop (kill-full)
  reset,        // sign reset proposals (reset)
};

const char* to_string(operator_role r);
std::optional<operator_role> parse_operator_role(std::string_view text);

// The role an operator_command's action needs.
operator_role required_role(operator_action a);

// An Ed25519 private key read from a PEM file (PKCS#8); signs payloads.
class ed25519_signer {
public:
  // Reads the key; on failure returns nullopt and sets `error` to the reason.
  static std::optional<ed25519_signer> from_pem_file(const std::string& path, std::string& error);
  // Generates a fresh key pair (for `cwts keygen`).
  static ed25519_signer generate();

  std::vector<uint8_t> sign(std::string_view payload) const;
  std::vector<uint8_t> public_key() const; // 32 raw bytes
  std::string private_pem() const;
  std::string public_pem() const;

  ed25519_signer(ed25519_signer&&) noexcept;
  ed25519_signer& operator=(ed25519_signer&&) noexcept;
  ~ed25519_signer();

private:
  struct impl;
  explicit ed25519_signer(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

// True when `signature` is a valid Ed25519 signature of `payload` by the raw
// 32-byte `public_key`. libsodium only (no fallback): every node and `cwts
// audit-verify` judge a signature the same way.
// Initialises libsodium; aborts with a clear line if it cannot (called by
// ed25519_verify, and once at start by the kill coordinator).
void ed25519_require_verifier();
bool ed25519_verify(const std::vector<uint8_t>& public_key, std::string_view payload,
                    const std::vector<uint8_t>& signature);

// Reads an Ed25519 public key (PEM, SubjectPublicKeyInfo) as 32 raw bytes; on
// failure returns nullopt and sets `error` (cannot open, no PEM key, not Ed25519).
std::optional<std::vector<uint8_t>> read_ed25519_public_pem(const std::string& path,
                                                            std::string& error);

struct operator_key {
  operator_id id;
  std::vector<uint8_t> public_key; // 32 raw bytes
  std::set<operator_role> roles;
  // Set for a node's own key (`node = "gw1"`): the key that signs that
  // node's reset votes and heartbeats. Empty for a person's key.
  std::string node{};
};

// The keys a node trusts, plus the replay guard. Thread-safe: verify() may be
// called from several actors.
class operator_registry {
public:
  // Reads an INI file with one section per operator:
  //   [operator.alice]
  //   public-key-file = "operator-keys/alice.pub.pem"   (relative to the INI file)
  //   roles = "risk-officer,operations"
  // On failure returns nullopt and sets `error` naming the key and reason.
  static std::optional<operator_registry> load(const std::string& path, std::string& error);

  operator_registry(std::vector<operator_key> keys, std::chrono::seconds window);
  operator_registry(operator_registry&&) noexcept;

  // Empty when the command is authorized; otherwise why not (unknown issuer,
  // missing role, bad signature, outside the window, replayed id). An accepted
  // id is remembered so the same command is refused the second time.
  std::string verify(const operator_command& cmd, timestamp_ns now) const;

  const std::vector<operator_key>& keys() const { return keys_; }
  // The key listed with `node = <node>`, or null.
  const operator_key* node_key(const std::string& node) const;
  std::chrono::seconds window() const { return window_; }

private:
  std::vector<operator_key> keys_;
  std::chrono::seconds window_;
  mutable std::mutex mtx_;
  mutable std::unordered_set<std::string> seen_;
  mutable std::deque<std::pair<int64_t, std::string>> seen_order_; // to forget old ids
};

} // namespace cwts
