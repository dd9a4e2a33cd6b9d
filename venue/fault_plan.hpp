#pragma once
// Fault injection for cwts-venue (docs/venue.md "Fault injection"): the faults
// an operator arms from the [faults] config section or at run time through
// POST /venue/faults, and the counters of what was injected. Transport-free:
// the REST surface and the server ask the plan at each decision point
// ("delay this reply?", "reject this order?", "withhold this depth event?")
// and the plan answers and counts. Thread-safe (one mutex), so an admin
// request can never see half of an update.
//
// Settings (the same names in config and on the admin endpoint):
//   latency-ms N            every REST reply waits N ms (0 turns it off)
//   reject-orders N         the next N orders are refused with reject-code
//   reject-code C           -1003, -1021 or -2010 (errors.md wording)
//   unavailable-requests N  the next N REST requests get HTTP 503 -1007
//   unavailable-executes B  whether such a request is still executed
//   malformed-frames N      the next N market-stream events are each
//                           preceded by a truncated JSON frame
//   depth-gaps N            the next N depthUpdate events are withheld, so
//                           the following event's U skips an id range
//   out-of-order N          the next N market-stream events are each held
//                           back and sent just after the next event of the
//                           same stream (a later event arrives first)
//   ws-api-latency-ms N     every WebSocket API response waits N ms
//   ws-api-unavailable N    the next N WebSocket API requests are answered
//                           status 503 -1007 (unavailable-executes applies);
//                           on OKX connections the next N order ops are
//                           answered code 50001
//   okx-bad-checksum N      the next N OKX `books` update pushes carry a
//                           wrong checksum, so a client must detect it and
//                           resubscribe (counted per push)
//   kraken-bad-checksum N   the next N Kraken WS v2 `book` update messages
//                           carry a wrong checksum (counted per message)
// On OKX connections (nodes/venue/okx_ws_hub.hpp): malformed-frames, stall-ms
// and ws-drop act on /ws/v5/public and /business pushes as on market
// streams; ws-api-latency-ms, ws-api-unavailable and ws-api-drop on
// /ws/v5/private as on the WebSocket API. depth-gaps and out-of-order are
// Binance-only (an OKX client sees gaps through seqId/prevSeqId).
// On Kraken WS v2 connections (nodes/venue/kraken_ws_hub.hpp, path /v2):
// malformed-frames and stall-ms act on public pushes, ws-drop closes the
// /v2 connections without a private subscription and ws-api-drop those with
// one (executions, balances), ws-api-latency-ms and ws-api-unavailable act on
// the order methods (add_order, cancel_order...).
// Actions (admin endpoint only; a config is read before any client exists):
//   ws-drop true            close every market-stream connection now
//   ws-api-drop true        close every WebSocket API connection now
//   stall-ms N              hold market-stream events for N ms, then send them
//   reset true              disarm everything (counters are kept)

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "venue/order_types.hpp"

namespace cwts::venue {

// What was injected since start (GET /venue/stats "faults").
struct fault_counters {
  uint64_t delayed_replies = 0;
  uint64_t rejected_orders = 0;
  uint64_t unavailable_replies = 0;
  uint64_t ws_drops = 0;          // connections closed by ws-drop
  uint64_t stalls = 0;
  uint64_t malformed_frames = 0;  // events preceded by a malformed frame
  uint64_t depth_gaps = 0;        // depthUpdate events withheld
  uint64_t out_of_order = 0;      // events sent after a later one
  uint64_t ws_api_delayed = 0;    // WebSocket API responses delayed
  uint64_t ws_api_unavailable = 0; // WebSocket API requests answered 503
  uint64_t ws_api_drops = 0;      // WebSocket API connections closed
  uint64_t okx_bad_checksums = 0; // OKX books updates sent with a wrong checksum
  uint64_t kraken_bad_checksums = 0; // Kraken book updates sent with a wrong checksum
};

// Where a setting comes from: config refuses the actions.
enum class fault_source { config, admin };

using fault_settings = std::vector<std::pair<std::string, std::string>>;

class fault_plan {
public:
  // Validates every setting, then applies them all, or none: the reason of
  // the first bad one ("latency-ms: must be an integer in [0, 60000], got
  // 'x'") otherwise.
  std::optional<std::string> apply(const fault_settings& settings, fault_source from);

  // Decision points; each one that fires is counted.
  int64_t take_latency_ms();
  std::optional<venue_error> take_order_reject(int64_t request_weight_limit);
  // nullopt: serve normally; otherwise whether the request is still executed.
  std::optional<bool> take_unavailable();
  bool take_ws_drop();
  int64_t take_stall_ms();
  bool take_malformed_frame();
  bool take_depth_gap();
  void count_ws_drops(uint64_t connections);
  bool take_out_of_order();
  void count_out_of_order();
  int64_t take_ws_api_latency_ms();
  std::optional<bool> take_ws_api_unavailable();
  bool take_ws_api_drop();
  void count_ws_api_drops(uint64_t connections);
  bool take_okx_bad_checksum();
  bool take_kraken_bad_checksum();

  fault_counters counters() const;
  // {"armed":{…},"counters":{…}} for GET /venue/faults.
  std::string to_json() const;

private:
  struct armed {
    int64_t latency_ms = 0;
    int64_t reject_orders = 0;
    int reject_code = -2010;
    int64_t unavailable_requests = 0;
    bool unavailable_executes = false;
    int64_t malformed_frames = 0;
    int64_t depth_gaps = 0;
    bool ws_drop = false;
    int64_t stall_ms = 0;
    int64_t out_of_order = 0;
    int64_t ws_api_latency_ms = 0;
    int64_t ws_api_unavailable = 0;
    bool ws_api_drop = false;
    int64_t okx_bad_checksum = 0;
    int64_t kraken_bad_checksum = 0;
  };
  static std::optional<std::string> set(armed& a, const std::string& key,
                                        const std::string& value, fault_source from);

  mutable std::mutex mutex_;
  armed armed_;
  fault_counters counters_;
};

// The HTTP 503 body for an injected "execution status unknown" (errors.md
// -1007 TIMEOUT).
venue_error unavailable_error();

// fault_counters as a JSON object (for /venue/stats and /venue/faults).
std::string fault_counters_json(const fault_counters& c);

} // namespace cwts::venue
