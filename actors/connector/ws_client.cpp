#include "actors/connector/ws_client.hpp"

#include <utility>

#include "actors/connector/tls_transport.hpp"

namespace cwts::connector {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

const char* to_string(ws_open_step s) {
  switch (s) {
    case ws_open_step::none: return "none";
    case ws_open_step::resolve: return "resolve";
    case ws_open_step::connect: return "connect";
    case ws_open_step::tls_handshake: return "tls_handshake";
    case ws_open_step::ws_handshake: return "ws_handshake";
  }
  return "?";
}

ws_client::ws_client(asio::io_context& ioc, bool tls, const std::string& ca_file)
  : ioc_(ioc), resolver_(ioc) {
  if (tls)
    tls_ctx_ = make_verifying_tls_context(ca_file);
}

void ws_client::reset() {
  stream_.reset(); // first: its pending operations end before our buffers go
  if (own_)
    own_reset();
  if (tls_ctx_)
    stream_.emplace(std::in_place_index<1>, ioc_, *tls_ctx_);
  else
    stream_.emplace(std::in_place_index<0>, ioc_);
}

beast::tcp_stream& ws_client::tcp() {
  return visit([](auto& s) -> beast::tcp_stream& { return beast::get_lowest_layer(s); });
}

void ws_client::close_socket() {
  if (own_)
    own_socket_closed();
  if (stream_)
    tcp().close();
}

void ws_client::async_open(const std::string& host, uint16_t port, const std::string& target,
                           std::chrono::milliseconds connect_timeout,
                           std::optional<websocket::stream_base::timeout> ws_timeouts,
                           open_handler done) {
  reset();
  host_ = host;
  host_header_ = host + ":" + std::to_string(port);
  target_ = target;
  deadline_ = std::chrono::steady_clock::now() + connect_timeout;
  close_timeout_ = connect_timeout;
  ws_timeouts_ = ws_timeouts;
  done_ = std::move(done);
  resolver_.async_resolve(host, std::to_string(port),
                          [this](error_code ec, tcp::resolver::results_type r) {
                            if (ec)
                              return finish(ec, ws_open_step::resolve);
                            tcp().expires_at(deadline_);
                            tcp().async_connect(r, [this](error_code e, const tcp::endpoint&) {
                              on_connected(e);
                            });
                          });
}

void ws_client::on_connected(error_code ec) {
  if (ec)
    return finish(ec, ws_open_step::connect);
  if (!tls_ctx_)
    return ws_handshake();
  auto& s = std::get<tls_ws>(*stream_);
  if (!set_tls_peer_name(s.next_layer().native_handle(), host_))
    return finish(asio::error::invalid_argument, ws_open_step::tls_handshake);
  // The chain and the name are checked here: a wrong CA or name ends the
  // connection before the WebSocket upgrade is written.
  tcp().expires_at(deadline_);
  s.next_layer().async_handshake(ssl::stream_base::client, [this](error_code e) {
    if (e)
      return finish(e, ws_open_step::tls_handshake);
    ws_handshake();
  });
}

void ws_client::ws_handshake() {
  // The websocket's own timeouts take over from tcp_stream's after the
  // connect (Beast: do not mix them).
  tcp().expires_never();
  if (own_)
    return own_handshake();
  if (ws_timeouts_)
    visit([&](auto& s) { s.set_option(*ws_timeouts_); });
  visit([this](auto& s) {
    s.async_handshake(host_header_, target_,
                      [this](error_code e) { finish(e, e ? ws_open_step::ws_handshake : ws_open_step::none); });
  });
}

void ws_client::finish(error_code ec, ws_open_step step) {
  auto done = std::move(done_);
  done_ = nullptr;
  if (done)
    done(ec, step);
}

} // namespace cwts::connector
