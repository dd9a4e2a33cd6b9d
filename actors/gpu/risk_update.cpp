#include "actors/gpu/risk_update.hpp"

#include <algorithm>
#include <cmath>

namespace cwts::gpu {

std::vector<double> exposures(const std::vector<symbol>& symbols, const std::vector<double>& prices,
                              const std::vector<std::pair<symbol, double>>& positions) {
  std::vector<double> out(symbols.size(), 0.0);
  for (auto& [sym, qty] : positions) {
    auto it = std::find(symbols.begin(), symbols.end(), sym);
    if (it != symbols.end()) {
      auto i = static_cast<size_t>(it - symbols.begin());
      out[i] += qty * prices[i];
    }
  }
  return out;
}

namespace {

// VaR runs over the symbols with a position (at most max_var_symbols);
// the others contribute nothing to the PnL.
std::vector<size_t> held(const std::vector<double>& exposure) {
  std::vector<size_t> out;
  for (size_t i = 0; i < exposure.size(); ++i)
    if (exposure[i] != 0)
      out.push_back(i);
  return out;
}

var_report make_var_report(const risk_engine& engine, const gpu_settings& s,
                           const update_input& in) {
  var_report v;
  v.node = in.node;
  v.ts = in.ts;
  v.confidence = s.confidence;
  v.horizon_ms = s.horizon.count();
  v.paths = static_cast<int64_t>(s.paths);
  v.seed = s.seed;
  v.window = static_cast<int32_t>(in.w);
  v.double_precision = engine.double_precision();
  v.backend = to_string(engine.choice().kind);
  v.device = engine.choice().device;
  return v;
}

} // namespace

update_output compute_update(risk_engine& engine, const gpu_settings& s, const update_input& in) {
  update_output out;
  size_t n = in.symbols.size();
  correlation_output corr;
  if (!engine.correlation(in.returns, n, in.w, corr, out.error))
    return out;
  correlation_report c;
  c.node = in.node;
  c.ts = in.ts;
  c.symbols = in.symbols;
  c.window = static_cast<int32_t>(in.w);
  c.bucket_ms = s.bucket.count();
  c.matrix = corr.matrix;
  c.volatility = corr.stdev;
  c.backend = to_string(engine.choice().kind);
  c.device = engine.choice().device;
  c.compute_ns = engine.last_correlation_ns();
  out.correlation = std::move(c);

  auto v = make_var_report(engine, s, in);
  auto idx = held(in.exposure);
  if (idx.empty()) { // flat: nothing can be lost
    v.var = v.es = v.hist_var = v.hist_es = std::vector<double>(s.confidence.size(), 0.0);
    out.var = std::move(v);
    return out;
  }
  if (idx.size() > max_var_symbols) {
    out.error = std::to_string(idx.size()) + " symbols held; VaR takes at most "
                + std::to_string(max_var_symbols);
    return out;
  }
  var_input vin;
  vin.w = in.w;
  vin.horizon = static_cast<double>(s.horizon.count()) / static_cast<double>(s.bucket.count());
  vin.paths = s.paths;
  vin.seed = s.seed;
  vin.confidence = s.confidence;
  for (size_t a : idx) {
    v.symbols.push_back(in.symbols[a]);
    v.exposure.push_back(in.exposure[a]);
    vin.stdev.push_back(corr.stdev[a]);
    vin.returns.insert(vin.returns.end(), in.returns.begin() + static_cast<std::ptrdiff_t>(a * in.w),
                       in.returns.begin() + static_cast<std::ptrdiff_t>((a + 1) * in.w));
    for (size_t b : idx)
      vin.corr.push_back(corr.matrix[a * n + b]);
  }
  vin.exposure = v.exposure;
  var_output res;
  if (!engine.var(vin, res, out.error))
    return out;
  for (size_t k = 0; k < s.confidence.size(); ++k) {
    v.var.push_back(res.monte_carlo[k].var);
    v.es.push_back(res.monte_carlo[k].es);
    v.hist_var.push_back(res.historical[k].var);
    v.hist_es.push_back(res.historical[k].es);
  }
  v.compute_ns = engine.last_var_ns();
  out.var = std::move(v);
  return out;
}

} // namespace cwts::gpu
