#pragma once
// The JSON requests the venue receives (WebSocket control and API messages,
// OKX and Kraken bodies), parsed by RapidJSON into a small tree that the
// request handlers walk. Numbers keep their text (exact decimals, never
// doubles); objects keep member order; nesting deeper than 32 is refused.
// Errors carry the 1-based column, as Binance reports it ("Invalid JSON:
// expected value at line 1 column N").

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
