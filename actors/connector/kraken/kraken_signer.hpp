#pragma once
// Kraken REST request signing (docs.kraken.com "Spot REST Authentication"):
// API-Sign = base64(HMAC-SHA512(base64-decoded secret, URI path +
// SHA256(nonce + POST data))), the URI path the one starting with
// "/0/private", the POST data the exact form-encoded body sent (nonce
// included). Kraken's secrets are base64: one that does not decode is
// refused by validate() before anything is signed.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/base64.hpp"

namespace cwts::connector::kraken {

struct kraken_credentials {
  std::string api_key; // API-Key
  std::string secret;  // base64, as Kraken issues it: never logged, never sent
};

// The one strict base64 of the venue and the connector (common/base64.hpp),
// so both sides agree on which secrets are usable.
using cwts::base64_decode;
using cwts::base64_encode;

// API-Sign for one request; `key` is the DECODED secret.
std::string kraken_sign(std::string_view key, std::string_view uri_path, std::string_view nonce,
                        std::string_view post_data);

// The two headers of one private request.
std::vector<std::pair<std::string, std::string>>
signed_headers(const std::string& api_key, std::string_view key, std::string_view uri_path,
               std::string_view nonce, std::string_view post_data);

} // namespace cwts::connector::kraken
