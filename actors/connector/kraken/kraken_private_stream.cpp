#include "actors/connector/kraken/kraken_private_stream.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "actors/connector/guarded_text.hpp"
#include "actors/connector/io_thread.hpp"
#include "actors/connector/ws_client.hpp"
#include "actors/connector/ws_reconnector.hpp"
#include "actors/connector/ws_write_queue.hpp"

namespace cwts::connector::kraken {

namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;

namespace {

std::string string_member(const rapidjson::Value& v, const char* key) {
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : std::string();
}

std::string subscribe_request(const std::string& token) {
  // The token is base64-like text; quotes and backslashes escaped anyway.
  std::string escaped;
  for (char c : token) {
    if (c == '"' || c == '\\')
      escaped.push_back('\\');
    escaped.push_back(c);
  }
  return R"({"method":"subscribe","params":{"channel":"executions","token":")" + escaped
         + R"(","snap_orders":true,"snap_trades":false},"req_id":1})";
}

} // namespace

// Everything below runs on the stream thread, except stop()'s post.
struct kraken_private_stream::impl {
  impl(kraken_private_stream& owner, kraken_stream_config c, callbacks cb)
    : self(owner),
      cfg(std::move(c)),
      cbs(std::move(cb)),
      link(ioc, ws, link_settings_beast_keepalive(cfg, cfg.target), owner.link_,
           [this](error_code ec, ws_open_step step) {
             if (ec)
               note_error("connect: " + open_failure(step, ec));
             on_open(ec);
           }) {}

  void on_open(error_code ec) {
    if (ec)
      return disconnected();
    ws.text(true);
    writes.clear();
    // The token comes through the worker (one nonce sequence); bounded by
    // the token source itself.
    ++self.token_fetches_;
    auto t = cbs.token_source ? cbs.token_source() : kraken_reply<kraken_token>{};
    if (!t.ok()) {
      ++self.subscribe_failures_;
      note_error("GetWebSocketsToken: " + (t.detail.empty() ? t.error : t.detail));
      ws.close_socket();
      return read(); // the read fails and the link backs off
    }
    send(subscribe_request(t.value.token));
    auto gen = link.generation();
    deadline.expires_after(cfg.login_timeout);
    deadline.async_wait([this, gen](error_code e) {
      if (!e && gen == link.generation() && !self.subscribed_ && ws.has_stream()) {
        ++self.subscribe_failures_;
        note_error("subscribe: no answer within the timeout");
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
      send(R"({"method":"ping"})");
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
    doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag>(text.data(),
                                                                                     text.size());
    if (doc.HasParseError() || !doc.IsObject())
      return malformed("not a JSON object");
    auto method = string_member(doc, "method");
    if (method == "subscribe") {
      auto ok = doc.FindMember("success");
      if (ok == doc.MemberEnd() || !ok->value.IsBool() || !ok->value.GetBool())
        return refused(string_member(doc, "error"));
      deadline.cancel();
      self.subscribed_ = true;
      link.reset_backoff();
      auto count = ++self.subscriptions_;
      if (cbs.on_subscribed)
        cbs.on_subscribed(count);
      return;
    }
    if (!method.empty())
      return; // pong, unsubscribe: nothing to do
    auto channel = string_member(doc, "channel");
    if (channel == "heartbeat" || channel == "status")
      return;
    if (channel != "executions")
      return malformed("a frame of channel \"" + channel + "\"");
    auto data = doc.FindMember("data");
    if (data == doc.MemberEnd() || !data->value.IsArray())
      return malformed("executions without a data array");
    for (auto& item : data->value.GetArray()) {
      auto e = parse_execution(item);
      if (!e) {
        malformed(e.error().reason);
        continue;
      }
      ++self.events_;
      if (cbs.on_execution)
        cbs.on_execution(e.value());
    }
  }

  // A refused subscription: dropped and tried again after the backoff
  // (with a fresh token).
  void refused(const std::string& why) {
    ++self.subscribe_failures_;
    note_error("subscribe refused: " + why);
    ws.close_socket();
  }

  void note_error(std::string what) { last_error.set(std::move(what)); }

  void disconnected() {
    if (!link.lost())
      return;
    self.subscribed_ = false;
    writes.clear(); // nothing queued for the lost connection goes out
    deadline.cancel();
    ping_timer.cancel();
  }

  void shutdown() {
    deadline.cancel();
    ping_timer.cancel();
    link.shutdown();
  }

  kraken_private_stream& self;
  kraken_stream_config cfg;
  callbacks cbs;
  asio::io_context ioc;
  asio::steady_timer deadline{ioc};
  asio::steady_timer ping_timer{ioc};
  ws_client ws{ioc, cfg.tls, cfg.ca_file};
  ws_reconnector link;
  beast::flat_buffer buffer;
  ws_write_queue writes{ws, link, [this] { disconnected(); }};
  io_thread runner{ioc};
  guarded_text last_error;
};

kraken_private_stream::kraken_private_stream(kraken_stream_config cfg, callbacks cbs)
  : impl_(std::make_unique<impl>(*this, std::move(cfg), std::move(cbs))) {}

kraken_private_stream::~kraken_private_stream() {
  stop();
}

void kraken_private_stream::start() {
  impl_->runner.start([this] { impl_->link.open(); });
}

void kraken_private_stream::stop() {
  stop_stream(*impl_, link_);
  subscribed_ = false;
}

std::string kraken_private_stream::last_error() const {
  return impl_->last_error.get();
}

} // namespace cwts::connector::kraken
