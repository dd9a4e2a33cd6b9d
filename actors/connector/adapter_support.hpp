#pragma once
// Small pieces the venue adapters (binance_adapter.cpp, okx/okx_adapter.cpp)
// share.

#include <atomic>
#include <chrono>
#include <cstdint>

#include <spdlog/spdlog.h>

#include "actors/connector/binance_rest_gateway.hpp"
#include "actors/connector/venue_adapter.hpp"

namespace cwts::connector {

// The order channel's probe from the venue's answer to a cheap request (its
// server time): any reply, even an error, proves the venue answers; none is
// a failure.
template <class Reply>
channel_probe probe_answer(const Reply& t) {
  bool answered = t.kind == reply_kind::ok || t.kind == reply_kind::rejected;
  return channel_probe{answered, answered ? std::string{} : t.detail};
}

// A private stream's connections refused in the TLS handshake (a certificate
// that did not verify, a name mismatch): one error line per tick while the
// count grows. `logged`: the count last logged.
template <class Stream>
void log_tls_refusals(const Stream& s, const char* stream, uint64_t& logged) {
  if (s.tls_failures() == logged)
    return;
  logged = s.tls_failures();
  if (logged > 0)
    spdlog::error("event=venue_tls_refused stream={} count={} reason=\"{}\"", stream, logged,
                  s.last_error());
}

// On a poll tick: whether to queue a poll now. While the private stream is
// subscribed, polls are only the fallback (one per `streaming_interval`);
// one poll is queued at a time (`queued`, cleared when it runs).
inline bool poll_due(bool subscribed, std::chrono::milliseconds streaming_interval,
                     std::chrono::steady_clock::time_point& last_poll, std::atomic<bool>& queued) {
  auto now = std::chrono::steady_clock::now();
  if (subscribed && now - last_poll < streaming_interval)
    return false;
  if (queued.exchange(true))
    return false;
  last_poll = now;
  return true;
}

} // namespace cwts::connector
