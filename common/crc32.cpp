#include "common/crc32.hpp"

#include <array>

namespace cwts {

namespace {

std::array<uint32_t, 256> make_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k)
      c = (c & 1U) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

} // namespace

uint32_t crc32(std::string_view data) {
  static const auto table = make_table();
  uint32_t c = 0xFFFFFFFFU;
  for (unsigned char byte : data)
    c = table[(c ^ byte) & 0xFFU] ^ (c >> 8);
  return c ^ 0xFFFFFFFFU;
}

} // namespace cwts
