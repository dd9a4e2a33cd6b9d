#pragma once
// The reconnecting half of every venue WebSocket stream (market data, user
// data): it opens the connection, closes it itself at max_connection_age
// (the venue's 24 h limit; reopened at once), and when the connection is
// lost opens it again after a jittered exponential backoff, until stopped.
// The stream keeps its protocol: what it sends once open, how it reads,
// when its session counts as healthy (reset_backoff), what it clears on a
// loss. One copy of this logic for every stream (issue 18).
//
// Runs on the stream's io thread; the counters are read from any thread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/websocket/stream_base.hpp>

#include "actors/connector/backoff.hpp"
#include "actors/connector/ws_client.hpp"
#include "actors/connector/ws_link_counters.hpp"

namespace cwts::connector {

struct ws_link_settings {
  std::string host;
  uint16_t port = 0;
  std::string target;
  std::chrono::milliseconds connect_timeout{};
  std::chrono::milliseconds backoff_initial{};
  std::chrono::milliseconds backoff_max{};
  std::chrono::milliseconds max_connection_age{};
  uint64_t jitter_seed = 0; // 0: random
  // Beast's timeouts once the connection is open (handshake, idle, pings).
  boost::beast::websocket::stream_base::timeout timeouts{};
};

// The link settings every stream config names alike (host, port, timeouts,
// backoff, max age, jitter seed); the stream adds Beast's timeouts.
template <class StreamConfig>
ws_link_settings link_settings_of(const StreamConfig& cfg, std::string target) {
  ws_link_settings s;
  s.host = cfg.host;
  s.port = cfg.port;
  s.target = std::move(target);
  s.connect_timeout = cfg.connect_timeout;
  s.backoff_initial = cfg.backoff_initial;
  s.backoff_max = cfg.backoff_max;
  s.max_connection_age = cfg.max_connection_age;
  s.jitter_seed = cfg.jitter_seed;
  s.timeouts.handshake_timeout = cfg.connect_timeout;
  return s;
}

// The same, for a stream that keeps its own keepalive: neither Beast's idle
// timeout nor its control pings.
template <class StreamConfig>
ws_link_settings link_settings_own_keepalive(const StreamConfig& cfg, std::string target) {
  auto s = link_settings_of(cfg, std::move(target));
  s.timeouts.idle_timeout = boost::beast::websocket::stream_base::none();
  s.timeouts.keep_alive_pings = false;
  return s;
}

// The same, for a stream that leaves the keepalive to Beast: its idle
// timeout (cfg.idle_timeout) and its control pings.
template <class StreamConfig>
ws_link_settings link_settings_beast_keepalive(const StreamConfig& cfg, std::string target) {
  auto s = link_settings_of(cfg, std::move(target));
  s.timeouts.idle_timeout = cfg.idle_timeout;
  s.timeouts.keep_alive_pings = true;
  return s;
}

// A stream's stop(): the shutdown posted to the stream's thread (a graceful
// close when connected, bounded by the handshake timeout), the thread
// joined, waited for no longer than the connect timeout and half a second
// more; the link then reads as down.
template <class StreamImpl>
void stop_stream(StreamImpl& impl, ws_link_counters& link) {
  impl.runner.stop([&impl] { impl.shutdown(); },
                   impl.cfg.connect_timeout + std::chrono::milliseconds(500));
  link.connected = false;
}

// Why a connection attempt failed: "<step>: <reason>".
inline std::string open_failure(ws_open_step step, boost::system::error_code ec) {
  return std::string(to_string(step)) + ": " + ec.message();
}

// The reconnect settings every stream config names alike, checked once for
// all of them: empty, or what is wrong (for the stream's validate()).
template <class StreamConfig>
std::string validate_reconnect(const StreamConfig& cfg) {
  if (cfg.backoff_initial.count() <= 0 || cfg.backoff_max < cfg.backoff_initial)
    return "backoff_initial/backoff_max: need 0 < initial <= max";
  if (cfg.max_connection_age.count() <= 0 || cfg.max_connection_age > std::chrono::hours(24))
    return "max_connection_age: must be 1 ms .. 24 h (the venue's limit)";
  return {};
}

class ws_reconnector {
public:
  // Called after every open attempt: `ec` set (and counted) when it
  // failed, and the stream then calls lost(); on success the link is
  // connected and the stream starts its session.
  using open_handler = std::function<void(boost::system::error_code, ws_open_step)>;

  ws_reconnector(boost::asio::io_context& ioc, ws_client& ws, ws_link_settings settings,
                 ws_link_counters& counters, open_handler on_open);

  // Opens the connection (the first time, or again).
  void open();

  // The connection is lost (a failed open, a read or write error, our own
  // close at max age). False when this loss was already handled (several
  // pending operations fail together); else the next attempt is scheduled.
  bool lost();

  // The session proved healthy: the next loss starts the backoff afresh.
  void reset_backoff() { retry_.reset(); }

  // Stops reconnecting; a graceful close when connected, else the socket is
  // closed at once.
  void shutdown();

  bool stopping() const { return stopping_; }
  // Counts opened connections: a timer armed for one connection checks it.
  uint64_t generation() const { return generation_; }
  bool connected() const { return counters_.connected.load(); }

private:
  void watch_age(uint64_t gen);

  ws_client& ws_;
  ws_link_settings settings_;
  ws_link_counters& counters_;
  open_handler on_open_;
  backoff retry_;
  boost::asio::steady_timer reconnect_timer_;
  boost::asio::steady_timer age_timer_;
  uint64_t generation_ = 0;
  bool live_ = false;      // an attempt or a connection is in progress
  bool aging_out_ = false; // our own close at max age: reopen at once
  bool stopping_ = false;
};

} // namespace cwts::connector
