#pragma once
// Binance user-data stream over the WebSocket API (web-socket-api.md; the
// listenKey streams were retired on 2026-02-20): one WebSocket to
// /ws-api/v3 on its own thread.
//
//   disconnected --connect+handshake--> connected --subscribe.signature--> subscribed
//        ^                                  |  error / no answer in time       |
//        +------ jittered backoff <---------+----------------------------------+ frame error: counted
//
// On every connection it sends `userDataStream.subscribe.signature` (apiKey,
// recvWindow, timestamp, HMAC-SHA256 signature over the params sorted by
// name), then hands each executionReport, outboundAccountPosition and
// balanceUpdate to the
// callbacks, on the stream thread. Events sent while it was disconnected are
// lost: `on_subscribed` tells the owner each time a subscription is active
// again, so it can reconcile. Frames it cannot use are counted by reason and
// skipped; nothing already accepted is touched. Counters are atomics any
// thread may read.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "actors/connector/user_data_codec.hpp"
#include "actors/connector/private_stream_state.hpp"

namespace cwts::connector {

struct user_data_stream_config {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string target = "/ws-api/v3";
  // wss with the venue's certificate verified against ca_file (empty: the
  // system's default CA paths).
  bool tls = false;
  std::string ca_file;
  std::string api_key;
  std::string secret; // never logged
  int64_t recv_window_ms = 5000;
  // Bounds connect + WebSocket handshake, and the closing handshake.
  std::chrono::milliseconds connect_timeout{2000};
  // Time the venue has to answer the subscribe request.
  std::chrono::milliseconds subscribe_timeout{5000};
  // No frame and no pong for this long: the connection is dropped (Beast
  // pings once at half of it).
  std::chrono::milliseconds idle_timeout{60000};
  // web-socket-api.md: a connection is valid for 24 hours at most. Closed
  // by us before that and opened again at once (no backoff); events sent
  // between the two connections are lost, so the owner reconciles as after
  // any re-subscription.
  std::chrono::milliseconds max_connection_age{std::chrono::hours(23)};
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{5000};
  uint64_t jitter_seed = 0; // 0: seeded from std::random_device
};

// Empty when usable, else "<key>: <reason>".
std::string validate(const user_data_stream_config& cfg);

class user_data_stream : public private_stream_state {
public:
  struct callbacks {
    std::function<void(const execution_event&)> on_execution;
    std::function<void(const account_position&)> on_balances;
    std::function<void(const balance_delta&)> on_balance_delta;
    // A subscription is active; `count` is how many this stream has had
    // (1 for the first; more means events may have been missed between).
    std::function<void(uint64_t count)> on_subscribed;
  };

  user_data_stream(user_data_stream_config cfg, callbacks cbs);
  ~user_data_stream();
  user_data_stream(const user_data_stream&) = delete;
  user_data_stream& operator=(const user_data_stream&) = delete;

  void start();
  // Closes the socket from the stream's own thread and joins it. Idempotent.
  void stop();

  uint64_t subscribe_errors() const { return subscribe_errors_.load(); }
  // Connections closed by us at max_connection_age (also in reconnects()).
  uint64_t proactive_reconnects() const { return link_.proactive_reconnects.load(); }
  // balanceUpdate events decoded (also in events()).
  uint64_t balance_deltas() const { return balance_deltas_.load(); }
  uint64_t frame_errors(frame_issue issue) const {
    return issues_[static_cast<std::size_t>(issue)].load();
  }
  uint64_t frame_errors() const;
  // Wall-clock receive time of the last event (ns since epoch; 0 if none).
  int64_t last_event_ns() const { return last_event_ns_.load(); }
  // The last frame error or subscribe refusal, with its reason.
  std::string last_error() const;
  // The last subscribe refusal ("status=.. code=.. msg=.."), kept apart.
  std::string last_subscribe_error() const;

  struct impl;

private:
  std::unique_ptr<impl> impl_;
  std::atomic<uint64_t> subscribe_errors_{0};
  std::atomic<uint64_t> balance_deltas_{0};
  std::array<std::atomic<uint64_t>, frame_issue_count> issues_{};
  std::atomic<int64_t> last_event_ns_{0};
};

} // namespace cwts::connector
