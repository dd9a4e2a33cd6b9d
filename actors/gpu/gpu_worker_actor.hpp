#pragma once
// CAF shell of the GPU risk worker (docs/gpu.md): validated trades from the
// validator go into the return window; every update interval it asks risk
// for the positions, snapshots the window and runs the kernels on its own
// compute thread (no scheduler thread waits on a device), then sends the
// correlation_report and var_report to risk.
//
// Messages: trade, std::vector<trade>, (wire_atom, role_directory),
// stats_atom -> actor_stats, tick_atom (its own timer),
// (report_atom, update results) from its compute thread.
// Sends: positions_atom (request) and correlation_report / var_report to "risk".
//
// At start it picks the backend (backend.hpp) and logs it:
//   event=gpu_device index=.. name=".." type=.. float64=.. int64=.. shared_bytes=.. subgroup=..
//   event=gpu_backend backend=.. device=".." reason=".." precision=float64|float32

#include "caf/fwd.hpp"

#include "actors/gpu/gpu_settings.hpp"
#include "messages/ids.hpp"

namespace cwts {

struct gpu_worker_config {
  node_id self;
  gpu::gpu_settings settings;
};

caf::actor spawn_gpu_worker(caf::actor_system& sys, gpu_worker_config cfg);

} // namespace cwts
