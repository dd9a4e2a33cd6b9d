// The backend choice as a pure function of the devices found
// (actors/gpu/backend.hpp): discrete, integrated, CPU Vulkan, native.
#define CAF_SUITE gpu_backend_choice
#include "tests/support/unit_test.hpp"

#include "actors/gpu/backend.hpp"

using namespace cwts::gpu;

namespace {

device_info dev(uint32_t index, std::string name, backend_kind kind, bool f64 = true) {
  device_info d;
  d.index = index;
  d.name = std::move(name);
  d.kind = kind;
  d.has_compute_queue = true;
  d.shader_float64 = f64;
  return d;
}

const std::vector<device_info> all = {dev(0, "llvmpipe", backend_kind::cpu_vulkan),
                                      dev(1, "Intel UHD", backend_kind::integrated),
                                      dev(2, "NVIDIA H100", backend_kind::discrete)};

} // namespace

CAF_TEST(auto_prefers_discrete_then_integrated_then_cpu_then_native) {
  auto c = choose_backend(backend_request::automatic, all, "");
  CAF_CHECK(c.kind == backend_kind::discrete);
  CAF_CHECK_EQUAL(c.device, "NVIDIA H100");
  CAF_CHECK_EQUAL(*c.device_index, 2u);
  auto no_discrete = std::vector<device_info>{all[0], all[1]};
  CAF_CHECK(choose_backend(backend_request::automatic, no_discrete, "").kind
            == backend_kind::integrated);
  auto cpu_only = std::vector<device_info>{all[0]};
  c = choose_backend(backend_request::automatic, cpu_only, "");
  CAF_CHECK(c.kind == backend_kind::cpu_vulkan);
  CAF_CHECK_EQUAL(c.reason, "no GPU; CPU Vulkan device");
  c = choose_backend(backend_request::automatic, {}, "");
  CAF_CHECK(c.kind == backend_kind::native);
  CAF_CHECK(!c.device_index);
}

CAF_TEST(a_device_without_a_compute_queue_or_of_another_type_is_skipped) {
  auto gpu = dev(0, "display only", backend_kind::discrete);
  gpu.has_compute_queue = false;
  device_info other;
  other.index = 1;
  other.name = "other";
  other.has_compute_queue = true;
  auto c = choose_backend(backend_request::automatic, {gpu, other, all[0]}, "");
  CAF_CHECK(c.kind == backend_kind::cpu_vulkan);
  CAF_CHECK_EQUAL(c.device, "llvmpipe");
}

CAF_TEST(among_devices_of_a_kind_one_with_float64_wins) {
  auto a = dev(0, "no fp64", backend_kind::discrete, false);
  auto b = dev(1, "fp64", backend_kind::discrete, true);
  CAF_CHECK_EQUAL(choose_backend(backend_request::automatic, {a, b}, "").device, "fp64");
}

CAF_TEST(config_forces_a_backend_and_says_when_it_is_not_there) {
  auto c = choose_backend(backend_request::cpu_vulkan, all, "");
  CAF_CHECK(c.kind == backend_kind::cpu_vulkan);
  CAF_CHECK_EQUAL(c.reason, "forced by config");
  c = choose_backend(backend_request::native, all, "");
  CAF_CHECK(c.kind == backend_kind::native);
  CAF_CHECK_EQUAL(c.reason, "forced by config");
  c = choose_backend(backend_request::discrete, {all[0]}, "");
  CAF_CHECK(c.kind == backend_kind::native);
  CAF_MESSAGE(c.reason);
  CAF_CHECK(c.reason.find("forced discrete") != std::string::npos);
}

CAF_TEST(vulkan_that_does_not_start_gives_native_with_the_error) {
  auto c = choose_backend(backend_request::automatic, {}, "vkCreateInstance failed: VkResult -9");
  CAF_CHECK(c.kind == backend_kind::native);
  CAF_CHECK_EQUAL(c.reason, "vulkan unavailable: vkCreateInstance failed: VkResult -9");
}

CAF_TEST(backend_names_parse_and_print) {
  for (auto name : {"auto", "discrete", "integrated", "cpu-vulkan", "native"})
    CAF_CHECK_EQUAL(to_string(*parse_backend_request(name)), std::string(name));
  CAF_CHECK(!parse_backend_request("cuda"));
}
