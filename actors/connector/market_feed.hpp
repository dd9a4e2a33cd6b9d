#pragma once
// What the market sources (market_stream.cpp for Binance,
// okx/okx_market_stream.cpp for OKX) do alike on their stream thread: the
// per-symbol state other threads read, the batching of frames into
// market_batch, and book() answered from the stream thread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "actors/connector/market_source.hpp"
#include "actors/connector/ws_client.hpp"
#include "actors/connector/ws_reconnector.hpp"
#include "common/trace/recorder.hpp"
#include "messages/market_data.hpp"

namespace cwts::connector {

// What other threads read of one symbol's feed, and the book's counters as
// last mirrored into the source's (mirror_book).
struct feed_marks {
  uint64_t seen_resyncs = 0, seen_gaps = 0, seen_crossed = 0;
  std::atomic<bool> synced{false};
  std::atomic<int64_t> last_rx_ns{0};
};

// Mirrors a book's resyncs, gaps, crossings and state into the atomics
// others read (the stream thread, after every change to the book).
template <class Book>
void mirror_book(const Book& b, feed_marks& f, market_feed_counters& k) {
  k.resyncs += b.resyncs() - f.seen_resyncs;
  k.gaps += b.gaps() - f.seen_gaps;
  k.crossed += b.crossed_count() - f.seen_crossed;
  f.seen_resyncs = b.resyncs();
  f.seen_gaps = b.gaps();
  f.seen_crossed = b.crossed_count();
  f.synced.store(b.synced(), std::memory_order_relaxed);
}

// The feed of a configured symbol (nullptr: not configured). The feed list
// never changes after construction, so any thread may look.
template <class Feed>
Feed* find_feed(const std::vector<std::unique_ptr<Feed>>& feeds, const symbol& sym) {
  for (auto& f : feeds)
    if (f->book.sym() == sym)
      return f.get();
  return nullptr;
}

// A frame just read into `buffer` at `now`: counted, its text handed to
// `decode`, the buffer emptied; what `decode` returned.
template <class Decode>
auto take_frame(market_feed_counters& k, boost::beast::flat_buffer& buffer, timestamp_ns now,
                Decode decode) {
  ++k.frames;
  k.last_frame_ns = now.ns;
  std::string_view text(static_cast<const char*>(buffer.cdata().data()), buffer.size());
  auto out = decode(text);
  buffer.consume(buffer.size());
  return out;
}

// Per index into the configured symbols (market_source::book_synced and
// last_frame_ns).
template <class Feed>
bool feed_synced(const std::vector<std::unique_ptr<Feed>>& feeds, std::size_t i) {
  return i < feeds.size() && feeds[i]->synced.load();
}

template <class Feed>
int64_t feed_last_rx_ns(const std::vector<std::unique_ptr<Feed>>& feeds, std::size_t i) {
  return i < feeds.size() ? feeds[i]->last_rx_ns.load() : 0;
}

// A copy of the book's top `depth` levels per side.
template <class Book>
book_view view_of(const Book& b, int64_t update_id, std::size_t depth) {
  book_view v;
  v.synced = b.synced();
  v.update_id = update_id;
  v.crossed = b.crossed();
  v.bids = b.bids(depth);
  v.asks = b.asks(depth);
  return v;
}

// Runs fn on the io_context's thread and waits for its answer: nullopt when
// that thread did not answer in `wait`.
template <class T, class Fn>
std::optional<T> answer_on(boost::asio::io_context& ioc, std::chrono::milliseconds wait, Fn fn) {
  auto done = std::make_shared<std::promise<T>>();
  auto answer = done->get_future();
  boost::asio::post(ioc, [done, fn = std::move(fn)] { done->set_value(fn()); });
  if (answer.wait_for(wait) != std::future_status::ready)
    return std::nullopt;
  return answer.get();
}

// A keepalive looked at once a period: traffic since the last look is fine;
// none, a ping goes out; still none at the next look, the connection is
// dropped. Stream thread only.
struct keepalive_watch {
  enum class action { none, ping, drop };
  uint64_t seen = 0;   // the traffic count at the last look
  bool pinged = false; // the last look sent a ping

  action look(uint64_t traffic) {
    if (traffic != seen) {
      seen = traffic;
      pinged = false;
      return action::none;
    }
    if (!pinged) {
      pinged = true;
      return action::ping;
    }
    return action::drop;
  }
};

// A keepalive_watch's loop for a venue that wants its own text ping (OKX's
// "ping", Kraken's {"method":"ping"}): every `period` one look at `traffic`;
// `ping()` sends the venue's ping, a drop closes the socket (the pending
// read fails: the stream reconnects), and `after()` runs after every look
// that keeps the connection. Ends with the connection (its generation).
template <class Ping, class After>
void run_keepalive(boost::asio::steady_timer& timer, std::chrono::milliseconds period,
                   ws_reconnector& link, ws_client& ws, keepalive_watch& watch,
                   const std::atomic<uint64_t>& traffic, uint64_t gen, Ping ping, After after) {
  timer.expires_after(period);
  timer.async_wait([&timer, period, &link, &ws, &watch, &traffic, gen, ping,
                    after](boost::system::error_code ec) {
    if (ec || link.stopping() || gen != link.generation() || !link.connected())
      return;
    switch (watch.look(traffic.load(std::memory_order_relaxed))) {
      case keepalive_watch::action::none: break;
      case keepalive_watch::action::ping: ping(); break;
      case keepalive_watch::action::drop: ws.close_socket(); return;
    }
    after();
    run_keepalive(timer, period, link, ws, watch, traffic, gen, ping, after);
  });
}

// The stream thread's batch: a market_batch per burst of frames, handed to
// the callback as soon as no further frame is ready to be read without
// waiting (or at max_batch), so batching adds no latency when the feed is
// quiet and amortises the hand-off under load.
class market_batcher {
public:
  using callback = std::function<void(market_batch&&)>;

  market_batcher(boost::asio::io_context& ioc, market_feed_counters& k, callback on_batch,
                 std::size_t max_batch)
    : ioc_(ioc), k_(k), on_batch_(std::move(on_batch)), max_batch_(max_batch) {}
  market_batcher(const market_batcher&) = delete;
  market_batcher& operator=(const market_batcher&) = delete;

  market_batch batch;

  // After each frame, with the next read already started.
  void after_frame() {
    if (batch.trades.size() + batch.tops.size() >= max_batch_)
      flush();
    else
      schedule_flush();
  }

  // A flush runs once no read completed since it was posted: then the next
  // read is waiting on the socket and nothing more is ready.
  void schedule_flush() {
    if (flush_posted_)
      return;
    flush_posted_ = true;
    boost::asio::post(ioc_, [this] { on_flush_check(); });
  }

  void flush() {
    if (batch.trades.empty() && batch.tops.empty())
      return;
    ++k_.batches;
    market_batch out;
    out.trades.reserve(batch.trades.size());
    std::swap(out, batch);
    // Each trade starts its trace here (docs/tracing.md): the tick span runs
    // from its receipt to this hand-over to the validator.
    auto now = wall_clock_now().ns;
    for (auto& t : out.trades)
      t.trace = trace::record_tick(t.ts_init.ns, now);
    on_batch_(std::move(out));
  }

private:
  void on_flush_check() {
    auto frames = k_.frames.load(std::memory_order_relaxed);
    if (frames != flush_checked_) {
      flush_checked_ = frames; // reads are still completing at once: wait one more round
      boost::asio::post(ioc_, [this] { on_flush_check(); });
      return;
    }
    flush_posted_ = false;
    flush();
  }

  boost::asio::io_context& ioc_;
  market_feed_counters& k_;
  callback on_batch_;
  std::size_t max_batch_;
  bool flush_posted_ = false;
  uint64_t flush_checked_ = 0;
};

} // namespace cwts::connector
