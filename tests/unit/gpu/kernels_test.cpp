// The kernels on every backend against the native reference and against
// closed forms (docs/gpu.md "Tolerances"):
//  - correlation: float64 backends within 1e-12 of native, float32 2e-5
//  - Monte-Carlo VaR/ES: float64 within 1e-6 relative, float32 1e-3; the
//    PnL of one path within 1e-5 of the largest |PnL| (f64), 1e-3 (f32):
//    Box-Muller runs in float32 on every backend, and GPU and host float
//    log/sin/cos differ by a few ulp
#define CAF_SUITE gpu_kernels
#include "tests/support/unit_test.hpp"

#include <cmath>
#include <cstdio>

#include "actors/gpu/risk_engine.hpp"
#include "tests/unit/gpu/gpu_test_backends.hpp"

using namespace cwts::gpu;
using namespace cwts::gpu::testing;

namespace {

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double m = a.size() == b.size() ? 0.0 : 1e300;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i)
    m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

// CAF's test stream takes no manipulators.
std::string sci(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1e", v);
  return buf;
}

std::vector<named_backend> all_backends() {
  std::vector<named_backend> out;
  out.push_back({"native", make_native_backend(), true});
  std::string why;
  auto vk = vulkan_backends(why);
  CAF_MESSAGE("vulkan backends: " << vk.size() << (why.empty() ? "" : " (" + why + ")"));
  // CI and this machine have lavapipe (mesa-vulkan-drivers): a missing
  // Vulkan device here is a broken install, not a skip.
  CAF_REQUIRE(!vk.empty());
  for (auto& b : vk)
    out.push_back(std::move(b));
  return out;
}

correlation_output correlate(compute_backend& b, const std::vector<double>& r, size_t n, size_t w) {
  correlation_output out;
  std::string error;
  CAF_REQUIRE(b.correlate(r, n, w, out, error));
  return out;
}

// phi and the 0.99 quantile of the standard normal.
constexpr double z99 = 2.3263478740408408;
const double phi_z99 = std::exp(-0.5 * z99 * z99) / std::sqrt(2 * M_PI);

} // namespace

CAF_TEST(identical_series_correlate_to_one_and_opposite_to_minus_one) {
  size_t w = 500;
  auto r = chained_returns(3, w, 0.3, 0.001, 7);
  for (size_t t = 0; t < w; ++t) {
    r[w + t] = r[t];              // series 1 = series 0
    r[2 * w + t] = -3.0 * r[t];   // series 2 moves against 0
  }
  for (auto& b : all_backends()) {
    auto c = correlate(*b.backend, r, 3, w);
    double tol = b.f64 ? 1e-12 : 1e-5;
    CAF_MESSAGE(b.name << ": r01=" << c.matrix[1] << " r02=" << c.matrix[2]);
    CAF_CHECK_LESS(std::abs(c.matrix[0 * 3 + 1] - 1.0), tol);
    CAF_CHECK_LESS(std::abs(c.matrix[0 * 3 + 2] + 1.0), tol);
    CAF_CHECK_LESS(std::abs(c.matrix[1 * 3 + 0] - 1.0), tol);
    CAF_CHECK_EQUAL(c.matrix[4], 1.0);
  }
}

CAF_TEST(independent_series_are_near_zero) {
  size_t n = 8, w = 4096;
  std::vector<double> r;
  for (size_t i = 0; i < n; ++i) {
    auto one = chained_returns(1, w, 0.0, 0.002, 1000 + i); // one seed per series
    r.insert(r.end(), one.begin(), one.end());
  }
  // |r| of independent series has a standard error of 1/sqrt(W): 5 of them.
  double bound = 5.0 / std::sqrt(static_cast<double>(w));
  for (auto& b : all_backends()) {
    auto c = correlate(*b.backend, r, n, w);
    double worst = 0;
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < n; ++j)
        if (i != j)
          worst = std::max(worst, std::abs(c.matrix[i * n + j]));
    CAF_MESSAGE(b.name << ": largest |r| off the diagonal " << worst << " (bound " << bound << ")");
    CAF_CHECK_LESS(worst, bound);
  }
}

CAF_TEST(vulkan_correlation_agrees_with_native) {
  // N not a multiple of the 16x16 tile, W not a multiple of 16 or 64.
  size_t n = 37, w = 301;
  auto r = chained_returns(n, w, 0.6, 0.001, 99);
  auto backends = all_backends();
  auto ref = correlate(*backends[0].backend, r, n, w);
  CAF_CHECK_GREATER(ref.matrix[1], 0.4); // the chain's neighbours do correlate
  for (size_t k = 1; k < backends.size(); ++k) {
    auto c = correlate(*backends[k].backend, r, n, w);
    double tol = backends[k].f64 ? 1e-12 : 2e-5;
    double diff = max_abs_diff(c.matrix, ref.matrix);
    CAF_MESSAGE(backends[k].name << ": max |diff| vs native " << sci(diff) << " (tolerance " << sci(tol) << ")");
    CAF_CHECK_LESS(diff, tol);
    CAF_CHECK_LESS(max_abs_diff(c.stdev, ref.stdev), backends[k].f64 ? 1e-15 : 1e-9);
  }
}

CAF_TEST(monte_carlo_paths_agree_with_native_from_the_same_seed) {
  size_t n = 10, w = 400;
  auto r = chained_returns(n, w, 0.5, 0.01, 3);
  auto backends = all_backends();
  auto ref = correlate(*backends[0].backend, r, n, w);
  auto chol = covariance(ref.matrix, ref.stdev, 16.0);
  cholesky_psd(chol, n);
  std::vector<double> exposure;
  for (size_t i = 0; i < n; ++i)
    exposure.push_back((i % 2 ? -1.0 : 1.0) * 1e5 * static_cast<double>(i + 1));
  std::string error;
  std::vector<double> native_pnl;
  CAF_REQUIRE(backends[0].backend->simulate_pnl(chol, exposure, 20000, 42, native_pnl, error));
  double scale = 0;
  for (double v : native_pnl)
    scale = std::max(scale, std::abs(v));
  auto native_sorted = native_pnl;
  auto native_var = loss_tail(native_sorted, 0.99);
  for (size_t k = 1; k < backends.size(); ++k) {
    std::vector<double> pnl;
    CAF_REQUIRE(backends[k].backend->simulate_pnl(chol, exposure, 20000, 42, pnl, error));
    double tol = backends[k].f64 ? 1e-6 : 1e-3;
    double path_tol = backends[k].f64 ? 1e-5 : 1e-3;
    double diff = max_abs_diff(pnl, native_pnl) / scale;
    auto var = loss_tail(pnl, 0.99);
    double var_diff = std::abs(var.var - native_var.var) / native_var.var;
    CAF_MESSAGE(backends[k].name << ": path PnL max |diff|/max|PnL| " << sci(diff) << ", VaR99 "
                                 << var.var << " vs native " << native_var.var << " (rel "
                                 << sci(var_diff) << ", tolerance " << sci(tol) << ")");
    CAF_CHECK_LESS(diff, path_tol);
    CAF_CHECK_LESS(var_diff, tol);
    CAF_CHECK_LESS(std::abs(var.es - native_var.es) / native_var.es, tol);
  }
  // The seed decides the paths: another seed draws others.
  std::vector<double> other;
  CAF_REQUIRE(backends[0].backend->simulate_pnl(chol, exposure, 20000, 43, other, error));
  CAF_CHECK_GREATER(max_abs_diff(other, native_pnl), 0.0);
}

CAF_TEST(single_asset_var_and_es_match_the_normal_closed_form) {
  // VaR = z sigma sqrt(h) |position|, ES = sigma sqrt(h) phi(z) / (1 - a) |position|
  // for normal returns; the simulation revalues with exp(x) - 1, which at
  // sigma sqrt(h) = 0.2% moves them by 0.25%; 200k paths give a standard
  // error of about 0.4% on the 99% quantile. Tolerance: 2% (VaR), 3% (ES).
  double sigma = 0.001, horizon = 4, position = -1e6; // a short position
  double analytic_var = z99 * sigma * std::sqrt(horizon) * std::abs(position);
  double analytic_es = sigma * std::sqrt(horizon) * phi_z99 / 0.01 * std::abs(position);
  auto backends = all_backends();
  for (auto& b : backends) {
    auto chol = covariance({1.0}, {sigma}, horizon);
    cholesky_psd(chol, 1);
    std::vector<double> pnl;
    std::string error;
    CAF_REQUIRE(b.backend->simulate_pnl(chol, {position}, 200000, 7, pnl, error));
    auto t = loss_tail(pnl, 0.99);
    CAF_MESSAGE(b.name << ": VaR99 " << t.var << " (analytic " << analytic_var << "), ES99 "
                       << t.es << " (analytic " << analytic_es << ")");
    CAF_CHECK_LESS(std::abs(t.var - analytic_var) / analytic_var, 0.02);
    CAF_CHECK_LESS(std::abs(t.es - analytic_es) / analytic_es, 0.03);
  }
}

CAF_TEST(two_perfectly_hedged_positions_have_no_var) {
  size_t w = 300;
  auto r = chained_returns(2, w, 0.0, 0.001, 5);
  for (size_t t = 0; t < w; ++t)
    r[w + t] = r[t];
  risk_engine engine{engine_config{backend_request::automatic, true}};
  correlation_output c;
  std::string error;
  CAF_REQUIRE(engine.correlation(r, 2, w, c, error));
  var_input in{{1e6, -1e6}, r, w, c.matrix, c.stdev, 1, 10000, 1, {0.99}};
  var_output out;
  CAF_REQUIRE(engine.var(in, out, error));
  CAF_MESSAGE(to_string(engine.choice().kind) << ": hedged VaR " << out.monte_carlo[0].var
                                              << ", zeroed factors " << out.dropped_factors);
  CAF_CHECK_EQUAL(out.dropped_factors, 1u); // the second series adds no factor
  CAF_CHECK_LESS(std::abs(out.monte_carlo[0].var), 1e-6);
  CAF_CHECK_LESS(std::abs(out.historical[0].var), 1e-6);
}

CAF_TEST(historical_var_is_the_order_statistic_of_window_pnl) {
  // One symbol, exposure 100, 10 returns; horizon 1: PnL_t = 100 (e^r - 1).
  std::vector<double> r{-0.05, 0.01, 0.02, -0.01, 0.0, 0.03, -0.02, 0.015, -0.03, 0.005};
  auto pnl = historical_pnl(r, 1, r.size(), {100.0}, 1.0);
  // 90%: the ceil(0.9 * 10) = 9th smallest loss, i.e. the second largest:
  // 100 (1 - e^-0.03); ES the mean of it and the largest, 100 (1 - e^-0.05).
  auto t = loss_tail(pnl, 0.9);
  CAF_CHECK_LESS(std::abs(t.var - 100 * -std::expm1(-0.03)), 1e-12);
  CAF_CHECK_LESS(std::abs(t.es - 50 * (-std::expm1(-0.03) - std::expm1(-0.05))), 1e-12);
}

CAF_TEST(bad_input_is_refused_with_a_reason) {
  risk_engine engine{engine_config{backend_request::native, true}};
  correlation_output c;
  std::string error;
  CAF_CHECK(!engine.correlation({1.0, 2.0}, 1, 1, c, error));
  CAF_CHECK(error.find("W >= 2") != std::string::npos);
  var_input in{{1.0}, {0.1, 0.2}, 2, {1.0}, {0.1}, 1, 100, 1, {1.5}};
  var_output out;
  CAF_CHECK(!engine.var(in, out, error));
  CAF_MESSAGE(error);
  CAF_CHECK(error.find("confidence") != std::string::npos);
}
