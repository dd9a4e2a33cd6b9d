#include "actors/connector/user_data_stream.hpp"

#include "actors/connector/io_thread.hpp"

#include <future>
#include <optional>
#include <random>
#include <thread>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "actors/connector/guarded_text.hpp"
#include "actors/connector/tls_transport.hpp"
#include "actors/connector/ws_client.hpp"
#include "actors/connector/ws_reconnector.hpp"
#include "messages/time.hpp"

namespace cwts::connector {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using boost::system::error_code;

std::string validate(const user_data_stream_config& cfg) {
  if (cfg.host.empty())
    return "host: empty";
  if (cfg.port == 0)
    return "port: must be 1..65535";
  if (cfg.target.empty() || cfg.target.front() != '/')
    return "target: must start with '/'";
  if (cfg.api_key.empty() || cfg.secret.empty())
    return "api_key/secret: the user-data stream is SIGNED and needs both";
  if (auto why = validate_tls(cfg.tls, cfg.ca_file); !why.empty())
    return why;
  if (cfg.recv_window_ms < 0 || cfg.recv_window_ms > 60000)
    return "recv_window_ms: must be 0..60000";
  if (cfg.connect_timeout.count() <= 0 || cfg.idle_timeout.count() <= 0
      || cfg.subscribe_timeout.count() <= 0)
    return "connect_timeout/subscribe_timeout/idle_timeout: must be positive";
  return validate_reconnect(cfg);
}

// Everything below runs on the stream thread, except stop()'s post.
struct user_data_stream::impl {
  impl(user_data_stream& owner, user_data_stream_config c, callbacks cb)
    : self(owner),
      cfg(std::move(c)),
      cbs(std::move(cb)),
      link(ioc, ws, link_settings(cfg), owner.link_, [this](error_code ec, ws_open_step step) {
        if (ec)
          note_error("connect: " + open_failure(step, ec));
        on_handshake(ec);
      }) {}

  static ws_link_settings link_settings(const user_data_stream_config& cfg) {
    return link_settings_beast_keepalive(cfg, cfg.target);
  }

  void on_handshake(error_code ec) {
    if (ec)
      return disconnected();
    ws.text(true);
    request_id = "cwts-uds-" + std::to_string(++requests);
    auto now_ms = wall_clock_now().ns / 1'000'000 + self.offset_ms_.load();
    outgoing = subscribe_signature_request(request_id, cfg.api_key, cfg.secret,
                                           cfg.recv_window_ms, now_ms);
    // No answer in time: the connection is dropped and tried again.
    deadline.expires_after(cfg.subscribe_timeout);
    deadline.async_wait([this](error_code e) {
      if (!e && !self.subscribed_ && ws.has_stream()) {
        note_error("subscribe: no answer within the timeout");
        ws.close_socket();
      }
    });
    ws.async_write(asio::buffer(outgoing), [this](error_code e, std::size_t) {
      if (e)
        return disconnected();
      read();
    });
  }

  void read() {
    ws.async_read(buffer, [this](error_code ec, std::size_t) { on_read(ec); });
  }

  void on_read(error_code ec) {
    if (ec)
      return disconnected();
    ++self.frames_;
    std::string_view text(static_cast<const char*>(buffer.cdata().data()), buffer.size());
    auto msg = parse_user_data_frame(text);
    buffer.consume(buffer.size());
    if (!msg) {
      ++self.issues_[static_cast<std::size_t>(msg.error().issue)];
      note_error(std::string(to_string(msg.error().issue)) + ": " + msg.error().reason);
      return read();
    }
    std::visit([this](const auto& m) { handle(m); }, msg.value());
    if (link.connected()) // a refused subscription ended this connection
      read();
  }

  void handle(const ws_api_response& r) {
    if (r.id != request_id) {
      ++self.issues_[static_cast<std::size_t>(frame_issue::unknown_message)];
      return note_error("unknown_message: a response to no request of ours (id " + r.id + ")");
    }
    if (!r.ok || r.subscription_id < 0) {
      ++self.subscribe_errors_;
      auto why = "status=" + std::to_string(r.status) + " code=" + std::to_string(r.error.code)
                 + " msg=" + r.error.msg;
      last_subscribe_error.set(why);
      note_error("subscribe refused: " + why);
      // Dropped and tried again after the backoff (e.g. -1021 after a clock step).
      return disconnected();
    }
    deadline.cancel();
    self.subscribed_ = true;
    link.reset_backoff();
    auto count = ++self.subscriptions_;
    if (cbs.on_subscribed)
      cbs.on_subscribed(count);
  }

  void handle(const execution_event& e) {
    ++self.events_;
    self.last_event_ns_ = wall_clock_now().ns;
    if (cbs.on_execution)
      cbs.on_execution(e);
  }

  void handle(const account_position& p) {
    ++self.events_;
    self.last_event_ns_ = wall_clock_now().ns;
    if (cbs.on_balances)
      cbs.on_balances(p);
  }

  void handle(const balance_delta& d) {
    ++self.events_;
    ++self.balance_deltas_;
    self.last_event_ns_ = wall_clock_now().ns;
    if (cbs.on_balance_delta)
      cbs.on_balance_delta(d);
  }

  void note_error(std::string what) { last_error.set(std::move(what)); }

  // Once per connection attempt, whichever operation noticed the loss.
  void disconnected() {
    if (!link.lost())
      return;
    self.subscribed_ = false;
    deadline.cancel();
  }

  // Posted by stop(): a graceful close when connected (bounded by the
  // handshake timeout), otherwise the socket is closed at once.
  void shutdown() {
    deadline.cancel();
    link.shutdown();
  }

  user_data_stream& self;
  user_data_stream_config cfg;
  callbacks cbs;
  asio::io_context ioc;
  asio::steady_timer deadline{ioc};
  ws_client ws{ioc, cfg.tls, cfg.ca_file};
  ws_reconnector link;
  beast::flat_buffer buffer;
  std::string outgoing;
  std::string request_id;
  uint64_t requests = 0;
  io_thread runner{ioc};
  guarded_text last_error;
  guarded_text last_subscribe_error;
};

user_data_stream::user_data_stream(user_data_stream_config cfg, callbacks cbs)
  : impl_(std::make_unique<impl>(*this, std::move(cfg), std::move(cbs))) {}

user_data_stream::~user_data_stream() {
  stop();
}

void user_data_stream::start() {
  impl_->runner.start([this] { impl_->link.open(); });
}

void user_data_stream::stop() {
  stop_stream(*impl_, link_);
  subscribed_ = false;
}

uint64_t user_data_stream::frame_errors() const {
  uint64_t sum = 0;
  for (auto& i : issues_)
    sum += i.load();
  return sum;
}

std::string user_data_stream::last_error() const {
  return impl_->last_error.get();
}

std::string user_data_stream::last_subscribe_error() const {
  return impl_->last_subscribe_error.get();
}

} // namespace cwts::connector
