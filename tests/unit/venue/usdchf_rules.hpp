#pragma once
// The USDCHF symbol and filters the venue unit tests trade on (the same as
// config/venue.ini, with a tighter max qty), and LIMIT orders on it: a
// client's and one on the venue's own book.

#include <string>

#include "venue/matching_engine.hpp"
#include "venue/symbol_rules.hpp"

namespace cwts::venue::testing {

inline symbol usdchf() {
  return *symbol::parse("USDCHF");
}

inline symbol_rules usdchf_rules() {
  symbol_rules r;
  r.sym = usdchf();
  r.base_asset = "USD";
  r.quote_asset = "CHF";
  r.min_price = *price::parse("0.0001");
  r.max_price = *price::parse("100");
  r.tick_size = *price::parse("0.0001");
  r.min_qty = *qty::parse("1");
  r.max_qty = *qty::parse("1000000");
  r.step_size = *qty::parse("1");
  r.min_notional = *notional::parse("1");
  r.max_notional = *notional::parse("100000000");
  return r;
}

inline place_request limit(const std::string& acc, order_side side, const char* px,
                           const char* q, time_in_force tif = time_in_force::gtc,
                           std::string coid = {}) {
  place_request r;
  r.account = acc;
  r.sym = usdchf();
  r.side = side;
  r.type = order_type::limit;
  r.tif = tif;
  r.px = *price::parse(px);
  r.quantity = *qty::parse(q);
  r.client_order_id = std::move(coid);
  return r;
}

// A LIMIT order on the venue's own book (account "@venue", as the replay's
// liquidity rests there).
inline place_request venue_limit(order_side side, const char* px, const char* q,
                                 time_in_force tif = time_in_force::gtc) {
  auto r = limit("@venue", side, px, q, tif);
  r.venue_owned = true;
  return r;
}

} // namespace cwts::venue::testing
