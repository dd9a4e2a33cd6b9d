#include "venue/stream_path.hpp"

#include <cctype>

namespace cwts::venue {

namespace {

struct suffix_kind {
  std::string_view suffix;
  stream_kind kind;
};

// Longest suffix first, so "@depth@100ms" is not read as "@depth".
constexpr suffix_kind suffixes[] = {
  {"@depth@100ms", stream_kind::depth_100ms},
  {"@depth@1000ms", stream_kind::depth_1000ms},
  {"@depth", stream_kind::depth_1000ms},
  {"@bookTicker", stream_kind::book_ticker},
  {"@aggTrade", stream_kind::agg_trade},
  {"@trade", stream_kind::trade},
};

std::string_view suffix_of(stream_kind kind) {
  switch (kind) {
    case stream_kind::trade: return "@trade";
    case stream_kind::agg_trade: return "@aggTrade";
    case stream_kind::depth_1000ms: return "@depth";
    case stream_kind::depth_100ms: return "@depth@100ms";
    case stream_kind::book_ticker: return "@bookTicker";
  }
  return "@trade";
}

std::optional<stream_id> parse_one(std::string_view name) {
  for (auto& [suffix, kind] : suffixes) {
    if (name.size() <= suffix.size() || name.substr(name.size() - suffix.size()) != suffix)
      continue;
    std::string upper;
    for (char c : name.substr(0, name.size() - suffix.size())) {
      // Symbols in stream names are lower-case (web-socket-streams.md).
      if (std::isupper(static_cast<unsigned char>(c))) return std::nullopt;
      upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
    auto sym = symbol::parse(upper);
    if (!sym) return std::nullopt;
    return stream_id{*sym, kind};
  }
  return std::nullopt;
}

} // namespace

std::optional<stream_id> parse_stream_name(std::string_view name) { return parse_one(name); }

std::optional<stream_request> parse_stream_target(std::string_view target) {
  stream_request r;
  if (target == "/ws" || target == "/ws/") return r;
  if (target == "/stream" || target == "/stream/") {
    r.combined = true;
    return r;
  }
  if (target.substr(0, 4) == "/ws/") {
    auto name = target.substr(4, target.find('?') == std::string_view::npos
                                   ? std::string_view::npos
                                   : target.find('?') - 4);
    if (auto s = parse_one(name))
      r.streams.push_back(*s);
    else
      r.unserved_name = std::string(name);
    return r;
  }
  constexpr std::string_view prefix = "/stream?streams=";
  if (target.substr(0, prefix.size()) != prefix) return std::nullopt;
  r.combined = true;
  auto list = target.substr(prefix.size());
  while (!list.empty()) {
    auto slash = list.find('/');
    auto s = parse_one(list.substr(0, slash));
    if (!s) return std::nullopt;
    r.streams.push_back(*s);
    list = slash == std::string_view::npos ? std::string_view{} : list.substr(slash + 1);
  }
  if (r.streams.empty()) return std::nullopt;
  return r;
}

std::string stream_name(const stream_id& id) {
  std::string out;
  for (char c : id.sym.view())
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out.append(suffix_of(id.kind));
}

std::string trade_stream_name(symbol sym) {
  return stream_name(stream_id{sym, stream_kind::trade});
}

} // namespace cwts::venue
