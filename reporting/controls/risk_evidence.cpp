#include "reporting/controls/risk_evidence.hpp"

#include <algorithm>

namespace cwts::report {

namespace {

struct control_def {
  const char* name;
  const char* rule;
  std::vector<const char*> keys;
  std::vector<const char*> reasons;
};

// pre_trade_check.cpp's checks, grouped by the control a rulebook names.
const std::vector<control_def>& definitions() {
  static const std::vector<control_def> defs{
    {"Kill switch and trading state", "SEC 15c3-5(c)(1); MiFID II RTS 6 Art. 12 (kill functionality)",
     {}, {"kill_gate_closed", "trading_halted", "reducing_only"}},
    {"Duplicate client order id", "MiFID II RTS 6 Art. 15(1) (duplicate orders)", {},
     {"duplicate_client_order_id"}},
    {"Execution throttle", "MiFID II RTS 6 Art. 15(1)(d), 15(3) (execution throttles)",
     {"max-fills-per-window", "fill-window-ms"}, {"execution_throttle_tripped"}},
    {"Message rate throttle", "MiFID II RTS 6 Art. 15(1)(d) (maximum messages)",
     {"max-messages-per-second"}, {"rate_throttled"}},
    {"Restricted or unknown instrument", "SEC 15c3-5(c)(2)(ii) (restricted securities)", {},
     {"unknown_symbol"}},
    {"Price and quantity validity (venue filters)", "SEC 15c3-5(c)(1)(ii) (erroneous orders)",
     {"tick-size", "lot-step", "min-notional"}, {"invalid_price", "invalid_qty", "below_min_notional"}},
    {"Price collar", "MiFID II RTS 6 Art. 15(1)(a) (price collars)", {"price-collar-bps"},
     {"no_reference_price", "price_collar_breached"}},
    {"Maximum order quantity", "SEC 15c3-5(c)(1)(ii); MiFID II RTS 6 Art. 15(1)(c) (maximum order volume)",
     {"max-order-qty"}, {"max_qty_exceeded"}},
    {"Maximum order value", "SEC 15c3-5(c)(1)(ii); MiFID II RTS 6 Art. 15(1)(b) (maximum order value)",
     {"max-order-notional"}, {"max_notional_exceeded"}},
    {"Position limit", "MiFID II RTS 6 Art. 17 (limits on exposure)", {"max-position"},
     {"position_limit_exceeded"}},
    {"Credit limit", "SEC 15c3-5(c)(1)(i) (credit and capital thresholds)", {"credit-limit"},
     {"credit_limit_exceeded"}},
    {"Loss and drawdown limits (kill trigger)", "SEC 15c3-5(c)(1)(i); MiFID II RTS 6 Art. 17",
     {"loss-limit", "drawdown-limit"}, {}},
    {"Reject-rate trigger (kill trigger)", "MiFID II RTS 6 Art. 16 (real-time monitoring)",
     {"max-reject-ratio", "reject-window-ms", "reject-min-orders"}, {}},
  };
  return defs;
}

} // namespace

const std::vector<std::string>& check_order() {
  static const std::vector<std::string> order{
    "kill_gate_closed",   "trading_halted",        "duplicate_client_order_id",
    "execution_throttle_tripped", "rate_throttled", "unknown_symbol",
    "invalid_price",      "invalid_qty",           "no_reference_price",
    "price_collar_breached", "max_qty_exceeded",   "max_notional_exceeded",
    "below_min_notional", "reducing_only",         "position_limit_exceeded",
    "credit_limit_exceeded"};
  return order;
}

std::set<std::string> decision_commands(const std::vector<risk::risk_decision>& decisions) {
  std::set<std::string> out;
  for (auto& d : decisions)
    if (!d.command.empty())
      out.insert(d.command);
  return out;
}

std::vector<control_row> build_controls(const configured_limits& configured,
                                        const std::vector<risk::risk_decision>& decisions,
                                        const std::map<std::string, command_time>& times,
                                        int64_t from_ns, int64_t to_ns) {
  std::vector<control_row> out;
  for (auto& def : definitions()) {
    control_row c;
    c.name = def.name;
    c.rule = def.rule;
    for (auto* r : def.reasons)
      c.reasons.emplace_back(r);
    for (auto* key : def.keys) {
      auto v = configured.find(key);
      c.limits.emplace_back(key, v == configured.end() ? std::string("not configured")
                                                       : v->second + " (as configured now, every target)");
    }
    // Replayed in order at the risk actor's start: the last change of a
    // (field, target) is the limit in effect for that target.
    for (auto& d : decisions) {
      if (d.what != risk::risk_decision::kind::limit
          || std::none_of(def.keys.begin(), def.keys.end(),
                          [&](const char* k) { return d.field == k; }))
        continue;
      limit_change ch{d.strategy_or_target, d.field, d.value, d.command, d.issuer, 0, ""};
      auto t = times.find(d.command);
      if (d.ts_ns != 0) {
        ch.ts_ns = d.ts_ns;
        ch.time_source = "risk decision log";
      } else if (t != times.end()) {
        ch.ts_ns = t->second.ts_ns;
        ch.time_source = "node log line " + std::to_string(t->second.line);
      }
      if (ch.ts_ns >= to_ns)
        continue; // made after the day: not in effect on it
      ch.on_day = ch.ts_ns >= from_ns;
      auto label = d.field + " [" + d.strategy_or_target + "]";
      auto at = std::find_if(c.limits.begin(), c.limits.end(),
                             [&](auto& l) { return l.first == label; });
      auto text = d.value + " (signed change " + d.command + " by " + d.issuer
                  + (ch.ts_ns ? (ch.on_day ? ", made this day" : "")
                                : ", time not recorded: it may postdate the day")
                  + ")";
      if (at == c.limits.end())
        c.limits.emplace_back(label, text);
      else
        at->second = text;
      c.changes.push_back(std::move(ch));
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<throttle_event> throttle_events(const std::vector<risk::risk_decision>& decisions,
                                            const std::map<std::string, command_time>& times,
                                            int64_t from_ns, int64_t to_ns) {
  std::vector<throttle_event> out;
  for (auto& d : decisions) {
    if (d.what == risk::risk_decision::kind::trip) {
      if (d.ts_ns >= from_ns && d.ts_ns < to_ns)
        out.push_back({"trip", d.strategy_or_target, "", "", d.ts_ns});
    } else if (d.what == risk::risk_decision::kind::reenable) {
      auto t = times.find(d.command);
      int64_t ts = d.ts_ns != 0 ? d.ts_ns : t == times.end() ? 0 : t->second.ts_ns;
      if (ts == 0 || (ts >= from_ns && ts < to_ns))
        out.push_back({"reenable", d.strategy_or_target, d.command, d.issuer, ts});
    }
  }
  return out;
}

} // namespace cwts::report
