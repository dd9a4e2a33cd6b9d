#pragma once
// What a venue WebSocket stream reports about its link, kept by its
// ws_reconnector (ws_reconnector.hpp) and read by the stream's accessors
// from any thread. Apart, so the streams' headers stay free of Beast.

#include <atomic>
#include <cstdint>

namespace cwts::connector {

// What a stream reports about its link (its own accessors read these).
struct ws_link_counters {
  std::atomic<bool> connected{false};
  std::atomic<uint64_t> reconnects{0};           // losses followed by a new attempt
  std::atomic<uint64_t> proactive_reconnects{0}; // closed by us at max age (also in reconnects)
  std::atomic<uint64_t> tls_failures{0};         // attempts that failed the TLS handshake
};

} // namespace cwts::connector
