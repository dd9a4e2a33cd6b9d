#pragma once
// A market source whose books come from a subscribed WebSocket book channel
// verified by the venue's checksum (okx/okx_market_stream.hpp: `books`,
// kraken/kraken_market_stream.hpp: v2 `book`): a broken book is discarded
// and subscribed again, the connection is kept alive by the client's own
// pings, and the venue's error events and the symbols it does not list are
// counted. The counters both keep alike, and their names in the stats.

#include <atomic>
#include <cstdint>
#include <string>

#include "actors/connector/guarded_text.hpp"
#include "actors/connector/market_source.hpp"

namespace cwts::connector {

class book_channel_source : public ws_market_source {
public:
  // Why the last connection attempt failed (or the config is unusable).
  std::string last_connect_error() const override { return connect_error_.get(); }
  // The reason of the last malformed frame.
  std::string last_parse_error() const { return parse_error_.get(); }
  // The venue's last error reply or refusal, or the symbols it does not list.
  std::string last_error_event() const { return error_event_.get(); }
  uint64_t checksum_failures() const { return checksum_failures_.load(); }
  uint64_t resubscribes() const { return resubscribes_.load(); }
  uint64_t error_events() const { return error_events_.load(); }
  uint64_t pings() const { return pings_.load(); }

protected:
  // The shared stream and book counters, these, and book.synced.<SYM> /
  // md.feed_age_ms.<SYM>; the source adds its own (md.frames.<channel>...).
  void add_book_channel_counters(counters& k) const {
    md_.add_to(k, link_);
    k["md.pings"] = static_cast<int64_t>(pings());
    k["md.error_events"] = static_cast<int64_t>(error_events());
    k["md.unlisted_symbols"] = static_cast<int64_t>(unlisted_symbols_.load());
    k["book.checksum_failures"] = static_cast<int64_t>(checksum_failures());
    k["book.resubscribes"] = static_cast<int64_t>(resubscribes());
    k["book.unsynced_updates"] = static_cast<int64_t>(unsynced_updates_.load());
    add_symbol_counters(*this, k);
  }

  std::atomic<uint64_t> checksum_failures_{0};
  std::atomic<uint64_t> resubscribes_{0};
  std::atomic<uint64_t> unsynced_updates_{0}; // book pushes before a snapshot
  std::atomic<uint64_t> error_events_{0};     // the venue's error replies
  std::atomic<uint64_t> pings_{0};
  std::atomic<uint64_t> unlisted_symbols_{0}; // configured, not listed by the venue
  // Written by the stream's thread, read by any.
  guarded_text connect_error_;
  guarded_text parse_error_;
  guarded_text error_event_;
};

} // namespace cwts::connector
