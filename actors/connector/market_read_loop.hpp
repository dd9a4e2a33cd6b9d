#pragma once
// The market streams' read loop (market_stream.cpp for Binance,
// okx/okx_market_stream.cpp, kraken/kraken_market_stream.cpp) over
// ws_client's own frames: one large read, every complete message in it
// decoded on the stream thread with the read's receive time, and the batch
// handed on once per read (or at max_batch), so there is one hand-off per
// read and nothing is held back when the socket is empty (issue 21).
//
// The frames counter and the last frame time are updated once per read:
// the keepalive and the status read them, neither needs each frame.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "actors/connector/guarded_text.hpp"
#include "actors/connector/market_feed.hpp"
#include "actors/connector/ws_client.hpp"
#include "messages/market_data.hpp"

namespace cwts::connector {

class market_read_loop final : public ws_message_sink {
public:
  // One message's text and the time its read completed.
  using frame_fn = std::function<void(std::string_view text, timestamp_ns rx)>;

  market_read_loop(ws_client& ws, market_feed_counters& k, market_batcher& batcher, std::size_t max_batch,
                   frame_fn on_frame, std::function<void()> on_lost)
    : ws_(ws), k_(k), batcher_(batcher), max_batch_(max_batch), on_frame_(std::move(on_frame)),
      on_lost_(std::move(on_lost)) {}
  market_read_loop(const market_read_loop&) = delete;
  market_read_loop& operator=(const market_read_loop&) = delete;

  // After the connection opened (and its subscribes were queued).
  void start() { ws_.async_read_messages(*this); }

  void on_read_begin() override {
    now_ = wall_clock_now();
    frames_ = 0;
  }

  void on_message(std::string_view payload, bool) override {
    ++frames_;
    // Binary messages go through the decoder too: it refuses them by
    // reason, as when Beast handed them over.
    on_frame_(payload, now_);
    if (batcher_.batch.trades.size() + batcher_.batch.tops.size() >= max_batch_)
      batcher_.flush();
  }

  void on_read_end(boost::system::error_code ec) override {
    if (frames_ > 0) {
      k_.frames.fetch_add(frames_, std::memory_order_relaxed);
      k_.last_frame_ns.store(now_.ns, std::memory_order_relaxed);
      frames_ = 0;
    }
    if (ec)
      return on_lost_();
    ws_.async_read_messages(*this);
    batcher_.flush();
  }

private:
  ws_client& ws_;
  market_feed_counters& k_;
  market_batcher& batcher_;
  std::size_t max_batch_;
  frame_fn on_frame_;
  std::function<void()> on_lost_;
  timestamp_ns now_{};
  uint64_t frames_ = 0;
};

// One message through a venue's decoder, as every market stream does it:
// a decoded kind is counted (by_kind) and handed to `on_kind`; a refusal
// is counted in parse_errors with its reason kept in `last_error`. True
// when it decoded. `decode(text)` returns an outcome whose value is the
// kind (an enum indexing by_kind) and whose error has a `reason`.
template <class Decode, std::size_t N, class OnKind>
bool decode_counted(std::string_view text, Decode&& decode, std::atomic<uint64_t> (&by_kind)[N],
                    market_feed_counters& k, guarded_text& last_error, OnKind&& on_kind) {
  auto kind = decode(text);
  if (!kind) {
    ++k.parse_errors;
    last_error.set(kind.error().reason);
    return false;
  }
  ++by_kind[static_cast<std::size_t>(kind.value())];
  on_kind(kind.value());
  return true;
}

// The own-frames counters every market stream reports alike.
inline void add_reader_counters(const ws_client& ws, std::map<std::string, int64_t>& k) {
  auto* c = ws.reader_counters();
  if (c == nullptr)
    return;
  k["md.ws_reads"] = static_cast<int64_t>(c->reads.load());
  k["md.ws_bytes"] = static_cast<int64_t>(c->bytes.load());
  k["md.ws_protocol_errors"] = static_cast<int64_t>(c->protocol_errors.load());
  k["md.ws_fragmented_messages"] = static_cast<int64_t>(c->fragmented.load());
  k["md.ws_pings_answered"] = static_cast<int64_t>(c->pings_answered.load());
  k["md.ws_write_overflows"] = static_cast<int64_t>(c->write_overflows.load());
}

} // namespace cwts::connector
