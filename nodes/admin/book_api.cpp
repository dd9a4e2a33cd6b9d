#include "nodes/admin/book_api.hpp"

#include "nodes/admin/json_writer.hpp"
#include "nodes/admin/query_param.hpp"

namespace cwts::admin {

namespace {

using json::doc;
using json::kv;
using json::writer;

void levels(writer& w, const char* key, const std::vector<book_level>& side) {
  w.Key(key);
  w.StartArray();
  for (auto& l : side) {
    w.StartObject();
    kv(w, "price", l.px.to_string());
    kv(w, "qty", l.quantity.to_string());
    w.EndObject();
  }
  w.EndArray();
}

} // namespace

std::string api_book(const std::string& node, const order_book_snapshot& b,
                     const venue_name& venue) {
  return doc([&](writer& w) {
    kv(w, "node", node);
    kv(w, "venue", venue.value);
    kv(w, "symbol", b.symbol);
    kv(w, "synced", b.synced);
    kv(w, "crossed", b.crossed);
    kv(w, "update_id", b.update_id);
    kv(w, "last_frame_ns", b.last_frame_ns);
    kv(w, "age_ms", b.last_frame_ns == 0 ? int64_t{-1} : (b.taken_ns - b.last_frame_ns) / 1'000'000);
    kv(w, "taken_at_ns", b.taken_ns);
    levels(w, "bids", b.bids);
    levels(w, "asks", b.asks);
  });
}

venue_name book_venue(const std::string& query) {
  return venue_name{query_param(query, "venue").value_or("")};
}

std::optional<uint32_t> book_depth(const std::string& query, std::string& error) {
  auto text = query_param(query, "depth");
  if (!text)
    return default_book_depth;
  uint64_t n = 0;
  bool ok = !text->empty() && text->size() <= 6;
  for (char c : *text) {
    ok = ok && c >= '0' && c <= '9';
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (!ok || n < 1 || n > max_book_depth) {
    error = "depth must be 1.." + std::to_string(max_book_depth) + ", got '" + *text + "'";
    return std::nullopt;
  }
  return static_cast<uint32_t>(n);
}

} // namespace cwts::admin
