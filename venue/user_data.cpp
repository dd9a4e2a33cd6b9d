#include "venue/user_data.hpp"

#include <algorithm>

#include "venue/json_writer.hpp"

namespace cwts::venue {

namespace {

const char* zero = "0.00000000";

notional value_of(price px, qty q) {
  return notional_of(px, q).value_or(notional::from_raw(INT64_MAX));
}

// One executionReport's changing part (user-data-stream.md "Order Update").
struct execution {
  std::string_view type;   // x
  order_status status;     // X
  const order_fill* fill;  // the fill a TRADE reports, else null
  qty cum_qty;             // z
  notional cum_quote;      // Z
  bool on_book;            // w
  bool worked;             // "W" shown: the order rested at some point
  int64_t time_ms;         // T
};

std::string execution_report(const order& o, const execution& x, std::string_view fee_asset,
                             int64_t execution_id) {
  bool canceled = x.status == order_status::canceled;
  // An amend (x REPLACED) names the order's previous clientOrderId in "C".
  bool replaced = x.type == "REPLACED";
  json_writer w;
  w.begin_object().field("e", "executionReport").field_num("E", o.update_time_ms)
    .field("s", o.sym.view())
    // A cancel carries the cancel's id in "c" and the order's in "C".
    .field("c", canceled ? o.cancel_client_order_id : o.client_order_id)
    .field("S", to_string(o.side)).field("o", to_string(o.type)).field("f", to_string(o.tif))
    .field("q", o.orig_qty.to_string()).field("p", o.px.to_string()).field("P", zero)
    .field("F", zero).field_num("g", -1)
    .field("C", canceled ? o.client_order_id : replaced ? o.pre_amend_client_order_id : "")
    .field("x", x.type).field("X", to_string(x.status)).field("r", "NONE")
    .field_num("i", o.order_id)
    .field("l", x.fill ? x.fill->quantity.to_string() : zero)
    .field("z", x.cum_qty.to_string())
    .field("L", x.fill ? x.fill->px.to_string() : zero)
    .field("n", x.fill ? x.fill->commission.to_string() : "0");
  if (x.fill)
    w.field("N", fee_asset);
  else
    w.key("N").raw("null");
  w.field_num("T", x.time_ms).field_num("t", x.fill ? x.fill->trade_id : -1)
    .field_num("I", execution_id).field_bool("w", x.on_book)
    .field_bool("m", x.fill && x.fill->maker).field_bool("M", false)
    .field_num("O", o.time_ms).field("Z", x.cum_quote.to_string())
    .field("Y", x.fill ? value_of(x.fill->px, x.fill->quantity).to_string() : zero)
    .field("Q", zero);
  if (x.worked) w.field_num("W", o.time_ms);
  w.field("V", to_string(o.stp)).end_object();
  return w.take();
}

std::string_view closing_type(order_status s) {
  switch (s) {
    case order_status::canceled: return "CANCELED";
    case order_status::expired_in_match: return "TRADE_PREVENTION";
    default: return "EXPIRED";
  }
}

} // namespace

user_data_feed::user_data_feed(matching_engine& engine, account_filter wanted)
  : engine_(engine), wanted_(std::move(wanted)) {
  engine_.on_order_update([this](const order& o) { on_order(o); });
}

void user_data_feed::on_order(const order& o) {
  auto it = open_.find(o.order_id);
  bool first = it == open_.end();
  tracked t = first ? tracked{} : it->second;
  report(o, t, first);
  if (o.is_open())
    open_[o.order_id] = t;
  else if (!first)
    open_.erase(it);
}

void user_data_feed::report(const order& o, tracked& t, bool first) {
  bool build = wanted_(o.account);
  const auto* rules = engine_.rules(o.sym);
  std::string_view fee_asset;
  if (rules) fee_asset = o.side == order_side::buy ? rules->base_asset : rules->quote_asset;
  auto emit = [&](const execution& x) {
    auto id = next_execution_id_++;
    if (build) pending_.push_back({o.account, execution_report(o, x, fee_asset, id)});
  };
  if (first) {
    // Accepted by the engine; on the book already when it rests untouched.
    bool rests = o.fills.empty() && o.is_open();
    t.on_book = rests;
    emit({"NEW", order_status::new_order, nullptr, qty{}, notional{}, rests, rests, o.time_ms});
  }
  qty cum;
  notional cum_quote;
  for (size_t k = 0; k < o.fills.size(); ++k) {
    const auto& f = o.fills[k];
    cum += f.quantity;
    cum_quote += value_of(f.px, f.quantity);
    if (k < t.fills_reported) continue;
    bool last = k + 1 == o.fills.size();
    bool rests = last && o.is_open();
    t.on_book = t.on_book || f.maker || rests;
    auto status = cum == o.orig_qty ? order_status::filled : order_status::partially_filled;
    emit({"TRADE", status, &f, cum, cum_quote, rests, t.on_book, o.update_time_ms});
  }
  t.fills_reported = o.fills.size();
  // Order Amend Keep Priority: one REPLACED report per amend.
  for (; t.amendments_reported < o.amendments; ++t.amendments_reported)
    emit({"REPLACED", o.status, nullptr, o.executed_qty, o.cummulative_quote_qty, o.is_open(),
          t.on_book, o.update_time_ms});
  if (!o.is_open() && o.status != order_status::filled)
    emit({closing_type(o.status), o.status, nullptr, o.executed_qty, o.cummulative_quote_qty,
          false, t.on_book, o.update_time_ms});
  if (build) mark_changed(o);
}

void user_data_feed::mark_changed(const order& o) {
  auto at = std::find_if(changed_.begin(), changed_.end(),
                         [&](const auto& c) { return c.first == o.account; });
  if (at == changed_.end()) {
    changed_.emplace_back(o.account, std::vector<symbol>{});
    at = changed_.end() - 1;
  }
  if (std::find(at->second.begin(), at->second.end(), o.sym) == at->second.end())
    at->second.push_back(o.sym);
  auto& last = last_update_ms_[o.account];
  last = std::max(last, o.update_time_ms);
}

std::vector<user_event> user_data_feed::take(int64_t now_ms) {
  auto out = std::move(pending_);
  pending_.clear();
  for (auto& [account, symbols] : changed_) {
    // user-data-stream.md "Account Update": the assets possibly changed.
    std::vector<std::string> assets;
    for (auto sym : symbols)
      if (auto* r = engine_.rules(sym))
        for (auto* a : {&r->base_asset, &r->quote_asset})
          if (std::find(assets.begin(), assets.end(), *a) == assets.end()) assets.push_back(*a);
    const auto& held = engine_.balances().of(account);
    json_writer w;
    w.begin_object().field("e", "outboundAccountPosition").field_num("E", now_ms)
      .field_num("u", last_update_ms_[account]).key("B").begin_array();
    for (auto& a : assets) {
      auto b = held.find(a);
      auto balance = b == held.end() ? asset_balance{} : b->second;
      w.begin_object().field("a", a).field("f", balance.free.to_string())
        .field("l", balance.locked.to_string()).end_object();
    }
    w.end_array().end_object();
    out.push_back({account, w.take()});
  }
  changed_.clear();
  return out;
}

} // namespace cwts::venue
