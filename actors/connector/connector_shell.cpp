#include "actors/connector/connector_shell.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "common/order_gate.hpp"

namespace cwts::connector {

connector_status make_connector_status(const market_source* stream, bool venue_lost,
                                       bool disconnected) {
  connector_status out;
  out.connected = stream != nullptr && stream->connected();
  out.venue_lost = venue_lost;
  out.disconnected = disconnected;
  if (stream == nullptr)
    return out;
  bool depth_on = stream->keeps_books();
  auto now = wall_clock_now().ns;
  for (std::size_t i = 0; i < stream->symbols().size(); ++i) {
    if (depth_on && !stream->book_synced(i))
      out.unsynced_books.push_back(stream->symbols()[i]);
    if (auto last = stream->last_frame_ns(i); last != 0)
      out.feed_age_ms = std::max(out.feed_age_ms, (now - last) / 1'000'000);
  }
  return out;
}

order_book_snapshot take_book_snapshot(market_source* stream, const std::vector<symbol>& symbols,
                                       const std::optional<kill_id>& stopped_by,
                                       const std::string& sym, uint32_t depth) {
  order_book_snapshot out;
  out.symbol = sym;
  out.taken_ns = wall_clock_now().ns;
  auto i = std::find_if(symbols.begin(), symbols.end(), [&](const symbol& s) { return s.str() == sym; });
  if (i == symbols.end()) {
    std::string known;
    for (auto& s : symbols)
      known += (known.empty() ? "" : ",") + s.str();
    out.error = "symbol '" + sym + "' is not traded by this connector (symbols: " + known + ")";
    return out;
  }
  out.known = true;
  if (stopped_by) {
    out.error = "market data stopped by full-stop kill " + stopped_by->value;
    return out;
  }
  if (!stream || !stream->keeps_books()) {
    out.error = "no local order book: the depth stream is off";
    return out;
  }
  auto view = stream->book(*i, std::min<uint32_t>(depth, 1000), std::chrono::milliseconds(250));
  if (!view) {
    out.error = "the market data thread did not answer in 250 ms";
    return out;
  }
  out.synced = view->synced;
  out.crossed = view->crossed;
  out.update_id = view->update_id;
  out.last_frame_ns = stream->last_frame_ns(static_cast<std::size_t>(i - symbols.begin()));
  for (auto& l : view->bids)
    out.bids.push_back(book_level{l.px, l.quantity});
  for (auto& l : view->asks)
    out.asks.push_back(book_level{l.px, l.quantity});
  return out;
}

std::vector<adapter_output> place_fenced(venue_adapter& adapter, order_fence& fence,
                                         const kill_gate* gate, const order_request& req) {
  auto v = fence.admit(req, lease_clock_ns());
  if (v.admitted())
    return adapter.place(req, gate == nullptr || gate_admits(*gate, req));
  auto why = fence.describe(v);
  if (v.first_of_stretch)
    spdlog::warn("event=order_refused_lease role={} reason={} id={} order_epoch={} bar={} "
                 "detail=\"{}\"", fence.role(), to_string(v.reason()), req.id.value,
                 v.order_epoch, v.bar, why);
  return {order_reject{req.id, req.sym, v.reason(), std::move(why), wall_clock_now(), req.venue}};
}

namespace {

template <class Request>
bool refuse_foreign(const caf::actor_addr& me, oms_outbox& to, const Request& r, const char* what) {
  if (r.venue == to.venue())
    return false;
  ++to.foreign_refused;
  spdlog::warn("event=foreign_venue_refused what={} id={} venue={} this_venue={}", what,
               r.id.value, r.venue.value, to.venue().value);
  send_as_connector(me, to,
                    order_reject{r.id, r.sym, reject_reason::venue_not_connected,
                                 std::string(what) + " for venue '" + r.venue.value
                                   + "' reached the connector of '" + to.venue().value + "'",
                                 wall_clock_now(), r.venue});
  return true;
}

} // namespace

bool refused_foreign_venue(const caf::actor_addr& me, oms_outbox& to, const order_request& req) {
  return refuse_foreign(me, to, req, "order");
}

bool refused_foreign_venue(const caf::actor_addr& me, oms_outbox& to, const cancel_request& c) {
  return refuse_foreign(me, to, c, "cancel");
}

} // namespace cwts::connector
