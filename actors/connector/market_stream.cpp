#include "actors/connector/market_stream.hpp"

#include "actors/connector/io_thread.hpp"

#include <optional>
#include <random>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "actors/connector/ws_reconnector.hpp"
#include "actors/connector/guarded_text.hpp"
#include "actors/connector/http_client.hpp"
#include "actors/connector/market_feed.hpp"
#include "actors/connector/market_read_loop.hpp"
#include "actors/connector/order_book.hpp"
#include "actors/connector/tls_transport.hpp"
#include "actors/connector/ws_client.hpp"
#include "common/serial_worker.hpp"

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
  if (auto why = validate_tls(cfg.tls, cfg.ca_file); !why.empty())
    return why;
  if (!cfg.trades && !cfg.agg_trades && !cfg.book_ticker && !cfg.depth)
    return "streams: none selected";
  if (cfg.depth_limit < 1 || cfg.depth_limit > 5000)
    return "depth_limit: must be 1..5000";
  if (cfg.max_batch == 0 || cfg.max_buffered_diffs == 0)
    return "max_batch/max_buffered_diffs: must be positive";
  if (cfg.connect_timeout.count() <= 0 || cfg.idle_timeout.count() <= 0
      || cfg.snapshot_timeout.count() <= 0)
    return "connect_timeout/idle_timeout/snapshot_timeout: must be positive";
  if (auto why = validate(cfg.read_limits); !why.empty())
    return "read_limits." + why;
  return validate_reconnect(cfg);
}

std::string stream_target(const market_stream_config& cfg) {
  // web-socket-streams.md: "All symbols for streams are lowercase".
  std::string out = "/stream?streams=";
  bool first = true;
  auto add = [&](const std::string& lower, const char* type) {
    if (!first)
      out.push_back('/');
    first = false;
    out += lower;
    out += type;
  };
  for (auto& sym : cfg.symbols) {
    std::string lower;
    for (char c : sym.view())
      lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    if (cfg.trades)
      add(lower, "@trade");
    if (cfg.agg_trades)
      add(lower, "@aggTrade");
    if (cfg.book_ticker)
      add(lower, "@bookTicker");
    if (cfg.depth)
      add(lower, "@depth@100ms");
  }
  return out;
}

namespace {

// One configured symbol: its book (stream thread only) and what other
// threads may read.
struct symbol_feed : feed_marks {
  explicit symbol_feed(symbol s, std::size_t max_buffered) : book(s, max_buffered) {}
  order_book book;
  bool snapshot_pending = false;
  int64_t snapshot_not_before_ns = 0;
  // Connections lost so far: a snapshot asked for before the last loss is
  // not used (events between it and the new connection are gone).
  uint64_t epoch = 0;
};

using snapshot_outcome = outcome<depth_snapshot, std::string>;

} // namespace

// Everything below runs on the stream thread, except stop()'s post, book()'s
// post and the snapshot fetches (on `snapshots`, posting their answer back).
struct market_stream::impl {
  impl(market_stream& owner, market_stream_config cfg, batch_callback cb)
    : self(owner),
      cfg(std::move(cfg)),
      target(stream_target(this->cfg)),
      batcher(ioc, owner.md_, std::move(cb), this->cfg.max_batch),
      link(ioc, ws, link_settings(this->cfg, target), owner.link_,
           [this](error_code ec, ws_open_step step) { on_open(ec, step); }) {
    for (auto& s : this->cfg.symbols)
      feeds.push_back(std::make_unique<symbol_feed>(s, this->cfg.max_buffered_diffs));
  }

  // The idle check is our own timer (watch_idle), armed once per half idle
  // period: Beast's re-armed a timer (a timerfd_settime syscall) on every
  // read, and our own frame reader has no idle timeout of its own.
  static ws_link_settings link_settings(const market_stream_config& cfg, const std::string& target) {
    return link_settings_own_keepalive(cfg, target);
  }

  void on_open(error_code ec, ws_open_step step) {
    if (ec) {
      last_connect_error.set(open_failure(step, ec));
      return disconnected();
    }
    ws.control_callback([this](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::ping)
        ++self.pings_;
      // A ping or pong shows the peer is alive, but not between the
      // fragments of a message it never finishes: then only completed
      // messages count, and a peer trickling fragments while it answers
      // our pings is dropped at idle_timeout (review finding 12).
      if (!ws.in_fragmented_message())
        ++control_frames;
    });
    link.reset_backoff();
    idle.pinged = false;
    watch_idle(link.generation());
    read();
  }

  // Every half idle period: traffic since the last look is fine; none, a
  // ping goes out; still none a half period later (no frame, no pong), the
  // connection is dropped (web-socket-streams.md: the server pings, we pong;
  // our ping finds a dead peer sooner).
  void watch_idle(uint64_t gen) {
    idle_timer.expires_after(cfg.idle_timeout / 2);
    idle_timer.async_wait([this, gen](error_code ec) {
      if (ec || link.stopping() || gen != link.generation() || !link.connected())
        return;
      switch (idle.look(self.md_.frames.load(std::memory_order_relaxed) + control_frames)) {
        case keepalive_watch::action::none: break;
        case keepalive_watch::action::ping: ws.async_ping({}, [](error_code) {}); break;
        case keepalive_watch::action::drop:
          ws.close_socket(); // the pending read fails: reconnect
          return;
      }
      watch_idle(gen);
    });
  }

  void read() { reader.start(); }

  // One message of the read that completed at `now` (market_read_loop).
  void on_frame(std::string_view text, timestamp_ns now) {
    decode_counted(
      text, [&](std::string_view t) { return decode_market_frame(t, now, event); }, self.by_kind_, self.md_,
      last_error, [&](market_event_kind kind) { on_event(kind, now); });
  }

  void on_event(market_event_kind kind, timestamp_ns now) {
    const symbol& sym = kind == market_event_kind::trade       ? event.tr.sym
                        : kind == market_event_kind::agg_trade ? event.agg.sym
                        : kind == market_event_kind::book_ticker ? event.top.sym
                                                                 : event.depth.sym;
    auto* feed = find_feed(feeds, sym);
    if (feed == nullptr)
      ++self.md_.unknown_symbol; // trades and tops still go on: the validator rejects them by reason
    else
      feed->last_rx_ns.store(now.ns, std::memory_order_relaxed);
    switch (kind) {
      case market_event_kind::trade: batcher.batch.trades.push_back(event.tr); break;
      // Every trade also comes as @trade; aggregates are counted, not forwarded twice.
      case market_event_kind::agg_trade: break;
      case market_event_kind::book_ticker: batcher.batch.tops.push_back(event.top); break;
      case market_event_kind::depth_update:
        if (feed != nullptr)
          on_depth(*feed, now);
        break;
    }
  }

  void on_depth(symbol_feed& f, timestamp_ns now) {
    auto r = f.book.on_update(event.depth);
    if (r == depth_result::applied)
      batcher.batch.tops.push_back(f.book.top(event.depth.ts_event, now));
    else if (r == depth_result::buffered || r == depth_result::gap)
      request_snapshot(f);
    note_book(f);
  }

  // Mirrors a book's counters and state into the atomics others read.
  void note_book(symbol_feed& f) { mirror_book(f.book, f, self.md_); }

  // GET /api/v3/depth on the helper thread, one at a time per symbol; the
  // answer is applied on the stream thread.
  void request_snapshot(symbol_feed& f) {
    if (f.snapshot_pending || f.book.synced() || monotonic_ns() < f.snapshot_not_before_ns)
      return;
    f.snapshot_pending = true;
    auto sym = f.book.sym();
    auto target = "/api/v3/depth?symbol=" + sym.str() + "&limit=" + std::to_string(cfg.depth_limit);
    auto epoch = f.epoch;
    snapshots.post([this, &f, target, epoch] {
      if (!rest)
        rest = std::make_unique<http_client>(
          make_http_transport(cfg.host, cfg.port, cfg.tls, cfg.ca_file),
          cfg.host + ":" + std::to_string(cfg.port), cfg.snapshot_timeout);
      http_request req;
      req.target = target;
      req.idempotent = true;
      auto reply = rest->send(req);
      snapshot_outcome out{std::string{}};
      if (!reply)
        out = snapshot_outcome{std::string(to_string(reply.error().failure)) + ": "
                               + reply.error().detail};
      else if (reply.value().status != 200)
        out = snapshot_outcome{"HTTP " + std::to_string(reply.value().status) + ": "
                               + reply.value().body.substr(0, 200)};
      else if (auto snap = parse_depth_snapshot(reply.value().body))
        out = snapshot_outcome{std::move(snap.value())};
      else
        out = snapshot_outcome{snap.error().reason};
      asio::post(ioc, [this, &f, epoch, o = std::move(out)] { on_snapshot(f, o, epoch); });
    });
  }

  void on_snapshot(symbol_feed& f, const snapshot_outcome& o, uint64_t epoch) {
    f.snapshot_pending = false;
    if (epoch != f.epoch) {
      if (f.book.buffered() > 0)
        request_snapshot(f); // diffs of the new connection are waiting
      return;
    }
    if (!o) {
      ++self.snapshot_failures_;
      f.snapshot_not_before_ns = monotonic_ns() + std::chrono::nanoseconds(cfg.snapshot_retry).count();
      last_snapshot_error.set(f.book.sym().str() + ": " + o.error());
      return;
    }
    ++self.snapshots_;
    auto r = f.book.on_snapshot(o.value());
    if (r == snapshot_result::synced) {
      auto now = wall_clock_now();
      batcher.batch.tops.push_back(f.book.top(now, now));
      batcher.schedule_flush();
    } else if (r == snapshot_result::too_old || r == snapshot_result::gap) {
      request_snapshot(f);
    }
    note_book(f);
  }

  void disconnected() {
    bool was = link.connected();
    if (!link.lost())
      return;
    batcher.flush();
    // Whatever the venue sent while we were away is lost: every book is
    // rebuilt from a fresh snapshot after the reconnect.
    if (was)
      for (auto& f : feeds) {
        ++f->epoch;
        f->book.reset();
        note_book(*f);
      }
  }

  // Posted by stop(): a graceful close when connected (bounded by the
  // handshake timeout), otherwise the socket is closed at once.
  void shutdown() {
    idle_timer.cancel();
    link.shutdown();
  }

  market_stream& self;
  market_stream_config cfg;
  std::string target;
  std::vector<std::unique_ptr<symbol_feed>> feeds;
  market_event event;
  // One thread runs it: the scheduler skips its cross-thread wake-ups.
  asio::io_context ioc{1};
  market_batcher batcher;
  asio::steady_timer idle_timer{ioc};
  uint64_t control_frames = 0;
  keepalive_watch idle;
  // Our own frame reader (ws_client.hpp): one large read, every frame in it.
  ws_client ws{ioc, cfg.tls, cfg.ca_file, cfg.read_limits};
  ws_reconnector link;
  market_read_loop reader{ws, self.md_, batcher, cfg.max_batch,
                          [this](std::string_view text, timestamp_ns now) { on_frame(text, now); },
                          [this] { disconnected(); }};
  io_thread runner{ioc};
  guarded_text last_error;
  guarded_text last_connect_error;
  guarded_text last_snapshot_error;
  // Used only on the `snapshots` thread; destroyed after it (declared before).
  std::unique_ptr<http_client> rest;
  serial_worker snapshots;
};

market_stream::market_stream(market_stream_config cfg, batch_callback on_batch)
  : impl_(std::make_unique<impl>(*this, std::move(cfg), std::move(on_batch))) {}

market_stream::~market_stream() {
  stop();
  impl_->snapshots.stop();
}

void market_stream::start() {
  impl_->runner.start([this] { impl_->link.open(); });
}

void market_stream::stop() {
  stop_stream(*impl_, link_);
}

bool market_stream::book_synced(std::size_t i) const {
  return feed_synced(impl_->feeds, i);
}

int64_t market_stream::last_frame_ns(std::size_t i) const {
  return feed_last_rx_ns(impl_->feeds, i);
}

bool market_stream::keeps_books() const {
  return impl_->cfg.depth;
}

void market_stream::add_counters(counters& k) const {
  using kind = market_event_kind;
  md_.add_to(k, link_);
  add_reader_counters(impl_->ws, k);
  for (auto e : {kind::trade, kind::agg_trade, kind::book_ticker, kind::depth_update})
    k[std::string("md.frames.") + to_string(e)] = static_cast<int64_t>(frames_of(e));
  k["book.snapshots"] = static_cast<int64_t>(snapshots());
  k["book.snapshot_failures"] = static_cast<int64_t>(snapshot_failures());
  add_symbol_counters(*this, k);
}

const std::vector<symbol>& market_stream::symbols() const {
  return impl_->cfg.symbols;
}

std::string market_stream::last_parse_error() const {
  return impl_->last_error.get();
}

std::string market_stream::last_protocol_error() const {
  return impl_->ws.last_protocol_error();
}

std::string market_stream::last_connect_error() const {
  return impl_->last_connect_error.get();
}

std::string market_stream::last_snapshot_error() const {
  return impl_->last_snapshot_error.get();
}

std::optional<book_view> market_stream::book(const symbol& sym, std::size_t depth,
                                             std::chrono::milliseconds wait) {
  auto* f = find_feed(impl_->feeds, sym);
  if (f == nullptr)
    return std::nullopt;
  return answer_on<book_view>(impl_->ioc, wait, [f, depth] {
    return view_of(f->book, f->book.update_id(), depth);
  });
}

} // namespace cwts::connector
