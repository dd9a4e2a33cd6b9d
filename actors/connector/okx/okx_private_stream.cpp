#include "actors/connector/okx/okx_private_stream.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "actors/connector/guarded_text.hpp"
#include "actors/connector/io_thread.hpp"
#include "actors/connector/ws_client.hpp"
#include "actors/connector/ws_reconnector.hpp"
#include "actors/connector/ws_write_queue.hpp"
#include "messages/time.hpp"

namespace cwts::connector::okx {

namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;

namespace {

std::string string_member(const rapidjson::Value& v, const char* key) {
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : std::string();
}

} // namespace

// Everything below runs on the stream thread, except stop()'s post.
struct okx_private_stream::impl {
  impl(okx_private_stream& owner, okx_stream_config c, callbacks cb)
    : self(owner),
      cfg(std::move(c)),
      cbs(std::move(cb)),
      link(ioc, ws, settings(cfg), owner.link_, [this](error_code ec, ws_open_step step) {
        if (ec)
          note_error("connect: " + open_failure(step, ec));
        on_open(ec);
      }) {}

  static ws_link_settings settings(const okx_stream_config& cfg) {
    return link_settings_beast_keepalive(cfg, cfg.target);
  }

  void on_open(error_code ec) {
    if (ec)
      return disconnected();
    ws.text(true);
    writes.clear();
    logged_in = false;
    auto secs = (wall_clock_now().millis() + self.offset_ms_.load()) / 1000;
    send(login_request(cfg.credentials, secs));
    // No login and subscription in time: dropped and tried again.
    auto gen = link.generation();
    deadline.expires_after(cfg.login_timeout);
    deadline.async_wait([this, gen](error_code e) {
      if (!e && gen == link.generation() && !self.subscribed_ && ws.has_stream()) {
        ++self.login_failures_;
        note_error("login/subscribe: no answer within the timeout");
        ws.close_socket();
      }
    });
    schedule_ping(gen);
    read();
  }

  // One write at a time, a stale connection's completion ignored (ws_write_queue.hpp).
  void send(std::string text) { writes.send(std::move(text)); }

  void schedule_ping(uint64_t gen) {
    ping_timer.expires_after(cfg.ping_interval);
    ping_timer.async_wait([this, gen](error_code e) {
      if (e || gen != link.generation() || !link.connected())
        return;
      send("ping");
      schedule_ping(gen);
    });
  }

  void read() {
    ws.async_read(buffer, [this](error_code ec, std::size_t) { on_read(ec); });
  }

  void on_read(error_code ec) {
    if (ec)
      return disconnected();
    ++self.frames_;
    std::string text(static_cast<const char*>(buffer.cdata().data()), buffer.size());
    buffer.consume(buffer.size());
    if (text != "pong")
      handle(text);
    if (link.connected())
      read();
  }

  void malformed(const std::string& why) {
    ++self.malformed_;
    note_error("malformed frame: " + why);
  }

  void handle(const std::string& text) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
    if (doc.HasParseError() || !doc.IsObject())
      return malformed("not a JSON object");
    auto event = string_member(doc, "event");
    if (event == "login") {
      if (string_member(doc, "code") != "0")
        return refused(doc);
      logged_in = true;
      ++self.logins_;
      send(R"({"op":"subscribe","args":[{"channel":"orders","instType":"SPOT"}]})");
      return;
    }
    if (event == "error")
      return refused(doc);
    if (event == "subscribe") {
      deadline.cancel();
      self.subscribed_ = true;
      link.reset_backoff();
      auto count = ++self.subscriptions_;
      if (cbs.on_subscribed)
        cbs.on_subscribed(count);
      return;
    }
    if (!event.empty())
      return; // channel-conn-count, notice, unsubscribe: nothing to do
    auto arg = doc.FindMember("arg");
    auto data = doc.FindMember("data");
    if (arg == doc.MemberEnd() || !arg->value.IsObject() || data == doc.MemberEnd()
        || !data->value.IsArray())
      return malformed("neither an event nor a push with arg and data");
    if (string_member(arg->value, "channel") != "orders")
      return malformed("a push of channel \"" + string_member(arg->value, "channel") + "\"");
    for (auto& item : data->value.GetArray()) {
      auto o = parse_order(item);
      if (!o) {
        malformed(o.error().reason);
        continue;
      }
      ++self.events_;
      if (cbs.on_order)
        cbs.on_order(o.value());
    }
  }

  // A refused login (or any error before the subscription): dropped and
  // tried again after the backoff.
  void refused(const rapidjson::Document& doc) {
    auto why = "code=" + string_member(doc, "code") + " msg=" + string_member(doc, "msg");
    if (self.subscribed_) {
      note_error("error event: " + why);
      return;
    }
    ++self.login_failures_;
    note_error((logged_in ? "subscribe refused: " : "login refused: ") + why);
    ws.close_socket();
  }

  void note_error(std::string what) { last_error.set(std::move(what)); }

  void disconnected() {
    if (!link.lost())
      return;
    self.subscribed_ = false;
    logged_in = false;
    writes.clear(); // nothing queued for the lost connection goes out
    deadline.cancel();
    ping_timer.cancel();
  }

  void shutdown() {
    deadline.cancel();
    ping_timer.cancel();
    link.shutdown();
  }

  okx_private_stream& self;
  okx_stream_config cfg;
  callbacks cbs;
  asio::io_context ioc;
  asio::steady_timer deadline{ioc};
  asio::steady_timer ping_timer{ioc};
  ws_client ws{ioc, cfg.tls, cfg.ca_file};
  ws_reconnector link;
  beast::flat_buffer buffer;
  ws_write_queue writes{ws, link, [this] { disconnected(); }};
  bool logged_in = false;
  io_thread runner{ioc};
  guarded_text last_error;
};

okx_private_stream::okx_private_stream(okx_stream_config cfg, callbacks cbs)
  : impl_(std::make_unique<impl>(*this, std::move(cfg), std::move(cbs))) {}

okx_private_stream::~okx_private_stream() {
  stop();
}

void okx_private_stream::start() {
  impl_->runner.start([this] { impl_->link.open(); });
}

void okx_private_stream::stop() {
  stop_stream(*impl_, link_);
  subscribed_ = false;
}

std::string okx_private_stream::last_error() const {
  return impl_->last_error.get();
}

} // namespace cwts::connector::okx
