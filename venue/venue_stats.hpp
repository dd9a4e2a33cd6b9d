#pragma once
// Counters for the summary log line and GET /venue/stats (a venue admin
// endpoint, not part of Binance's API). Owned by the server's single thread.

#include <cstdint>
#include <map>
#include <string>

#include "venue/fault_plan.hpp"

namespace cwts::venue {

// Counts by an error's text (Kraken's "EOrder:Unknown order"...). Bounded:
// past `max_kinds` distinct texts the rest are counted under "other" (a text
// can carry a field name, which a client chooses).
class text_counts {
public:
  static constexpr size_t max_kinds = 64;
  void count(const std::string& text);
  const std::map<std::string, uint64_t>& by_text() const { return counts_; }
  uint64_t total() const { return total_; }
  // {"EAPI:Invalid nonce":2,...}
  std::string to_json() const;

private:
  std::map<std::string, uint64_t> counts_;
  uint64_t total_ = 0;
};

struct venue_stats {
  uint64_t requests = 0;
  uint64_t tape_trades = 0;    // tape prints executed
  uint64_t trades = 0;         // every public trade
  uint64_t account_fills = 0;  // trades with an account's order on a side
  uint64_t user_orders = 0;    // orders accepted from accounts
  uint64_t ws_clients = 0;
  uint64_t ws_dropped = 0;     // slow clients dropped on queue overflow
  uint64_t tls_handshake_failures = 0; // TLS listener: handshakes that failed
  std::map<int, uint64_t> rejects; // by Binance (and OKX) error code
  text_counts kraken_rejects;      // Kraken's error replies, REST and WS v2

  void count_reject(int code) { ++rejects[code]; }
  uint64_t total_rejects() const;
  // "-1022:3,-2011:1" (or "none"), for key=value log lines.
  std::string rejects_summary() const;
  // With the fault injection counters under "faults".
  std::string to_json(const fault_counters& faults = {}) const;
};

} // namespace cwts::venue
