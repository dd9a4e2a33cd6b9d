#include "actors/connector/okx/okx_session.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "actors/connector/okx/okx_ws_orders.hpp"
#include "actors/connector/stream_update.hpp"

namespace cwts::connector::okx {

namespace {

enum op_kind : int { op_place, op_cancel, op_amend };

order_reject reject(const order_request& req, reject_reason why, std::string text) {
  return order_reject{req.id, req.sym, why, std::move(text), wall_clock_now()};
}

} // namespace

okx_session::okx_session(okx_rest_config rest, std::vector<symbol> symbols,
                         std::chrono::milliseconds cancel_all_pause)
  : rest_(std::move(rest)), symbols_(std::move(symbols)), cancel_all_pause_(cancel_all_pause),
    ids_(okx_client_id) {}

okx_session::~okx_session() = default;

void okx_session::enable_ws_orders(std::unique_ptr<okx_ws_orders> ws) {
  ws_ = std::move(ws);
  ws_->set_time_offset_ms(rest_.time_offset_ms());
}

std::string okx_session::sync_clock() {
  clock_synced_ = std::chrono::steady_clock::now();
  auto t = rest_.server_time();
  if (!t.ok())
    return "public/time: " + t.detail;
  rest_.set_time_offset_ms(t.value.offset_ms);
  if (ws_)
    ws_->set_time_offset_ms(t.value.offset_ms);
  return {};
}

// instId "USD-CHF" is our USDCHF: the same letters without the dash.
std::string okx_session::load_instruments() {
  instruments_retry_ = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  auto r = rest_.instruments();
  if (!r.ok())
    return "public/instruments: " + r.detail;
  std::string missing;
  for (auto& sym : symbols_) {
    auto it = std::find_if(r.value.begin(), r.value.end(), [&](const okx_instrument& i) {
      return i.base + i.quote == sym.str() && i.inst_id == i.base + "-" + i.quote;
    });
    if (it == r.value.end()) {
      missing += (missing.empty() ? "" : ",") + sym.str();
      continue;
    }
    inst_ids_[sym] = it->inst_id;
    symbols_by_inst_[it->inst_id] = sym;
    assets_[sym] = symbol_assets{sym, it->base, it->quote};
  }
  return missing.empty() ? std::string() : "no SPOT instrument for " + missing;
}

void okx_session::ensure_instruments() {
  if (inst_ids_.size() < symbols_.size() && std::chrono::steady_clock::now() >= instruments_retry_)
    load_instruments();
}

const std::string* okx_session::inst_of(const symbol& sym) const {
  auto it = inst_ids_.find(sym);
  return it == inst_ids_.end() ? nullptr : &it->second;
}

std::string okx_session::venue_key(const client_order_id& id) const {
  return ids_.venue_key(id);
}

client_order_id okx_session::our_id(const std::string& cl_ord_id) const {
  return ids_.our_id(cl_ord_id);
}

void okx_session::remember(const client_order_id& id) {
  ids_.remember(
      id, [this](const client_order_id& ours) { return tracker_.find(ours) != nullptr; },
      [](const std::string&) {});
}

void okx_session::count_reject(const std::string& code) {
  ++counters_.venue_rejects;
  if (code == "50102")
    clock_synced_ = {}; // resynced by the next poll
  std::lock_guard<std::mutex> guard(codes_mtx_);
  auto it = rejects_by_code_.find(code);
  if (it != rejects_by_code_.end())
    ++it->second;
  else if (rejects_by_code_.size() < codes_kept)
    rejects_by_code_[code] = 1;
  else
    ++rejects_by_code_["other"];
}

std::map<std::string, int64_t> okx_session::rejects_by_code() const {
  std::lock_guard<std::mutex> guard(codes_mtx_);
  return rejects_by_code_;
}

venue_order okx_session::to_venue_order(const okx_order& o) const {
  venue_order v;
  auto s = symbols_by_inst_.find(o.inst_id);
  if (s != symbols_by_inst_.end())
    v.sym = s->second;
  v.order_id = o.ord_id;
  v.client_id = our_id(o.cl_ord_id);
  v.has_details = true;
  v.order_side = o.order_side;
  v.type = o.type;
  v.tif = o.tif;
  v.status = o.status;
  v.limit_price = o.px;
  v.orig_qty = o.sz;
  v.executed_qty = o.acc_fill_sz;
  v.cumulative_quote_qty = notional_of(o.avg_px, o.acc_fill_sz).value_or(notional{});
  v.update_time = o.update_time;
  return v;
}

venue_order_state okx_session::to_state(const okx_order& o) const {
  auto v = to_venue_order(o);
  return venue_order_state{v.client_id,    v.order_id,    v.sym,      v.order_side,
                           v.type,         v.tif,         v.status,   v.limit_price,
                           v.orig_qty,     v.executed_qty, v.cumulative_quote_qty,
                           v.update_time};
}

void okx_session::append(std::vector<okx_output>& out, std::vector<execution_report> reports) {
  for (auto& r : reports)
    out.emplace_back(std::move(r));
  counters_.open_tracked = static_cast<int64_t>(tracker_.open_count());
}

// GET trade/order by clOrdId: an unknown outcome settled either way.
bool okx_session::resolve(const client_order_id& id, const symbol& sym,
                          std::vector<okx_output>& out,
                          std::optional<std::chrono::steady_clock::time_point> unknown_since) {
  const auto* inst = inst_of(sym);
  if (inst == nullptr)
    return false;
  auto q = rest_.query(*inst, venue_key(id));
  if (q.ok()) {
    auto v = to_venue_order(q.value);
    v.client_id = id;
    if (tracker_.find(id) != nullptr)
      append(out, tracker_.on_query_result(v, wall_clock_now()));
    else
      append(out, tracker_.on_order_response(v, wall_clock_now()));
    return true;
  }
  if (q.kind == reply_kind::rejected && order_not_found(q.code)) {
    if (unknown_since && std::chrono::steady_clock::now() - *unknown_since < unknown_grace_)
      return false; // perhaps still on its way: asked again by the next poll
    out.emplace_back(order_reject{id, sym, reject_reason::venue_unreachable,
                                  "outcome was unknown; the venue has no such order",
                                  wall_clock_now()});
    return true;
  }
  return false;
}

// A tracked order's state after a cancel: reported when it changed; an
// order the venue does not know is left to polls and reconciliation.
void okx_session::settle(const client_order_id& id, const symbol& sym,
                         std::vector<okx_output>& out) {
  const auto* inst = inst_of(sym);
  if (inst == nullptr)
    return;
  auto q = rest_.query(*inst, venue_key(id));
  if (!q.ok())
    return;
  auto v = to_venue_order(q.value);
  v.client_id = id;
  append(out, tracker_.on_query_result(v, wall_clock_now()));
}

okx_reply<okx_ack> okx_session::send(int op, const std::string& inst, const std::string& cl_ord_id,
                                     const order_request* req, qty new_sz, price new_px) {
  if (ws_) {
    okx_reply<okx_ack> r;
    if (op == op_place)
      r = ws_->place(*req, inst, cl_ord_id);
    else if (op == op_cancel)
      r = ws_->cancel(inst, cl_ord_id);
    else
      r = ws_->amend(inst, cl_ord_id, new_sz, new_px);
    // not_sent with the connection down: nothing left, REST may carry it.
    if (r.kind != reply_kind::not_sent || ws_->connected()) {
      ++counters_.orders_ws;
      return r;
    }
    ++counters_.ws_fallbacks;
  }
  ++counters_.orders_rest;
  if (op == op_place)
    return rest_.place(*req, inst, cl_ord_id);
  if (op == op_cancel)
    return rest_.cancel(inst, cl_ord_id);
  return rest_.amend(inst, cl_ord_id, new_sz, new_px);
}

std::vector<okx_output> okx_session::place(const order_request& req, bool gate_open) {
  std::vector<okx_output> out;
  if (!gate_open) {
    out.emplace_back(reject(req, reject_reason::kill_gate_closed, "kill gate closed at the gateway"));
    return out;
  }
  ensure_instruments();
  const auto* inst = inst_of(req.sym);
  if (inst == nullptr) {
    out.emplace_back(reject(req, reject_reason::unknown_symbol,
                            "no OKX SPOT instrument known for " + req.sym.str()));
    return out;
  }
  if (req.quantity.raw <= 0 || (req.type == order_type::limit && req.limit_price.raw <= 0)) {
    out.emplace_back(reject(req, req.quantity.raw <= 0 ? reject_reason::invalid_qty
                                                        : reject_reason::invalid_price,
                            "quantity and a limit order's price must be positive"));
    return out;
  }
  remember(req.id);
  auto reply = send(op_place, *inst, okx_client_id(req.id), &req, {}, {});
  counters_.last_rtt_ns = reply.rtt_ns;
  switch (reply.kind) {
    case reply_kind::ok: {
      ++counters_.orders_placed;
      venue_order ack;
      ack.sym = req.sym;
      ack.client_id = req.id;
      // An ack without a readable ordId still means the order rests (0:
      // unknown id; the next query or event carries it).
      ack.order_id = venue_order_id{parse_ord_id(reply.value.ord_id).value_or(0)};
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
      count_reject(reply.code);
      out.emplace_back(reject(req, reason_of(reply.code),
                              "code=" + reply.code + " msg=" + reply.msg));
      break;
    case reply_kind::not_sent:
      out.emplace_back(reject(req, reject_reason::venue_unreachable, reply.detail));
      break;
    case reply_kind::unknown:
      ++counters_.unknown_outcomes;
      if (auto since = std::chrono::steady_clock::now(); resolve(req.id, req.sym, out, since))
        ++counters_.unknown_resolved;
      else
        unresolved_.emplace(req.id, unknown_outcome{req.sym, since});
      break;
  }
  counters_.unresolved = static_cast<int64_t>(unresolved_.size());
  return out;
}

// The cancel ack carries no state: the order is queried for its final one
// (fills up to the cancel included), whatever the answer; a failed query is
// left to the next poll.
std::vector<okx_output> okx_session::cancel(const cancel_request& c) {
  std::vector<okx_output> out;
  const auto* inst = inst_of(c.sym);
  if (inst == nullptr)
    return out;
  auto reply = send(op_cancel, *inst, venue_key(c.id), nullptr, {}, {});
  counters_.last_rtt_ns = reply.rtt_ns;
  if (reply.kind == reply_kind::rejected && !settled_cancel_code(reply.code))
    count_reject(reply.code);
  if (reply.ok() || (reply.kind == reply_kind::rejected && settled_cancel_code(reply.code)))
    settle(c.id, c.sym, out);
  return out;
}

// OKX amend-order changes the order in place (its clOrdId stays): for the
// OMS the original ends (canceled) and the replacement goes on as a new
// order. Only unfilled orders are amended (newSz would count the fills).
std::vector<okx_output> okx_session::amend(const client_order_id& orig,
                                           const order_request& replacement) {
  std::vector<okx_output> out;
  const auto* inst = inst_of(replacement.sym);
  const auto* state = tracker_.find(orig);
  if (inst == nullptr || state == nullptr || replacement.type != order_type::limit) {
    out.emplace_back(reject(replacement, reject_reason::replace_refused,
                            "amend needs a live limit order of a known instrument"));
    return out;
  }
  // OKX keeps one order: its fills so far would count for the replacement
  // too. A partly filled order is canceled and placed anew instead.
  if (state->executed.is_positive()) {
    out.emplace_back(reject(replacement, reject_reason::replace_refused,
                            "amend of a partly filled order: cancel it and place a new one"));
    return out;
  }
  auto key = venue_key(orig);
  // Only what changes is sent (docs-v5: newSz and/or newPx).
  auto now_at = rest_.query(*inst, key);
  if (!now_at.ok() || now_at.value.acc_fill_sz.is_positive()) {
    out.emplace_back(reject(replacement, reject_reason::replace_refused,
                            now_at.ok() ? "amend of a partly filled order: cancel it and place a new one"
                                        : "amend: the original could not be read: " + now_at.detail));
    return out;
  }
  auto new_sz = now_at.value.sz == replacement.quantity ? qty{} : replacement.quantity;
  auto new_px = now_at.value.px == replacement.limit_price ? price{} : replacement.limit_price;
  okx_reply<okx_ack> reply;
  reply.kind = reply_kind::ok; // nothing to change: the order only changes its id
  if (new_sz.is_positive() || new_px.is_positive())
    reply = send(op_amend, *inst, key, nullptr, new_sz, new_px);
  if (reply.kind == reply_kind::unknown) {
    // Applied or not: the order's price and size say.
    auto q = rest_.query(*inst, key);
    if (q.ok() && q.value.px == replacement.limit_price && q.value.sz == replacement.quantity)
      reply.kind = reply_kind::ok;
  }
  if (!reply.ok()) {
    if (reply.kind == reply_kind::rejected)
      count_reject(reply.code);
    out.emplace_back(reject(replacement, reject_reason::replace_refused,
                            "amend not applied: " + (reply.detail.empty() ? reply.code : reply.detail)));
    return out;
  }
  ++counters_.amends;
  auto before = *state;
  auto now = wall_clock_now();
  execution_report ended;
  ended.id = orig;
  ended.venue_id = before.venue_id;
  ended.sym = before.sym;
  ended.order_side = before.order_side;
  ended.status = order_status::canceled;
  ended.cum_qty = before.executed;
  ended.text = "amended into " + replacement.id.value;
  ended.ts_event = now;
  ended.ts_init = now;
  tracker_.forget(orig);
  out.emplace_back(ended);
  // The venue's order keeps its clOrdId and now answers to the replacement's id.
  ids_.amended(key, replacement.id);
  venue_order v;
  v.sym = replacement.sym;
  v.order_id = before.venue_id;
  v.client_id = replacement.id;
  v.has_details = true;
  v.order_side = before.order_side;
  v.status = order_status::accepted;
  v.limit_price = replacement.limit_price;
  v.orig_qty = replacement.quantity;
  tracker_.track(v);
  execution_report live;
  live.id = replacement.id;
  live.venue_id = before.venue_id;
  live.sym = replacement.sym;
  live.order_side = before.order_side;
  live.status = order_status::accepted;
  live.cum_qty = qty{};
  live.leaves_qty = replacement.quantity;
  live.ts_event = now;
  live.ts_init = now;
  out.emplace_back(live);
  counters_.open_tracked = static_cast<int64_t>(tracker_.open_count());
  return out;
}

std::vector<okx_output> okx_session::poll() {
  std::vector<okx_output> out;
  ++counters_.polls;
  ensure_instruments();
  // Each re-measure is clock evidence for the controls report (one line per
  // clock_resync, docs/controls-report.md), as the first one at connect is.
  if (std::chrono::steady_clock::now() - clock_synced_ >= clock_resync) {
    if (auto why = sync_clock(); !why.empty())
      spdlog::error("event=venue_clock_failed venue=okx detail=\"{}\"", why);
    else
      spdlog::info("event=venue_clock venue=okx offset_ms={}", clock_offset_ms());
  }
  for (auto i = unresolved_.begin(); i != unresolved_.end();) {
    if (resolve(i->first, i->second.sym, out, i->second.since)) {
      ++counters_.unknown_resolved;
      i = unresolved_.erase(i);
    } else {
      ++i;
    }
  }
  counters_.unresolved = static_cast<int64_t>(unresolved_.size());
  if (tracker_.open_count() == 0)
    return out;
  for (auto& sym : symbols_) {
    const auto* inst = inst_of(sym);
    if (inst == nullptr)
      continue;
    auto open = rest_.all_orders_pending(*inst);
    if (!open.ok())
      continue;
    std::vector<venue_order> orders;
    for (auto& o : open.value)
      orders.push_back(to_venue_order(o));
    std::vector<client_order_id> gone;
    auto before = out.size();
    append(out, tracker_.on_open_orders(sym, orders, wall_clock_now(), gone));
    for (auto& id : gone)
      resolve(id, sym, out);
    counters_.poll_reports += static_cast<int64_t>(out.size() - before);
  }
  return out;
}

bool okx_session::first_sight(const std::string& trade_id) {
  if (!trades_.insert(trade_id).second)
    return false;
  trades_order_.push_back(trade_id);
  if (trades_order_.size() > trades_kept) {
    trades_.erase(trades_order_.front());
    trades_order_.pop_front();
  }
  return true;
}

std::vector<okx_output> okx_session::on_order_event(const okx_order& o) {
  std::vector<okx_output> out;
  ++counters_.stream_events;
  if (symbols_by_inst_.count(o.inst_id) == 0) {
    ++counters_.malformed_events; // not an instrument this connector trades
    return out;
  }
  if (!o.trade_id.empty() && o.fill_sz.is_positive() && !first_sight(o.trade_id)) {
    ++counters_.fills_deduped;
    return out;
  }
  append(out, apply_stream_update(tracker_, to_venue_order(o), o.fill_sz, o.fill_px,
                                  wall_clock_now(), unresolved_, counters_,
                                  counters_.unknown_resolved));
  return out;
}

std::vector<asset_balance> okx_session::balances() {
  if (balances_.empty()) {
    auto b = rest_.balances();
    if (b.ok())
      balances_ = std::move(b.value);
  }
  return balances_;
}

bool okx_session::arm_dead_man(int64_t seconds) {
  auto r = rest_.cancel_all_after(seconds);
  if (!r.ok() && r.code == "50102") {
    // Our clock drifted from the venue's: measure it now and send again, or
    // the switch runs out while the next poll's resync is still to come.
    count_reject(r.code);
    if (sync_clock().empty())
      r = rest_.cancel_all_after(seconds);
  }
  if (r.ok())
    ++counters_.dead_man_refreshes;
  else
    ++counters_.dead_man_failures;
  return r.ok();
}

} // namespace cwts::connector::okx
