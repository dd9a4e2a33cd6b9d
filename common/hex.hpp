#pragma once
// Lower-case hex, both ways: signatures and digests in audit records, admin
// JSON bodies and the halt state's seen list. CAF-free.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cwts {

std::string to_hex(const unsigned char* data, std::size_t size);
std::string to_hex(const std::vector<uint8_t>& bytes);

// nullopt for an odd length or a character that is not a hex digit (either case).
std::optional<std::vector<uint8_t>> from_hex(std::string_view text);

// Lower-case hex of SHA-256(data).
std::string sha256_hex(std::string_view data);

} // namespace cwts
