#include "venue/okx/okx_ws_book.hpp"

#include <algorithm>

namespace cwts::venue::okx {

namespace {

bool same(const ws_level& a, const ws_level& b) {
  return a.px == b.px && a.sz == b.sz && a.orders == b.orders;
}

bool same(const ws_side& a, const ws_side& b) {
  return a.size() == b.size()
         && std::equal(a.begin(), a.end(), b.begin(),
                       [](const ws_level& x, const ws_level& y) { return same(x, y); });
}

// The side's top 400 keyed like books_channel::view.
std::map<int64_t, ws_level> current_view(const matching_engine& engine, symbol sym,
                                         order_side side) {
  std::map<int64_t, ws_level> out;
  for (auto& l : engine.depth(sym, side)) {
    if (out.size() == books_depth) break;
    out.emplace(side == order_side::buy ? -l.px.raw : l.px.raw, to_ws_level(l));
  }
  return out;
}

// The levels of `next` that differ from `prev`, and the levels of `prev`
// gone from `next` with size "0", best first.
ws_side diff(const std::map<int64_t, ws_level>& prev, const std::map<int64_t, ws_level>& next) {
  ws_side out;
  auto p = prev.begin();
  auto n = next.begin();
  while (p != prev.end() || n != next.end()) {
    if (n == next.end() || (p != prev.end() && p->first < n->first)) {
      out.push_back(ws_level{p->second.px, "0", 0});
      ++p;
    } else if (p == prev.end() || n->first < p->first) {
      out.push_back(n->second);
      ++n;
    } else {
      if (!same(p->second, n->second)) out.push_back(n->second);
      ++p;
      ++n;
    }
  }
  return out;
}

ws_side values(const std::map<int64_t, ws_level>& v) {
  ws_side out;
  out.reserve(v.size());
  for (auto& [key, level] : v)
    out.push_back(level);
  return out;
}

ws_side first(const std::map<int64_t, ws_level>& v, size_t n) {
  ws_side out;
  for (auto& [key, level] : v) {
    if (out.size() == n) break;
    out.push_back(level);
  }
  return out;
}

} // namespace

std::string books_channel::frame(std::string_view action, const ws_side& bids,
                                 const ws_side& asks, int32_t checksum, int64_t prev,
                                 int64_t now_ms, const std::string& inst) const {
  json_writer w;
  w.begin_object();
  write_channel_arg(w, "books", inst);
  w.field("action", action).key("data").begin_array().begin_object();
  write_ws_levels(w, "asks", asks);
  write_ws_levels(w, "bids", bids);
  w.field("ts", std::to_string(now_ms)).field_num("checksum", checksum)
    .field_num("prevSeqId", prev).field_num("seqId", seq_id_);
  w.end_object().end_array().end_object();
  return w.take();
}

books_channel::pushes books_channel::flush(const matching_engine& engine, symbol sym,
                                           const std::string& inst, int64_t now_ms,
                                           bool to_existing, bool to_fresh,
                                           const std::function<bool()>& corrupt) {
  pushes out;
  if (!to_existing && !to_fresh) return out;
  auto bids = current_view(engine, sym, order_side::buy);
  auto asks = current_view(engine, sym, order_side::sell);
  auto bid_changes = diff(bids_, bids);
  auto ask_changes = diff(asks_, asks);
  bool changed = !bid_changes.empty() || !ask_changes.empty();
  auto prev = seq_id_;
  bids_ = std::move(bids);
  asks_ = std::move(asks);
  if (changed || seq_id_ < 0)
    seq_id_ = std::max(engine.last_update_id(sym), seq_id_ + 1);
  auto checksum = book_checksum(first(bids_, checksum_depth), first(asks_, checksum_depth));
  bool keepalive = now_ms - last_push_ms_ >= books_keepalive_ms;
  if (to_existing && prev >= 0 && (changed || keepalive)) {
    auto sent = checksum;
    // okx-bad-checksum: any other value; flipping the low bit always differs.
    if (corrupt && corrupt()) sent = static_cast<int32_t>(static_cast<uint32_t>(checksum) ^ 1U);
    out.update = frame("update", bid_changes, ask_changes, sent, prev, now_ms, inst);
    last_push_ms_ = now_ms;
  }
  if (to_fresh) {
    out.snapshot = frame("snapshot", values(bids_), values(asks_), checksum, -1, now_ms, inst);
    last_push_ms_ = now_ms;
  }
  return out;
}

std::string top_channel::frame(const ws_side& bids, const ws_side& asks, int64_t seq,
                               const std::string& inst, int64_t now_ms) const {
  json_writer w;
  w.begin_object();
  write_channel_arg(w, channel_, inst);
  w.key("data").begin_array().begin_object();
  write_ws_levels(w, "asks", asks);
  write_ws_levels(w, "bids", bids);
  w.field("instId", inst).field("ts", std::to_string(now_ms)).field_num("seqId", seq);
  w.end_object().end_array().end_object();
  return w.take();
}

std::optional<std::string> top_channel::changed(const matching_engine& engine, symbol sym,
                                                const std::string& inst, int64_t now_ms) {
  auto bids = top_levels(engine, sym, order_side::buy, depth_);
  auto asks = top_levels(engine, sym, order_side::sell, depth_);
  if (pushed_ && same(bids, bids_) && same(asks, asks_)) return std::nullopt;
  pushed_ = true;
  bids_ = std::move(bids);
  asks_ = std::move(asks);
  return frame(bids_, asks_, engine.last_update_id(sym), inst, now_ms);
}

std::string top_channel::current(const matching_engine& engine, symbol sym,
                                 const std::string& inst, int64_t now_ms) const {
  return frame(top_levels(engine, sym, order_side::buy, depth_),
               top_levels(engine, sym, order_side::sell, depth_), engine.last_update_id(sym),
               inst, now_ms);
}

} // namespace cwts::venue::okx
