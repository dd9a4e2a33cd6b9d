#pragma once
// Lower-case base 36 of an unsigned integer ("0".."9a".."z"): the short,
// case-stable digits of client order ids, FIX ClOrdIDs and the venue's
// ExecIDs/OrderIDs. Header-only, CAF-free.

#include <cstdint>
#include <string>

namespace cwts {

inline std::string to_base36(uint64_t v) {
  static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  char buf[16]; // 36^13 > 2^64: at most 13 digits
  char* end = buf + sizeof(buf);
  char* p = end;
  do {
    *--p = digits[v % 36];
    v /= 36;
  } while (v != 0);
  return std::string(p, end);
}

} // namespace cwts
