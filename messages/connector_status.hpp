#pragma once
// What a connector says about its venue link, asked with
// `connector_status_atom` by the admin port: /readyz's venue_connected and
// market_data_fresh and the venue_disconnected health rule decide on these
// fields (docs/monitoring.md "/readyz"). A typed answer, not counters read
// by their names: renaming a metric cannot make a node with its venue down
// look ready (issue 17 finding 11). The same facts stay exported as counters
// (stream_connected, venue_lost_now, venue_disconnected, book.synced.<SYM>)
// for dashboards.

#include <vector>

#include "caf/meta/type_name.hpp"

#include "messages/symbol.hpp"

namespace cwts {

struct connector_status {
  // The market stream is connected (the order channel, REST or the FIX
  // session, is judged by `venue_lost`).
  bool connected = false;
  // The lost-venue condition holds now (venue_liveness; not the latch that
  // stays set while halted); false when the auto-trigger is off.
  bool venue_lost = false;
  // A level-4 kill keeps the venue cut until a reset.
  bool disconnected = false;
  // Symbols whose local order book is kept (depth on) but not in sync with
  // the venue's.
  std::vector<symbol> unsynced_books{};
  // Age of the stalest symbol's newest market-data frame in ms (/readyz
  // market_data_fresh, the market_data_stale health rule); -1 while no
  // symbol has had a frame.
  int64_t feed_age_ms = -1;
};

// Whether the connector reaches its venue: stream up, not lost, not cut.
inline bool venue_up(const connector_status& s) {
  return s.connected && !s.venue_lost && !s.disconnected;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, connector_status& x) {
  return f(caf::meta::type_name("connector_status"), x.connected, x.venue_lost, x.disconnected,
           x.unsynced_books, x.feed_age_ms);
}

} // namespace cwts
