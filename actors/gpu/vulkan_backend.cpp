// The Vulkan backends (discrete, integrated, CPU device): shaders/*.comp,
// compiled by glslc at build time in a double and a float variant and
// embedded as SPIR-V words (actors/gpu/CMakeLists.txt).

#include <cstring>
#include <map>

#include "actors/gpu/compute_backend.hpp"
#include "actors/gpu/vulkan_device.hpp"

namespace cwts::gpu::spirv {
extern const uint32_t standardize_f64[], correlation_f64[], correlation_direct_f64[],
  var_paths_f64[];
extern const uint32_t standardize_f32[], correlation_f32[], correlation_direct_f32[],
  var_paths_f32[];
extern const size_t standardize_f64_words, correlation_f64_words, correlation_direct_f64_words,
  var_paths_f64_words;
extern const size_t standardize_f32_words, correlation_f32_words, correlation_direct_f32_words,
  var_paths_f32_words;
} // namespace cwts::gpu::spirv

namespace cwts::gpu {

namespace {

// Buffer slots, kept between updates.
enum slot : int { returns_slot, z_slot, stats_slot, matrix_slot, chol_slot, exposure_slot, pnl_slot };

template <class Real>
class vulkan_backend final : public compute_backend {
public:
  static constexpr bool f64 = sizeof(Real) == 8;

  // `tiled`: the shared-memory correlation (GPUs); else one dot product per
  // invocation (CPU devices, where barriers are the expensive part).
  vulkan_backend(std::unique_ptr<vulkan_device> dev, bool tiled)
    : dev_(std::move(dev)), tiled_(tiled) {
  }

  bool build(std::string& error) {
    using namespace spirv;
    standardize_ = dev_->pipeline(f64 ? standardize_f64 : standardize_f32,
                                  f64 ? standardize_f64_words : standardize_f32_words, 3, 8, {},
                                  error);
    const uint32_t* corr = tiled_ ? (f64 ? correlation_f64 : correlation_f32)
                                  : (f64 ? correlation_direct_f64 : correlation_direct_f32);
    size_t corr_words = tiled_ ? (f64 ? correlation_f64_words : correlation_f32_words)
                               : (f64 ? correlation_direct_f64_words : correlation_direct_f32_words);
    correlation_ = standardize_ < 0 ? -1 : dev_->pipeline(corr, corr_words, 2, 8, {}, error);
    return correlation_ >= 0;
  }

  bool correlate(const std::vector<double>& returns, size_t n, size_t w, correlation_output& out,
                 std::string& error) override {
    auto* r = put(returns_slot, returns, error);
    auto* z = r ? dev_->host(z_slot, n * w * sizeof(Real), error) : nullptr;
    auto* s = z ? static_cast<Real*>(dev_->host(stats_slot, 2 * n * sizeof(Real), error)) : nullptr;
    auto* c = s ? static_cast<Real*>(dev_->host(matrix_slot, n * n * sizeof(Real), error)) : nullptr;
    if (!c)
      return false;
    auto nn = static_cast<uint32_t>(n), ww = static_cast<uint32_t>(w);
    uint32_t tiles = tiled_ ? (nn + 15) / 16 : (nn + 7) / 8;
    std::vector<vulkan_device::dispatch> steps{
      {standardize_, {returns_slot, z_slot, stats_slot}, {nn, ww}, nn, 1, 1},
      {correlation_, {z_slot, matrix_slot}, {nn, ww}, tiles, tiles, 1}};
    if (!dev_->run({{returns_slot, returns.size() * sizeof(Real)}}, steps,
                   {{stats_slot, 2 * n * sizeof(Real)}, {matrix_slot, n * n * sizeof(Real)}}, error))
      return false;
    out.matrix.assign(c, c + n * n);
    out.mean.resize(n);
    out.stdev.resize(n);
    for (size_t i = 0; i < n; ++i) {
      out.mean[i] = static_cast<double>(s[2 * i]);
      out.stdev[i] = static_cast<double>(s[2 * i + 1]);
    }
    return true;
  }

  bool simulate_pnl(const std::vector<double>& chol, const std::vector<double>& exposure,
                    uint64_t paths, uint64_t seed, std::vector<double>& pnl,
                    std::string& error) override {
    size_t n = exposure.size();
    int pipe = var_pipeline(n, error);
    auto* out = pipe < 0 || !put(chol_slot, chol, error) || !put(exposure_slot, exposure, error)
                  ? nullptr
                  : static_cast<Real*>(dev_->host(pnl_slot, paths * sizeof(Real), error));
    if (!out)
      return false;
    auto p32 = static_cast<uint32_t>(paths);
    std::vector<vulkan_device::dispatch> steps{
      {pipe,
       {chol_slot, exposure_slot, pnl_slot},
       {static_cast<uint32_t>(n), p32, 0u, static_cast<uint32_t>(seed),
        static_cast<uint32_t>(seed >> 32)},
       (p32 + 63) / 64, 1, 1}};
    if (!dev_->run({{chol_slot, chol.size() * sizeof(Real)},
                    {exposure_slot, exposure.size() * sizeof(Real)}},
                   steps, {{pnl_slot, paths * sizeof(Real)}}, error))
      return false;
    pnl.assign(out, out + paths);
    return true;
  }

  bool double_precision() const override { return f64; }

private:
  // Copies doubles into a slot as Real.
  Real* put(int slot, const std::vector<double>& v, std::string& error) {
    auto* p = static_cast<Real*>(dev_->host(slot, v.size() * sizeof(Real), error));
    if (p)
      for (size_t i = 0; i < v.size(); ++i)
        p[i] = static_cast<Real>(v[i]);
    return p;
  }

  // One pipeline per private-array size (symbols rounded up to 16).
  int var_pipeline(size_t n, std::string& error) {
    auto size = static_cast<uint32_t>((n + 15) / 16 * 16);
    if (auto i = var_.find(size); i != var_.end())
      return i->second;
    using namespace spirv;
    int id = dev_->pipeline(f64 ? var_paths_f64 : var_paths_f32,
                            f64 ? var_paths_f64_words : var_paths_f32_words, 3, 20, {size}, error);
    if (id >= 0)
      var_[size] = id;
    return id;
  }

  std::unique_ptr<vulkan_device> dev_;
  bool tiled_ = true;
  int standardize_ = -1;
  int correlation_ = -1;
  std::map<uint32_t, int> var_;
};

} // namespace

std::unique_ptr<compute_backend>
make_vulkan_backend(std::shared_ptr<vulkan_instance> instance, const device_info& device,
                    bool use_float64, std::string& error, correlation_kernel kernel) {
  auto dev = vulkan_device::open(std::move(instance), device.index, use_float64, error);
  if (!dev)
    return nullptr;
  bool tiled = kernel == correlation_kernel::automatic ? device.kind != backend_kind::cpu_vulkan
                                                       : kernel == correlation_kernel::tiled;
  if (use_float64) {
    auto b = std::make_unique<vulkan_backend<double>>(std::move(dev), tiled);
    return b->build(error) ? std::move(b) : nullptr;
  }
  auto b = std::make_unique<vulkan_backend<float>>(std::move(dev), tiled);
  return b->build(error) ? std::move(b) : nullptr;
}

} // namespace cwts::gpu
