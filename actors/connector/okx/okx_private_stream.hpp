#pragma once
// OKX's private `orders` channel (docs-v5 "WebSocket / Private channel /
// Order channel"): one /ws/v5/private connection on its own thread.
//
//   disconnected --open--> connected --op login--> logged in --subscribe orders SPOT--> subscribed
//        ^                    |  error, refusal or no answer in time            |
//        +---- jittered backoff (ws_reconnector) <------------------------------+
//
// Each order update goes to on_order on the stream thread. Updates sent
// while it was down are lost: on_subscribed tells the owner each time the
// subscription is active again, so it can reconcile. A text "ping" every
// ping_interval keeps OKX from closing a quiet connection (30 s). Frames it
// cannot use are counted and skipped. Counters are atomics.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "actors/connector/okx/okx_codec.hpp"
#include "actors/connector/okx/okx_signer.hpp"
#include "actors/connector/private_stream_state.hpp"

namespace cwts::connector::okx {

struct okx_stream_config {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string target = "/ws/v5/private";
  bool tls = false;
  std::string ca_file;
  okx_credentials credentials;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds login_timeout{5000}; // login and subscribe answered within
  std::chrono::milliseconds ping_interval{20000};
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds max_connection_age{std::chrono::hours(23)};
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{5000};
  uint64_t jitter_seed = 0;
};

class okx_private_stream : public private_stream_state {
public:
  struct callbacks {
    std::function<void(const okx_order&)> on_order;
    // The orders channel is subscribed; `count` 1 for the first time.
    std::function<void(uint64_t count)> on_subscribed;
  };

  okx_private_stream(okx_stream_config cfg, callbacks cbs);
  ~okx_private_stream();
  okx_private_stream(const okx_private_stream&) = delete;
  okx_private_stream& operator=(const okx_private_stream&) = delete;

  void start();
  void stop(); // idempotent; joins the thread
  uint64_t logins() const { return logins_.load(); }
  uint64_t login_failures() const { return login_failures_.load(); }
  uint64_t malformed_frames() const { return malformed_.load(); }
  std::string last_error() const;

  struct impl;

private:
  std::unique_ptr<impl> impl_;
  std::atomic<uint64_t> logins_{0};
  std::atomic<uint64_t> login_failures_{0};
  std::atomic<uint64_t> malformed_{0};
};

} // namespace cwts::connector::okx
