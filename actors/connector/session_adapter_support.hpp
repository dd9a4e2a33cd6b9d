#pragma once
// What the session-backed venue adapters (okx/okx_adapter.cpp,
// kraken/kraken_adapter.cpp) do alike around their session: the dead-man's
// switch arming and refresh on the worker, the kill's log line, and the
// counters every such session keeps under the same names (metrics and tests
// read them).

#include <atomic>
#include <chrono>
#include <cstdint>

#include <spdlog/spdlog.h>

#include "actors/connector/venue_adapter.hpp"

namespace cwts::connector {

// On the worker: arms the venue's dead-man's switch with `after` (0
// disarms). `venue` prefixes the event name (okx_dead_man_failed...).
template <class Session>
void post_arm_dead_man(adapter_context& ctx, Session& session, std::chrono::milliseconds after,
                       const char* venue) {
  ctx.post([&session, after, venue] {
    if (!session.arm_dead_man(after.count() / 1000))
      spdlog::error("event={}_dead_man_failed timeout_ms={}", venue, after.count());
  });
}

// On the dead-man timer's tick: queues one refresh with the timeout armed
// now (`timeout_ms`, 0 when off); one at a time (`queued`, cleared when it
// runs), so a slow worker does not pile them up.
template <class Session>
void post_dead_man_refresh(adapter_context& ctx, Session& session,
                           const std::atomic<int64_t>& timeout_ms, std::atomic<bool>& queued,
                           const char* venue) {
  if (queued.exchange(true))
    return;
  ctx.post([&session, &timeout_ms, &queued, venue] {
    queued.store(false);
    auto ms = timeout_ms.load();
    if (ms > 0 && !session.arm_dead_man(ms / 1000))
      spdlog::error("event={}_dead_man_refresh_failed timeout_ms={}", venue, ms);
  });
}

// The kill's outcome on one line (event=<venue>_cancel_all).
inline void log_cancel_all(const char* venue, const kill_id& id, const channel_result& r) {
  spdlog::warn("event={}_cancel_all kill={} ok={} canceled={} open_after={} retries={} "
               "duration_us={} error=\"{}\"",
               venue, id.value, r.ok, r.orders_canceled, r.open_orders_after, r.retries,
               r.duration_ns / 1000, r.error);
}

// The session counters both adapters report under the same names.
template <class SessionCounters>
void add_session_counters(venue_adapter::counters& k, const SessionCounters& c) {
  k["orders_placed"] = c.orders_placed.load();
  k["venue_rejects"] = c.venue_rejects.load();
  k["unknown_outcomes"] = c.unknown_outcomes.load();
  k["unknown_outcomes_resolved"] = c.unknown_resolved.load();
  k["unresolved"] = c.unresolved.load();
  k["open_tracked"] = c.open_tracked.load();
  k["last_rtt_ns"] = c.last_rtt_ns.load();
  k["polls"] = c.polls.load();
  k["poll_reports"] = c.poll_reports.load();
  k["orders.ws"] = c.orders_ws.load();
  k["orders.rest"] = c.orders_rest.load();
  k["orders.ws_fallbacks"] = c.ws_fallbacks.load();
  k["amends"] = c.amends.load();
  k["dead_man.refreshes"] = c.dead_man_refreshes.load();
  k["dead_man.failures"] = c.dead_man_failures.load();
  k["stream_events"] = c.stream_events.load();
  k["stream_reports"] = c.stream_reports.load();
  k["stream_no_change"] = c.stream_no_change.load();
  k["stream_settled_order"] = c.stream_settled_order.load();
  k["stream_unknown_order"] = c.stream_unknown_order.load();
  k["fills_deduped"] = c.fills_deduped.load();
}

} // namespace cwts::connector
