#include "actors/risk/flatten_plan.hpp"

#include <cstdio>
#include <functional>

namespace cwts::risk {

namespace {

// Client order ids are at most 36 characters (Binance newClientOrderId):
// "fl" + node (<= 10) + '-' + 8 hex of the kill id + '-' + sequence.
client_order_id flatten_id(const node_id& self, const kill_id& kill, int64_t seq) {
  char buf[48];
  std::snprintf(buf, sizeof(buf), "fl%s-%08x-%lld", self.value.c_str(),
                static_cast<unsigned>(std::hash<std::string>{}(kill.value) & 0xffffffffu),
                static_cast<long long>(seq));
  return client_order_id{buf};
}

} // namespace

flatten_plan plan_flatten(const kill_command& cmd, const flatten_target& t,
                          const std::vector<symbol>& symbols, const position_book& book,
                          const symbol_rules_map& rules, int64_t& next_seq, timestamp_ns now) {
  flatten_plan out;
  // Positions are kept per symbol: a strategy scope covers none.
  out.in_scope = symbols_in_scope(cmd, t.self, t.account, symbols);
  for (auto& sym : out.in_scope) {
    auto net = book.get(sym).net;
    if (net.is_zero())
      continue;
    side s = net.is_positive() ? side::sell : side::buy;
    qty own = book.pending_qty_of(sym, s, t.strategy);
    qty others = book.pending_qty(sym, s) - own;
    if (others.is_positive()) {
      ++out.waiting;
      out.notes.push_back(sym.str() + ": waiting for " + others.to_string()
                          + " of other open orders on that side to be canceled");
      continue;
    }
    qty left = net.is_positive() ? net : -net;
    // What is already on its way out (an earlier flatten order) counts.
    left -= own;
    auto rule = rules.find(sym);
    if (rule != rules.end() && rule->second.lot_step.is_positive())
      left = qty::from_raw(left.raw / rule->second.lot_step.raw * rule->second.lot_step.raw);
    if (!left.is_positive()) {
      out.notes.push_back(sym.str() + ": position " + net.to_string()
                          + " has nothing left to send (below one lot or already in flight)");
      continue;
    }
    order_request o;
    o.id = flatten_id(t.self, cmd.id, next_seq++);
    o.strategy = t.strategy;
    o.account = t.account;
    o.venue = t.venue;
    o.sym = sym;
    o.order_side = s;
    o.type = order_type::market;
    o.tif = time_in_force::ioc;
    o.quantity = left;
    o.ts_init = now;
    o.flatten = true;
    out.orders.push_back(std::move(o));
  }
  return out;
}

std::vector<symbol> open_positions(const std::vector<symbol>& in_scope, const position_book& book) {
  std::vector<symbol> out;
  for (auto& sym : in_scope)
    if (!book.get(sym).net.is_zero())
      out.push_back(sym);
  return out;
}

} // namespace cwts::risk
