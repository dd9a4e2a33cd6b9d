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

namespace cwts::connector {

// Which step of opening a connection failed.
enum class ws_open_step : uint8_t { none, resolve, connect, tls_handshake, ws_handshake };
const char* to_string(ws_open_step s);

class ws_client {
public:
  using plain_ws = boost::beast::websocket::stream<boost::beast::tcp_stream>;
  using tls_ws = boost::beast::websocket::stream<boost::beast::ssl_stream<boost::beast::tcp_stream>>;
  using open_handler = std::function<void(boost::system::error_code, ws_open_step)>;

  // `tls` false: plain TCP. true: TLS verifying the venue against `ca_file`;
  // a CA file that cannot be loaded fails closed (every handshake fails;
  // the configs' validate() names the problem first).
  ws_client(boost::asio::io_context& ioc, bool tls, const std::string& ca_file);

  bool tls() const { return tls_ctx_ != nullptr; }

  // A fresh stream for a new connection (the previous one is dropped).
  void reset();
  // Resolve, connect and (TLS) handshake, each bounded by `connect_timeout`
  // from the call; then `ws_timeouts` (if any) apply and the WebSocket
  // handshake (Host: host:port, GET target) runs. `done` gets the first
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
    visit([&](auto& s) { s.async_write(b, std::forward<Handler>(h)); });
  }
  template <class Handler>
  void async_close(boost::beast::websocket::close_reason reason, Handler&& h) {
    visit([&](auto& s) { s.async_close(reason, std::forward<Handler>(h)); });
  }
  template <class Handler>
  void async_ping(boost::beast::websocket::ping_data payload, Handler&& h) {
    visit([&](auto& s) { s.async_ping(payload, std::forward<Handler>(h)); });
  }
  template <class Callback>
  void control_callback(Callback cb) {
    visit([&](auto& s) { s.control_callback(cb); });
  }
  void text(bool on) {
    visit([&](auto& s) { s.text(on); });
  }
  bool is_open() {
    return visit([](auto& s) { return s.is_open(); });
  }

private:
  void on_connected(boost::system::error_code ec);
  void ws_handshake();
  void finish(boost::system::error_code ec, ws_open_step step);

  boost::asio::io_context& ioc_;
  std::shared_ptr<boost::asio::ssl::context> tls_ctx_;
  boost::asio::ip::tcp::resolver resolver_;
  std::optional<std::variant<plain_ws, tls_ws>> stream_;
  // The open in progress.
  std::string host_, host_header_, target_;
  std::chrono::steady_clock::time_point deadline_{};
  std::optional<boost::beast::websocket::stream_base::timeout> ws_timeouts_;
  open_handler done_;
};

} // namespace cwts::connector
