#pragma once
// Small text helpers for the hand-read files and lists (INI files, operator
// key lists, FIX client lists). Header-only, CAF-free.

#include <string>
#include <string_view>

namespace cwts {

// `s` without leading and trailing blanks (space, tab, and the '\r' of a
// file written on Windows). A copy, not a view: callers trim temporaries.
inline std::string trim(std::string_view s) {
  constexpr std::string_view blanks = " \t\r";
  auto b = s.find_first_not_of(blanks);
  if (b == std::string_view::npos)
    return {};
  auto e = s.find_last_not_of(blanks);
  return std::string(s.substr(b, e - b + 1));
}

} // namespace cwts
