#include "venue/kraken/kraken_ws_book.hpp"

namespace cwts::venue::kraken {

namespace {

std::map<int64_t, level> current_view(const matching_engine& engine, symbol sym,
                                      order_side side, size_t depth) {
  std::map<int64_t, level> out;
  for (auto& l : top_levels(engine, sym, side, depth))
    out.emplace(side == order_side::buy ? -l.px.raw : l.px.raw, l);
  return out;
}

// The levels of `next` that differ from `prev`, and those of `prev` gone
// from `next` with qty 0, best first.
side_levels diff(const std::map<int64_t, level>& prev, const std::map<int64_t, level>& next) {
  side_levels out;
  auto p = prev.begin();
  auto n = next.begin();
  while (p != prev.end() || n != next.end()) {
    if (n == next.end() || (p != prev.end() && p->first < n->first)) {
      out.push_back(level{p->second.px, qty{}});
      ++p;
    } else if (p == prev.end() || n->first < p->first) {
      out.push_back(n->second);
      ++n;
    } else {
      if (!(p->second == n->second)) out.push_back(n->second);
      ++p;
      ++n;
    }
  }
  return out;
}

side_levels first(const std::map<int64_t, level>& v, size_t n) {
  side_levels out;
  for (auto& [key, l] : v) {
    if (out.size() == n) break;
    out.push_back(l);
  }
  return out;
}

} // namespace

bool valid_book_depth(int64_t depth) {
  return depth == 10 || depth == 25 || depth == 100 || depth == 500 || depth == 1000;
}

std::string book_channel::frame(std::string_view type, const pair_info& pair,
                                 const side_levels& bids, const side_levels& asks,
                                 uint32_t checksum, int64_t now_ms) const {
  json_writer w;
  w.begin_object().field("channel", "book").field("type", type).key("data").begin_array();
  w.begin_object().field("symbol", pair.v2_symbol);
  write_levels(w, "bids", bids);
  write_levels(w, "asks", asks);
  w.field_num("checksum", static_cast<int64_t>(checksum)).field("timestamp", rfc3339(now_ms));
  w.end_object().end_array().end_object();
  return w.take();
}

book_channel::pushes book_channel::flush(const matching_engine& engine, const pair_info& pair,
                                         int64_t now_ms, bool to_existing, bool to_fresh,
                                         const std::function<bool()>& corrupt) {
  pushes out;
  if (!to_existing && !to_fresh) return out;
  auto bids = current_view(engine, pair.sym, order_side::buy, depth_);
  auto asks = current_view(engine, pair.sym, order_side::sell, depth_);
  auto bid_changes = diff(bids_, bids);
  auto ask_changes = diff(asks_, asks);
  bids_ = std::move(bids);
  asks_ = std::move(asks);
  auto checksum = book_checksum(first(asks_, checksum_depth), first(bids_, checksum_depth), pair);
  if (to_existing && (!bid_changes.empty() || !ask_changes.empty())) {
    auto sent = checksum;
    // kraken-bad-checksum: flipping the low bit always gives another value.
    if (corrupt && corrupt()) sent ^= 1U;
    out.update = frame("update", pair, bid_changes, ask_changes, sent, now_ms);
  }
  if (to_fresh)
    out.snapshot = frame("snapshot", pair, first(bids_, depth_), first(asks_, depth_), checksum,
                         now_ms);
  return out;
}

} // namespace cwts::venue::kraken
