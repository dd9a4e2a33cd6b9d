#pragma once
// Which compute backend runs the risk kernels (docs/gpu.md "Backends"):
// Vulkan devices are enumerated and one is picked in the order discrete
// GPU, integrated GPU, CPU Vulkan device (lavapipe), else the native C++
// implementation of the same algorithms. Config can force one. The choice
// is a pure function of what was found, so it is tested without a GPU.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cwts::gpu {

enum class backend_kind : uint8_t { discrete, integrated, cpu_vulkan, native };

// [gpu] backend: auto or one kind forced.
enum class backend_request : uint8_t { automatic, discrete, integrated, cpu_vulkan, native };

const char* to_string(backend_kind k);
const char* to_string(backend_request r);
std::optional<backend_request> parse_backend_request(const std::string& text);

// What a Vulkan physical device offers, as queried (never assumed).
struct device_info {
  uint32_t index = 0; // in vkEnumeratePhysicalDevices order
  std::string name;
  std::optional<backend_kind> kind; // none: a type we do not use (other)
  uint32_t api_version = 0;
  bool has_compute_queue = false;
  bool shader_float64 = false;
  bool shader_int64 = false;
  uint32_t max_shared_bytes = 0; // maxComputeSharedMemorySize
  uint32_t subgroup_size = 0;    // 0 when the device did not say
};

struct backend_choice {
  backend_kind kind = backend_kind::native;
  std::optional<uint32_t> device_index; // set for Vulkan backends
  std::string device;                   // "llvmpipe (LLVM 15.0.6, 256 bits)", "native C++"
  std::string reason;
};

// `vulkan_error` non-empty: Vulkan could not be started (no loader, no
// driver); `devices` is then empty.
backend_choice choose_backend(backend_request request, const std::vector<device_info>& devices,
                              const std::string& vulkan_error);

} // namespace cwts::gpu
