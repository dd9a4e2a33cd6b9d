#include "venue/rest_params.hpp"

#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

#include "venue/json_reader.hpp"

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

// `symbols=["A","B"]` (a JSON array of symbol names, rest-api.md).
namespace {

std::variant<std::vector<symbol>, venue_error> read_symbol_list(const std::string& text,
                                                                const matching_engine& engine) {
  auto parsed = parse_json(text);
  auto* list = std::get_if<json_value>(&parsed);
  if (!list || list->type != json_value::kind::array || list->items.empty())
    return illegal_param("symbols", "^\\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\\]$");
  std::vector<symbol> out;
  for (auto& item : list->items) {
    auto sym = item.type == json_value::kind::string ? symbol::parse(item.text) : std::nullopt;
    if (!sym || !engine.rules(*sym)) return venue_error{-1121, "Invalid symbol.", 400};
    // errors.md -1151 DUPLICATE_SYMBOLS.
    if (std::find(out.begin(), out.end(), *sym) != out.end())
      return venue_error{-1151, "Symbol is present multiple times in the list.", 400};
    out.push_back(*sym);
  }
  return out;
}

} // namespace

std::variant<std::vector<symbol>, venue_error> requested_symbols(const request_params& p,
                                                              const matching_engine& engine,
                                                              param_names extra) {
  std::vector<std::string_view> known{"symbol", "symbols"};
  known.insert(known.end(), extra.begin(), extra.end());
  size_t read = 0;
  for (auto& [k, v] : p.items())
    read += std::find(known.begin(), known.end(), k) != known.end();
  if (read != p.size())
    return venue_error{-1104, "Not all sent parameters were read; read '" + std::to_string(read)
                                + "' parameter(s) but was sent '" + std::to_string(p.size())
                                + "'.", 400};
  if (p.has("symbol") && p.has("symbols"))
    return venue_error{-1128, "Combination of optional parameters invalid.", 400};
  if (auto list = p.get("symbols")) return read_symbol_list(*list, engine);
  std::vector<symbol> out;
  if (p.has("symbol")) {
    auto sym = read_symbol(p, engine);
    if (auto e = std::get_if<venue_error>(&sym)) return *e;
    out.push_back(std::get<symbol>(sym));
    return out;
  }
  for (auto& r : engine.all_rules())
    out.push_back(r.sym);
  return out;
}

} // namespace cwts::venue
