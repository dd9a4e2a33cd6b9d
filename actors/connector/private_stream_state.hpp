#pragma once
// What a venue's private WebSocket stream (Binance's user-data stream,
// user_data_stream.hpp; OKX's orders channel, okx/okx_private_stream.hpp)
// reports alike: its link, whether its subscription is active, and its
// counters, as atomics any thread may read (the stream thread writes them);
// and the venue-minus-local clock offset its requests are signed with.

#include <atomic>
#include <cstdint>

#include "actors/connector/ws_link_counters.hpp"

namespace cwts::connector {

class private_stream_state {
public:
  // Venue-minus-local clock offset added to the signed timestamp.
  void set_time_offset_ms(int64_t ms) { offset_ms_ = ms; }

  bool connected() const { return link_.connected.load(); }
  bool subscribed() const { return subscribed_.load(); }
  uint64_t reconnects() const { return link_.reconnects.load(); }
  // Connection attempts that failed in the TLS handshake (a certificate
  // that did not verify, a name mismatch): nothing was sent on them.
  uint64_t tls_failures() const { return link_.tls_failures.load(); }
  uint64_t frames() const { return frames_.load(); }
  uint64_t events() const { return events_.load(); }
  uint64_t subscriptions() const { return subscriptions_.load(); }

protected:
  std::atomic<int64_t> offset_ms_{0};
  ws_link_counters link_;
  std::atomic<bool> subscribed_{false};
  std::atomic<uint64_t> frames_{0};
  std::atomic<uint64_t> events_{0};
  std::atomic<uint64_t> subscriptions_{0};
};

} // namespace cwts::connector
