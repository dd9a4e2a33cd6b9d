#pragma once
// A headless Vulkan compute device: instance, physical-device enumeration
// with the features the kernels need queried (shaderFloat64, shaderInt64,
// shared memory, subgroup size), one compute queue, pipelines built from
// embedded SPIR-V, and storage buffers kept between runs (grown on demand).
// Buffers live in device-local memory; where that memory is not visible to
// the host (a discrete GPU without resizable BAR) a host-visible staging
// buffer is copied to and from it inside the same command buffer.
// Not thread-safe: one owner thread (the gpu worker's compute thread).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "actors/gpu/backend.hpp"

namespace cwts::gpu {

class vulkan_instance {
public:
  // Null with `error` set when there is no loader, no driver (ICD) or the
  // instance cannot be created.
  static std::shared_ptr<vulkan_instance> create(std::string& error);
  ~vulkan_instance();

  std::vector<device_info> devices() const;

  struct impl;
  impl& get() const { return *impl_; }

private:
  vulkan_instance() = default;
  std::unique_ptr<impl> impl_;
};

class vulkan_device {
public:
  static std::unique_ptr<vulkan_device> open(std::shared_ptr<vulkan_instance> instance,
                                             uint32_t index, bool enable_float64,
                                             std::string& error);
  ~vulkan_device();

  // A compute pipeline with `buffers` storage buffers at bindings 0.., a push
  // constant block of `push_bytes` and specialization constants 0.. (uint32).
  // Returns its id, or -1 with `error`.
  int pipeline(const uint32_t* words, size_t word_count, uint32_t buffers, uint32_t push_bytes,
               const std::vector<uint32_t>& spec, std::string& error);

  // Host pointer to buffer `slot` (at least `bytes`); its contents are kept
  // while the size fits. Null with `error` when memory is short.
  void* host(int slot, size_t bytes, std::string& error);

  struct dispatch {
    int pipeline = 0;
    std::vector<int> slots; // binding i -> slot
    std::vector<uint32_t> push;
    uint32_t groups_x = 1, groups_y = 1, groups_z = 1;
  };
  struct transfer {
    int slot = 0;
    size_t bytes = 0;
  };
  // One command buffer: uploads, the dispatches in order (each sees the
  // writes of the one before), downloads; waits for it to finish.
  bool run(const std::vector<transfer>& uploads, const std::vector<dispatch>& dispatches,
           const std::vector<transfer>& downloads, std::string& error);

  struct impl;

private:
  vulkan_device() = default;
  std::unique_ptr<impl> impl_;
};

} // namespace cwts::gpu
