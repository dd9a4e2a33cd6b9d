#include "common/metrics/actor_meter.hpp"

#include "common/metrics/latency_registry.hpp"

namespace cwts::metrics {

actor_meters& actor_meters::global() {
  static actor_meters instance;
  return instance;
}

actor_meter& actor_meters::get(const std::string& actor) {
  std::lock_guard<std::mutex> guard(mutex_);
  for (auto& m : meters_)
    if (m.actor == actor)
      return m;
  auto& m = meters_.emplace_back();
  m.actor = actor;
  m.handler_time = &latency_registry::global().get(
    actor_handler_family, "Time of an actor's message handlers (1 message in 8 timed).", {{"actor", actor}});
  return m;
}

std::vector<const actor_meter*> actor_meters::all() const {
  std::lock_guard<std::mutex> guard(mutex_);
  std::vector<const actor_meter*> out;
  for (auto& m : meters_)
    out.push_back(&m);
  return out;
}

} // namespace cwts::metrics
