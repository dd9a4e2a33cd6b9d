#include "actors/risk/var_limit.hpp"

#include <cmath>
#include <sstream>

namespace cwts::risk {

std::string var_breach::describe() const {
  std::ostringstream out;
  out.precision(10);
  out << "VaR " << confidence * 100 << "% over " << horizon_ms << " ms " << var
      << " above limit " << limit << " (backend " << backend << ")";
  return out.str();
}

std::pair<double, double> var_limit::headline(const var_report& r) {
  double var = 0, conf = 0;
  for (size_t k = 0; k < r.var.size() && k < r.confidence.size(); ++k)
    if (r.confidence[k] >= conf) {
      conf = r.confidence[k];
      var = r.var[k];
    }
  return {var, conf};
}

bool var_limit::breached_now() const {
  return enabled() && latest_ && headline(*latest_).first > cfg_.limit;
}

std::optional<var_breach> var_limit::on_report(const var_report& r, bool gate_open) {
  ++reports_;
  latest_ = r;
  bool breached = breached_now();
  if (breached && !latched_) {
    latched_ = true;
    ++breaches_;
    auto [var, conf] = headline(r);
    return var_breach{var, cfg_.limit, conf, r.horizon_ms, r.backend};
  }
  if (!breached && latched_ && gate_open)
    latched_ = false;
  return std::nullopt;
}

void var_limit::add_stats(std::map<std::string, int64_t>& c) const {
  c["var_reports"] = static_cast<int64_t>(reports_);
  c["var_latest"] = latest_ ? std::llround(headline(*latest_).first) : 0;
  c["var_limit"] = std::llround(cfg_.limit);
  c["var_breaches"] = static_cast<int64_t>(breaches_);
  c["var_breach_active"] = latched_ ? 1 : 0;
  c["breach_now.var"] = breached_now() ? 1 : 0;
}

} // namespace cwts::risk
