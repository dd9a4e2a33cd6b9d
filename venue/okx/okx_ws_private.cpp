#include "venue/okx/okx_ws_private.hpp"

#include <algorithm>

#include "venue/json_writer.hpp"
#include "venue/okx/okx_json.hpp"
#include "venue/order_as_of_fill.hpp"

namespace cwts::venue::okx {

namespace {

// Blanks a string field write_okx_order filled ("tradeId":"12" ->
// "tradeId":""): its values never hold a quote.
void blank(std::string& json, std::string_view name) {
  auto key = "\"" + std::string(name) + "\":\"";
  auto at = json.find(key);
  if (at == std::string::npos) return;
  auto from = at + key.size();
  auto to = json.find('"', from);
  if (to != std::string::npos) json.erase(from, to - from);
}

struct extra {
  const order_fill* fill = nullptr;
  std::string fee_ccy;
  bool amended = false;
};

// write_okx_order plus the orders channel's own fields.
std::string channel_order(const order& o, const symbol_rules& r, const extra& x) {
  json_writer w;
  write_okx_order(w, o, r);
  auto json = w.take();
  if (!x.fill)
    for (auto f : {"fillPx", "tradeId", "fillSz", "fillTime"})
      blank(json, f);
  json.pop_back(); // reopen the object
  json_writer tail;
  tail.begin_object()
    .field("execType", x.fill ? (x.fill->maker ? "M" : "T") : "")
    .field("fillFee", x.fill ? okx_trim(-x.fill->commission.raw) : "0")
    .field("fillFeeCcy", x.fill ? x.fee_ccy : "")
    .field("amendResult", x.amended ? "0" : "").field("reqId", "")
    .field("source", "").field("code", "0").field("msg", "")
    .end_object();
  auto fields = tail.take();
  return json + "," + fields.substr(1);
}

} // namespace

private_channels::private_channels(matching_engine& engine, account_filter wanted)
  : engine_(engine), wanted_(std::move(wanted)) {
  engine_.on_order_update([this](const order& o) { on_order(o); });
}

void private_channels::on_order(const order& o) {
  if (o.venue_owned) return;
  auto it = open_.find(o.order_id);
  bool first = it == open_.end();
  if (first) it = open_.emplace(o.order_id, tracked{}).first;
  report(o, it->second, first);
  if (!o.is_open()) open_.erase(o.order_id);
  auto* r = engine_.rules(o.sym);
  if (!r) return;
  auto entry = std::find_if(changed_.begin(), changed_.end(),
                            [&](const auto& c) { return c.first == o.account; });
  if (entry == changed_.end()) {
    changed_.emplace_back(o.account, std::vector<std::string>{});
    entry = std::prev(changed_.end());
  }
  for (auto* asset : {&r->base_asset, &r->quote_asset})
    if (std::find(entry->second.begin(), entry->second.end(), *asset) == entry->second.end())
      entry->second.push_back(*asset);
}

void private_channels::report(const order& o, tracked& t, bool first) {
  auto* r = engine_.rules(o.sym);
  if (!r || !wanted_(o.account)) {
    // Followed all the same, so a later subscriber sees consistent pushes.
    t.fills_reported = o.fills.size();
    t.amendments_reported = o.amendments;
    return;
  }
  auto inst = okx_inst_id(*r);
  auto fee_ccy = o.side == order_side::buy ? r->base_asset : r->quote_asset;
  auto push = [&](const order& state, const extra& x) {
    pending_.push_back(private_push{o.account, "orders", inst, channel_order(state, *r, x)});
  };
  if (first) push(as_of_fill(o, 0), extra{});
  if (o.amendments > t.amendments_reported) {
    push(as_of_fill(o, t.fills_reported), extra{nullptr, fee_ccy, true});
    t.amendments_reported = o.amendments;
  }
  for (; t.fills_reported < o.fills.size(); ++t.fills_reported)
    push(as_of_fill(o, t.fills_reported + 1), extra{&o.fills[t.fills_reported], fee_ccy, false});
  if (!o.is_open() && o.status != order_status::filled) push(o, extra{});
}

std::vector<private_push> private_channels::take(int64_t now_ms) {
  auto out = std::move(pending_);
  pending_.clear();
  for (auto& [account, assets] : changed_)
    if (wanted_(account))
      out.push_back(private_push{account, "account", "", balances_data(account, assets, now_ms)});
  changed_.clear();
  return out;
}

std::string private_channels::balances_data(const std::string& account,
                                            const std::vector<std::string>& assets,
                                            int64_t now_ms) const {
  auto& held = engine_.balances().of(account);
  auto now = std::to_string(now_ms);
  json_writer w;
  // "Account channel": totalEq needs prices in USD, which the venue does
  // not have; it is left empty, as OKX leaves fields it cannot fill.
  w.begin_object().field("uTime", now).field("totalEq", "").key("details").begin_array();
  for (auto& asset : assets) {
    auto it = held.find(asset);
    asset_balance b = it == held.end() ? asset_balance{} : it->second;
    auto cash = okx_trim((b.free + b.locked).raw);
    w.begin_object().field("ccy", asset).field("eq", cash).field("cashBal", cash)
      .field("availBal", okx_trim(b.free.raw)).field("availEq", okx_trim(b.free.raw))
      .field("frozenBal", okx_trim(b.locked.raw)).field("ordFrozen", okx_trim(b.locked.raw))
      .field("uTime", now).end_object();
  }
  w.end_array().end_object();
  return w.take();
}

std::string private_channels::account_data(const std::string& account, int64_t now_ms) const {
  std::vector<std::string> assets;
  for (auto& [asset, b] : engine_.balances().of(account))
    assets.push_back(asset);
  return balances_data(account, assets, now_ms);
}

} // namespace cwts::venue::okx
