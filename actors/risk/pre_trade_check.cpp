#include "actors/risk/pre_trade_check.hpp"

#include "common/order_gate.hpp"

#include <numeric>
#include <utility>

namespace cwts::risk {

namespace {

// Only called on a failing branch: the one place that allocates.
void refuse(check_result& r, reject_reason reason, std::string detail) {
  r.passed = false;
  r.reason = reason;
  r.detail = std::move(detail);
}

std::string str(price p) { return p.to_string(); }
std::string str(qty q) { return q.to_string(); }
std::string str(notional n) { return n.to_string(); }

__int128 abs128(__int128 v) { return v < 0 ? -v : v; }

} // namespace

pre_trade_check::pre_trade_check(const kill_gate& gate, risk_limits limits, symbol_rules_map rules)
  : gate_(&gate), limits_(std::move(limits)), rules_(std::move(rules)), throttles_(limits_) {
}

void pre_trade_check::set_limits(risk_limits limits, symbol_rules_map rules) {
  limits_ = std::move(limits);
  rules_ = std::move(rules);
  last_credit_ = nullptr;
  throttles_.configure(limits_);
}

uint64_t pre_trade_check::rejected_total() const {
  return std::accumulate(rejected_.begin(), rejected_.end(), uint64_t{0});
}

check_result pre_trade_check::check(const order_request& o, trading_mode mode,
                                    const reference_prices& refs, const position_book& book,
                                    int64_t now_ns) {
  check_result r;
  order_context ctx;
  r.passed = check_gate_and_mode(o, mode, r) && check_duplicate(o, book, r)
             && check_throttles(o, ctx, now_ns, r) && check_symbol(o, ctx, r)
             && check_precision(o, ctx, r) && check_collar(o, ctx, refs, r)
             && check_size(o, ctx, r) && check_reducing(o, mode, book, r)
             && check_position(o, ctx, book, r) && check_credit(o, ctx, book, r);
  // Only orders that go out are messages to the venue (RTS 6 Art. 15 counts
  // what reaches it); a refused one uses no budget.
  if (r.passed)
    ctx.throttle->messages.record(now_ns);
  return finish(std::move(r));
}

check_result pre_trade_check::finish(check_result r) {
  if (r.passed)
    ++passed_;
  else
    ++rejected_[static_cast<size_t>(r.reason)];
  return r;
}

// Gate first (DESIGN.md kill switch: "the local order gate closes before any
// cancel is sent"), then the node's trading mode.
bool pre_trade_check::check_gate_and_mode(const order_request& o, trading_mode mode,
                                          check_result& r) const {
  if (!gate_admits(*gate_, o)) {
    refuse(r, reject_reason::kill_gate_closed,
           "kill gate closed at level " + std::to_string(gate_level_for(*gate_, o)) + " for "
             + o.strategy.value + " " + o.sym.str() + " " + o.account.value);
    return false;
  }
  // A flatten order runs under a closed gate by design; the mode is moot.
  if (mode == trading_mode::halted && !o.flatten) {
    refuse(r, reject_reason::trading_halted,
           std::string("trading mode HALTED refuses new order ") + o.id.value);
    return false;
  }
  return true;
}

// DESIGN.md pre-trade gate: duplicate ClientOrderId. The OMS refuses them
// too; refusing here keeps a duplicate from ever counting as exposure.
bool pre_trade_check::check_duplicate(const order_request& o, const position_book& book,
                                      check_result& r) const {
  if (book.knows(o.id)) {
    refuse(r, reject_reason::duplicate_client_order_id,
           "client order id " + o.id.value + " already used");
    return false;
  }
  return true;
}

// MiFID II RTS 6 Art. 15: a strategy whose execution throttle tripped stays
// stopped until an operator re-enables it; above its message rate an order
// waits for the window to slide.
bool pre_trade_check::check_throttles(const order_request& o, order_context& ctx, int64_t now_ns,
                                      check_result& r) {
  ctx.throttle = &throttles_.of(o.strategy);
  if (ctx.throttle->tripped) {
    refuse(r, reject_reason::execution_throttle_tripped,
           "strategy " + o.strategy.value + " tripped its execution throttle (more than "
             + std::to_string(ctx.throttle->fills.capacity()) + " fills in "
             + std::to_string(ctx.throttle->fills.window_ns() / 1'000'000)
             + " ms); an operator must re-enable it");
    return false;
  }
  if (ctx.throttle->messages.full(now_ns)) {
    refuse(r, reject_reason::rate_throttled,
           "strategy " + o.strategy.value + " sent "
             + std::to_string(ctx.throttle->messages.count(now_ns))
             + " messages in the last second (max "
             + std::to_string(ctx.throttle->messages.capacity()) + ")");
    return false;
  }
  return true;
}

// SEC 15c3-5(c)(2)(ii): restricted securities are blocked before entry.
bool pre_trade_check::check_symbol(const order_request& o, order_context& ctx,
                                   check_result& r) const {
  auto lim = limits_.per_symbol.find(o.sym);
  auto rules = rules_.find(o.sym);
  if (lim == limits_.per_symbol.end() || rules == rules_.end()) {
    refuse(r, reject_reason::unknown_symbol, "no limits or filters for symbol " + o.sym.str());
    return false;
  }
  if (limits_.tradable.count(o.sym) == 0) {
    refuse(r, reject_reason::unknown_symbol, "symbol " + o.sym.str() + " is not tradable");
    return false;
  }
  ctx.limits = &lim->second;
  ctx.rules = &rules->second;
  return true;
}

// Binance PRICE_FILTER / LOT_SIZE: price a multiple of tickSize, quantity a
// multiple of stepSize; market orders carry no price.
bool pre_trade_check::check_precision(const order_request& o, const order_context& ctx,
                                      check_result& r) const {
  const auto& rules = *ctx.rules;
  if (o.type == order_type::limit) {
    if (!o.limit_price.is_positive()) {
      refuse(r, reject_reason::invalid_price, "limit price " + str(o.limit_price) + " <= 0");
      return false;
    }
    if (rules.tick_size.is_positive() && o.limit_price.raw % rules.tick_size.raw != 0) {
      refuse(r, reject_reason::invalid_price,
             "price " + str(o.limit_price) + " not on tick " + str(rules.tick_size));
      return false;
    }
  } else if (!o.limit_price.is_zero()) {
    refuse(r, reject_reason::invalid_price,
           "market order carries a price " + str(o.limit_price));
    return false;
  }
  if (!o.quantity.is_positive()) {
    refuse(r, reject_reason::invalid_qty, "qty " + str(o.quantity) + " <= 0");
    return false;
  }
  if (rules.lot_step.is_positive() && o.quantity.raw % rules.lot_step.raw != 0) {
    refuse(r, reject_reason::invalid_qty,
           "qty " + str(o.quantity) + " not on lot step " + str(rules.lot_step));
    return false;
  }
  return true;
}

// MiFID II RTS 6 Art. 15(1)(a): price collars against a validated reference.
// A market order has no price to collar but still needs the reference to
// value its notional.
bool pre_trade_check::check_collar(const order_request& o, order_context& ctx,
                                   const reference_prices& refs, check_result& r) const {
  auto ref = refs.get(o.sym);
  if (!ref) {
    refuse(r, reject_reason::no_reference_price,
           "no validated reference price for " + o.sym.str());
    return false;
  }
  ctx.reference = *ref;
  if (o.type != order_type::limit)
    return true;
  __int128 distance = abs128(static_cast<__int128>(o.limit_price.raw) - ref->raw);
  __int128 allowed = static_cast<__int128>(ref->raw) * ctx.limits->price_collar_bps;
  if (distance * 10'000 > allowed) {
    refuse(r, reject_reason::price_collar_breached,
           "price " + str(o.limit_price) + " more than "
             + std::to_string(ctx.limits->price_collar_bps) + " bps from reference "
             + str(*ref));
    return false;
  }
  return true;
}

// SEC 15c3-5(c)(1)(ii): maximum order size and value; Binance NOTIONAL
// filter: minimum value. Market orders are valued at the reference price.
bool pre_trade_check::check_size(const order_request& o, order_context& ctx,
                                 check_result& r) const {
  const auto& lim = *ctx.limits;
  if (o.quantity > lim.max_order_qty) {
    refuse(r, reject_reason::max_qty_exceeded,
           "qty " + str(o.quantity) + " above max " + str(lim.max_order_qty));
    return false;
  }
  price px = o.type == order_type::limit ? o.limit_price : ctx.reference;
  auto value = notional_of(px, o.quantity);
  if (!value) {
    refuse(r, reject_reason::max_notional_exceeded,
           "notional of " + str(o.quantity) + " at " + str(px) + " overflows");
    return false;
  }
  if (*value < ctx.rules->min_notional) {
    refuse(r, reject_reason::below_min_notional,
           "notional " + str(*value) + " below min notional " + str(ctx.rules->min_notional));
    return false;
  }
  if (*value > lim.max_order_notional) {
    refuse(r, reject_reason::max_notional_exceeded,
           "notional " + str(*value) + " above max " + str(lim.max_order_notional));
    return false;
  }
  ctx.value = *value;
  return true;
}

// DESIGN.md: in REDUCING only orders that shrink a position pass. Together
// with the orders of the same side already out, the order must not carry the
// position past zero.
bool pre_trade_check::check_reducing(const order_request& o, trading_mode mode,
                                     const position_book& book, check_result& r) const {
  // A kill's flatten order must shrink the position like any order in
  // REDUCING mode: it may never open or flip one.
  if (mode != trading_mode::reducing && !o.flatten)
    return true;
  auto pos = book.get(o.sym);
  __int128 net = pos.net.raw;
  __int128 pending = book.pending_qty(o.sym, o.order_side).raw;
  bool buy = o.order_side == side::buy;
  bool shrinks = buy ? (net < 0 && net + pending + o.quantity.raw <= 0)
                     : (net > 0 && net - pending - o.quantity.raw >= 0);
  if (!shrinks) {
    refuse(r, reject_reason::reducing_only,
           std::string(o.flatten ? "flatten order: " : "trading mode REDUCING: ")
             + to_string(o.order_side) + " "
             + str(o.quantity) + " does not reduce position " + str(pos.net) + " (pending "
             + str(book.pending_qty(o.sym, o.order_side)) + ")");
    return false;
  }
  return true;
}

// Position limit on the worst case: the current position plus every open and
// in-flight order of the same side, plus this one (SEC 15c3-5(c)(1)(i)
// counts orders before they execute).
bool pre_trade_check::check_position(const order_request& o, const order_context& ctx,
                                     const position_book& book, check_result& r) const {
  __int128 net = book.get(o.sym).net.raw;
  __int128 pending = book.pending_qty(o.sym, o.order_side).raw;
  __int128 worst = o.order_side == side::buy ? net + pending + o.quantity.raw
                                             : net - pending - o.quantity.raw;
  if (abs128(worst) > ctx.limits->max_position.raw) {
    refuse(r, reject_reason::position_limit_exceeded,
           std::string(to_string(o.order_side)) + " " + str(o.quantity) + " with position "
             + str(book.get(o.sym).net) + " and pending "
             + str(book.pending_qty(o.sym, o.order_side)) + " exceeds max position "
             + str(ctx.limits->max_position));
    return false;
  }
  return true;
}

// SEC 15c3-5(c)(1)(i): pre-set credit thresholds, counting orders before they
// execute. Every open and in-flight order of the account uses credit for its
// remaining notional, buys and sells alike (a sell order is also exposure
// until it fills or ends).
bool pre_trade_check::check_credit(const order_request& o, const order_context& ctx,
                                   const position_book& book, check_result& r) const {
  auto limit = last_credit_;
  if (limit == nullptr || limit->first != o.account) {
    auto i = limits_.credit_limits.find(o.account);
    if (i == limits_.credit_limits.end()) {
      refuse(r, reject_reason::credit_limit_exceeded,
             "account '" + o.account.value + "' has no credit limit");
      return false;
    }
    limit = last_credit_ = &*i;
  }
  __int128 used = book.account_exposure(o.account).raw;
  if (used + ctx.value.raw > limit->second.raw) {
    refuse(r, reject_reason::credit_limit_exceeded,
           "account " + o.account.value + ": open and in-flight notional "
             + str(book.account_exposure(o.account)) + " + order " + str(ctx.value)
             + " exceeds credit limit " + str(limit->second));
    return false;
  }
  return true;
}

} // namespace cwts::risk
