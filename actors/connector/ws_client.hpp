#pragma once
// One WebSocket client connection over plain TCP or over TLS, shared by the
// market stream, the user-data stream and WebSocket API order entry, so the
// connect sequence (resolve, TCP connect, TLS handshake with the venue's
// certificate verified, WebSocket handshake) exists once. With TLS the peer
// is checked against the CA file (the system's default paths when empty)
// and the host name or IP address (tls_transport.hpp: set_tls_peer_name,
// SNI for names); a peer that fails verification fails the TLS handshake,
// before any WebSocket byte (let alone a request) is sent.
//
// Per-frame operations are templates that forward to the Beast stream of
// the connection's kind, so the plain path costs what it did before.
//
// Own frames (the market streams, issue 21): constructed with
// ws_reader_limits, the client does the HTTP upgrade itself (Beast's HTTP
// parser, so no byte that came behind the 101 response is left in a
// buffer we cannot reach), then reads the next layer with one large
// read_some into a ws_frame_reader and hands every complete message of
// that read to a ws_message_sink in one handler (async_read_messages).
// Pings are answered, a close is answered and ends the read, a protocol
// error is counted with its reason and closes the connection (1002, 1007
// or 1009). Writes (text, ping, close) are masked client frames written by
// us, one at a time, from a bounded queue; async_write/async_close/
// async_ping/is_open/control_callback keep their meaning, so the
// reconnector and the write queue need not know which path runs. Beast's
// websocket read state is never used on that path (no mixing). Beast's
// idle timeout and keep-alive pings do not apply: such streams keep their
// own keepalive (market_feed.hpp: keepalive_watch).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "actors/connector/ws_frame_reader.hpp"

namespace cwts::connector {

// Which step of opening a connection failed.
enum class ws_open_step : uint8_t { none, resolve, connect, tls_handshake, ws_handshake };
const char* to_string(ws_open_step s);

// Where async_read_messages hands what one read brought (own frames).
class ws_message_sink {
public:
  virtual ~ws_message_sink() = default;
  // Bytes arrived; the messages among them follow.
  virtual void on_read_begin() = 0;
  // One complete message, valid only during the call.
  virtual void on_message(std::string_view payload, bool text) = 0;
  // After the read's last message (ec clear: call async_read_messages
  // again), or the read failed: the connection is over (a close, a
  // protocol error, a socket error).
  virtual void on_read_end(boost::system::error_code ec) = 0;
};

// What the own-frames path counts (any thread reads).
struct ws_reader_counters {
  std::atomic<uint64_t> reads{0};           // read_some completions
  std::atomic<uint64_t> bytes{0};           // bytes read after the handshake
  std::atomic<uint64_t> protocol_errors{0}; // frames refused (ws_frame_reader.hpp)
  std::atomic<uint64_t> fragmented{0};      // messages assembled from fragments
  std::atomic<uint64_t> pings_answered{0};
  std::atomic<uint64_t> write_overflows{0}; // writes refused: queue full
};

class ws_client {
public:
  using plain_ws = boost::beast::websocket::stream<boost::beast::tcp_stream>;
  using tls_ws = boost::beast::websocket::stream<boost::beast::ssl_stream<boost::beast::tcp_stream>>;
  using open_handler = std::function<void(boost::system::error_code, ws_open_step)>;

  // `tls` false: plain TCP. true: TLS verifying the venue against `ca_file`;
  // a CA file that cannot be loaded fails closed (every handshake fails;
  // the configs' validate() names the problem first).
  ws_client(boost::asio::io_context& ioc, bool tls, const std::string& ca_file);
  // Own frames (see above), within `limits`.
  ws_client(boost::asio::io_context& ioc, bool tls, const std::string& ca_file, ws_reader_limits limits);
  ws_client(const ws_client&) = delete;
  ws_client& operator=(const ws_client&) = delete;

  bool tls() const { return tls_ctx_ != nullptr; }
  bool own_frames() const { return own_ != nullptr; }

  // Own frames only: one read_some (or what came with the handshake), every
  // complete message in it to `sink`, then sink.on_read_end. One pending
  // at a time; `sink` outlives it.
  void async_read_messages(ws_message_sink& sink);
  // Own frames only (else empty / zero).
  const ws_reader_counters* reader_counters() const;
  std::string last_protocol_error() const;
  // Own frames: a fragmented message is open (its first frame came, its
  // last not yet). A keepalive counts no control frame then: pongs between
  // fragments that never end must not keep a connection that brings no
  // data (review finding 12). Always false on Beast's path.
  bool in_fragmented_message() const;

  // A fresh stream for a new connection (the previous one is dropped).
  void reset();
  // Resolve, connect and (TLS) handshake, each bounded by `connect_timeout`
  // from the call; then `ws_timeouts` (if any) apply and the WebSocket
  // handshake (Host: host:port, GET target) runs. Own frames: our upgrade
  // is bounded by that same deadline (the whole open within
  // connect_timeout, not twice it). `done` gets the first
  // error and the step it came from, or success and ws_open_step::none.
  void async_open(const std::string& host, uint16_t port, const std::string& target,
                  std::chrono::milliseconds connect_timeout,
                  std::optional<boost::beast::websocket::stream_base::timeout> ws_timeouts,
                  open_handler done);
  // Cancels a pending name resolution (shutdown).
  void cancel_resolve() { resolver_.cancel(); }

  bool has_stream() const { return stream_.has_value(); }
  // The TCP layer under either kind (timeouts, close).
  boost::beast::tcp_stream& tcp();
  // Closes the socket at once; pending operations fail.
  void close_socket();

  using write_handler = std::function<void(boost::system::error_code, std::size_t)>;

  // Calls f(stream) with the Beast websocket stream of this connection.
  template <class F>
  decltype(auto) visit(F&& f) {
    return std::visit(std::forward<F>(f), *stream_);
  }

  template <class Buffer, class Handler>
  void async_read(Buffer& buffer, Handler&& h) {
    visit([&](auto& s) { s.async_read(buffer, std::forward<Handler>(h)); });
  }
  template <class Buffers, class Handler>
  void async_write(const Buffers& b, Handler&& h) {
    if (own_) {
      std::string payload(boost::asio::buffer_size(b), '\0');
      boost::asio::buffer_copy(boost::asio::buffer(payload), b);
      return own_write(own_text_ ? ws_opcode::text : ws_opcode::binary, std::move(payload),
                       write_handler(std::forward<Handler>(h)));
    }
    visit([&](auto& s) { s.async_write(b, std::forward<Handler>(h)); });
  }
  template <class Handler>
  void async_close(boost::beast::websocket::close_reason reason, Handler&& h) {
    if (own_)
      return own_close(reason.code, write_handler([h = std::forward<Handler>(h)](
                                          boost::system::error_code ec, std::size_t) mutable { h(ec); }));
    visit([&](auto& s) { s.async_close(reason, std::forward<Handler>(h)); });
  }
  template <class Handler>
  void async_ping(boost::beast::websocket::ping_data payload, Handler&& h) {
    if (own_)
      return own_write(ws_opcode::ping, std::string(payload.data(), payload.size()),
                       write_handler([h = std::forward<Handler>(h)](
                                       boost::system::error_code ec, std::size_t) mutable { h(ec); }));
    visit([&](auto& s) { s.async_ping(payload, std::forward<Handler>(h)); });
  }
  template <class Callback>
  void control_callback(Callback cb) {
    if (own_)
      return own_control_callback(std::move(cb));
    visit([&](auto& s) { s.control_callback(cb); });
  }
  void text(bool on) {
    if (own_)
      own_text_ = on;
    else
      visit([&](auto& s) { s.text(on); });
  }
  bool is_open() {
    if (own_)
      return own_is_open();
    return visit([](auto& s) { return s.is_open(); });
  }

private:
  struct own_state; // ws_client_own.cpp
  struct own_deleter {
    void operator()(own_state* p) const;
  };

  void on_connected(boost::system::error_code ec);
  void ws_handshake();
  void finish(boost::system::error_code ec, ws_open_step step);
  // The own-frames path (ws_client_own.cpp).
  void own_handshake();
  void own_reset();
  void own_write(ws_opcode op, std::string payload, write_handler done);
  void own_close(uint16_t code, write_handler done);
  void own_control_callback(
    std::function<void(boost::beast::websocket::frame_type, boost::beast::string_view)> cb);
  void own_upgraded(boost::system::error_code ec);
  bool own_is_open();
  void own_socket_closed();

  boost::asio::io_context& ioc_;
  std::shared_ptr<boost::asio::ssl::context> tls_ctx_;
  boost::asio::ip::tcp::resolver resolver_;
  std::optional<std::variant<plain_ws, tls_ws>> stream_;
  // The open in progress.
  std::string host_, host_header_, target_;
  std::chrono::steady_clock::time_point deadline_{};
  std::optional<boost::beast::websocket::stream_base::timeout> ws_timeouts_;
  // Bounds our own upgrade and closing handshake (the connect timeout).
  std::chrono::milliseconds close_timeout_{};
  open_handler done_;
  std::unique_ptr<own_state, own_deleter> own_;
  bool own_text_ = true;
};

} // namespace cwts::connector
