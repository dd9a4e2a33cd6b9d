#pragma once
// Kraken's private `executions` channel (docs.kraken.com Spot WebSocket v2
// "executions"): one /v2 connection on its own thread.
//
//   disconnected --open--> connected --token, subscribe executions--> subscribed
//        ^                    |  refusal, no token or no answer in time     |
//        +---- jittered backoff (ws_reconnector) <--------------------------+
//
// A fresh token (GetWebSocketsToken, through `token_source`: the worker's
// REST client) is fetched for every connection; a subscribed connection
// keeps its session. Each item goes to on_execution on the stream thread;
// items sent while it was down are lost: on_subscribed tells the owner each
// time the subscription is active again, so it can reconcile. An
// application {"method":"ping"} every ping_interval keeps the connection
// busy; heartbeat, status and pong frames are skipped. Frames it cannot use
// are counted and skipped. Counters are atomics.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "actors/connector/kraken/kraken_codec.hpp"
#include "actors/connector/kraken/kraken_rest.hpp"
#include "actors/connector/private_stream_state.hpp"

namespace cwts::connector::kraken {

struct kraken_stream_config {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string target = "/v2";
  bool tls = false;
  std::string ca_file;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds login_timeout{5000}; // token and subscribe answered within
  std::chrono::milliseconds ping_interval{20000};
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds max_connection_age{std::chrono::hours(23)};
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{5000};
  uint64_t jitter_seed = 0;
};

class kraken_private_stream : public private_stream_state {
public:
  struct callbacks {
    // Blocks (bounded) for a token; an error leaves the connection to retry.
    std::function<kraken_reply<kraken_token>()> token_source;
    std::function<void(const kraken_execution&)> on_execution;
    // The executions channel is subscribed; `count` 1 for the first time.
    std::function<void(uint64_t count)> on_subscribed;
  };

  kraken_private_stream(kraken_stream_config cfg, callbacks cbs);
  ~kraken_private_stream();
  kraken_private_stream(const kraken_private_stream&) = delete;
  kraken_private_stream& operator=(const kraken_private_stream&) = delete;

  void start();
  void stop(); // idempotent; joins the thread
  uint64_t token_fetches() const { return token_fetches_.load(); }
  uint64_t subscribe_failures() const { return subscribe_failures_.load(); }
  uint64_t malformed_frames() const { return malformed_.load(); }
  std::string last_error() const;

  struct impl;

private:
  std::unique_ptr<impl> impl_;
  std::atomic<uint64_t> token_fetches_{0};
  std::atomic<uint64_t> subscribe_failures_{0};
  std::atomic<uint64_t> malformed_{0};
};

} // namespace cwts::connector::kraken
