#pragma once
// Host-side steps around the kernels, shared by every backend so that they
// differ only in the kernels themselves: covariance from the correlation,
// its Cholesky factor, VaR / Expected Shortfall from simulated PnL, and
// historical-simulation VaR over the window.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cwts::gpu {

// Sigma_ij = rho_ij s_i s_j, scaled by `horizon` (buckets: variance of a
// sum of independent bucket returns grows with their count).
std::vector<double> covariance(const std::vector<double>& corr, const std::vector<double>& stdev,
                               double horizon);

// In place: `a` (row-major N x N, symmetric positive semi-definite) becomes
// its lower-triangular factor L, L L^T = a, upper part zeroed. A pivot that
// is not positive beyond rounding (a degenerate or collinear series) gives
// a zero column instead of failing. Returns how many such columns.
size_t cholesky_psd(std::vector<double>& a, size_t n);

struct tail {
  double var = 0; // loss at the confidence quantile (positive = loss)
  double es = 0;  // mean loss at and beyond it
};

// `pnl` is reordered. VaR_a = the ceil(a P)-th smallest loss (loss = -pnl);
// ES_a = the mean of the losses from that one up.
tail loss_tail(std::vector<double>& pnl, double confidence);

// Historical simulation: PnL of today's exposures under each of the W
// bucket returns of the window, scaled to the horizon by sqrt(horizon).
std::vector<double> historical_pnl(const std::vector<double>& returns, size_t n, size_t w,
                                   const std::vector<double>& exposure, double horizon);

} // namespace cwts::gpu
