#include "venue/market_feed.hpp"

namespace cwts::venue {

void depth_diff::record(order_side side, price px, int64_t update_id) {
  if (first_id_ == 0) first_id_ = update_id;
  last_id_ = update_id;
  (side == order_side::buy ? bids_ : asks_).insert(px.raw);
}

std::string depth_diff::flush(const matching_engine& engine, symbol sym, int64_t event_ms) {
  auto levels = [&](order_side side, const std::set<int64_t>& prices) {
    std::vector<book_level> out;
    for (auto raw : prices) {
      auto px = price::from_raw(raw);
      out.push_back(book_level{px, engine.level_quantity(sym, side, px), 0});
    }
    return out;
  };
  auto bids = levels(order_side::buy, bids_);
  std::vector<book_level> bids_desc(bids.rbegin(), bids.rend());
  json_writer w;
  // web-socket-streams.md "Diff. Depth Stream" payload.
  w.begin_object().field("e", "depthUpdate").field_num("E", event_ms).field("s", sym.view())
    .field_num("U", first_id_).field_num("u", last_id_);
  write_levels(w, "b", bids_desc);
  write_levels(w, "a", levels(order_side::sell, asks_));
  w.end_object();
  first_id_ = last_id_ = 0;
  bids_.clear();
  asks_.clear();
  return w.take();
}

market_feed::market_feed(matching_engine& engine) : engine_(engine) {
  engine_.on_book_change([this](symbol sym, order_side side, price px, int64_t id) {
    slow_[sym].record(side, px, id);
    fast_[sym].record(side, px, id);
  });
  engine_.on_trade([this](const public_trade& t) {
    auto& p = pending_aggs_;
    if (!p.empty() && p.back().first.sym == t.sym && p.back().first.px == t.px
        && p.back().first.taker_order_id == t.taker_order_id) {
      p.back().last_id = t.trade_id;
      p.back().quantity += t.quantity;
      return;
    }
    p.push_back(agg_trade{t, t.trade_id, t.quantity});
  });
}

std::vector<stream_event> market_feed::agg_trades(int64_t now_ms) {
  std::vector<stream_event> out;
  for (auto& a : pending_aggs_) {
    auto& id = next_agg_id_[a.first.sym];
    json_writer w;
    // web-socket-streams.md "Aggregate Trade Streams" payload.
    w.begin_object().field("e", "aggTrade").field_num("E", now_ms)
      .field("s", a.first.sym.view()).field_num("a", ++id)
      .field("p", a.first.px.to_string()).field("q", a.quantity.to_string())
      .field_num("f", a.first.trade_id).field_num("l", a.last_id)
      .field_num("T", a.first.time_ms).field_bool("m", a.first.buyer_is_maker)
      .field_bool("M", true).end_object();
    out.push_back(stream_event{stream_id{a.first.sym, stream_kind::agg_trade}, w.take()});
  }
  pending_aggs_.clear();
  return out;
}

std::vector<stream_event> market_feed::flush_depth(stream_kind cadence, int64_t now_ms) {
  auto& diffs = cadence == stream_kind::depth_100ms ? fast_ : slow_;
  std::vector<stream_event> out;
  for (auto& [sym, diff] : diffs)
    if (!diff.empty())
      out.push_back(stream_event{stream_id{sym, cadence}, diff.flush(engine_, sym, now_ms)});
  return out;
}

std::vector<stream_event> market_feed::book_ticker_changes() {
  std::vector<stream_event> out;
  for (auto& r : engine_.all_rules()) {
    auto top = top_of(engine_, r.sym);
    auto it = tops_.find(r.sym);
    if (it != tops_.end() && it->second == top) continue;
    tops_[r.sym] = top;
    out.push_back(stream_event{stream_id{r.sym, stream_kind::book_ticker},
                               book_ticker_event_json(r.sym, top,
                                                      engine_.last_update_id(r.sym))});
  }
  return out;
}

} // namespace cwts::venue
