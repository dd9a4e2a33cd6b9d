#include "actors/gpu/gpu_worker_actor.hpp"

#include <cmath>
#include <memory>

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "actors/gpu/return_window.hpp"
#include "actors/gpu/risk_update.hpp"
#include "common/serial_worker.hpp"
#include "messages/registry.hpp"
#include "common/metrics/measured_behavior.hpp"

namespace cwts {

namespace {

struct gpu_worker_state {
  gpu_worker_config cfg;
  std::unique_ptr<gpu::return_window> window;
  std::shared_ptr<gpu::risk_engine> engine; // used on the compute thread only
  std::string backend;
  std::string device_name;
  bool float64 = false;
  const gpu::device_info* device = nullptr;
  caf::actor risk;
  bool busy = false;
  int64_t updates = 0;
  int64_t skipped_busy = 0;
  int64_t skipped_not_ready = 0;
  int64_t errors = 0;
  int64_t reports_sent = 0;
  int64_t correlation_ns = 0;
  int64_t var_ns = 0;
  std::vector<double> last_var; // per confidence
  std::unique_ptr<serial_worker> compute; // last: joined first when the state goes
  static inline const char* name = "gpu";
};

using gpu_ptr = caf::stateful_actor<gpu_worker_state>*;

void log_backend(gpu_ptr self) {
  auto& st = self->state;
  for (auto& d : st.engine->devices())
    spdlog::info("event=gpu_device index={} name=\"{}\" type={} float64={} int64={} "
                 "shared_bytes={} subgroup={} compute_queue={}",
                 d.index, d.name, d.kind ? gpu::to_string(*d.kind) : "other", d.shader_float64,
                 d.shader_int64, d.max_shared_bytes, d.subgroup_size, d.has_compute_queue);
  auto& c = st.engine->choice();
  spdlog::info("event=gpu_backend backend={} device=\"{}\" reason=\"{}\" precision={}",
               gpu::to_string(c.kind), c.device, c.reason, st.float64 ? "float64" : "float32");
}

void on_trade(gpu_ptr self, const trade& t) {
  self->state.window->on_trade(t.sym, t.px.to_double(), t.ts_init.ns);
}

// On the compute thread: the kernels, then the results back to the actor.
void run_update(gpu_ptr self, gpu::update_input in) {
  auto weak = caf::actor_cast<caf::weak_actor_ptr>(self);
  auto engine = self->state.engine;
  auto settings = self->state.cfg.settings;
  self->state.compute->post([weak, engine, settings, in = std::move(in)] {
    auto out = gpu::compute_update(*engine, settings, in);
    if (auto strong = weak.lock())
      caf::anon_send(caf::actor_cast<caf::actor>(strong), report_atom::value,
                     out.correlation.has_value(), out.correlation.value_or(correlation_report{}),
                     out.var.has_value(), out.var.value_or(var_report{}), out.error);
  });
}

void start_update(gpu_ptr self, const std::vector<position_snapshot>& positions) {
  auto& st = self->state;
  auto& w = *st.window;
  size_t ready = std::min(w.ready(), w.window());
  if (ready < 2) {
    ++st.skipped_not_ready;
    st.busy = false;
    return;
  }
  gpu::update_input in;
  in.node = st.cfg.self;
  in.ts = wall_clock_now();
  in.symbols = w.symbols();
  in.returns = w.returns(ready);
  in.w = ready;
  std::vector<double> prices;
  for (size_t i = 0; i < in.symbols.size(); ++i)
    prices.push_back(w.last_price(i));
  std::vector<std::pair<symbol, double>> held;
  for (auto& p : positions)
    held.emplace_back(p.sym, p.position.to_double());
  in.exposure = gpu::exposures(in.symbols, prices, held);
  run_update(self, std::move(in));
}

void on_tick(gpu_ptr self) {
  auto& st = self->state;
  st.window->advance(wall_clock_now().ns);
  if (st.busy) {
    ++st.skipped_busy; // the last update is still computing: never queue up
    return;
  }
  st.busy = true;
  if (!st.risk) {
    start_update(self, {});
    return;
  }
  self->request(st.risk, std::chrono::seconds(2), positions_atom::value)
    .then([=](const std::vector<position_snapshot>& p) { start_update(self, p); },
          [=](caf::error& err) {
            ++self->state.errors;
            self->state.busy = false;
            spdlog::warn("event=gpu_positions_failed error=\"{}\"", self->system().render(err));
          });
}

void on_results(gpu_ptr self, bool has_corr, const correlation_report& c, bool has_var,
                const var_report& v, const std::string& error) {
  auto& st = self->state;
  st.busy = false;
  ++st.updates;
  if (!error.empty()) {
    ++st.errors;
    spdlog::warn("event=gpu_update_failed error=\"{}\"", error);
  }
  if (has_corr) {
    st.correlation_ns = c.compute_ns;
    if (st.risk) {
      self->send(st.risk, c);
      ++st.reports_sent;
    }
  }
  if (has_var) {
    st.var_ns = v.compute_ns;
    st.last_var = v.var;
    if (st.risk) {
      self->send(st.risk, v);
      ++st.reports_sent;
    }
  }
  // The backend changes if the device failed and native took over.
  if (auto now = gpu::to_string(st.engine->choice().kind); now != st.backend) {
    spdlog::error("event=gpu_backend backend={} device=\"{}\" reason=\"{}\"", now,
                  st.engine->choice().device, st.engine->choice().reason);
    st.backend = now;
  }
}

actor_stats stats(gpu_ptr self) {
  auto& st = self->state;
  actor_stats s{"gpu", {}};
  s.counters["backend." + st.backend] = 1;
  s.counters["precision_float64"] = st.float64 ? 1 : 0;
  if (st.device) {
    s.counters["device.shared_bytes"] = st.device->max_shared_bytes;
    s.counters["device.subgroup_size"] = st.device->subgroup_size;
    s.counters["device.float64"] = st.device->shader_float64;
    s.counters["device.int64"] = st.device->shader_int64;
  }
  s.counters["kernel_ns.correlation"] = st.correlation_ns;
  s.counters["kernel_ns.var"] = st.var_ns;
  s.counters["updates"] = st.updates;
  s.counters["updates_skipped_busy"] = st.skipped_busy;
  s.counters["updates_skipped_not_ready"] = st.skipped_not_ready;
  s.counters["update_errors"] = st.errors;
  s.counters["reports_sent"] = st.reports_sent;
  s.counters["backend_fallbacks"] = st.engine->fallbacks();
  s.counters["window_ready"] = static_cast<int64_t>(st.window->ready());
  using v = gpu::return_window::verdict;
  for (auto k : {v::accepted, v::unknown_symbol, v::bad_price, v::late})
    s.counters[std::string("trades.") + gpu::to_string(k)] =
      static_cast<int64_t>(st.window->count(k));
  // VaR per confidence in whole quote units: "var.99" (0.99), "var.975".
  for (size_t k = 0; k < st.last_var.size() && k < st.cfg.settings.confidence.size(); ++k) {
    auto pct = fmt::format("{:g}", st.cfg.settings.confidence[k] * 100);
    s.counters["var." + pct] = std::llround(st.last_var[k]);
  }
  return s;
}

caf::behavior gpu_worker(gpu_ptr self, gpu_worker_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  auto& s = st.cfg.settings;
  st.window = std::make_unique<gpu::return_window>(
    s.symbols, std::chrono::nanoseconds(s.bucket).count(), s.window);
  st.engine = std::make_shared<gpu::risk_engine>(gpu::engine_config{s.backend, s.allow_float64});
  st.backend = gpu::to_string(st.engine->choice().kind);
  st.float64 = st.engine->double_precision();
  st.device = st.engine->chosen_device();
  st.compute = std::make_unique<serial_worker>();
  log_backend(self);
  self->delayed_send(self, s.update_interval, tick_atom::value);
  return metrics::measured(self, "gpu", {
    [=](const trade& t) { on_trade(self, t); },
    [=](const std::vector<trade>& batch) {
      for (auto& t : batch)
        on_trade(self, t);
    },
    [=](tick_atom) {
      on_tick(self);
      self->delayed_send(self, self->state.cfg.settings.update_interval, tick_atom::value);
    },
    [=](report_atom, bool has_corr, const correlation_report& c, bool has_var,
        const var_report& v, const std::string& error) {
      on_results(self, has_corr, c, has_var, v, error);
    },
    [=](wire_atom, const role_directory& dir) { self->state.risk = find_role(dir, "risk"); },
    [=](stats_atom) { return stats(self); },
  });
}

} // namespace

caf::actor spawn_gpu_worker(caf::actor_system& sys, gpu_worker_config cfg) {
  return sys.spawn(gpu_worker, std::move(cfg));
}

} // namespace cwts
