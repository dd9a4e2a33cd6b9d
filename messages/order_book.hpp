#pragma once
// A venue connector's local order book, as the admin port's /api/book and
// the console read it: the reply to (book_atom, symbol, depth). A message
// like any other, registered (messages/registry.cpp), so a node can ask a
// connector running on another node.

#include <cstdint>
#include <string>
#include <vector>

#include "caf/meta/type_name.hpp"

#include "messages/decimal.hpp"

namespace cwts {

// One price level of the local order book.
struct book_level {
  price px{};
  qty quantity{};
};

// The connector's local order book (snapshot + diffs, connector/order_book.hpp)
// as its stream thread holds it. `error` says why there is no book: a symbol
// this connector does not trade, market data cut by a full-stop kill, the
// stream thread not answering.
struct order_book_snapshot {
  std::string symbol;
  bool known = false; // the connector trades `symbol`
  std::string error;  // empty when bids/asks are the book's
  bool synced = false;
  bool crossed = false;
  int64_t update_id = 0;     // the venue update id the book is at
  int64_t last_frame_ns = 0; // wall clock of the symbol's last frame (0: none yet)
  int64_t taken_ns = 0;      // wall clock of this copy
  std::vector<book_level> bids{}; // high to low
  std::vector<book_level> asks{}; // low to high
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, book_level& x) {
  return f(caf::meta::type_name("book_level"), x.px, x.quantity);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order_book_snapshot& x) {
  return f(caf::meta::type_name("order_book_snapshot"), x.symbol, x.known, x.error, x.synced,
           x.crossed, x.update_id, x.last_frame_ns, x.taken_ns, x.bids, x.asks);
}

} // namespace cwts
