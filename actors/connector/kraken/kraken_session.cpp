#include "actors/connector/kraken/kraken_session.hpp"

#include <algorithm>

#include "actors/connector/kraken/kraken_ws_orders.hpp"
#include "actors/connector/stream_update.hpp"
#include "common/kraken_names.hpp"

namespace cwts::connector::kraken {

namespace {

order_reject reject(const order_request& req, reject_reason why, std::string text) {
  return order_reject{req.id, req.sym, why, std::move(text), wall_clock_now()};
}

} // namespace

kraken_session::kraken_session(kraken_rest_config rest, std::vector<symbol> symbols,
                               std::chrono::milliseconds cancel_all_pause)
  : rest_(std::move(rest)), symbols_(std::move(symbols)), cancel_all_pause_(cancel_all_pause),
    ids_(kraken_client_id) {}

kraken_session::~kraken_session() = default;

void kraken_session::enable_ws_orders(std::unique_ptr<kraken_ws_orders> ws) {
  ws_ = std::move(ws);
}

// Our USDCHF is the pair whose base and quote, in our spelling, make it.
std::string kraken_session::load_pairs(steady_deadline until) {
  pairs_retry_ = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  auto r = rest_.asset_pairs(until);
  if (!r.ok())
    return "AssetPairs: " + r.detail;
  std::string missing;
  for (auto& sym : symbols_) {
    auto it = std::find_if(r.value.begin(), r.value.end(), [&](const kraken_pair_info& p) {
      return p.our_base + p.our_quote == sym.str();
    });
    if (it == r.value.end()) {
      missing += (missing.empty() ? "" : ",") + sym.str();
      continue;
    }
    auto names = cwts::kraken_pair(it->our_base, it->our_quote);
    kraken_pair p{sym, it->altname, names.v2_symbol, it->our_base, it->our_quote,
                  it->pair_decimals, it->lot_decimals};
    symbols_by_altname_[p.altname] = sym;
    symbols_by_altname_[it->key] = sym; // descr.pair may carry either
    symbols_by_v2_[p.v2_symbol] = sym;
    pairs_[sym] = std::move(p);
  }
  return missing.empty() ? std::string() : "no Kraken pair for " + missing;
}

void kraken_session::ensure_pairs(steady_deadline until) {
  if (!pairs_complete() && std::chrono::steady_clock::now() >= pairs_retry_)
    load_pairs(until);
}

const kraken_pair* kraken_session::pair_of(const symbol& sym) const {
  auto it = pairs_.find(sym);
  return it == pairs_.end() ? nullptr : &it->second;
}

std::string kraken_session::venue_key(const client_order_id& id) const {
  return ids_.venue_key(id);
}

client_order_id kraken_session::our_id(const std::string& cl_ord_id) const {
  return ids_.our_id(cl_ord_id);
}

void kraken_session::remember(const client_order_id& id) {
  ids_.remember(
      id, [this](const client_order_id& ours) { return tracker_.find(ours) != nullptr; },
      [this](const std::string& key) { txids_.erase(key); });
}

// Only for ids remembered (so bounded with them).
void kraken_session::remember_txid(const std::string& cl_ord_id, const std::string& txid) {
  if (!txid.empty() && ids_.known(cl_ord_id))
    txids_[cl_ord_id] = txid;
}

void kraken_session::count_reject(const std::string& error) {
  ++counters_.venue_rejects;
  std::lock_guard<std::mutex> guard(errors_mtx_);
  auto it = rejects_by_error_.find(error);
  if (it != rejects_by_error_.end())
    ++it->second;
  else if (rejects_by_error_.size() < errors_kept)
    rejects_by_error_[error] = 1;
  else
    ++rejects_by_error_["other"];
}

std::map<std::string, int64_t> kraken_session::rejects_by_error() const {
  std::lock_guard<std::mutex> guard(errors_mtx_);
  return rejects_by_error_;
}

venue_order kraken_session::to_venue_order(const kraken_order& o) const {
  venue_order v;
  auto s = symbols_by_altname_.find(o.pair);
  if (s != symbols_by_altname_.end())
    v.sym = s->second;
  v.order_id = order_id_of(o.txid);
  // An order placed without a cl_ord_id (not ours) goes by its txid.
  v.client_id = our_id(o.cl_ord_id.empty() ? o.txid : o.cl_ord_id);
  v.has_details = true;
  v.order_side = o.order_side;
  v.type = o.type;
  v.status = o.status;
  v.limit_price = o.px;
  v.orig_qty = o.vol;
  v.executed_qty = o.vol_exec;
  v.cumulative_quote_qty = o.cost;
  v.update_time = o.update_time;
  return v;
}

venue_order_state kraken_session::to_state(const kraken_order& o) const {
  auto v = to_venue_order(o);
  return venue_order_state{v.client_id,    v.order_id,     v.sym,      v.order_side,
                           v.type,         v.tif,          v.status,   v.limit_price,
                           v.orig_qty,     v.executed_qty, v.cumulative_quote_qty,
                           v.update_time};
}

void kraken_session::append(std::vector<kraken_output>& out, std::vector<execution_report> reports) {
  for (auto& r : reports)
    out.emplace_back(std::move(r));
  counters_.open_tracked = static_cast<int64_t>(tracker_.open_count());
}

kraken_reply<std::string> kraken_session::send_place(const order_request& req, const kraken_pair& p,
                                                     const std::string& cl_ord_id) {
  if (ws_) {
    auto r = ws_->add_order(req, p, cl_ord_id);
    // not_sent with the connection down: nothing left, REST may carry it.
    if (r.kind != reply_kind::not_sent || ws_->connected()) {
      ++counters_.orders_ws;
      return r;
    }
    ++counters_.ws_fallbacks;
  }
  ++counters_.orders_rest;
  kraken_fields f{{"pair", p.altname},
                  {"type", req.order_side == side::buy ? "buy" : "sell"},
                  {"ordertype", req.type == order_type::limit ? "limit" : "market"},
                  {"volume", kraken_decimal(req.quantity.raw, p.lot_decimals)}};
  if (req.type == order_type::limit)
    f.emplace_back("price", kraken_decimal(req.limit_price.raw, p.pair_decimals));
  f.emplace_back("timeinforce", req.tif == time_in_force::ioc ? "IOC" : "GTC");
  f.emplace_back("cl_ord_id", cl_ord_id);
  return rest_.add_order(f);
}

kraken_reply<std::string> kraken_session::send_cancel(const std::string& cl_ord_id) {
  if (ws_) {
    auto r = ws_->cancel_order(cl_ord_id);
    if (r.kind != reply_kind::not_sent || ws_->connected()) {
      ++counters_.orders_ws;
      return r;
    }
    ++counters_.ws_fallbacks;
  }
  ++counters_.orders_rest;
  auto r = rest_.cancel_order({{"cl_ord_id", cl_ord_id}});
  kraken_reply<std::string> out;
  out.kind = r.kind;
  out.error = r.error;
  out.detail = r.detail;
  out.http_status = r.http_status;
  out.rtt_ns = r.rtt_ns;
  return out;
}

std::vector<kraken_output> kraken_session::place(const order_request& req, bool gate_open) {
  std::vector<kraken_output> out;
  if (!gate_open) {
    out.emplace_back(reject(req, reject_reason::kill_gate_closed, "kill gate closed at the gateway"));
    return out;
  }
  ensure_pairs();
  const auto* p = pair_of(req.sym);
  if (p == nullptr) {
    out.emplace_back(reject(req, reject_reason::unknown_symbol,
                            "no Kraken pair known for " + req.sym.str()));
    return out;
  }
  if (req.quantity.raw <= 0 || (req.type == order_type::limit && req.limit_price.raw <= 0)) {
    out.emplace_back(reject(req, req.quantity.raw <= 0 ? reject_reason::invalid_qty
                                                        : reject_reason::invalid_price,
                            "quantity and a limit order's price must be positive"));
    return out;
  }
  if (req.tif == time_in_force::fok) {
    out.emplace_back(reject(req, reject_reason::venue_rejected,
                            "Kraken Spot offers GTC, IOC and GTD, not FOK"));
    return out;
  }
  remember(req.id);
  auto cl = kraken_client_id(req.id);
  auto reply = send_place(req, *p, cl);
  counters_.last_rtt_ns = reply.rtt_ns;
  switch (reply.kind) {
    case reply_kind::ok: {
      ++counters_.orders_placed;
      remember_txid(cl, reply.value);
      venue_order ack;
      ack.sym = req.sym;
      ack.client_id = req.id;
      ack.order_id = order_id_of(reply.value);
      // The ack has no details: the order is as we sent it.
      ack.order_side = req.order_side;
      ack.type = req.type;
      ack.tif = req.tif;
      ack.limit_price = req.limit_price;
      ack.orig_qty = req.quantity;
      ack.update_time = wall_clock_now();
      append(out, tracker_.on_order_response(ack, wall_clock_now()));
      break;
    }
    case reply_kind::rejected:
      count_reject(reply.error);
      out.emplace_back(reject(req, reason_of(reply.error), reply.detail));
      break;
    case reply_kind::not_sent:
      out.emplace_back(reject(req, reject_reason::venue_unreachable, reply.detail));
      break;
    case reply_kind::unknown:
      ++counters_.unknown_outcomes;
      if (auto since = std::chrono::steady_clock::now();
          resolve(req.id, req.sym, out, call_priority::order, since))
        ++counters_.unknown_resolved;
      else
        unresolved_.emplace(req.id, unknown_outcome{req.sym, since});
      break;
  }
  counters_.unresolved = static_cast<int64_t>(unresolved_.size());
  return out;
}

// The cancel's answer carries no state: the order is looked up for its
// final one (fills up to the cancel included); a failed lookup is left to
// the next poll. "EOrder:Unknown order": it ended already.
std::vector<kraken_output> kraken_session::cancel(const cancel_request& c) {
  std::vector<kraken_output> out;
  auto reply = send_cancel(venue_key(c.id));
  counters_.last_rtt_ns = reply.rtt_ns;
  bool gone = reply.kind == reply_kind::rejected && unknown_order(reply.error);
  if (reply.kind == reply_kind::rejected && !gone)
    count_reject(reply.error);
  if (reply.ok() || gone)
    settle(c.id, out);
  return out;
}

// One OpenOrders for every symbol (Kraken lists the whole account).
std::vector<kraken_output> kraken_session::poll() {
  std::vector<kraken_output> out;
  ++counters_.polls;
  ensure_pairs();
  for (auto i = unresolved_.begin(); i != unresolved_.end();) {
    if (!rest_.room_for(call_priority::background))
      break; // asked again by the next poll
    if (resolve(i->first, i->second.sym, out, call_priority::background, i->second.since)) {
      ++counters_.unknown_resolved;
      i = unresolved_.erase(i);
    } else {
      ++i;
    }
  }
  counters_.unresolved = static_cast<int64_t>(unresolved_.size());
  if (tracker_.open_count() == 0)
    return out;
  auto open = rest_.open_orders({}, steady_deadline::max(), call_priority::background);
  if (!open.ok())
    return out;
  for (auto& sym : symbols_) {
    std::vector<venue_order> orders;
    for (auto& o : open.value) {
      auto v = to_venue_order(o);
      if (v.sym == sym)
        orders.push_back(std::move(v));
    }
    std::vector<client_order_id> gone;
    auto before = out.size();
    append(out, tracker_.on_open_orders(sym, orders, wall_clock_now(), gone));
    settle_gone(sym, gone, out);
    counters_.poll_reports += static_cast<int64_t>(out.size() - before);
  }
  return out;
}

bool kraken_session::first_sight(const std::string& exec_id) {
  if (!execs_.insert(exec_id).second)
    return false;
  execs_order_.push_back(exec_id);
  if (execs_order_.size() > execs_kept) {
    execs_.erase(execs_order_.front());
    execs_order_.pop_front();
  }
  return true;
}

// One executions item as the tracker's event: a trade carries its fill
// (last_qty at last_price, deduplicated by exec_id); every item its
// cumulative state. Items without a symbol (some status events) belong to
// the tracked order of their cl_ord_id.
std::vector<kraken_output> kraken_session::on_execution(const kraken_execution& e) {
  std::vector<kraken_output> out;
  ++counters_.stream_events;
  if (e.exec_type == "trade" && !first_sight(e.exec_id)) {
    ++counters_.fills_deduped;
    return out;
  }
  venue_order v;
  v.client_id = our_id(e.cl_ord_id.empty() ? e.order_id : e.cl_ord_id);
  const auto* tracked = tracker_.find(v.client_id);
  if (!e.symbol.empty()) {
    auto s = symbols_by_v2_.find(e.symbol);
    if (s == symbols_by_v2_.end()) {
      ++counters_.stream_foreign_symbol; // not a pair this connector trades
      return out;
    }
    v.sym = s->second;
  } else if (tracked != nullptr) {
    v.sym = tracked->sym;
  }
  remember_txid(e.cl_ord_id, e.order_id);
  v.order_id = order_id_of(e.order_id);
  v.has_details = e.has_details || tracked != nullptr;
  v.order_side = e.has_details || tracked == nullptr ? e.order_side : tracked->order_side;
  v.type = e.type;
  v.status = e.status;
  v.limit_price = e.limit_price;
  v.orig_qty = e.order_qty.is_positive() || tracked == nullptr ? e.order_qty : tracked->orig_qty;
  // An item without cum_qty (a status change) leaves the fills as known.
  v.executed_qty = e.cum_qty.is_positive() || tracked == nullptr ? e.cum_qty : tracked->executed;
  v.cumulative_quote_qty = e.cum_cost.is_positive() || tracked == nullptr ? e.cum_cost
                                                                           : tracked->cum_quote;
  v.update_time = e.time;
  auto last_qty = e.exec_type == "trade" ? e.last_qty : qty{};
  auto last_px = e.exec_type == "trade" ? e.last_price : price{};
  append(out, apply_stream_update(tracker_, v, last_qty, last_px, wall_clock_now(), unresolved_,
                                  counters_, counters_.unknown_resolved));
  return out;
}

std::vector<asset_balance> kraken_session::balances() {
  if (balances_.empty()) {
    auto b = rest_.balances();
    if (b.ok())
      balances_ = std::move(b.value);
  }
  return balances_;
}

bool kraken_session::arm_dead_man(int64_t seconds) {
  auto r = rest_.cancel_all_after(seconds);
  if (r.ok())
    ++counters_.dead_man_refreshes;
  else
    ++counters_.dead_man_failures;
  return r.ok();
}

} // namespace cwts::connector::kraken
