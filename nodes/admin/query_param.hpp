#pragma once
// The value of `key` in a query string ("a=1&depth=5&b=2", the text after
// '?'); nullopt when the key is absent. The admin API's one query reader.

#include <optional>
#include <string>

namespace cwts::admin {

inline std::optional<std::string> query_param(const std::string& query, const std::string& key) {
  const auto prefix = key + "=";
  std::size_t pos = 0;
  while (pos <= query.size()) {
    auto end = query.find('&', pos);
    auto item = query.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (item.rfind(prefix, 0) == 0)
      return item.substr(prefix.size());
    if (end == std::string::npos)
      break;
    pos = end + 1;
  }
  return std::nullopt;
}

} // namespace cwts::admin
