// [gpu] config validated into typed settings; a bad value names its key.
#define CAF_SUITE gpu_settings
#include "tests/support/unit_test.hpp"

#include "actors/gpu/gpu_settings.hpp"

using namespace cwts;
using namespace cwts::gpu;

namespace {

std::string error_of(gpu_raw_options raw) {
  gpu_settings s;
  std::string error;
  CAF_CHECK(!parse_gpu_settings(raw, {}, s, error));
  CAF_MESSAGE(error);
  return error;
}

} // namespace

CAF_TEST(defaults_parse_and_the_venue_symbols_are_the_universe) {
  gpu_raw_options raw;
  raw.enabled = true;
  raw.backend = "cpu-vulkan";
  raw.var_limit = "2500.5";
  gpu_settings s;
  std::string error;
  CAF_REQUIRE(parse_gpu_settings(raw, {*symbol::parse("USDCHF")}, s, error));
  CAF_CHECK(s.backend == backend_request::cpu_vulkan);
  CAF_CHECK_EQUAL(s.symbols.size(), 1u);
  CAF_CHECK_EQUAL(s.var_limit, 2500.5);
  CAF_CHECK_EQUAL(s.confidence.size(), 2u);
  CAF_CHECK(s.allow_float64);
}

CAF_TEST(bad_values_name_their_key) {
  gpu_raw_options raw;
  raw.backend = "cuda";
  CAF_CHECK(error_of(raw).rfind("gpu.backend:", 0) == 0);
  raw = {};
  raw.confidence = {"0.99", "1"};
  CAF_CHECK(error_of(raw).rfind("gpu.confidence: 1 is not within", 0) == 0);
  raw = {};
  raw.paths = 0;
  CAF_CHECK(error_of(raw).rfind("gpu.paths:", 0) == 0);
  raw = {};
  raw.var_limit = "-1";
  CAF_CHECK(error_of(raw).rfind("gpu.var-limit:", 0) == 0);
  raw = {};
  raw.var_limit = "lots";
  CAF_CHECK(error_of(raw).rfind("gpu.var-limit: 'lots' is not a number", 0) == 0);
  raw = {};
  raw.precision = "half";
  CAF_CHECK(error_of(raw).rfind("gpu.precision:", 0) == 0);
  raw = {};
  raw.symbols = {"usd"};
  CAF_CHECK(error_of(raw).rfind("gpu.symbols:", 0) == 0);
}
