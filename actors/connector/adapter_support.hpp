#pragma once
// Small pieces the venue adapters (binance_adapter.cpp, okx/okx_adapter.cpp)
// share.

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

} // namespace cwts::connector
