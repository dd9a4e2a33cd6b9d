#include "venue/market_json.hpp"

namespace cwts::venue {

namespace {

std::string price_or_zero(const std::optional<book_level>& l) {
  return l ? l->px.to_string() : price{}.to_string();
}

std::string qty_or_zero(const std::optional<book_level>& l) {
  return l ? l->quantity.to_string() : qty{}.to_string();
}

} // namespace

void write_levels(json_writer& w, std::string_view k, const std::vector<book_level>& levels) {
  w.key(k).begin_array();
  for (auto& l : levels)
    w.begin_array().str(l.px.to_string()).str(l.quantity.to_string()).end_array();
  w.end_array();
}

bool top_of_book::operator==(const top_of_book& o) const {
  auto same = [](const std::optional<book_level>& a, const std::optional<book_level>& b) {
    if (a.has_value() != b.has_value()) return false;
    return !a || (a->px == b->px && a->quantity == b->quantity);
  };
  return same(bid, o.bid) && same(ask, o.ask);
}

top_of_book top_of(const matching_engine& engine, symbol sym) {
  return top_of_book{engine.best(sym, order_side::buy), engine.best(sym, order_side::sell)};
}

std::string book_ticker_event_json(symbol sym, const top_of_book& top, int64_t update_id) {
  json_writer w;
  w.begin_object().field_num("u", update_id).field("s", sym.view())
    .field("b", price_or_zero(top.bid)).field("B", qty_or_zero(top.bid))
    .field("a", price_or_zero(top.ask)).field("A", qty_or_zero(top.ask)).end_object();
  return w.take();
}

void write_book_ticker(json_writer& w, symbol sym, const top_of_book& top) {
  w.begin_object().field("symbol", sym.view())
    .field("bidPrice", price_or_zero(top.bid)).field("bidQty", qty_or_zero(top.bid))
    .field("askPrice", price_or_zero(top.ask)).field("askQty", qty_or_zero(top.ask))
    .end_object();
}

void write_trades(json_writer& w, const std::vector<public_trade>& trades) {
  w.begin_array();
  for (auto& t : trades) {
    auto quote = notional_of(t.px, t.quantity).value_or(notional{});
    w.begin_object().field_num("id", t.trade_id).field("price", t.px.to_string())
      .field("qty", t.quantity.to_string()).field("quoteQty", quote.to_string())
      .field_num("time", t.time_ms).field_bool("isBuyerMaker", t.buyer_is_maker)
      .field_bool("isBestMatch", true).end_object();
  }
  w.end_array();
}

} // namespace cwts::venue
