#include "actors/strategy/market_maker.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace cwts::strategy {

namespace {

void require(bool ok, const char* key, const char* why) {
  if (!ok)
    throw std::invalid_argument(std::string("market_maker.") + key + ": " + why);
}

constexpr int64_t ppm = 1'000'000;

__int128 abs128(__int128 v) { return v < 0 ? -v : v; }

} // namespace

const char* to_string(requote_mode m) {
  return m == requote_mode::amend ? "amend" : "cancel";
}

std::optional<requote_mode> parse_requote_mode(std::string_view s) {
  if (s == "cancel")
    return requote_mode::cancel;
  if (s == "amend")
    return requote_mode::amend;
  return std::nullopt;
}

void validate(const market_maker_config& cfg) {
  require(!cfg.id.empty(), "id", "missing");
  require(!cfg.account.empty(), "account", "missing (risk refuses orders without an account)");
  require(!cfg.sym.empty(), "symbol", "missing");
  require(cfg.tick_size.is_positive(), "tick_size", "must be > 0");
  require(cfg.quote_qty.is_positive(), "quote_qty", "must be > 0");
  require(cfg.half_spread_ticks >= 1, "half_spread_ticks", "must be >= 1");
  require(cfg.requote_threshold_ticks >= 1, "requote_threshold_ticks", "must be >= 1");
  require(cfg.max_inventory >= cfg.quote_qty, "max_inventory", "must be >= quote_qty");
  require(cfg.skew_ticks_per_quote >= 0, "skew_ticks_per_quote", "must be >= 0");
  require(cfg.ema_weight_ppm > 0 && cfg.ema_weight_ppm <= ppm, "ema_weight_ppm",
          "must be in 1..1000000");
  require(cfg.min_action_interval.count() >= 0, "min_action_interval", "must be >= 0");
}

market_maker::market_maker(market_maker_config cfg, id_source next_id)
  : cfg_(std::move(cfg)), next_id_(std::move(next_id)) {
  validate(cfg_);
  if (!next_id_)
    throw std::invalid_argument("market_maker: no client order id source");
}

// Integer EMA: fv += (px - fv) × weight, truncated toward zero at 8
// decimals. Prices stay fixed-point end to end (DESIGN.md §2).
void market_maker::update_fair_value(price px) {
  if (!fair_value_) {
    fair_value_ = px;
    return;
  }
  __int128 diff = static_cast<__int128>(px.raw) - fair_value_->raw;
  fair_value_->raw += static_cast<int64_t>(diff * cfg_.ema_weight_ppm / ppm);
}

quote_targets market_maker::desired_quotes() const {
  quote_targets q;
  if (!fair_value_)
    return q;
  __int128 tick = cfg_.tick_size.raw;
  // Fair value to the nearest tick (half up), so every quote is on tick.
  __int128 center = (static_cast<__int128>(fair_value_->raw) + tick / 2) / tick * tick;
  // Inventory skew: long inventory lowers both quotes (sell sooner, buy
  // later), short inventory raises them.
  __int128 skew = static_cast<__int128>(inventory_.raw) * cfg_.skew_ticks_per_quote
                  / cfg_.quote_qty.raw;
  center -= skew * tick;
  __int128 bid = center - cfg_.half_spread_ticks * tick;
  __int128 ask = center + cfg_.half_spread_ticks * tick;
  __int128 inv = inventory_.raw;
  // The side that would carry |inventory| past max_inventory is not quoted.
  if (bid > 0 && inv + cfg_.quote_qty.raw <= cfg_.max_inventory.raw)
    q.bid = price::from_raw(static_cast<int64_t>(bid));
  if (ask > 0 && inv - cfg_.quote_qty.raw >= -static_cast<__int128>(cfg_.max_inventory.raw))
    q.ask = price::from_raw(static_cast<int64_t>(ask));
  return q;
}

bool market_maker::throttled(timestamp_ns now) const {
  return last_action_
         && now.ns - last_action_->ns < std::chrono::nanoseconds(cfg_.min_action_interval).count();
}

std::vector<strategy_action> market_maker::on_trade(const trade& t, timestamp_ns now) {
  std::vector<strategy_action> out;
  if (t.sym != cfg_.sym || !t.px.is_positive())
    return out;
  update_fair_value(t.px);
  if (mode_ != trading_mode::active) {
    // Only an amend's replacement, sent by the OMS after the mode changed,
    // can be working here: it is cancelled once the venue has it.
    for (auto* slot : {&bid_, &ask_})
      if (*slot && (*slot)->state == quote_state::working)
        cancel(**slot, now, out);
    return out;
  }
  // Resyncing: no new quote until the new OMS said what it holds.
  if (resyncing_ || throttled(now))
    return out;
  auto targets = desired_quotes();
  requote_side(bid_, side::buy, targets.bid, bid_stale_, now, out);
  requote_side(ask_, side::sell, targets.ask, ask_stale_, now, out);
  if (!out.empty())
    last_action_ = now;
  return out;
}

// Cancel first, new quote only once the venue confirms the cancel: never
// more than one live order per side, even for a moment. An amend does the
// same in the OMS (the replacement goes out on the cancel's confirmation);
// only a working quote is amended, one still pending is cancelled.
void market_maker::requote_side(std::optional<live_quote>& slot, side s,
                                std::optional<price> target, bool& stale, timestamp_ns now,
                                std::vector<strategy_action>& out) {
  if (!slot) {
    if (target)
      place(slot, s, *target, now, out);
    stale = false;
    return;
  }
  if (slot->state == quote_state::pending_cancel)
    return;
  bool moved = target
               && abs128(static_cast<__int128>(target->raw) - slot->px.raw)
                    >= static_cast<__int128>(cfg_.requote_threshold_ticks) * cfg_.tick_size.raw;
  if (!target || moved || stale) {
    if (target && cfg_.requote == requote_mode::amend && slot->state == quote_state::working)
      amend(*slot, *target, now, out);
    else
      cancel(*slot, now, out);
    stale = false;
  }
}

order_request market_maker::quote_order(side s, price px, timestamp_ns now) {
  order_request o;
  o.id = next_id_();
  o.strategy = cfg_.id;
  o.account = cfg_.account;
  o.sym = cfg_.sym;
  o.venue = cfg_.venue;
  o.order_side = s;
  o.type = order_type::limit;
  o.tif = time_in_force::gtc;
  o.limit_price = px;
  o.quantity = cfg_.quote_qty;
  o.ts_init = now;
  return o;
}

void market_maker::place(std::optional<live_quote>& slot, side s, price px, timestamp_ns now,
                         std::vector<strategy_action>& out) {
  auto o = quote_order(s, px, now);
  slot = live_quote{o.id, s, px, o.quantity, qty{}, quote_state::pending_new, {}, {}};
  out.emplace_back(std::move(o));
}

void market_maker::amend(live_quote& q, price px, timestamp_ns now,
                         std::vector<strategy_action>& out) {
  auto o = quote_order(q.quote_side, px, now);
  q.state = quote_state::pending_cancel;
  q.replacement = o.id;
  q.replacement_px = px;
  out.emplace_back(amend_request{q.id, std::move(o)});
}

void market_maker::cancel(live_quote& q, timestamp_ns now, std::vector<strategy_action>& out) {
  q.state = quote_state::pending_cancel;
  out.emplace_back(cancel_request{q.id, cfg_.sym, now, cfg_.venue});
}

std::optional<live_quote>* market_maker::slot_of(const client_order_id& id) {
  if (bid_ && bid_->id == id)
    return &bid_;
  if (ask_ && ask_->id == id)
    return &ask_;
  return nullptr;
}

std::optional<live_quote>* market_maker::replacing_slot_of(const client_order_id& id) {
  for (auto* slot : {&bid_, &ask_})
    if (*slot && !(*slot)->replacement.empty() && (*slot)->replacement == id)
      return slot;
  return nullptr;
}

std::vector<strategy_action> market_maker::on_execution_report(const execution_report& rep,
                                                               timestamp_ns now) {
  auto* slot = slot_of(rep.id);
  if (slot == nullptr)
    return on_dropped_report(rep, now); // or not ours, or already finished
  auto& q = **slot;
  // Fill = growth of cum_qty: a repeated report never counts twice.
  qty fill = rep.cum_qty - q.cum;
  if (fill.is_positive()) {
    inventory_ += q.quote_side == side::buy ? fill : -fill;
    q.cum = rep.cum_qty;
    bid_stale_ = true;
    ask_stale_ = true;
  }
  if (is_terminal(rep.status)) {
    // An amended quote's replacement takes its side: the OMS sends it now
    // (canceled) or refuses it (any other end), and its reports settle it.
    if (!q.replacement.empty())
      *slot = live_quote{q.replacement, q.quote_side, q.replacement_px, cfg_.quote_qty, qty{},
                         quote_state::pending_new, {}, {}};
    else
      slot->reset();
    return {};
  }
  if (rep.status == order_status::pending_cancel)
    q.state = quote_state::pending_cancel;
  else if (q.state == quote_state::pending_new && rep.status != order_status::pending_new)
    q.state = quote_state::working;
  return {};
}

// A quote a resync dropped reports after all: it reached the new OMS after
// the OMS answered (the order went the longer way, through risk). It is ours
// and live at the venue: its fills count, and it takes its side back, or is
// cancelled (and watched until it ends) when a newer quote holds the side.
std::vector<strategy_action> market_maker::on_dropped_report(const execution_report& rep,
                                                             timestamp_ns now) {
  std::vector<strategy_action> out;
  auto it = std::find_if(dropped_.begin(), dropped_.end(),
                         [&](const live_quote& q) { return q.id == rep.id; });
  if (it == dropped_.end())
    return out;
  qty fill = rep.cum_qty - it->cum;
  if (fill.is_positive()) {
    inventory_ += it->quote_side == side::buy ? fill : -fill;
    it->cum = rep.cum_qty;
    bid_stale_ = true;
    ask_stale_ = true;
  }
  if (is_terminal(rep.status)) {
    dropped_.erase(it);
    return out;
  }
  auto& slot = it->quote_side == side::buy ? bid_ : ask_;
  if (!slot) {
    live_quote q = *it;
    q.state = rep.status == order_status::pending_new ? quote_state::pending_new
              : rep.status == order_status::pending_cancel ? quote_state::pending_cancel
                                                           : quote_state::working;
    q.replacement = {};
    q.replacement_px = {};
    dropped_.erase(it);
    slot = q;
    return out;
  }
  if (it->state != quote_state::pending_cancel && rep.status != order_status::pending_cancel) {
    it->state = quote_state::pending_cancel;
    out.emplace_back(cancel_request{it->id, cfg_.sym, now, cfg_.venue});
  }
  return out;
}

void market_maker::on_reject(const order_reject& rej) {
  if (auto* amended = replacing_slot_of(rej.id)) {
    // Risk or the OMS refused the amend before its cancel was sent: the
    // original was never cancelled and stays working.
    ++rejects_;
    auto& q = **amended;
    q.replacement = {};
    q.replacement_px = {};
    q.state = quote_state::working;
    return;
  }
  auto* slot = slot_of(rej.id);
  if (slot == nullptr)
    return;
  ++rejects_;
  auto& q = **slot;
  if (q.state == quote_state::pending_new)
    slot->reset(); // the order never lived
  else if (q.state == quote_state::pending_cancel)
    q.state = quote_state::working; // the cancel was refused; reports will settle it
}

std::vector<strategy_action> market_maker::on_trading_mode(trading_mode mode, timestamp_ns now) {
  mode_ = mode;
  std::vector<strategy_action> out;
  if (mode == trading_mode::active)
    return out;
  for (auto* slot : {&bid_, &ask_})
    if (*slot && (*slot)->state != quote_state::pending_cancel)
      cancel(**slot, now, out);
  if (!out.empty())
    last_action_ = now;
  return out;
}

market_maker::resync_outcome market_maker::resync(const std::vector<restored_order>& open,
                                                  timestamp_ns now) {
  resync_outcome r;
  resyncing_ = false;
  std::vector<const restored_order*> held; // this strategy's, at its venue and symbol
  for (const auto& o : open)
    if (o.request.sym == cfg_.sym && o.request.venue == cfg_.venue
        && o.request.strategy == cfg_.id)
      held.push_back(&o);
  auto find = [&](const client_order_id& id) -> const restored_order* {
    for (const auto* o : held)
      if (o->request.id == id)
        return o;
    return nullptr;
  };
  auto cancel_id = [&](const client_order_id& id) {
    r.actions.emplace_back(cancel_request{id, cfg_.sym, now, cfg_.venue});
  };
  std::optional<live_quote> bid, ask;
  std::vector<client_order_id> taken;
  // Our own quotes first, so that an order we do not know never displaces one.
  for (auto* old_slot : {&bid_, &ask_}) {
    if (!*old_slot)
      continue;
    const live_quote mine = **old_slot;
    const auto* o = find(mine.id);
    const auto* repl = mine.replacement.empty() ? nullptr : find(mine.replacement);
    if (o == nullptr) {
      // Its reports went to the old OMS, or it never got past the old OMS
      // or risk: waiting for them would stop this side for good.
      ++r.dropped;
      remember_dropped(mine);
      if (!mine.replacement.empty() && repl == nullptr)
        remember_dropped(live_quote{mine.replacement, mine.quote_side, mine.replacement_px,
                                    cfg_.quote_qty, qty{}, quote_state::pending_new, {}, {}});
      continue; // a replacement the OMS holds is adopted below
    }
    qty missed = o->cum_qty - mine.cum;
    if (missed.is_positive()) { // fills whose reports went to the old OMS
      inventory_ += mine.quote_side == side::buy ? missed : -missed;
      bid_stale_ = true;
      ask_stale_ = true;
    }
    live_quote q{mine.id, mine.quote_side, o->request.limit_price, o->request.quantity,
                 missed.is_positive() ? o->cum_qty : mine.cum,
                 o->acknowledged ? quote_state::working : quote_state::pending_new, {}, {}};
    taken.push_back(mine.id);
    if (repl != nullptr) {
      // The OMS holds the amend's both halves: it carries the amend out.
      q.state = quote_state::pending_cancel;
      q.replacement = mine.replacement;
      q.replacement_px = mine.replacement_px;
      taken.push_back(mine.replacement);
    } else if (mine.state == quote_state::pending_cancel) {
      q.state = quote_state::pending_cancel; // the old OMS may never have sent it
      cancel_id(mine.id);
    }
    (mine.quote_side == side::buy ? bid : ask) = q;
    ++r.kept;
  }
  for (const auto* o : held) {
    const auto& req = o->request;
    if (std::find(taken.begin(), taken.end(), req.id) != taken.end())
      continue;
    forget_dropped(req.id);
    auto& slot = req.order_side == side::buy ? bid : ask;
    if (slot) { // a second live order for this side: one per side, never more
      cancel_id(req.id);
      continue;
    }
    slot = live_quote{req.id, req.order_side, req.limit_price, req.quantity, o->cum_qty,
                      o->acknowledged ? quote_state::working : quote_state::pending_new, {}, {}};
    ++r.adopted;
  }
  bid_ = bid;
  ask_ = ask;
  if (!r.actions.empty())
    last_action_ = now;
  return r;
}

void market_maker::remember_dropped(const live_quote& q) {
  forget_dropped(q.id);
  dropped_.push_back(q);
  if (dropped_.size() > max_dropped)
    dropped_.erase(dropped_.begin());
}

void market_maker::forget_dropped(const client_order_id& id) {
  dropped_.erase(std::remove_if(dropped_.begin(), dropped_.end(),
                                [&](const live_quote& q) { return q.id == id; }),
                 dropped_.end());
}

} // namespace cwts::strategy
