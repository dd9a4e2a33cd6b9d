#include "actors/gpu/risk_math.hpp"

#include <algorithm>
#include <cmath>

namespace cwts::gpu {

std::vector<double> covariance(const std::vector<double>& corr, const std::vector<double>& stdev,
                               double horizon) {
  size_t n = stdev.size();
  std::vector<double> cov(n * n);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j)
      cov[i * n + j] = corr[i * n + j] * stdev[i] * stdev[j] * horizon;
  return cov;
}

size_t cholesky_psd(std::vector<double>& a, size_t n) {
  double max_diag = 0;
  for (size_t i = 0; i < n; ++i)
    max_diag = std::max(max_diag, a[i * n + i]);
  const double tiny = max_diag * 1e-12;
  size_t dropped = 0;
  for (size_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (size_t k = 0; k < j; ++k)
      d -= a[j * n + k] * a[j * n + k];
    if (!(d > tiny)) {
      ++dropped;
      for (size_t i = j; i < n; ++i)
        a[i * n + j] = 0;
      continue;
    }
    double l = std::sqrt(d);
    a[j * n + j] = l;
    for (size_t i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      for (size_t k = 0; k < j; ++k)
        s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / l;
    }
  }
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j)
      a[i * n + j] = 0;
  return dropped;
}

tail loss_tail(std::vector<double>& pnl, double confidence) {
  tail out;
  if (pnl.empty())
    return out;
  auto p = pnl.size();
  // Losses ascending == PnL descending; the k-th smallest loss.
  auto rank = static_cast<size_t>(std::ceil(confidence * static_cast<double>(p)));
  size_t k = std::min(p - 1, rank == 0 ? size_t{0} : rank - 1);
  std::nth_element(pnl.begin(), pnl.begin() + static_cast<std::ptrdiff_t>(k), pnl.end(),
                   std::greater<double>());
  out.var = -pnl[k];
  double sum = 0;
  for (size_t i = k; i < p; ++i)
    sum += -pnl[i];
  out.es = sum / static_cast<double>(p - k);
  return out;
}

std::vector<double> historical_pnl(const std::vector<double>& returns, size_t n, size_t w,
                                   const std::vector<double>& exposure, double horizon) {
  std::vector<double> pnl(w, 0.0);
  double scale = std::sqrt(horizon);
  for (size_t i = 0; i < n; ++i)
    for (size_t t = 0; t < w; ++t)
      pnl[t] += exposure[i] * std::expm1(scale * returns[i * w + t]);
  return pnl;
}

} // namespace cwts::gpu
