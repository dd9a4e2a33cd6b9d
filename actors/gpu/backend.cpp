#include "actors/gpu/backend.hpp"

namespace cwts::gpu {

const char* to_string(backend_kind k) {
  switch (k) {
    case backend_kind::discrete: return "discrete";
    case backend_kind::integrated: return "integrated";
    case backend_kind::cpu_vulkan: return "cpu-vulkan";
    case backend_kind::native: return "native";
  }
  return "unknown";
}

const char* to_string(backend_request r) {
  switch (r) {
    case backend_request::automatic: return "auto";
    case backend_request::discrete: return "discrete";
    case backend_request::integrated: return "integrated";
    case backend_request::cpu_vulkan: return "cpu-vulkan";
    case backend_request::native: return "native";
  }
  return "unknown";
}

std::optional<backend_request> parse_backend_request(const std::string& text) {
  for (auto r : {backend_request::automatic, backend_request::discrete, backend_request::integrated,
                 backend_request::cpu_vulkan, backend_request::native})
    if (text == to_string(r))
      return r;
  return std::nullopt;
}

namespace {

backend_choice native_because(std::string reason) {
  return backend_choice{backend_kind::native, std::nullopt, "native C++", std::move(reason)};
}

// The first usable device of `kind`, preferring one with shaderFloat64 (the
// kernels then run in double precision).
const device_info* first_of(backend_kind kind, const std::vector<device_info>& devices) {
  const device_info* found = nullptr;
  for (auto& d : devices) {
    if (d.kind != kind || !d.has_compute_queue)
      continue;
    if (!found || (d.shader_float64 && !found->shader_float64))
      found = &d;
  }
  return found;
}

backend_choice vulkan(const device_info& d, std::string reason) {
  return backend_choice{*d.kind, d.index, d.name, std::move(reason)};
}

} // namespace

backend_choice choose_backend(backend_request request, const std::vector<device_info>& devices,
                              const std::string& vulkan_error) {
  if (request == backend_request::native)
    return native_because("forced by config");
  if (!vulkan_error.empty())
    return native_because("vulkan unavailable: " + vulkan_error);
  if (devices.empty())
    return native_because("vulkan has no physical device");
  if (request != backend_request::automatic) {
    auto kind = request == backend_request::discrete     ? backend_kind::discrete
                : request == backend_request::integrated ? backend_kind::integrated
                                                         : backend_kind::cpu_vulkan;
    if (auto* d = first_of(kind, devices))
      return vulkan(*d, "forced by config");
    return native_because(std::string("forced ") + to_string(request)
                          + " but no such device with a compute queue");
  }
  static const char* order_reason[] = {"first discrete GPU", "no discrete GPU; integrated GPU",
                                       "no GPU; CPU Vulkan device"};
  int rank = 0;
  for (auto kind : {backend_kind::discrete, backend_kind::integrated, backend_kind::cpu_vulkan}) {
    if (auto* d = first_of(kind, devices))
      return vulkan(*d, order_reason[rank]);
    ++rank;
  }
  return native_because("no Vulkan device with a compute queue");
}

} // namespace cwts::gpu
