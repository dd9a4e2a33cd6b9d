#pragma once
// Market-data events, as they leave the connector and the validator.

#include <cstdint>
#include <vector>

#include "messages/decimal.hpp"
#include "messages/ids.hpp"
#include "messages/symbol.hpp"
#include "messages/time.hpp"
#include "messages/trace.hpp"

namespace cwts {

// One executed trade on the venue (Binance "<symbol>@trade").
struct trade {
  symbol sym;
  trade_id id;
  price px;
  qty quantity;
  bool buyer_is_maker = false;
  timestamp_ns ts_event; // exchange trade time
  timestamp_ns ts_init;  // when we received it
  // The trace this tick starts (the connector's tick span is its parent
  // for the validator); an order decided on it carries the same trace.
  trace::trace_context trace{};
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trade& x) {
  return f(caf::meta::type_name("trade"), x.sym, x.id, x.px, x.quantity, x.buyer_is_maker,
           x.ts_event, x.ts_init, x.trace);
}

// Best bid and ask of one symbol: from Binance "<symbol>@bookTicker" or from
// the connector's local order book (snapshot + diffs). A side with no level
// has zero price and quantity.
struct book_top {
  symbol sym{};
  int64_t update_id = 0; // the venue book's update id this top is as of
  price bid_px{};
  qty bid_qty{};
  price ask_px{};
  qty ask_qty{};
  bool from_local_book = false; // false: bookTicker
  timestamp_ns ts_event{};      // exchange time (bookTicker has none: receive time)
  timestamp_ns ts_init{};       // when we received it
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, book_top& x) {
  return f(caf::meta::type_name("book_top"), x.sym, x.update_id, x.bid_px, x.bid_qty, x.ask_px,
           x.ask_qty, x.from_local_book, x.ts_event, x.ts_init);
}

// What the connector hands the validator per burst of frames read (one
// message per burst instead of one per tick: batching is how the
// frames -> subscriber path reaches its throughput).
struct market_batch {
  std::vector<trade> trades{};
  std::vector<book_top> tops{};
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, market_batch& x) {
  return f(caf::meta::type_name("market_batch"), x.trades, x.tops);
}

} // namespace cwts
