#include "venue/kraken/kraken_ws_format.hpp"

#include <ctime>

#include "common/crc32.hpp"
#include "common/kraken_names.hpp"
#include "venue/okx/okx_ws_format.hpp"

namespace cwts::venue::kraken {

int decimals_of(int64_t raw) {
  int decimals = 8;
  // Strip trailing zero digits of the 8-decimal fraction.
  while (decimals > 0 && raw % 10 == 0) {
    raw /= 10;
    --decimals;
  }
  return decimals;
}

std::string fixed_text(int64_t raw, int decimals) {
  bool negative = raw < 0;
  auto magnitude = static_cast<uint64_t>(negative ? -raw : raw);
  auto units = magnitude / static_cast<uint64_t>(decimal_scale);
  auto fraction = std::to_string(magnitude % static_cast<uint64_t>(decimal_scale));
  fraction.insert(0, 8 - fraction.size(), '0');
  auto text = (negative ? "-" : "") + std::to_string(units);
  if (decimals > 0) text += "." + fraction.substr(0, static_cast<size_t>(decimals));
  return text;
}

std::string json_number(int64_t raw) { return fixed_text(raw, decimals_of(raw)); }

std::string rfc3339(int64_t unix_ms) {
  auto seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char head[32] = {};
  std::strftime(head, sizeof head, "%Y-%m-%dT%H:%M:%S", &utc);
  auto micros = std::to_string((unix_ms % 1000) * 1000);
  micros.insert(0, 6 - micros.size(), '0');
  return std::string(head) + "." + micros + "Z";
}

pair_info pair_of(const symbol_rules& r) {
  auto names = kraken_pair(r.base_asset, r.quote_asset);
  return pair_info{r.sym,
                   names.v2_symbol,
                   kraken_v2_asset(r.base_asset),
                   kraken_v2_asset(r.quote_asset),
                   decimals_of(r.tick_size.raw),
                   decimals_of(r.step_size.raw)};
}

std::optional<pair_info> find_pair(const matching_engine& engine, std::string_view v2_symbol) {
  for (auto& r : engine.all_rules())
    if (kraken_pair(r.base_asset, r.quote_asset).v2_symbol == v2_symbol) return pair_of(r);
  return std::nullopt;
}

side_levels top_levels(const matching_engine& engine, symbol sym, order_side side, size_t depth) {
  side_levels out;
  for (auto& l : engine.depth(sym, side)) {
    if (out.size() == depth) break;
    out.push_back(level{l.px, l.quantity});
  }
  return out;
}

std::string checksum_field(int64_t raw, int decimals) {
  std::string digits;
  for (char c : fixed_text(raw, decimals))
    if (c != '.') digits += c;
  auto first = digits.find_first_not_of('0');
  // Kraken's rule leaves nothing of a zero; it never occurs in a book.
  return first == std::string::npos ? std::string() : digits.substr(first);
}

std::string checksum_text(const side_levels& asks, const side_levels& bids,
                          const pair_info& pair) {
  std::string text;
  auto add = [&](const side_levels& side) {
    for (size_t i = 0; i < side.size() && i < checksum_depth; ++i) {
      text += checksum_field(side[i].px.raw, pair.price_decimals);
      text += checksum_field(side[i].quantity.raw, pair.qty_decimals);
    }
  };
  add(asks);
  add(bids);
  return text;
}

uint32_t book_checksum(const side_levels& asks, const side_levels& bids, const pair_info& pair) {
  // zlib's CRC-32 (the OKX side's implementation; Kraken sends it unsigned).
  return crc32(checksum_text(asks, bids, pair));
}

void write_levels(json_writer& w, std::string_view key, const side_levels& levels) {
  w.key(key).begin_array();
  for (auto& l : levels) {
    w.begin_object().key("price").raw(json_number(l.px)).key("qty").raw(json_number(l.quantity));
    w.end_object();
  }
  w.end_array();
}

} // namespace cwts::venue::kraken
