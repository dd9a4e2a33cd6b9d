#include "actors/risk/pnl_guard.hpp"

namespace cwts::risk {

const char* to_string(pnl_breach_kind k) {
  switch (k) {
    case pnl_breach_kind::loss_limit: return "loss_limit";
    case pnl_breach_kind::drawdown_limit: return "drawdown_limit";
  }
  return "?";
}

std::string pnl_breach::describe() const {
  std::string out = std::string(to_string(kind)) + " breached: total PnL " + pnl.to_string();
  if (kind == pnl_breach_kind::loss_limit)
    return out + " below -" + limit.to_string() + " (high-water " + high_water.to_string() + ")";
  return out + " is " + (high_water - pnl).to_string() + " below high-water "
         + high_water.to_string() + ", more than " + limit.to_string();
}

pnl_guard::pnl_guard(pnl_limits limits) : limits_(limits) {
}

bool pnl_guard::breached_now() const {
  bool loss = static_cast<__int128>(last_.raw) < -static_cast<__int128>(limits_.loss_limit.raw);
  bool drawdown = static_cast<__int128>(high_water_.raw) - last_.raw > limits_.drawdown_limit.raw;
  return loss || drawdown;
}

std::vector<pnl_breach> pnl_guard::update(notional pnl, bool gate_open) {
  last_ = pnl;
  if (pnl > high_water_)
    high_water_ = pnl;
  // 128 bits: -limit and high_water - pnl must not wrap near int64's ends.
  bool loss = static_cast<__int128>(pnl.raw) < -static_cast<__int128>(limits_.loss_limit.raw);
  bool drawdown = static_cast<__int128>(high_water_.raw) - pnl.raw > limits_.drawdown_limit.raw;
  std::vector<pnl_breach> out;
  auto step = [&](pnl_breach_kind k, bool breached, notional limit) {
    bool& latched = latched_[static_cast<size_t>(k)];
    if (breached && !latched) {
      latched = true;
      ++breaches_;
      out.push_back(pnl_breach{k, pnl, high_water_, limit});
    } else if (!breached && latched && gate_open) {
      latched = false;
    }
  };
  step(pnl_breach_kind::loss_limit, loss, limits_.loss_limit);
  step(pnl_breach_kind::drawdown_limit, drawdown, limits_.drawdown_limit);
  return out;
}

} // namespace cwts::risk
