// Run with VK_ICD_FILENAMES / VK_DRIVER_FILES naming a file that does not
// exist (tests/unit/gpu/CMakeLists.txt): the loader finds no driver, and the
// engine falls back to the native backend with the reason, and still
// computes.
#define CAF_SUITE gpu_fallback
#include "tests/support/unit_test.hpp"

#include <cstdlib>

#include "actors/gpu/risk_engine.hpp"

using namespace cwts::gpu;

CAF_TEST(without_a_vulkan_driver_the_engine_runs_native_and_says_why) {
  const char* icd = std::getenv("VK_ICD_FILENAMES");
  CAF_REQUIRE(icd != nullptr);
  CAF_MESSAGE("VK_ICD_FILENAMES=" << icd);
  for (auto request : {backend_request::automatic, backend_request::cpu_vulkan,
                       backend_request::discrete}) {
    risk_engine engine{engine_config{request, true}};
    CAF_MESSAGE(to_string(request) << " -> " << to_string(engine.choice().kind) << " reason=\""
                                   << engine.choice().reason << "\"");
    CAF_CHECK(engine.choice().kind == backend_kind::native);
    CAF_CHECK(engine.choice().reason.find("vulkan unavailable") != std::string::npos);
    CAF_CHECK(engine.devices().empty());
    correlation_output c;
    std::string error;
    CAF_CHECK(engine.correlation({0.01, -0.02, 0.03, -0.02, 0.04, -0.06}, 2, 3, c, error));
    CAF_CHECK_LESS(std::abs(c.matrix[1] + 1.0), 1e-12); // series 1 = -2 x series 0
  }
}
