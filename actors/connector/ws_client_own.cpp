// ws_client's own-frames path (ws_client.hpp): our HTTP upgrade, one large
// read_some per read into a ws_frame_reader, our masked writes.

#include "actors/connector/ws_client.hpp"

#include <deque>
#include <utility>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/http/write.hpp>

#include <boost/beast/core/string.hpp>

#include "actors/connector/guarded_text.hpp"

namespace cwts::connector {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using boost::system::error_code;

namespace {

class frame_error_category : public boost::system::error_category {
public:
  const char* name() const noexcept override { return "ws_frame"; }
  std::string message(int ev) const override { return to_string(static_cast<ws_frame_error>(ev)); }
};

error_code frame_error(ws_frame_error e) {
  static const frame_error_category cat;
  return {static_cast<int>(e), cat};
}

// RFC 6455 5.3: the masking key "MUST be derived from a strong source of
// entropy". Our writes are rare (pongs, subscribes), so OpenSSL's RNG is
// cheap enough; it fails only without an entropy source.
std::array<uint8_t, 4> random_mask() {
  std::array<uint8_t, 4> m{};
  if (RAND_bytes(m.data(), static_cast<int>(m.size())) != 1)
    throw std::runtime_error("RAND_bytes failed: no entropy for the WebSocket mask");
  return m;
}

std::string base64(const unsigned char* p, std::size_t n) {
  std::string out(4 * ((n + 2) / 3), '\0');
  int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), p, static_cast<int>(n));
  out.resize(static_cast<std::size_t>(len));
  return out;
}

// RFC 6455 4.1: a random 16-byte nonce, base64.
std::string make_key() {
  unsigned char nonce[16] = {};
  if (RAND_bytes(nonce, sizeof nonce) != 1)
    throw std::runtime_error("RAND_bytes failed: no entropy for Sec-WebSocket-Key");
  return base64(nonce, sizeof nonce);
}

// RFC 6455 4.2.2: base64(SHA-1(key + GUID)).
std::string accept_for(const std::string& key) {
  std::string in = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char digest[SHA_DIGEST_LENGTH] = {};
  SHA1(reinterpret_cast<const unsigned char*>(in.data()), in.size(), digest);
  return base64(digest, sizeof digest);
}

// At most this many frames wait to be written; a peer that stops reading
// while we keep writing loses the connection instead of our memory.
constexpr std::size_t max_queued_writes = 1024;

} // namespace

struct ws_client::own_state final : ws_frame_sink {
  own_state(ws_client& c, ws_reader_limits l) : owner(c), reader(l), close_timer(c.ioc_) {}

  struct out_frame {
    std::string bytes;
    write_handler done;
    std::size_t payload = 0;
    bool pong = false;
  };

  ws_client& owner;
  ws_frame_reader reader;
  ws_reader_counters counters;
  guarded_text last_error;
  std::function<void(websocket::frame_type, beast::string_view)> control;
  // The upgrade in progress.
  std::string key;
  http::request<http::empty_body> req;
  std::optional<http::response_parser<http::empty_body>> parser;
  beast::flat_buffer hs_buffer;
  // The connection (gen: bumped by every reset, so a completion for an
  // earlier connection is told apart).
  uint64_t gen = 0;
  bool leftover = false;     // bytes that came with the 101, not parsed yet
  bool close_sent = false;   // our close frame is queued or written
  bool peer_closed = false;  // the peer's close frame arrived
  uint16_t peer_code = 1000;
  ws_message_sink* sink = nullptr;
  std::deque<out_frame> queue;
  bool writing = false;
  asio::steady_timer close_timer;

  // ws_frame_sink: what the reader found in one read.
  void on_message(std::string_view payload, bool text) override { sink->on_message(payload, text); }
  void on_ping(std::string_view payload) override {
    ++counters.pings_answered;
    if (control)
      control(websocket::frame_type::ping, beast::string_view(payload.data(), payload.size()));
    // RFC 6455 5.5.2: a pong "with identical Application data".
    owner.own_write(ws_opcode::pong, std::string(payload), [](error_code, std::size_t) {});
  }
  void on_pong(std::string_view payload) override {
    if (control)
      control(websocket::frame_type::pong, beast::string_view(payload.data(), payload.size()));
  }
  void on_close(uint16_t code, std::string_view reason) override {
    peer_closed = true;
    peer_code = code;
    if (control)
      control(websocket::frame_type::close, beast::string_view(reason.data(), reason.size()));
  }

  void on_read(uint64_t g, error_code ec, std::size_t n) {
    if (g != gen)
      return; // that connection is gone; the stream already handled its loss
    if (ec)
      return sink->on_read_end(ec);
    ++counters.reads;
    counters.bytes += n;
    // A read that claims more than its area failed the reader
    // (read_overrun): parse() below reports it like a refused frame.
    (void)reader.commit(n);
    sink->on_read_begin();
    auto e = reader.parse(*this);
    counters.fragmented.store(reader.fragmented_messages(), std::memory_order_relaxed);
    if (e != ws_frame_error::none) {
      ++counters.protocol_errors;
      last_error.set(to_string(e));
      return end_with_close(close_code_for(e), frame_error(e));
    }
    if (peer_closed) // RFC 6455 5.5.1: answer with a close (its code echoed), then end
      return end_with_close(peer_code == 1005 ? uint16_t{1000} : peer_code, websocket::error::closed);
    sink->on_read_end({});
  }

  // Our close frame (unless already sent), then the socket closed and the
  // read ended with `ec`; bounded by the close timer.
  void end_with_close(uint16_t code, error_code ec) {
    auto g = gen;
    auto end = [this, g, ec](error_code, std::size_t) {
      if (g != gen)
        return;
      owner.close_socket();
      sink->on_read_end(ec);
    };
    if (close_sent)
      return end({}, 0);
    owner.own_close(code, end);
  }

  void write_next() {
    if (writing || queue.empty() || !owner.stream_)
      return;
    writing = true;
    auto g = gen;
    auto done = [this, g](error_code ec, std::size_t) { on_written(g, ec); };
    owner.visit([&](auto& s) { asio::async_write(s.next_layer(), asio::buffer(queue.front().bytes), done); });
  }

  void on_written(uint64_t g, error_code ec) {
    if (g != gen)
      return; // reset() failed that connection's writes already
    writing = false;
    auto f = std::move(queue.front());
    queue.pop_front();
    if (ec) { // the rest cannot go either
      auto rest = std::move(queue);
      queue.clear();
      f.done(ec, 0);
      for (auto& r : rest)
        r.done(ec, 0);
      return;
    }
    f.done(ec, f.payload);
    write_next();
  }

  // Calls `done` later with `ec` (never from inside the caller's call).
  void fail_later(write_handler done, error_code ec) {
    asio::post(owner.ioc_, [done = std::move(done), ec] { done(ec, 0); });
  }
};

ws_client::ws_client(asio::io_context& ioc, bool tls, const std::string& ca_file, ws_reader_limits limits)
  : ws_client(ioc, tls, ca_file) {
  own_.reset(new own_state(*this, limits));
}

void ws_client::own_deleter::operator()(own_state* p) const {
  delete p;
}

const ws_reader_counters* ws_client::reader_counters() const {
  return own_ ? &own_->counters : nullptr;
}

std::string ws_client::last_protocol_error() const {
  return own_ ? own_->last_error.get() : std::string{};
}

bool ws_client::in_fragmented_message() const {
  return own_ && own_->reader.in_fragmented_message();
}

void ws_client::own_reset() {
  auto& o = *own_;
  ++o.gen;
  o.close_timer.cancel();
  o.reader.reset();
  o.leftover = o.close_sent = o.peer_closed = o.writing = false;
  o.hs_buffer.clear();
  o.parser.reset();
  // As Beast does when its stream goes: pending writes fail.
  auto old = std::move(o.queue);
  o.queue.clear();
  for (auto& f : old)
    o.fail_later(std::move(f.done), asio::error::operation_aborted);
}

void ws_client::own_handshake() {
  auto& o = *own_;
  // The upgrade shares the deadline of the whole open (async_open: resolve,
  // connect, TLS and upgrade within connect_timeout), not a fresh period.
  tcp().expires_at(deadline_);
  o.key = make_key();
  o.req = {};
  o.req.method(http::verb::get);
  o.req.target(target_);
  o.req.version(11);
  o.req.set(http::field::host, host_header_);
  o.req.set(http::field::upgrade, "websocket");
  o.req.set(http::field::connection, "Upgrade");
  o.req.set(http::field::sec_websocket_key, o.key);
  o.req.set(http::field::sec_websocket_version, "13");
  o.req.set(http::field::user_agent, "cwts-ultra");
  visit([this](auto& s) {
    http::async_write(s.next_layer(), own_->req, [this](error_code ec, std::size_t) {
      if (ec)
        return finish(ec, ws_open_step::ws_handshake);
      own_->parser.emplace();
      visit([this](auto& s2) {
        http::async_read_header(s2.next_layer(), own_->hs_buffer, *own_->parser,
                                [this](error_code e, std::size_t) { own_upgraded(e); });
      });
    });
  });
}

// RFC 6455 4.1: the client checks the server's 101 before any frame.
void ws_client::own_upgraded(error_code ec) {
  if (ec)
    return finish(ec, ws_open_step::ws_handshake);
  auto& o = *own_;
  auto& res = o.parser->get();
  if (res.result() != http::status::switching_protocols)
    return finish(websocket::error::upgrade_declined, ws_open_step::ws_handshake);
  if (!beast::iequals(res[http::field::upgrade], "websocket"))
    return finish(websocket::error::no_upgrade_websocket, ws_open_step::ws_handshake);
  if (!http::token_list(res[http::field::connection]).exists("upgrade"))
    return finish(websocket::error::no_connection_upgrade, ws_open_step::ws_handshake);
  if (std::string(res[http::field::sec_websocket_accept]) != accept_for(o.key))
    return finish(websocket::error::bad_sec_accept, ws_open_step::ws_handshake);
  tcp().expires_never();
  // Frames the server wrote right behind its 101 came in the same read:
  // they are the reader's first bytes.
  if (o.hs_buffer.size() > 0) {
    auto d = o.hs_buffer.cdata();
    o.reader.append(std::string_view(static_cast<const char*>(d.data()), d.size()));
    o.leftover = true;
  }
  o.hs_buffer.clear();
  o.parser.reset();
  finish({}, ws_open_step::none);
}

void ws_client::async_read_messages(ws_message_sink& sink) {
  auto& o = *own_;
  o.sink = &sink;
  auto g = o.gen;
  if (o.leftover) {
    o.leftover = false;
    asio::post(ioc_, [this, g] { own_->on_read(g, {}, 0); });
    return;
  }
  auto room = o.reader.prepare(); // pointer and size together (ws_frame_reader.hpp)
  auto area = asio::buffer(room.data, room.size);
  auto h = [this, g](error_code ec, std::size_t n) { own_->on_read(g, ec, n); };
  // Plain: the socket itself (tcp_stream's timer is off after the upgrade
  // and would only add work per read). TLS: the SSL layer over it.
  if (tls_ctx_)
    std::get<tls_ws>(*stream_).next_layer().async_read_some(area, h);
  else
    beast::get_lowest_layer(std::get<plain_ws>(*stream_)).socket().async_read_some(area, h);
}

void ws_client::own_write(ws_opcode op, std::string payload, write_handler done) {
  auto& o = *own_;
  if (!stream_ || o.close_sent || !tcp().socket().is_open())
    return o.fail_later(std::move(done), websocket::error::closed);
  bool pong = op == ws_opcode::pong;
  if (pong) // a pong not yet on its way is replaced (RFC 6455 5.5.3: answering the latest ping is enough)
    for (std::size_t i = o.writing ? 1 : 0; i < o.queue.size(); ++i)
      if (o.queue[i].pong) {
        o.queue[i].bytes = encode_client_frame(op, payload, random_mask());
        o.queue[i].payload = payload.size();
        return done({}, 0);
      }
  if (o.queue.size() >= max_queued_writes) {
    ++o.counters.write_overflows;
    o.last_error.set("write queue full (" + std::to_string(max_queued_writes) + " frames)");
    o.fail_later(std::move(done), asio::error::no_buffer_space);
    return close_socket();
  }
  o.queue.push_back({encode_client_frame(op, payload, random_mask()), std::move(done), payload.size(), pong});
  o.write_next();
}

void ws_client::own_close(uint16_t code, write_handler done) {
  auto& o = *own_;
  if (!stream_ || o.close_sent || !tcp().socket().is_open())
    return o.fail_later(std::move(done), websocket::error::closed);
  std::string payload{static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
  own_write(ws_opcode::close, std::move(payload), std::move(done));
  o.close_sent = true;
  // The peer's close answer ends the read; a peer that never answers loses
  // the socket after the connect timeout (Beast bounded it the same way).
  auto g = o.gen;
  o.close_timer.expires_after(close_timeout_);
  o.close_timer.async_wait([this, g](error_code ec) {
    if (!ec && g == own_->gen)
      close_socket();
  });
}

void ws_client::own_control_callback(std::function<void(websocket::frame_type, beast::string_view)> cb) {
  own_->control = std::move(cb);
}

bool ws_client::own_is_open() {
  return stream_ && !own_->close_sent && !own_->peer_closed && tcp().socket().is_open();
}

void ws_client::own_socket_closed() {
  own_->close_timer.cancel();
}

} // namespace cwts::connector
