#pragma once
// Market-data events, as they leave the connector and the validator.

#include "messages/decimal.hpp"
#include "messages/ids.hpp"
#include "messages/symbol.hpp"
#include "messages/time.hpp"

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
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trade& x) {
  return f(caf::meta::type_name("trade"), x.sym, x.id, x.px, x.quantity, x.buyer_is_maker,
           x.ts_event, x.ts_init);
}

} // namespace cwts
