#pragma once
// A small JSON reader for the few JSON requests the venue receives
// (WebSocket stream control messages). Numbers keep their text; objects keep
// member order. Errors carry the 1-based column, as Binance reports it
// ("Invalid JSON: expected value at line 1 column N").

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace cwts::venue {

struct json_value {
  enum class kind { null, boolean, number, string, array, object };
  kind type = kind::null;
  bool flag = false;
  std::string text; // number text or string value
  std::vector<json_value> items;
  std::vector<std::pair<std::string, json_value>> members;

  const json_value* member(std::string_view name) const;
};

struct json_error {
  size_t column = 1;
};

std::variant<json_value, json_error> parse_json(std::string_view text);

} // namespace cwts::venue
