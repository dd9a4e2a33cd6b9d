#include "ws_session.hpp"

#include <spdlog/spdlog.h>

#include "venue/stream_control.hpp"
#include "venue_server.hpp"

namespace cwts::venue {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

ws_session::ws_session(boost::asio::ip::tcp::socket socket, venue_server& server,
                       stream_request streams)
  : ws_(std::move(socket)), server_(server), streams_(std::move(streams)) {
}

ws_session::ws_session(boost::asio::ip::tcp::socket socket, venue_server& server,
                       ws_api_session api)
  : ws_(std::move(socket)), server_(server), api_(std::move(api)) {
}

void ws_session::accept(beast::http::request<beast::http::string_body> req) {
  // Server pings after 10 s of silence and drops a peer that answers nothing
  // for 30 s (Binance pings every 20 s and disconnects silent clients).
  websocket::stream_base::timeout t;
  t.handshake_timeout = std::chrono::seconds(10);
  t.idle_timeout = std::chrono::seconds(20);
  t.keep_alive_pings = true;
  ws_.set_option(t);
  ws_.async_accept(req, [self = shared_from_this()](beast::error_code ec) {
    self->on_accept(ec);
  });
}

void ws_session::on_accept(beast::error_code ec) {
  if (ec) return fail("accept", ec);
  open_ = true;
  server_.add_subscriber(shared_from_this());
  if (api_)
    spdlog::info("event=ws_api_open clients={}", server_.stats().ws_clients);
  else
    spdlog::info("event=ws_open streams={} clients={}", streams_.streams.size(),
                 server_.stats().ws_clients);
  read();
}

void ws_session::read() {
  // Client frames are stream control messages (SUBSCRIBE, ...) or WebSocket
  // API requests; each gets its reply frame in order with the events.
  ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, size_t) {
    if (ec) return self->fail("read", ec);
    auto text = beast::buffers_to_string(self->buffer_.data());
    self->buffer_.consume(self->buffer_.size());
    if (self->api_) {
      auto reply =
        self->server_.websocket_api().handle(text, *self->api_, venue_server::wall_ms());
      self->send(std::make_shared<const std::string>(std::move(reply)));
      // An order request changed the book and the account: publish both.
      self->server_.publish_settled();
    } else {
      auto& engine = self->server_.api().engine();
      auto reply = apply_stream_control(text, self->streams_, [&engine](symbol sym) {
        return engine.rules(sym) != nullptr;
      });
      self->send(std::make_shared<const std::string>(std::move(reply)));
    }
    self->read();
  });
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
  ws_.text(true);
  ws_.async_write(boost::asio::buffer(*queue_.front()),
                  [self = shared_from_this()](beast::error_code ec, size_t) {
                    if (ec) return self->fail("write", ec);
                    self->queue_.pop_front();
                    if (!self->queue_.empty() && !self->closing_)
                      self->write_next();
                  });
}

void ws_session::close() {
  if (closing_) return;
  closing_ = true;
  server_.remove_subscriber(this);
  beast::error_code ec;
  // Closing the socket aborts pending reads/writes; their handlers end the session.
  beast::get_lowest_layer(ws_).socket().close(ec);
}

void ws_session::fail(const char* where, beast::error_code ec) {
  if (open_ && !closing_)
    spdlog::info("event=ws_closed where={} reason={}", where, ec.message());
  closing_ = true;
  open_ = false;
  server_.remove_subscriber(this);
}

} // namespace cwts::venue
