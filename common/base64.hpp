#pragma once
// Standard base64 (RFC 4648 section 4: alphabet A-Z a-z 0-9 + /, '='
// padding), the one codec of the venue and the connector: OKX signatures,
// Kraken's API-Sign and its base64 secrets, the WebSocket tokens. One strict
// decoder so that both sides agree on which secrets are usable.

#include <optional>
#include <string>
#include <string_view>

namespace cwts {

// Padded to a multiple of four characters.
std::string base64_encode(std::string_view bytes);

// Strict: a multiple of four characters, only the alphabet, '=' only as the
// last one or two characters, and the unused bits of the last character
// zero (the only text that encodes those bytes). nullopt otherwise. Empty
// text decodes to no bytes.
std::optional<std::string> base64_decode(std::string_view text);

} // namespace cwts
