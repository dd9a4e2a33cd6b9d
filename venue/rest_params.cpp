#include "venue/rest_params.hpp"

#include <algorithm>
#include <charconv>
#include <string>

namespace cwts::venue {

std::optional<venue_error> check_unread(const request_params& p, param_names known,
                                        bool is_signed) {
  size_t read = 0;
  for (auto& [k, v] : p.items()) {
    bool common = is_signed && (k == "timestamp" || k == "recvWindow" || k == "signature");
    if (common || std::find(known.begin(), known.end(), k) != known.end()) ++read;
  }
  if (read == p.size()) return std::nullopt;
  return venue_error{-1104, "Not all sent parameters were read; read '" + std::to_string(read)
                              + "' parameter(s) but was sent '" + std::to_string(p.size())
                              + "'.", 400};
}

std::variant<symbol, venue_error> read_symbol(const request_params& p,
                                              const matching_engine& engine) {
  auto text = p.get("symbol");
  if (!text || text->empty()) return missing_param("symbol");
  auto sym = symbol::parse(*text);
  if (!sym) return illegal_param("symbol", "^[A-Z0-9-_.]{1,20}$");
  if (!engine.rules(*sym)) return venue_error{-1121, "Invalid symbol.", 400};
  return *sym;
}

std::variant<std::optional<int64_t>, venue_error> read_id(const request_params& p,
                                                          std::string_view name) {
  auto text = p.get(name);
  if (!text) return std::optional<int64_t>{};
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (text->empty() || ec != std::errc() || ptr != text->data() + text->size() || v < 0)
    return illegal_param(name, "^[0-9]{1,20}$");
  return std::optional<int64_t>{v};
}

std::variant<int64_t, venue_error> read_limit(const request_params& p, int64_t fallback,
                                              int64_t max) {
  auto parsed = read_id(p, "limit");
  if (auto e = std::get_if<venue_error>(&parsed)) return *e;
  auto v = std::get<std::optional<int64_t>>(parsed);
  if (!v) return fallback;
  if (*v < 1) return illegal_param("limit", "^[1-9][0-9]{0,19}$");
  return std::min(*v, max);
}

} // namespace cwts::venue
