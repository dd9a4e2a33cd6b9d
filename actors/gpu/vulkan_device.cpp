#include "actors/gpu/vulkan_device.hpp"

#include <cstring>
#include <map>

#include <vulkan/vulkan.h>

namespace cwts::gpu {

namespace {

std::string vk_error(const char* call, VkResult r) {
  return std::string(call) + " failed: VkResult " + std::to_string(static_cast<int>(r));
}

std::optional<backend_kind> kind_of(VkPhysicalDeviceType t) {
  switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return backend_kind::discrete;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return backend_kind::integrated;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return backend_kind::cpu_vulkan;
    default: return std::nullopt;
  }
}

std::optional<uint32_t> compute_family(VkPhysicalDevice pd) {
  uint32_t count = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(pd, &count, nullptr);
  std::vector<VkQueueFamilyProperties> families(count);
  vkGetPhysicalDeviceQueueFamilyProperties(pd, &count, families.data());
  for (uint32_t i = 0; i < count; ++i)
    if (families[i].queueFlags & VK_QUEUE_COMPUTE_BIT)
      return i;
  return std::nullopt;
}

} // namespace

struct vulkan_instance::impl {
  VkInstance instance = VK_NULL_HANDLE;
  std::vector<VkPhysicalDevice> physical;
};

std::shared_ptr<vulkan_instance> vulkan_instance::create(std::string& error) {
  VkApplicationInfo app{};
  app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
  app.pApplicationName = "cwts-gpu-worker";
  app.apiVersion = VK_API_VERSION_1_1;
  VkInstanceCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
  info.pApplicationInfo = &app;
  VkInstance instance = VK_NULL_HANDLE;
  if (auto r = vkCreateInstance(&info, nullptr, &instance); r != VK_SUCCESS) {
    error = vk_error("vkCreateInstance", r)
            + (r == VK_ERROR_INCOMPATIBLE_DRIVER ? " (no Vulkan driver found)" : "");
    return nullptr;
  }
  std::shared_ptr<vulkan_instance> out(new vulkan_instance);
  out->impl_ = std::make_unique<impl>();
  out->impl_->instance = instance;
  uint32_t count = 0;
  if (auto r = vkEnumeratePhysicalDevices(instance, &count, nullptr); r != VK_SUCCESS) {
    error = vk_error("vkEnumeratePhysicalDevices", r);
    return nullptr;
  }
  out->impl_->physical.resize(count);
  vkEnumeratePhysicalDevices(instance, &count, out->impl_->physical.data());
  out->impl_->physical.resize(count);
  return out;
}

vulkan_instance::~vulkan_instance() {
  if (impl_ && impl_->instance)
    vkDestroyInstance(impl_->instance, nullptr);
}

std::vector<device_info> vulkan_instance::devices() const {
  std::vector<device_info> out;
  for (uint32_t i = 0; i < impl_->physical.size(); ++i) {
    auto pd = impl_->physical[i];
    VkPhysicalDeviceProperties props{};
    vkGetPhysicalDeviceProperties(pd, &props);
    VkPhysicalDeviceFeatures features{};
    vkGetPhysicalDeviceFeatures(pd, &features);
    device_info d;
    d.index = i;
    d.name = props.deviceName;
    d.kind = kind_of(props.deviceType);
    d.api_version = props.apiVersion;
    d.has_compute_queue = compute_family(pd).has_value();
    d.shader_float64 = features.shaderFloat64 == VK_TRUE;
    d.shader_int64 = features.shaderInt64 == VK_TRUE;
    d.max_shared_bytes = props.limits.maxComputeSharedMemorySize;
    if (VK_API_VERSION_MINOR(props.apiVersion) >= 1 || VK_API_VERSION_MAJOR(props.apiVersion) > 1) {
      VkPhysicalDeviceSubgroupProperties sub{};
      sub.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES;
      VkPhysicalDeviceProperties2 props2{};
      props2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2;
      props2.pNext = &sub;
      vkGetPhysicalDeviceProperties2(pd, &props2);
      d.subgroup_size = sub.subgroupSize;
    }
    out.push_back(std::move(d));
  }
  return out;
}

namespace {

struct pipeline_objects {
  VkShaderModule module = VK_NULL_HANDLE;
  VkDescriptorSetLayout set_layout = VK_NULL_HANDLE;
  VkPipelineLayout layout = VK_NULL_HANDLE;
  VkPipeline pipeline = VK_NULL_HANDLE;
  uint32_t buffers = 0;
};

struct buffer_slot {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  VkBuffer staging = VK_NULL_HANDLE; // only when `memory` is not host-visible
  VkDeviceMemory staging_memory = VK_NULL_HANDLE;
  void* mapped = nullptr; // of `memory` or of `staging_memory`
  size_t size = 0;
};

} // namespace

struct vulkan_device::impl {
  std::shared_ptr<vulkan_instance> instance;
  VkPhysicalDevice physical = VK_NULL_HANDLE;
  VkPhysicalDeviceMemoryProperties memory_props{};
  VkDevice device = VK_NULL_HANDLE;
  VkQueue queue = VK_NULL_HANDLE;
  VkCommandPool pool = VK_NULL_HANDLE;
  VkCommandBuffer cmd = VK_NULL_HANDLE;
  VkFence fence = VK_NULL_HANDLE;
  VkDescriptorPool descriptors = VK_NULL_HANDLE;
  std::vector<pipeline_objects> pipelines;
  std::map<int, buffer_slot> slots;

  std::optional<uint32_t> memory_type(uint32_t bits, VkMemoryPropertyFlags want) const {
    for (uint32_t i = 0; i < memory_props.memoryTypeCount; ++i)
      if ((bits & (1u << i)) && (memory_props.memoryTypes[i].propertyFlags & want) == want)
        return i;
    return std::nullopt;
  }

  // A buffer and its memory: the first of `choices` that the device has
  // and that allocates.
  bool make_buffer(size_t bytes, const std::vector<VkMemoryPropertyFlags>& choices, VkBuffer& buf,
                   VkDeviceMemory& mem, std::string& error) {
    VkBufferCreateInfo bi{};
    bi.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
    bi.size = bytes;
    bi.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT
               | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    bi.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    if (auto r = vkCreateBuffer(device, &bi, nullptr, &buf); r != VK_SUCCESS) {
      error = vk_error("vkCreateBuffer", r);
      return false;
    }
    VkMemoryRequirements req{};
    vkGetBufferMemoryRequirements(device, buf, &req);
    for (auto want : choices) {
      auto type = memory_type(req.memoryTypeBits, want);
      if (!type)
        continue;
      VkMemoryAllocateInfo ai{};
      ai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
      ai.allocationSize = req.size;
      ai.memoryTypeIndex = *type;
      if (vkAllocateMemory(device, &ai, nullptr, &mem) == VK_SUCCESS) {
        vkBindBufferMemory(device, buf, mem, 0);
        return true;
      }
    }
    vkDestroyBuffer(device, buf, nullptr);
    buf = VK_NULL_HANDLE;
    error = "no memory type could hold a buffer of " + std::to_string(bytes) + " bytes";
    return false;
  }

  void release(buffer_slot& s) {
    if (s.mapped)
      vkUnmapMemory(device, s.staging_memory ? s.staging_memory : s.memory);
    for (auto b : {s.buffer, s.staging})
      if (b)
        vkDestroyBuffer(device, b, nullptr);
    for (auto m : {s.memory, s.staging_memory})
      if (m)
        vkFreeMemory(device, m, nullptr);
    s = buffer_slot{};
  }
};

std::unique_ptr<vulkan_device> vulkan_device::open(std::shared_ptr<vulkan_instance> instance,
                                                   uint32_t index, bool enable_float64,
                                                   std::string& error) {
  auto& phys = instance->get().physical;
  if (index >= phys.size()) {
    error = "no physical device " + std::to_string(index);
    return nullptr;
  }
  std::unique_ptr<vulkan_device> out(new vulkan_device);
  out->impl_ = std::make_unique<impl>();
  auto& d = *out->impl_;
  d.instance = std::move(instance);
  d.physical = phys[index];
  vkGetPhysicalDeviceMemoryProperties(d.physical, &d.memory_props);
  auto family = compute_family(d.physical);
  if (!family) {
    error = "device has no compute queue";
    return nullptr;
  }
  float priority = 1.0f;
  VkDeviceQueueCreateInfo qi{};
  qi.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO;
  qi.queueFamilyIndex = *family;
  qi.queueCount = 1;
  qi.pQueuePriorities = &priority;
  VkPhysicalDeviceFeatures features{};
  features.shaderFloat64 = enable_float64 ? VK_TRUE : VK_FALSE;
  VkDeviceCreateInfo di{};
  di.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO;
  di.queueCreateInfoCount = 1;
  di.pQueueCreateInfos = &qi;
  di.pEnabledFeatures = &features;
  if (auto r = vkCreateDevice(d.physical, &di, nullptr, &d.device); r != VK_SUCCESS) {
    error = vk_error("vkCreateDevice", r);
    return nullptr;
  }
  vkGetDeviceQueue(d.device, *family, 0, &d.queue);
  VkCommandPoolCreateInfo pi{};
  pi.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
  pi.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  pi.queueFamilyIndex = *family;
  if (auto r = vkCreateCommandPool(d.device, &pi, nullptr, &d.pool); r != VK_SUCCESS) {
    error = vk_error("vkCreateCommandPool", r);
    return nullptr;
  }
  VkCommandBufferAllocateInfo ci{};
  ci.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
  ci.commandPool = d.pool;
  ci.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  ci.commandBufferCount = 1;
  VkFenceCreateInfo fi{};
  fi.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
  VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 64};
  VkDescriptorPoolCreateInfo dpi{};
  dpi.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
  dpi.maxSets = 16;
  dpi.poolSizeCount = 1;
  dpi.pPoolSizes = &size;
  if (auto r = vkAllocateCommandBuffers(d.device, &ci, &d.cmd); r != VK_SUCCESS) {
    error = vk_error("vkAllocateCommandBuffers", r);
    return nullptr;
  }
  if (auto r = vkCreateFence(d.device, &fi, nullptr, &d.fence); r != VK_SUCCESS) {
    error = vk_error("vkCreateFence", r);
    return nullptr;
  }
  if (auto r = vkCreateDescriptorPool(d.device, &dpi, nullptr, &d.descriptors); r != VK_SUCCESS) {
    error = vk_error("vkCreateDescriptorPool", r);
    return nullptr;
  }
  return out;
}

vulkan_device::~vulkan_device() {
  if (!impl_ || !impl_->device)
    return;
  auto& d = *impl_;
  vkDeviceWaitIdle(d.device);
  for (auto& [id, s] : d.slots)
    d.release(s);
  for (auto& p : d.pipelines) {
    vkDestroyPipeline(d.device, p.pipeline, nullptr);
    vkDestroyPipelineLayout(d.device, p.layout, nullptr);
    vkDestroyDescriptorSetLayout(d.device, p.set_layout, nullptr);
    vkDestroyShaderModule(d.device, p.module, nullptr);
  }
  if (d.descriptors)
    vkDestroyDescriptorPool(d.device, d.descriptors, nullptr);
  if (d.fence)
    vkDestroyFence(d.device, d.fence, nullptr);
  if (d.pool)
    vkDestroyCommandPool(d.device, d.pool, nullptr);
  vkDestroyDevice(d.device, nullptr);
}

int vulkan_device::pipeline(const uint32_t* words, size_t word_count, uint32_t buffers,
                            uint32_t push_bytes, const std::vector<uint32_t>& spec,
                            std::string& error) {
  auto& d = *impl_;
  pipeline_objects p;
  p.buffers = buffers;
  auto fail = [&](const char* call, VkResult r) {
    error = vk_error(call, r);
    if (p.layout)
      vkDestroyPipelineLayout(d.device, p.layout, nullptr);
    if (p.set_layout)
      vkDestroyDescriptorSetLayout(d.device, p.set_layout, nullptr);
    if (p.module)
      vkDestroyShaderModule(d.device, p.module, nullptr);
    return -1;
  };
  VkShaderModuleCreateInfo mi{};
  mi.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
  mi.codeSize = word_count * sizeof(uint32_t);
  mi.pCode = words;
  if (auto r = vkCreateShaderModule(d.device, &mi, nullptr, &p.module); r != VK_SUCCESS)
    return fail("vkCreateShaderModule", r);
  std::vector<VkDescriptorSetLayoutBinding> bindings(buffers);
  for (uint32_t i = 0; i < buffers; ++i) {
    bindings[i] = VkDescriptorSetLayoutBinding{};
    bindings[i].binding = i;
    bindings[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    bindings[i].descriptorCount = 1;
    bindings[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
  }
  VkDescriptorSetLayoutCreateInfo li{};
  li.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
  li.bindingCount = buffers;
  li.pBindings = bindings.data();
  if (auto r = vkCreateDescriptorSetLayout(d.device, &li, nullptr, &p.set_layout); r != VK_SUCCESS)
    return fail("vkCreateDescriptorSetLayout", r);
  VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, push_bytes};
  VkPipelineLayoutCreateInfo pli{};
  pli.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
  pli.setLayoutCount = 1;
  pli.pSetLayouts = &p.set_layout;
  pli.pushConstantRangeCount = push_bytes ? 1 : 0;
  pli.pPushConstantRanges = &range;
  if (auto r = vkCreatePipelineLayout(d.device, &pli, nullptr, &p.layout); r != VK_SUCCESS)
    return fail("vkCreatePipelineLayout", r);
  std::vector<VkSpecializationMapEntry> entries(spec.size());
  for (uint32_t i = 0; i < spec.size(); ++i)
    entries[i] = VkSpecializationMapEntry{i, static_cast<uint32_t>(i * sizeof(uint32_t)),
                                          sizeof(uint32_t)};
  VkSpecializationInfo si{};
  si.mapEntryCount = static_cast<uint32_t>(entries.size());
  si.pMapEntries = entries.data();
  si.dataSize = spec.size() * sizeof(uint32_t);
  si.pData = spec.data();
  VkComputePipelineCreateInfo cpi{};
  cpi.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
  cpi.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  cpi.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  cpi.stage.module = p.module;
  cpi.stage.pName = "main";
  cpi.stage.pSpecializationInfo = spec.empty() ? nullptr : &si;
  cpi.layout = p.layout;
  if (auto r = vkCreateComputePipelines(d.device, VK_NULL_HANDLE, 1, &cpi, nullptr, &p.pipeline);
      r != VK_SUCCESS)
    return fail("vkCreateComputePipelines", r);
  d.pipelines.push_back(p);
  return static_cast<int>(d.pipelines.size() - 1);
}

void* vulkan_device::host(int slot, size_t bytes, std::string& error) {
  auto& d = *impl_;
  auto& s = d.slots[slot];
  if (s.size >= bytes && s.mapped)
    return s.mapped;
  d.release(s);
  bytes = std::max<size_t>(bytes, 256);
  // Host-cached device memory (integrated GPUs, CPU devices) is read and
  // written in place; otherwise device-local memory behind a staging buffer.
  constexpr auto uma = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT | VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT
                       | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT | VK_MEMORY_PROPERTY_HOST_CACHED_BIT;
  constexpr auto host_cached = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT
                               | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT
                               | VK_MEMORY_PROPERTY_HOST_CACHED_BIT;
  constexpr auto host_plain = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT
                              | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  std::string ignored;
  VkDeviceMemory to_map = VK_NULL_HANDLE;
  if (d.make_buffer(bytes, {uma}, s.buffer, s.memory, ignored)) {
    to_map = s.memory;
  } else {
    if (!d.make_buffer(bytes, {VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0}, s.buffer, s.memory, error)
        || !d.make_buffer(bytes, {host_cached, host_plain}, s.staging, s.staging_memory, error)) {
      d.release(s);
      return nullptr;
    }
    to_map = s.staging_memory;
  }
  if (auto r = vkMapMemory(d.device, to_map, 0, VK_WHOLE_SIZE, 0, &s.mapped); r != VK_SUCCESS) {
    error = vk_error("vkMapMemory", r);
    s.mapped = nullptr;
    d.release(s);
    return nullptr;
  }
  s.size = bytes;
  return s.mapped;
}

namespace {

void barrier(VkCommandBuffer cmd, VkPipelineStageFlags from, VkAccessFlags from_access,
             VkPipelineStageFlags to, VkAccessFlags to_access) {
  VkMemoryBarrier b{};
  b.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER;
  b.srcAccessMask = from_access;
  b.dstAccessMask = to_access;
  vkCmdPipelineBarrier(cmd, from, to, 0, 1, &b, 0, nullptr, 0, nullptr);
}

} // namespace

bool vulkan_device::run(const std::vector<transfer>& uploads,
                        const std::vector<dispatch>& dispatches,
                        const std::vector<transfer>& downloads, std::string& error) {
  auto& d = *impl_;
  vkResetDescriptorPool(d.device, d.descriptors, 0);
  vkResetCommandBuffer(d.cmd, 0);
  VkCommandBufferBeginInfo bi{};
  bi.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
  bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  vkBeginCommandBuffer(d.cmd, &bi);
  for (auto& u : uploads) {
    auto& s = d.slots[u.slot];
    if (s.staging) {
      VkBufferCopy c{0, 0, u.bytes};
      vkCmdCopyBuffer(d.cmd, s.staging, s.buffer, 1, &c);
    }
  }
  barrier(d.cmd, VK_PIPELINE_STAGE_HOST_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
          VK_ACCESS_HOST_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT,
          VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT);
  for (auto& x : dispatches) {
    auto& p = d.pipelines.at(static_cast<size_t>(x.pipeline));
    VkDescriptorSetAllocateInfo ai{};
    ai.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
    ai.descriptorPool = d.descriptors;
    ai.descriptorSetCount = 1;
    ai.pSetLayouts = &p.set_layout;
    VkDescriptorSet set = VK_NULL_HANDLE;
    if (auto r = vkAllocateDescriptorSets(d.device, &ai, &set); r != VK_SUCCESS) {
      vkEndCommandBuffer(d.cmd);
      error = vk_error("vkAllocateDescriptorSets", r);
      return false;
    }
    std::vector<VkDescriptorBufferInfo> infos(x.slots.size());
    std::vector<VkWriteDescriptorSet> writes(x.slots.size());
    for (size_t i = 0; i < x.slots.size(); ++i) {
      infos[i] = VkDescriptorBufferInfo{d.slots[x.slots[i]].buffer, 0, VK_WHOLE_SIZE};
      writes[i] = VkWriteDescriptorSet{};
      writes[i].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
      writes[i].dstSet = set;
      writes[i].dstBinding = static_cast<uint32_t>(i);
      writes[i].descriptorCount = 1;
      writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
      writes[i].pBufferInfo = &infos[i];
    }
    vkUpdateDescriptorSets(d.device, static_cast<uint32_t>(writes.size()), writes.data(), 0, nullptr);
    vkCmdBindPipeline(d.cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p.pipeline);
    vkCmdBindDescriptorSets(d.cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p.layout, 0, 1, &set, 0, nullptr);
    if (!x.push.empty())
      vkCmdPushConstants(d.cmd, p.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0,
                         static_cast<uint32_t>(x.push.size() * sizeof(uint32_t)), x.push.data());
    vkCmdDispatch(d.cmd, x.groups_x, x.groups_y, x.groups_z);
    barrier(d.cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
            VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT
              | VK_PIPELINE_STAGE_HOST_BIT,
            VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_HOST_READ_BIT);
  }
  bool copied = false;
  for (auto& dl : downloads) {
    auto& s = d.slots[dl.slot];
    if (s.staging) {
      VkBufferCopy c{0, 0, dl.bytes};
      vkCmdCopyBuffer(d.cmd, s.buffer, s.staging, 1, &c);
      copied = true;
    }
  }
  if (copied)
    barrier(d.cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
            VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
  vkEndCommandBuffer(d.cmd);
  VkSubmitInfo si{};
  si.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
  si.commandBufferCount = 1;
  si.pCommandBuffers = &d.cmd;
  if (auto r = vkQueueSubmit(d.queue, 1, &si, d.fence); r != VK_SUCCESS) {
    error = vk_error("vkQueueSubmit", r);
    return false;
  }
  // A minute: far above any update, short enough that a hung device is seen.
  auto r = vkWaitForFences(d.device, 1, &d.fence, VK_TRUE, 60'000'000'000ull);
  vkResetFences(d.device, 1, &d.fence);
  if (r != VK_SUCCESS) {
    error = vk_error("vkWaitForFences", r);
    return false;
  }
  return true;
}

} // namespace cwts::gpu
