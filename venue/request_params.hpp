#pragma once
// Request parameters as Binance reads them (rest-api.md "General information
// on endpoints"): application/x-www-form-urlencoded in the query string and,
// for POST/PUT/DELETE, in the body; a parameter sent in both is taken from the
// query string; the same parameter twice in one place is -1101.

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "venue/order_types.hpp"

namespace cwts::venue {

class request_params {
public:
  const std::string* get(std::string_view key) const;
  bool has(std::string_view key) const { return get(key) != nullptr; }
  size_t size() const { return items_.size(); }
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }
  void add(std::string key, std::string value) {
    items_.emplace_back(std::move(key), std::move(value));
  }
  // Drops `key` (a parameter a transport consumed itself).
  void remove(std::string_view key);

private:
  std::vector<std::pair<std::string, std::string>> items_;
};

// Percent-decodes one component ('+' is a space); false on a bad escape.
bool url_decode(std::string_view in, std::string& out);

std::variant<request_params, venue_error> parse_params(std::string_view query,
                                                       std::string_view body);

// errors.md message builders, so every endpoint words them alike.
venue_error missing_param(std::string_view name);            // -1102
venue_error illegal_param(std::string_view name, std::string_view legal); // -1100
venue_error param_not_required(std::string_view name);       // -1106

} // namespace cwts::venue
