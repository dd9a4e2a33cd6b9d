#pragma once
// "a,b,,c" -> {"a", "b", "c"}: the comma lists of command-line options
// (`--logs=`, `--file=`). Empty parts are dropped. Header-only, CAF-free.

#include <string>
#include <vector>

namespace cwts {

inline std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    if (comma == std::string::npos)
      comma = text.size();
    if (comma > start)
      out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

} // namespace cwts
