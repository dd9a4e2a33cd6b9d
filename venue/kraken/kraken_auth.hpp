#pragma once
// Kraken Spot REST authentication (docs.kraken.com "Spot REST
// Authentication"): a private call is a POST whose body carries a `nonce`,
// with the headers
//   API-Key   the API key
//   API-Sign  base64(HMAC-SHA512(base64-decoded secret,
//                                URI path + SHA256(nonce + POST data)))
// where the URI path is "/0/private/<Method>" and the POST data is the body
// exactly as received (form-encoded or JSON). The nonce must increase with
// every call of a key ("EAPI:Invalid nonce" otherwise).
//
// The venue's accounts have one `secret` for every surface; Kraken's is
// that secret base64-decoded (the demo secrets, 64 letters and digits, are
// valid base64). An account whose secret is not valid base64 cannot sign
// Kraken requests: its key is refused with "EAPI:Invalid key" and the
// venue logs it at start (kraken_unusable_accounts).
//
// Checks, in order: key sent and known (EAPI:Invalid key), nonce present
// and a decimal integer (EAPI:Invalid nonce), signature (EAPI:Invalid
// signature; constant-time compare), nonce above the key's last one
// (EAPI:Invalid nonce). The last nonce moves only for a request that passed
// the signature check, so a forged request cannot burn nonces.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "venue/kraken/kraken_errors.hpp"
#include "venue/request_auth.hpp"

namespace cwts::venue {

// The API-Sign value for a request (the client's side; tests and tools).
std::string kraken_sign(std::string_view decoded_secret, std::string_view uri_path,
                        std::string_view nonce, std::string_view post_data);

// Names of the accounts whose secret is not valid base64.
std::vector<std::string> kraken_unusable_accounts(const key_store& keys);

class kraken_nonces {
public:
  // Verifies the request; returns the account. `nonce` is the body's nonce
  // parameter (nullopt when absent).
  std::variant<const api_account*, kraken_error>
  verify(const key_store& keys, std::optional<std::string_view> api_key,
         std::optional<std::string_view> api_sign, std::string_view uri_path,
         std::optional<std::string_view> nonce, std::string_view body);
  std::optional<uint64_t> last(const std::string& api_key) const;

private:
  // One entry per key that signed correctly: bounded by the key store.
  std::map<std::string, uint64_t> last_;
};

} // namespace cwts::venue
