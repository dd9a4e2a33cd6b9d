#include "actors/connector/okx/okx_market_stream.hpp"

#include <algorithm>
#include <climits>
#include <map>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "actors/connector/http_client.hpp"
#include "actors/connector/io_thread.hpp"
#include "actors/connector/market_feed.hpp"
#include "actors/connector/market_read_loop.hpp"
#include "actors/connector/okx/okx_book.hpp"
#include "actors/connector/tls_transport.hpp"
#include "actors/connector/ws_client.hpp"
#include "actors/connector/ws_reconnector.hpp"
#include "actors/connector/ws_write_queue.hpp"
#include "common/serial_worker.hpp"

namespace cwts::connector::okx {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using boost::system::error_code;

std::string validate(const okx_market_config& cfg) {
  if (cfg.host.empty())
    return "host: empty";
  if (cfg.port == 0)
    return "port: must be 1..65535";
  if (cfg.symbols.empty())
    return "symbols: empty";
  if (!cfg.inst_ids.empty() && cfg.inst_ids.size() != cfg.symbols.size())
    return "inst_ids: " + std::to_string(cfg.inst_ids.size()) + " for "
           + std::to_string(cfg.symbols.size()) + " symbols (one per symbol, or none)";
  if (auto why = validate_tls(cfg.tls, cfg.ca_file); !why.empty())
    return why;
  if (!cfg.books && !cfg.trades && !cfg.bbo)
    return "channels: none selected";
  if (cfg.max_levels == 0 || cfg.max_batch == 0)
    return "max_levels/max_batch: must be positive";
  if (cfg.ping_interval.count() <= 0 || cfg.ping_interval >= std::chrono::seconds(30))
    return "ping_interval: must be within 1 ms .. 29.999 s (OKX closes a connection idle for 30 s)";
  if (cfg.connect_timeout.count() <= 0 || cfg.request_timeout.count() <= 0
      || cfg.instruments_retry.count() <= 0 || cfg.resubscribe_interval.count() < 0)
    return "connect_timeout/request_timeout/instruments_retry: must be positive";
  if (auto why = validate(cfg.read_limits); !why.empty())
    return "read_limits." + why;
  return validate_reconnect(cfg);
}

namespace {

// One configured symbol: its book (stream thread only) and what others read.
struct feed : feed_marks {
  feed(symbol s, std::size_t max_levels) : book(s, max_levels) {}
  okx_book book;
  std::string inst_id; // empty until resolved
  bool resubscribe_pending = false;
  int64_t resubscribe_not_before_ns = 0;
  int64_t subscribed_ns = 0; // monotonic time of the last books subscribe
  uint64_t seen_checksum = 0, seen_overflows = 0;
};

using instruments_outcome = outcome<std::vector<okx_spot_listing>, std::string>;

} // namespace

struct okx_market_stream::impl {
  impl(okx_market_stream& owner, okx_market_config c, batch_callback cb)
    : self(owner),
      cfg(std::move(c)),
      batcher(ioc, owner.md_, std::move(cb), cfg.max_batch),
      link(ioc, ws, link_settings(cfg), owner.link_,
           [this](error_code ec, ws_open_step step) { on_open(ec, step); }) {
    for (std::size_t i = 0; i < cfg.symbols.size(); ++i) {
      feeds.push_back(std::make_unique<feed>(cfg.symbols[i], cfg.max_levels));
      if (!cfg.inst_ids.empty())
        feeds.back()->inst_id = cfg.inst_ids[i];
    }
    index_inst_ids();
  }

  // The keepalive is ours (OKX's text ping), not Beast's control pings.
  static ws_link_settings link_settings(const okx_market_config& cfg) {
    return link_settings_own_keepalive(cfg, cfg.target);
  }

  void index_inst_ids() {
    by_inst.clear();
    for (auto& f : feeds)
      if (!f->inst_id.empty())
        by_inst[f->inst_id] = f.get();
  }

  // First the instIds (when not configured), then the connection.
  void begin() {
    if (!by_inst.empty())
      return link.open();
    // Keeps the stream thread's io_context running until the answer is
    // posted (or shutdown lets go of it: stop() then does not wait for REST).
    busy.emplace(ioc.get_executor());
    rest_worker.post([this] {
      instruments_outcome out{std::string{}};
      http_client rest(make_http_transport(cfg.host, cfg.port, cfg.tls, cfg.ca_file),
                       cfg.host + ":" + std::to_string(cfg.port), cfg.request_timeout);
      http_request req;
      req.target = "/api/v5/public/instruments?instType=SPOT";
      req.idempotent = true;
      auto reply = rest.send(req);
      if (!reply)
        out = instruments_outcome{std::string(to_string(reply.error().failure)) + ": "
                                  + reply.error().detail};
      else if (reply.value().status != 200)
        out = instruments_outcome{"HTTP " + std::to_string(reply.value().status) + ": "
                                  + reply.value().body.substr(0, 200)};
      else if (auto list = parse_okx_instruments(reply.value().body))
        out = instruments_outcome{std::move(list.value())};
      else
        out = instruments_outcome{list.error().reason};
      asio::post(ioc, [this, o = std::move(out)] { on_instruments(o); });
    });
  }

  void on_instruments(const instruments_outcome& o) {
    busy.reset();
    if (link.stopping())
      return;
    if (!o) {
      ++self.instrument_failures_;
      self.connect_error_.set("instruments: " + o.error());
      retry_timer.expires_after(cfg.instruments_retry);
      retry_timer.async_wait([this](error_code ec) {
        if (!ec && !link.stopping())
          begin();
      });
      return;
    }
    for (auto& f : feeds)
      for (auto& ins : o.value())
        if (ins.sym == f->book.sym())
          f->inst_id = ins.inst_id;
    std::string missing;
    for (auto& f : feeds)
      if (f->inst_id.empty()) {
        ++self.unlisted_symbols_;
        missing += (missing.empty() ? "" : ",") + f->book.sym().str();
      }
    if (!missing.empty())
      self.error_event_.set("instruments: not listed by the venue: " + missing);
    index_inst_ids();
    if (by_inst.empty())
      return on_instruments(instruments_outcome{"none of the symbols is listed by the venue"});
    link.open();
  }

  void on_open(error_code ec, ws_open_step step) {
    if (ec) {
      self.connect_error_.set(open_failure(step, ec));
      return disconnected();
    }
    ws.text(true);
    link.reset_backoff();
    writes.clear();
    std::vector<std::string> ids;
    for (auto& f : feeds)
      if (!f->inst_id.empty())
        ids.push_back(f->inst_id);
    // One request per channel, every instrument in it.
    if (cfg.books)
      send(okx_channel_request("subscribe", "books", ids));
    if (cfg.trades)
      send(okx_channel_request("subscribe", "trades", ids));
    if (cfg.bbo)
      send(okx_channel_request("subscribe", "bbo-tbt", ids));
    for (auto& f : feeds)
      f->subscribed_ns = monotonic_ns();
    keepalive.seen = self.md_.frames.load();
    keepalive.pinged = false;
    watch_ping(link.generation());
    read();
  }

  void send(std::string text) { writes.send(std::move(text)); }

  // Every ping_interval: anything received since the last look is fine;
  // nothing, a text "ping"; still nothing a period later, the link is dropped.
  void watch_ping(uint64_t gen) {
    run_keepalive(
      ping_timer, cfg.ping_interval, link, ws, keepalive, self.md_.frames, gen,
      [this] {
        ++self.pings_;
        send("ping");
      },
      [this] { resubscribe_stuck_books(); });
  }

  void read() { reader.start(); }

  // One message of the read that completed at `now` (market_read_loop).
  void on_text(std::string_view text, timestamp_ns now) {
    decode_counted(
      text, [&](std::string_view t) { return decode_okx_frame(t, frame); }, self.by_kind_, self.md_,
      self.parse_error_, [&](okx_frame_kind kind) { on_frame(kind, now); });
  }

  feed* feed_of(const std::string& inst_id, timestamp_ns now) {
    auto it = by_inst.find(inst_id);
    if (it == by_inst.end()) {
      ++self.md_.unknown_symbol;
      return nullptr;
    }
    it->second->last_rx_ns.store(now.ns, std::memory_order_relaxed);
    return it->second;
  }

  void on_frame(okx_frame_kind kind, timestamp_ns now) {
    switch (kind) {
      case okx_frame_kind::pong: ++self.pongs_; break;
      case okx_frame_kind::event: on_event(); break;
      case okx_frame_kind::books:
        if (auto* f = feed_of(frame.book.inst_id, now))
          on_book(*f, now);
        break;
      case okx_frame_kind::trades:
        for (auto& t : frame.trades)
          if (auto* f = feed_of(t.inst_id, now))
            batcher.batch.trades.push_back(trade{f->book.sym(), t.id, t.px, t.sz, t.buyer_is_maker, t.ts, now});
        break;
      case okx_frame_kind::bbo:
        if (auto* f = feed_of(frame.bbo.inst_id, now))
          batcher.batch.tops.push_back(to_book_top(frame.bbo, f->book.sym(), now));
        break;
    }
  }

  // An error event (a refused subscribe, a bad request) is counted and kept.
  void on_event() {
    auto& e = frame.event;
    if (e.event != "error")
      return;
    ++self.error_events_;
    self.error_event_.set("OKX code " + e.code + ": " + e.msg);
  }

  void on_book(feed& f, timestamp_ns now) {
    auto r = f.book.on_push(frame.book);
    switch (r) {
      case okx_book_result::synced:
      case okx_book_result::applied: batcher.batch.tops.push_back(f.book.top(frame.book.ts, now)); break;
      case okx_book_result::unsynced: ++self.unsynced_updates_; break;
      case okx_book_result::gap:
      case okx_book_result::checksum_mismatch:
      case okx_book_result::overflow: resubscribe(f); break;
    }
    note_book(f);
  }

  // Mirrors a book's counters and state into the atomics others read.
  void note_book(feed& f) {
    auto& b = f.book;
    self.checksum_failures_ += b.checksum_failures() - f.seen_checksum;
    self.overflows_ += b.overflows() - f.seen_overflows;
    f.seen_checksum = b.checksum_failures();
    f.seen_overflows = b.overflows();
    mirror_book(b, f, self.md_);
  }

  // A broken book asks the venue for a fresh snapshot: unsubscribe, then
  // subscribe again, no sooner than resubscribe_interval after the last time
  // (one timer for every instrument waiting).
  void resubscribe(feed& f) {
    auto now = monotonic_ns();
    if (now >= f.resubscribe_not_before_ns)
      return resubscribe_now(f, now);
    f.resubscribe_pending = true;
    arm_resubscribe(now);
  }

  void arm_resubscribe(int64_t now) {
    if (resub_armed)
      return;
    int64_t first = INT64_MAX;
    for (auto& f : feeds)
      if (f->resubscribe_pending)
        first = std::min(first, f->resubscribe_not_before_ns);
    if (first == INT64_MAX)
      return;
    resub_armed = true;
    resub_timer.expires_after(std::chrono::nanoseconds(std::max<int64_t>(first - now, 0)));
    resub_timer.async_wait([this](error_code ec) {
      resub_armed = false;
      if (ec || link.stopping())
        return;
      auto t = monotonic_ns();
      for (auto& f : feeds)
        if (f->resubscribe_pending && t >= f->resubscribe_not_before_ns) {
          f->resubscribe_pending = false;
          if (link.connected() && !f->book.synced())
            resubscribe_now(*f, t);
        }
      arm_resubscribe(t);
    });
  }

  // A book still without its snapshot a whole ping period after its
  // subscribe (a refused or lost subscribe) asks again.
  void resubscribe_stuck_books() {
    if (!cfg.books)
      return;
    auto now = monotonic_ns();
    auto period = std::chrono::nanoseconds(cfg.ping_interval).count();
    for (auto& f : feeds)
      if (!f->inst_id.empty() && !f->book.synced() && !f->resubscribe_pending
          && now - f->subscribed_ns >= period)
        resubscribe(*f);
  }

  void resubscribe_now(feed& f, int64_t now) {
    ++self.resubscribes_;
    f.resubscribe_not_before_ns = now + std::chrono::nanoseconds(cfg.resubscribe_interval).count();
    f.subscribed_ns = now;
    send(okx_channel_request("unsubscribe", "books", {f.inst_id}));
    send(okx_channel_request("subscribe", "books", {f.inst_id}));
  }

  void disconnected() {
    bool was = link.connected();
    if (!link.lost())
      return;
    batcher.flush();
    writes.clear();
    // What the venue sent while we were away is lost: snapshots again.
    for (auto& f : feeds)
      f->resubscribe_pending = false; // the new connection subscribes afresh
    if (was)
      for (auto& f : feeds) {
        f->book.reset();
        note_book(*f);
      }
  }

  void shutdown() {
    ping_timer.cancel();
    retry_timer.cancel();
    resub_timer.cancel();
    busy.reset();
    link.shutdown();
  }

  okx_market_stream& self;
  okx_market_config cfg;
  std::vector<std::unique_ptr<feed>> feeds;
  // instId -> feed; only configured symbols, so bounded by the config.
  std::map<std::string, feed*> by_inst;
  okx_frame frame;
  keepalive_watch keepalive;
  asio::io_context ioc{1};
  market_batcher batcher;
  asio::steady_timer ping_timer{ioc};
  asio::steady_timer retry_timer{ioc};
  asio::steady_timer resub_timer{ioc};
  bool resub_armed = false;
  // Our own frame reader (ws_client.hpp): one large read, every frame in it.
  ws_client ws{ioc, cfg.tls, cfg.ca_file, cfg.read_limits};
  ws_reconnector link;
  ws_write_queue writes{ws, link, [this] { disconnected(); }};
  market_read_loop reader{ws, self.md_, batcher, cfg.max_batch,
                          [this](std::string_view text, timestamp_ns now) { on_text(text, now); },
                          [this] { disconnected(); }};
  io_thread runner{ioc};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> busy;
  serial_worker rest_worker; // the instruments request
};

okx_market_stream::okx_market_stream(okx_market_config cfg, batch_callback on_batch)
  : impl_(std::make_unique<impl>(*this, std::move(cfg), std::move(on_batch))) {}

okx_market_stream::~okx_market_stream() {
  stop();
  impl_->rest_worker.stop();
}

void okx_market_stream::start() {
  // A config that cannot work never connects, and says why where the shell
  // logs connection failures.
  if (auto why = validate(impl_->cfg); !why.empty()) {
    connect_error_.set("config: " + why);
    return;
  }
  impl_->runner.start([this] { impl_->begin(); });
}

void okx_market_stream::stop() {
  stop_stream(*impl_, link_);
}

bool okx_market_stream::keeps_books() const {
  return impl_->cfg.books;
}

const std::vector<symbol>& okx_market_stream::symbols() const {
  return impl_->cfg.symbols;
}

bool okx_market_stream::book_synced(std::size_t i) const {
  return feed_synced(impl_->feeds, i);
}

int64_t okx_market_stream::last_frame_ns(std::size_t i) const {
  return feed_last_rx_ns(impl_->feeds, i);
}

std::optional<book_view> okx_market_stream::book(const symbol& sym, std::size_t depth,
                                                 std::chrono::milliseconds wait) {
  auto* f = find_feed(impl_->feeds, sym);
  if (f == nullptr)
    return std::nullopt;
  return answer_on<book_view>(impl_->ioc, wait, [f, depth] {
    return view_of(f->book, f->book.seq_id(), depth);
  });
}

void okx_market_stream::add_counters(counters& k) const {
  add_reader_counters(impl_->ws, k);
  for (auto e : {okx_frame_kind::books, okx_frame_kind::trades, okx_frame_kind::bbo,
                 okx_frame_kind::pong, okx_frame_kind::event})
    k[std::string("md.frames.") + to_string(e)] = static_cast<int64_t>(frames_of(e));
  k["md.instrument_failures"] = static_cast<int64_t>(instrument_failures());
  k["book.overflows"] = static_cast<int64_t>(overflows_.load());
  add_book_channel_counters(k);
}

} // namespace cwts::connector::okx
