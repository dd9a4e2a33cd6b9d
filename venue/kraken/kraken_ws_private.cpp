#include "venue/kraken/kraken_ws_private.hpp"

#include <algorithm>

#include "common/kraken_names.hpp"
#include "venue/kraken/kraken_ws_format.hpp"
#include "venue/order_as_of_fill.hpp"

namespace cwts::venue::kraken {

namespace {

std::string_view tif_name(const order& o, const kraken_order_tags* tags) {
  if (tags && tags->expire_ms > 0) return "GTD";
  return o.tif == time_in_force::ioc ? "IOC" : "GTC";
}

// The fields every executions element carries: the order as it stands.
void write_order_fields(json_writer& w, const order& o, const symbol_rules& r,
                        const kraken_order_tags* tags, std::string_view exec_type,
                        int64_t now_ms) {
  auto pair = pair_of(r);
  w.field("order_id", kraken_txid(o.order_id)).field("symbol", pair.v2_symbol)
    .field("side", o.side == order_side::buy ? "buy" : "sell")
    .field("order_type", kraken_ordertype(o)).field("time_in_force", tif_name(o, tags))
    .key("order_qty").raw(json_number(o.orig_qty))
    .key("cum_qty").raw(json_number(o.executed_qty))
    .key("cum_cost").raw(json_number(o.cummulative_quote_qty.raw))
    .key("avg_price").raw(o.executed_qty.is_positive()
                            ? kraken_avg_price(o, r) : std::string("0"))
    .field_num("order_userref", tags ? tags->userref : 0);
  if (o.type != order_type::market) w.key("limit_price").raw(json_number(o.px));
  if (tags && !tags->cl_ord_id.empty()) w.field("cl_ord_id", tags->cl_ord_id);
  if (tags && tags->post_only) w.field_bool("post_only", true);
  w.field("exec_type", exec_type).field("order_status", kraken_exec_status(o, tags))
    .field("timestamp", rfc3339(now_ms));
}

} // namespace

std::string channel_frame(std::string_view channel, std::string_view type,
                          const std::string& data, uint64_t sequence) {
  json_writer w;
  w.begin_object().field("channel", channel).field("type", type).key("data").begin_array()
    .raw(data).end_array().field_num("sequence", static_cast<int64_t>(sequence)).end_object();
  // An empty data list leaves raw("") with nothing to write: still valid.
  return w.take();
}

private_channels::private_channels(kraken_trade& trade, account_filter wanted)
  : trade_(trade), wanted_(std::move(wanted)) {
  trade_.engine().on_order_update([this](const order& o) { on_order(o); });
}

void private_channels::on_order(const order& o) {
  if (o.venue_owned) return;
  auto it = open_.find(o.order_id);
  bool first = it == open_.end();
  if (first) it = open_.emplace(o.order_id, tracked{}).first;
  auto& t = it->second;
  if (std::find(touched_.begin(), touched_.end(), o.account) == touched_.end())
    touched_.push_back(o.account);
  if (!wanted_(o.account)) {
    // Followed all the same, so a later subscriber sees consistent reports.
    t.fills_reported = o.fills.size();
    t.amendments_reported = o.amendments;
  } else {
    if (first) pending_.push_back(pending_event{as_of_fill(o, 0), event::created, 0});
    if (o.amendments > t.amendments_reported) {
      pending_.push_back(pending_event{as_of_fill(o, t.fills_reported), event::amended, 0});
      t.amendments_reported = o.amendments;
    }
    for (; t.fills_reported < o.fills.size(); ++t.fills_reported)
      pending_.push_back(
        pending_event{as_of_fill(o, t.fills_reported + 1), event::fill, t.fills_reported});
    if (o.status == order_status::filled) pending_.push_back(pending_event{o, event::filled, 0});
    else if (!o.is_open()) pending_.push_back(pending_event{o, event::closed, 0});
  }
  if (!o.is_open()) open_.erase(o.order_id);
}

std::string private_channels::report(const pending_event& e, int64_t now_ms) {
  auto& o = e.state;
  auto* r = trade_.engine().rules(o.sym);
  if (!r) return {};
  auto* tags = trade_.tags(o.order_id);
  std::string_view exec_type = "new";
  switch (e.kind) {
  case event::created: exec_type = "new"; break;
  case event::amended: exec_type = "amended"; break;
  case event::fill: exec_type = "trade"; break;
  case event::filled: exec_type = "filled"; break;
  case event::closed: exec_type = kraken_exec_status(o, tags); break;
  }
  json_writer w;
  w.begin_object();
  write_order_fields(w, o, *r, tags, exec_type, now_ms);
  if (e.kind == event::fill) {
    auto& f = o.fills[e.fill];
    // Commission is taken in the asset received: base for a buy.
    auto fee_asset = o.side == order_side::buy ? r->base_asset : r->quote_asset;
    w.field("exec_id", kraken_trade_txid(kraken_symbol_index(trade_.engine(), o.sym),
                                         f.trade_id))
      .field_num("trade_id", f.trade_id)
      .key("last_qty").raw(json_number(f.quantity)).key("last_price").raw(json_number(f.px))
      .field("liquidity_ind", f.maker ? "m" : "t")
      .key("cost").raw(json_number(notional_of(f.px, f.quantity).value_or(notional{}).raw))
      .key("fees").begin_array().begin_object().field("asset", kraken_v2_asset(fee_asset))
      .key("qty").raw(json_number(f.commission)).end_object().end_array();
  } else {
    w.field("exec_id", kraken_amend_id(static_cast<int64_t>(++exec_seq_)));
  }
  // Kraken names why an order closed twice: cancel_reason and reason.
  if (e.kind == event::closed && tags && !tags->reason.empty())
    w.field("cancel_reason", tags->reason).field("reason", tags->reason);
  w.end_object();
  return w.take();
}

std::vector<private_push> private_channels::take(int64_t now_ms) {
  std::vector<private_push> out;
  auto events = std::move(pending_);
  pending_.clear();
  for (auto& e : events) {
    auto data = report(e, now_ms);
    if (!data.empty()) out.push_back(private_push{e.state.account, "executions", data});
  }
  auto touched = std::move(touched_);
  touched_.clear();
  for (auto& account : touched) {
    if (!wanted_(account)) continue;
    auto data = balance_updates(account, now_ms);
    if (!data.empty()) out.push_back(private_push{account, "balances", data});
  }
  return out;
}

std::string private_channels::orders_snapshot(const std::string& account, int64_t now_ms) const {
  std::string data;
  for (auto& o : trade_.engine().open_orders(account, std::nullopt)) {
    auto* r = trade_.engine().rules(o.sym);
    if (!r) continue;
    json_writer w;
    w.begin_object();
    write_order_fields(w, o, *r, trade_.tags(o.order_id), "new", now_ms);
    w.end_object();
    if (!data.empty()) data += ',';
    data += w.take();
  }
  return data;
}

std::string private_channels::balances_snapshot(const std::string& account) {
  std::string data;
  auto& sent = totals_[account];
  for (auto& [asset, b] : trade_.engine().balances().of(account)) {
    auto total = (b.free + b.locked).raw;
    sent[asset] = total;
    json_writer w;
    w.begin_object().field("asset", kraken_v2_asset(asset)).field("asset_class", "currency")
      .key("balance").raw(json_number(total)).key("wallets").begin_array().begin_object()
      .field("type", "spot").field("id", "main").key("balance").raw(json_number(total))
      .end_object().end_array().end_object();
    if (!data.empty()) data += ',';
    data += w.take();
  }
  return data;
}

std::string private_channels::balance_updates(const std::string& account, int64_t now_ms) {
  auto found = totals_.find(account);
  // Nobody took a snapshot yet: the next snapshot carries the totals.
  if (found == totals_.end()) return {};
  auto& sent = found->second;
  std::string data;
  for (auto& [asset, b] : trade_.engine().balances().of(account)) {
    auto total = (b.free + b.locked).raw;
    auto before = sent.count(asset) ? sent[asset] : 0;
    if (total == before) continue;
    sent[asset] = total;
    auto ledger = kraken_amend_id(static_cast<int64_t>(++ledger_seq_));
    json_writer w;
    w.begin_object().field("ledger_id", ledger).field("ref_id", ledger)
      .field("timestamp", rfc3339(now_ms)).field("type", "trade")
      .field("asset", kraken_v2_asset(asset)).field("asset_class", "currency")
      .field("category", "trade").field("wallet_type", "spot").field("wallet_id", "main")
      .key("amount").raw(json_number(total - before)).key("fee").raw("0")
      .key("balance").raw(json_number(total)).end_object();
    if (!data.empty()) data += ',';
    data += w.take();
  }
  return data;
}

} // namespace cwts::venue::kraken
