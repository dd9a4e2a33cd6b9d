#pragma once
// CRC-32/ISO-HDLC (zlib's crc32: polynomial 0xEDB88320, reflected, initial
// and final 0xFFFFFFFF), the checksum of OKX's and Kraken's order books. One
// implementation for the venue that sends them and the connector that
// verifies them.

#include <cstdint>
#include <string_view>

namespace cwts {

uint32_t crc32(std::string_view data);

} // namespace cwts
