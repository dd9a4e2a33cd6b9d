#include "actors/connector/kraken/kraken_market_stream.hpp"

#include <map>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "actors/connector/io_thread.hpp"
#include "actors/connector/kraken/kraken_book.hpp"
#include "actors/connector/market_feed.hpp"
#include "actors/connector/market_read_loop.hpp"
#include "actors/connector/tls_transport.hpp"
#include "actors/connector/ws_client.hpp"
#include "actors/connector/ws_reconnector.hpp"
#include "actors/connector/ws_write_queue.hpp"
#include "common/kraken_names.hpp"

namespace cwts::connector::kraken {

namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;

std::string validate(const kraken_market_config& cfg) {
  if (cfg.host.empty())
    return "host: empty";
  if (cfg.port == 0)
    return "port: must be 1..65535";
  if (cfg.symbols.empty())
    return "symbols: empty";
  if (auto why = validate_tls(cfg.tls, cfg.ca_file); !why.empty())
    return why;
  if (!cfg.books && !cfg.trades)
    return "channels: none selected";
  if (cfg.depth != 10 && cfg.depth != 25 && cfg.depth != 100 && cfg.depth != 500 && cfg.depth != 1000)
    return "depth: " + std::to_string(cfg.depth) + " is not one Kraken offers (10, 25, 100, 500, 1000)";
  if (cfg.max_batch == 0)
    return "max_batch: must be positive";
  if (cfg.ping_interval.count() <= 0 || cfg.connect_timeout.count() <= 0
      || cfg.resubscribe_interval.count() < 0)
    return "ping_interval/connect_timeout: must be positive";
  if (auto why = validate(cfg.read_limits); !why.empty())
    return "read_limits." + why;
  return validate_reconnect(cfg);
}

namespace {

// One configured symbol: its book (stream thread only) and what others read.
struct feed : feed_marks {
  feed(symbol s, std::size_t depth) : book(s, depth) {}
  kraken_book book;
  std::string pair; // the v2 symbol; empty until the instrument snapshot names it
  bool subscribed = false;
  bool resubscribe_pending = false;
  int64_t resubscribe_not_before_ns = 0;
  int64_t subscribed_ns = 0; // monotonic time of the last book subscribe
  uint64_t seen_checksum = 0;
};

} // namespace

struct kraken_market_stream::impl {
  impl(kraken_market_stream& owner, kraken_market_config c, batch_callback cb)
    : self(owner),
      cfg(std::move(c)),
      batcher(ioc, owner.md_, std::move(cb), cfg.max_batch),
      link(ioc, ws, link_settings_own_keepalive(cfg, cfg.target), owner.link_,
           [this](error_code ec, ws_open_step step) { on_open(ec, step); }) {
    for (auto& s : cfg.symbols)
      feeds.push_back(std::make_unique<feed>(s, static_cast<std::size_t>(cfg.depth)));
  }

  void on_open(error_code ec, ws_open_step step) {
    if (ec) {
      self.connect_error_.set(open_failure(step, ec));
      return disconnected();
    }
    ws.text(true);
    link.reset_backoff();
    writes.clear();
    // The pairs and their precisions first: the book needs them.
    send(kraken_channel_request("subscribe", "instrument", {}, 0, ++req_id));
    keepalive.seen = self.md_.frames.load();
    keepalive.pinged = false;
    watch_ping(link.generation());
    read();
  }

  void send(std::string text) { writes.send(std::move(text)); }

  // Every ping_interval: anything received (heartbeats included) is fine;
  // nothing, a {"method":"ping"}; still nothing a period later, the link is
  // dropped.
  void watch_ping(uint64_t gen) {
    run_keepalive(
      ping_timer, cfg.ping_interval, link, ws, keepalive, self.md_.frames, gen,
      [this] {
        ++self.pings_;
        send(kraken_ping_request(++req_id));
      },
      [this] { resubscribe_stuck_books(); });
  }

  void read() { reader.start(); }

  // One message of the read that completed at `now` (market_read_loop).
  void on_text(std::string_view text, timestamp_ns now) {
    if (!decode_counted(
          text, [&](std::string_view t) { return decode_kraken_frame(t, frame); }, self.by_kind_, self.md_,
          self.parse_error_, [&](kraken_frame_kind kind) { on_frame(kind, now); }))
      resync_broken_books();
    // Throttled resubscribes are due on a later frame: Kraken's heartbeat
    // comes every second, so no timer of their own is needed.
    if (pending_resubscribes)
      service_resubscribes();
  }

  feed* feed_of(const std::string& pair, timestamp_ns now) {
    auto it = by_pair.find(pair);
    if (it == by_pair.end()) {
      ++self.md_.unknown_symbol;
      return nullptr;
    }
    it->second->last_rx_ns.store(now.ns, std::memory_order_relaxed);
    return it->second;
  }

  void on_frame(kraken_frame_kind kind, timestamp_ns now) {
    switch (kind) {
      case kraken_frame_kind::ack: on_ack(); break;
      case kraken_frame_kind::pong:
      case kraken_frame_kind::heartbeat:
      case kraken_frame_kind::status: break;
      case kraken_frame_kind::instrument: on_instrument(); break;
      case kraken_frame_kind::book:
        for (auto& b : frame.books)
          if (auto* f = feed_of(b.symbol, now))
            on_book(*f, b, now);
        break;
      case kraken_frame_kind::trade:
        // A subscribe's snapshot is history the validator has seen or must
        // not take as live (its ids would repeat after a reconnect).
        if (frame.trades_snapshot)
          break;
        for (auto& t : frame.trades)
          if (auto* f = feed_of(t.symbol, now))
            batcher.batch.trades.push_back(trade{f->book.sym(), t.id, t.px, t.sz, t.buyer_is_maker, t.ts, now});
        break;
    }
  }

  // A refused request (an unknown pair, a bad depth) is counted and kept.
  void on_ack() {
    auto& a = frame.ack;
    if (a.success)
      return;
    ++self.error_events_;
    self.error_event_.set(a.method + " " + a.symbol + ": " + a.error);
  }

  // Pairs named by the instrument channel: a symbol's pair is the one whose
  // assets are ours; its precisions go to the book. New pairs are subscribed.
  void on_instrument() {
    std::vector<std::string> fresh;
    for (auto& p : frame.pairs)
      for (auto& f : feeds) {
        if (kraken_our_asset(p.base) + kraken_our_asset(p.quote) != f->book.sym().str())
          continue;
        f->book.set_precision(p.price_precision, p.qty_precision);
        if (f->pair.empty()) {
          f->pair = p.symbol;
          by_pair[f->pair] = f.get();
        }
        if (!f->subscribed) {
          f->subscribed = true;
          f->subscribed_ns = monotonic_ns();
          fresh.push_back(f->pair);
        }
      }
    if (!fresh.empty()) {
      if (cfg.books)
        send(kraken_channel_request("subscribe", "book", fresh, cfg.depth, ++req_id));
      if (cfg.trades)
        send(kraken_channel_request("subscribe", "trade", fresh, 0, ++req_id));
    }
    if (!instruments_seen) {
      instruments_seen = true;
      std::string missing;
      for (auto& f : feeds)
        if (f->pair.empty()) {
          ++self.unlisted_symbols_;
          missing += (missing.empty() ? "" : ",") + f->book.sym().str();
        }
      if (!missing.empty())
        self.error_event_.set("instrument: not listed by the venue: " + missing);
    }
  }

  // A malformed book message (no checksum, a bad level) was not applied:
  // each book it named is stale now, so it is discarded and subscribed
  // again as on a checksum mismatch.
  void resync_broken_books() {
    for (auto& pair : frame.broken_books) {
      auto it = by_pair.find(pair);
      if (it == by_pair.end() || !it->second->subscribed)
        continue;
      it->second->book.reset();
      note_book(*it->second);
      resubscribe(*it->second);
    }
  }

  void on_book(feed& f, const kraken_book_msg& m, timestamp_ns now) {
    switch (f.book.on_message(m)) {
      case kraken_book_result::synced:
      case kraken_book_result::applied: batcher.batch.tops.push_back(f.book.top(m.ts, now)); break;
      case kraken_book_result::unsynced: ++self.unsynced_updates_; break;
      case kraken_book_result::checksum_mismatch: resubscribe(f); break;
    }
    note_book(f);
  }

  void note_book(feed& f) {
    self.checksum_failures_ += f.book.checksum_failures() - f.seen_checksum;
    f.seen_checksum = f.book.checksum_failures();
    mirror_book(f.book, f, self.md_);
  }

  // A broken book asks for a fresh snapshot, no sooner than
  // resubscribe_interval after the last time for that pair.
  void resubscribe(feed& f) {
    auto now = monotonic_ns();
    if (now >= f.resubscribe_not_before_ns)
      return resubscribe_now(f, now);
    f.resubscribe_pending = true;
    pending_resubscribes = true;
  }

  void service_resubscribes() {
    pending_resubscribes = false;
    auto now = monotonic_ns();
    for (auto& f : feeds) {
      if (!f->resubscribe_pending)
        continue;
      if (now < f->resubscribe_not_before_ns) {
        pending_resubscribes = true;
        continue;
      }
      f->resubscribe_pending = false;
      if (!f->book.synced())
        resubscribe_now(*f, now);
    }
  }

  // A book still without its snapshot a whole ping period after its
  // subscribe asks again.
  void resubscribe_stuck_books() {
    if (!cfg.books)
      return;
    auto now = monotonic_ns();
    auto period = std::chrono::nanoseconds(cfg.ping_interval).count();
    for (auto& f : feeds)
      if (f->subscribed && !f->book.synced() && !f->resubscribe_pending && now - f->subscribed_ns >= period)
        resubscribe(*f);
    if (pending_resubscribes)
      service_resubscribes();
  }

  void resubscribe_now(feed& f, int64_t now) {
    ++self.resubscribes_;
    f.resubscribe_not_before_ns = now + std::chrono::nanoseconds(cfg.resubscribe_interval).count();
    f.subscribed_ns = now;
    send(kraken_channel_request("unsubscribe", "book", {f.pair}, cfg.depth, ++req_id));
    send(kraken_channel_request("subscribe", "book", {f.pair}, cfg.depth, ++req_id));
  }

  void disconnected() {
    bool was = link.connected();
    if (!link.lost())
      return;
    batcher.flush();
    writes.clear();
    pending_resubscribes = false;
    // The new connection asks for instruments and subscribes afresh.
    for (auto& f : feeds) {
      f->subscribed = false;
      f->resubscribe_pending = false;
    }
    if (was)
      for (auto& f : feeds) {
        f->book.reset();
        note_book(*f);
      }
  }

  void shutdown() {
    ping_timer.cancel();
    link.shutdown();
  }

  kraken_market_stream& self;
  kraken_market_config cfg;
  std::vector<std::unique_ptr<feed>> feeds;
  // v2 symbol -> feed; only configured symbols, so bounded by the config.
  std::map<std::string, feed*> by_pair;
  bool instruments_seen = false;
  bool pending_resubscribes = false;
  uint64_t req_id = 0;
  kraken_frame frame;
  keepalive_watch keepalive;
  asio::io_context ioc{1};
  market_batcher batcher;
  asio::steady_timer ping_timer{ioc};
  // Our own frame reader (ws_client.hpp): one large read, every frame in it.
  ws_client ws{ioc, cfg.tls, cfg.ca_file, cfg.read_limits};
  ws_reconnector link;
  ws_write_queue writes{ws, link, [this] { disconnected(); }};
  market_read_loop reader{ws, self.md_, batcher, cfg.max_batch,
                          [this](std::string_view text, timestamp_ns now) { on_text(text, now); },
                          [this] { disconnected(); }};
  io_thread runner{ioc};
};

kraken_market_stream::kraken_market_stream(kraken_market_config cfg, batch_callback on_batch)
  : impl_(std::make_unique<impl>(*this, std::move(cfg), std::move(on_batch))) {}

kraken_market_stream::~kraken_market_stream() {
  stop();
}

void kraken_market_stream::start() {
  if (auto why = validate(impl_->cfg); !why.empty()) {
    connect_error_.set("config: " + why);
    return;
  }
  impl_->runner.start([this] { impl_->link.open(); });
}

void kraken_market_stream::stop() {
  stop_stream(*impl_, link_);
}

bool kraken_market_stream::keeps_books() const {
  return impl_->cfg.books;
}

const std::vector<symbol>& kraken_market_stream::symbols() const {
  return impl_->cfg.symbols;
}

bool kraken_market_stream::book_synced(std::size_t i) const {
  return feed_synced(impl_->feeds, i);
}

int64_t kraken_market_stream::last_frame_ns(std::size_t i) const {
  return feed_last_rx_ns(impl_->feeds, i);
}

std::optional<book_view> kraken_market_stream::book(const symbol& sym, std::size_t depth,
                                                    std::chrono::milliseconds wait) {
  auto* f = find_feed(impl_->feeds, sym);
  if (f == nullptr)
    return std::nullopt;
  return answer_on<book_view>(impl_->ioc, wait,
                              [f, depth] { return view_of(f->book, f->book.update_id(), depth); });
}

void kraken_market_stream::add_counters(counters& k) const {
  add_reader_counters(impl_->ws, k);
  for (std::size_t i = 0; i < kraken_frame_kind_count; ++i)
    k[std::string("md.frames.") + to_string(static_cast<kraken_frame_kind>(i))]
      = static_cast<int64_t>(by_kind_[i].load());
  add_book_channel_counters(k);
}

} // namespace cwts::connector::kraken
