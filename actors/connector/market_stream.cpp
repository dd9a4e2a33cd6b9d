#include "actors/connector/market_stream.hpp"

#include "actors/connector/io_thread.hpp"

#include <future>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "actors/connector/backoff.hpp"
#include "actors/connector/binance_codec.hpp"

namespace cwts::connector {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using boost::system::error_code;

std::string validate(const market_stream_config& cfg) {
  if (cfg.host.empty())
    return "host: empty";
  if (cfg.port == 0)
    return "port: must be 1..65535";
  if (cfg.symbols.empty())
    return "symbols: empty";
  if (cfg.connect_timeout.count() <= 0 || cfg.idle_timeout.count() <= 0)
    return "connect_timeout/idle_timeout: must be positive";
  if (cfg.backoff_initial.count() <= 0 || cfg.backoff_max < cfg.backoff_initial)
    return "backoff_initial/backoff_max: need 0 < initial <= max";
  return {};
}

std::string stream_target(const std::vector<symbol>& symbols) {
  // web-socket-streams.md: "All symbols for streams are lowercase".
  std::string out = "/stream?streams=";
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    if (i > 0)
      out.push_back('/');
    for (char c : symbols[i].view())
      out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    out += "@trade";
  }
  return out;
}

// Everything below runs on the stream thread, except stop()'s post.
struct market_stream::impl {
  impl(market_stream& owner, market_stream_config cfg, trade_callback cb)
    : self(owner),
      cfg(std::move(cfg)),
      on_trade(std::move(cb)),
      retry(this->cfg.backoff_initial, this->cfg.backoff_max,
            this->cfg.jitter_seed != 0 ? this->cfg.jitter_seed : std::random_device{}()),
      target(stream_target(this->cfg.symbols)) {}

  void connect() {
    ws.emplace(ioc);
    resolver.async_resolve(cfg.host, std::to_string(cfg.port),
                           [this](error_code ec, tcp::resolver::results_type r) {
                             if (ec)
                               return disconnected();
                             beast::get_lowest_layer(*ws).expires_after(cfg.connect_timeout);
                             beast::get_lowest_layer(*ws).async_connect(
                               r, [this](error_code e, const tcp::endpoint&) { on_connect(e); });
                           });
  }

  void on_connect(error_code ec) {
    if (ec)
      return disconnected();
    // The websocket's own timeouts take over from tcp_stream's after the
    // TCP connect (Beast: do not mix them).
    beast::get_lowest_layer(*ws).expires_never();
    websocket::stream_base::timeout t{};
    t.handshake_timeout = cfg.connect_timeout;
    t.idle_timeout = cfg.idle_timeout;
    t.keep_alive_pings = true;
    ws->set_option(t);
    ws->control_callback([this](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::ping)
        ++self.pings_;
    });
    ws->async_handshake(cfg.host + ":" + std::to_string(cfg.port), target,
                        [this](error_code e) { on_handshake(e); });
  }

  void on_handshake(error_code ec) {
    if (ec)
      return disconnected();
    self.connected_ = true;
    retry.reset();
    read();
  }

  void read() {
    ws->async_read(buffer, [this](error_code ec, std::size_t) { on_read(ec); });
  }

  void on_read(error_code ec) {
    if (ec)
      return disconnected();
    auto now = wall_clock_now();
    ++self.frames_;
    self.last_frame_ns_ = now.ns;
    std::string_view text(static_cast<const char*>(buffer.cdata().data()), buffer.size());
    auto t = parse_trade_event(text, now);
    buffer.consume(buffer.size());
    if (t) {
      on_trade(t.value());
    } else {
      ++self.parse_errors_;
      std::lock_guard<std::mutex> guard(error_mtx);
      last_error = t.error().reason;
    }
    read();
  }

  void disconnected() {
    self.connected_ = false;
    if (stopping)
      return;
    ++self.reconnects_;
    timer.expires_after(retry.next());
    timer.async_wait([this](error_code ec) {
      if (!ec && !stopping)
        connect();
    });
  }

  // Posted by stop(): a graceful close when connected (bounded by the
  // handshake timeout), otherwise the socket is closed at once.
  void shutdown() {
    stopping = true;
    timer.cancel();
    resolver.cancel();
    if (!ws)
      return;
    if (self.connected_ && ws->is_open())
      ws->async_close(websocket::close_code::normal, [](error_code) {});
    else
      beast::get_lowest_layer(*ws).close();
  }

  market_stream& self;
  market_stream_config cfg;
  trade_callback on_trade;
  backoff retry;
  std::string target;
  asio::io_context ioc;
  tcp::resolver resolver{ioc};
  asio::steady_timer timer{ioc};
  std::optional<websocket::stream<beast::tcp_stream>> ws;
  beast::flat_buffer buffer;
  bool stopping = false;
  io_thread runner{ioc};
  mutable std::mutex error_mtx;
  std::string last_error;
};

market_stream::market_stream(market_stream_config cfg, trade_callback on_trade)
  : impl_(std::make_unique<impl>(*this, std::move(cfg), std::move(on_trade))) {}

market_stream::~market_stream() {
  stop();
}

void market_stream::start() {
  impl_->runner.start([this] { impl_->connect(); });
}

void market_stream::stop() {
  impl_->runner.stop([this] { impl_->shutdown(); },
                     impl_->cfg.connect_timeout + std::chrono::milliseconds(500));
  connected_ = false;
}

std::string market_stream::last_parse_error() const {
  std::lock_guard<std::mutex> guard(impl_->error_mtx);
  return impl_->last_error;
}

} // namespace cwts::connector
