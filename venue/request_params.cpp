#include "venue/request_params.hpp"

#include <algorithm>

namespace cwts::venue {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses one source into `out`; a key repeated within it is -1101.
std::optional<venue_error> parse_source(std::string_view text, request_params& out,
                                        size_t first_of_source) {
  while (!text.empty()) {
    auto amp = text.find('&');
    auto pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string key, value;
    if (!url_decode(pair.substr(0, eq), key)
        || (eq != std::string_view::npos && !url_decode(pair.substr(eq + 1), value)))
      return venue_error{-1100, "Illegal characters found in a parameter.", 400};
    for (size_t i = first_of_source; i < out.items().size(); ++i)
      if (out.items()[i].first == key)
        return venue_error{-1101, "Duplicate values for a parameter detected.", 400};
    out.add(std::move(key), std::move(value));
  }
  return std::nullopt;
}

} // namespace

const std::string* request_params::get(std::string_view key) const {
  for (auto& [k, v] : items_)
    if (k == key) return &v;
  return nullptr;
}

void request_params::remove(std::string_view key) {
  items_.erase(std::remove_if(items_.begin(), items_.end(),
                              [key](const auto& item) { return item.first == key; }),
               items_.end());
}

bool url_decode(std::string_view in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return true;
}

std::variant<request_params, venue_error> parse_params(std::string_view query,
                                                       std::string_view body) {
  request_params q;
  if (auto err = parse_source(query, q, 0)) return *err;
  request_params b;
  if (auto err = parse_source(body, b, 0)) return *err;
  // rest-api.md: "If a parameter sent in both the query string and request
  // body, the query string parameter will be used."
  for (auto& [k, v] : b.items())
    if (!q.has(k)) q.add(k, v);
  return q;
}

venue_error missing_param(std::string_view name) {
  return venue_error{-1102, "Mandatory parameter '" + std::string(name)
                              + "' was not sent, was empty/null, or malformed.", 400};
}

venue_error illegal_param(std::string_view name, std::string_view legal) {
  return venue_error{-1100, "Illegal characters found in parameter '" + std::string(name)
                              + "'; legal range is '" + std::string(legal) + "'.", 400};
}

venue_error param_not_required(std::string_view name) {
  return venue_error{-1106, "Parameter '" + std::string(name) + "' sent when not required.",
                     400};
}

} // namespace cwts::venue
