#include "venue/stream_path.hpp"

#include <cctype>

namespace cwts::venue {

namespace {

std::optional<symbol> parse_trade_stream(std::string_view name) {
  constexpr std::string_view suffix = "@trade";
  if (name.size() <= suffix.size() || name.substr(name.size() - suffix.size()) != suffix)
    return std::nullopt;
  std::string upper;
  for (char c : name.substr(0, name.size() - suffix.size())) {
    // Stream names are lower-case (web-socket-streams.md).
    if (std::isupper(static_cast<unsigned char>(c))) return std::nullopt;
    upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return symbol::parse(upper);
}

} // namespace

std::optional<stream_request> parse_stream_target(std::string_view target) {
  stream_request r;
  if (target.substr(0, 4) == "/ws/") {
    auto s = parse_trade_stream(target.substr(4));
    if (!s) return std::nullopt;
    r.trade_symbols.push_back(*s);
    return r;
  }
  constexpr std::string_view prefix = "/stream?streams=";
  if (target.substr(0, prefix.size()) != prefix) return std::nullopt;
  r.combined = true;
  auto list = target.substr(prefix.size());
  while (!list.empty()) {
    auto slash = list.find('/');
    auto s = parse_trade_stream(list.substr(0, slash));
    if (!s) return std::nullopt;
    r.trade_symbols.push_back(*s);
    list = slash == std::string_view::npos ? std::string_view{} : list.substr(slash + 1);
  }
  if (r.trade_symbols.empty()) return std::nullopt;
  return r;
}

std::string trade_stream_name(symbol sym) {
  std::string out;
  for (char c : sym.view())
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out + "@trade";
}

} // namespace cwts::venue
