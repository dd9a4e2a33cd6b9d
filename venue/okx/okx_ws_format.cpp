#include "venue/okx/okx_ws_format.hpp"

#include "common/crc32.hpp"

namespace cwts::venue::okx {

ws_level to_ws_level(const book_level& l) {
  return ws_level{wire_decimal(l.px), wire_decimal(l.quantity), static_cast<int64_t>(l.orders)};
}

ws_side top_levels(const matching_engine& engine, symbol sym, order_side side, size_t depth) {
  ws_side out;
  for (auto& l : engine.depth(sym, side)) {
    if (out.size() == depth) break;
    out.push_back(to_ws_level(l));
  }
  return out;
}

std::string checksum_text(const ws_side& bids, const ws_side& asks) {
  std::string text;
  auto add = [&text](const ws_level& l) {
    if (!text.empty()) text += ':';
    text += l.px;
    text += ':';
    text += l.sz;
  };
  for (size_t i = 0; i < checksum_depth; ++i) {
    if (i < bids.size()) add(bids[i]);
    if (i < asks.size()) add(asks[i]);
  }
  return text;
}

int32_t book_checksum(const ws_side& bids, const ws_side& asks) {
  // Two's complement reinterpretation: OKX sends the CRC as a signed int32.
  return static_cast<int32_t>(crc32(checksum_text(bids, asks)));
}

void write_ws_levels(json_writer& w, std::string_view key, const ws_side& levels) {
  w.key(key).begin_array();
  for (auto& l : levels)
    w.begin_array().str(l.px).str(l.sz).str("0").str(std::to_string(l.orders)).end_array();
  w.end_array();
}

void write_channel_arg(json_writer& w, std::string_view channel, std::string_view inst) {
  w.key("arg").begin_object().field("channel", channel).field("instId", inst).end_object();
}

} // namespace cwts::venue::okx
