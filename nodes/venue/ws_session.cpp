#include "ws_session.hpp"

#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "venue/stream_control.hpp"
#include "venue_server.hpp"

namespace cwts::venue {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

namespace {

// The WebSocket layer over the connection's transport (plain or TLS).
ws_transport upgrade_transport(http_transport&& stream) {
  return std::visit(
    [](auto&& s) -> ws_transport {
      using next = std::decay_t<decltype(s)>;
      return ws_transport(std::in_place_type<websocket::stream<next>>, std::move(s));
    },
    std::move(stream));
}

} // namespace

ws_session::ws_session(http_transport stream, venue_server& server, stream_request streams)
  : ws_(upgrade_transport(std::move(stream))), server_(server), streams_(std::move(streams)) {
  remember_peer();
}

ws_session::ws_session(http_transport stream, venue_server& server, ws_api_session api)
  : ws_(upgrade_transport(std::move(stream))), server_(server), api_(std::move(api)) {
  remember_peer();
}

ws_session::ws_session(http_transport stream, venue_server& server, okx::ws_state okx)
  : ws_(upgrade_transport(std::move(stream))), server_(server), okx_(std::move(okx)) {
  remember_peer();
}

ws_session::ws_session(http_transport stream, venue_server& server, kraken::ws_state kraken)
  : ws_(upgrade_transport(std::move(stream))), server_(server), kraken_(std::move(kraken)) {
  remember_peer();
}

void ws_session::remember_peer() {
  connection_ = next_connection_id();
  remote_ = remote_address(ws_);
}

void ws_session::accept(beast::http::request<beast::http::string_body> req) {
  // Server pings after 10 s of silence and drops a peer that answers nothing
  // for 30 s (Binance pings every 20 s and disconnects silent clients).
  websocket::stream_base::timeout t;
  t.handshake_timeout = std::chrono::seconds(10);
  t.idle_timeout = std::chrono::seconds(20);
  t.keep_alive_pings = true;
  std::visit(
    [&](auto& ws) {
      ws.set_option(t);
      ws.async_accept(req, [self = shared_from_this()](beast::error_code ec) {
        self->on_accept(ec);
      });
    },
    ws_);
}

void ws_session::on_accept(beast::error_code ec) {
  if (ec) return fail("accept", ec);
  open_ = true;
  if (in_hub()) {
    if (okx_) server_.okx_ws().add(shared_from_this());
    else server_.kraken_ws().add(shared_from_this());
    server_.count_clients();
    if (okx_)
      spdlog::info("event=okx_ws_open conn={} clients={}", okx_->conn_id,
                   server_.stats().ws_clients);
    else
      spdlog::info("event=kraken_ws_open conn={} clients={}", kraken_->connection_id,
                   server_.stats().ws_clients);
    return read();
  }
  server_.add_subscriber(shared_from_this());
  if (api_)
    spdlog::info("event=ws_api_open clients={}", server_.stats().ws_clients);
  else
    spdlog::info("event=ws_open streams={} clients={}", streams_.streams.size(),
                 server_.stats().ws_clients);
  read();
}

void ws_session::read() {
  std::visit(
    [this](auto& ws) {
      ws.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, size_t) {
        self->on_read(ec);
      });
    },
    ws_);
}

void ws_session::on_read(beast::error_code ec) {
  // Client frames are stream control messages (SUBSCRIBE, ...) or WebSocket
  // API requests; each gets its reply frame in order with the events.
  if (ec) return fail("read", ec);
  auto text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  // Who sends it, for the per-account order log (venue/order_log.hpp).
  order_origin origin{okx_ ? "okx-ws" : kraken_ ? "kraken-ws" : "ws-api", connection_, remote_, {},
                      wall_ns()};
  origin_scope scope(server_.api().engine().log(), origin);
  if (in_hub()) {
    // An order op changed the book and the account: publish both.
    auto now = venue_server::wall_ms();
    bool ran = okx_ ? server_.okx_ws().on_frame(text, *this, now)
                    : server_.kraken_ws().on_frame(text, *this, now);
    if (ran) server_.publish_settled();
  } else if (api_) {
    auto reply = std::make_shared<const std::string>(
      server_.websocket_api().handle(text, *api_, venue_server::wall_ms()));
    // An order request changed the book and the account: publish both.
    server_.publish_settled();
    // ws-api-latency-ms delays the response, not the execution.
    auto delay_ms = server_.api().faults().take_ws_api_latency_ms();
    if (delay_ms <= 0) {
      send(std::move(reply));
    } else {
      auto timer = std::make_shared<boost::asio::steady_timer>(
        std::visit([](auto& ws) { return ws.get_executor(); }, ws_));
      timer->expires_after(std::chrono::milliseconds(delay_ms));
      timer->async_wait([self = shared_from_this(), timer, reply](beast::error_code ec) {
        if (!ec) self->send(reply);
      });
    }
  } else {
    auto& engine = server_.api().engine();
    auto reply = apply_stream_control(text, streams_, [&engine](symbol sym) {
      return engine.rules(sym) != nullptr;
    });
    send(std::make_shared<const std::string>(std::move(reply)));
  }
  read();
}

bool ws_session::wants(const stream_id& id) const {
  for (auto& s : streams_.streams)
    if (s == id) return true;
  return false;
}

void ws_session::send(std::shared_ptr<const std::string> frame) {
  if (!open_ || closing_) return;
  if (queue_.size() >= server_.ws_queue_limit()) {
    ++server_.stats().ws_dropped;
    spdlog::warn("event=ws_drop reason=queue_overflow queued={}", queue_.size());
    close();
    return;
  }
  queue_.push_back(std::move(frame));
  if (queue_.size() == 1)
    write_next();
}

void ws_session::write_next() {
  std::visit(
    [this](auto& ws) {
      ws.text(true);
      ws.async_write(boost::asio::buffer(*queue_.front()),
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->fail("write", ec);
                       self->queue_.pop_front();
                       if (!self->queue_.empty() && !self->closing_)
                         self->write_next();
                     });
    },
    ws_);
}

void ws_session::close() {
  if (closing_) return;
  closing_ = true;
  unregister();
  beast::error_code ec;
  // Closing the socket aborts pending reads/writes; their handlers end the session.
  std::visit([&](auto& ws) { beast::get_lowest_layer(ws).socket().close(ec); }, ws_);
}

void ws_session::fail(const char* where, beast::error_code ec) {
  if (open_ && !closing_)
    spdlog::info("event=ws_closed where={} reason={}", where, ec.message());
  closing_ = true;
  open_ = false;
  unregister();
}

void ws_session::unregister() {
  if (in_hub()) {
    if (okx_) server_.okx_ws().remove(this);
    else server_.kraken_ws().remove(this);
    server_.count_clients();
  } else {
    server_.remove_subscriber(this);
  }
}

} // namespace cwts::venue
