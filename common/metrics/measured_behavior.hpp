#pragma once
// Wraps an actor's behavior so every message it handles is counted and timed
// (common/metrics/actor_meter.hpp), whatever the actor: the actor shell
// writes `return measured(self, "oms", {...handlers...});` instead of
// `return {...}`. Header-only: only the CAF shells include it.
//
// Cost: every message is counted (one relaxed add); one in 8 is timed (two
// steady_clock reads and one histogram record), so the handler-time
// histogram is a 1-in-8 sample (bench/metrics_histogram_bench,
// docs/monitoring.md). The mailbox depth is sampled with the timed message,
// from the queue the actor already fetched from its inbox (read-only, in the
// actor's own thread: CAF's inbox may not be read from another thread).

#include <chrono>

#include "caf/behavior.hpp"
#include "caf/detail/behavior_impl.hpp"
#include "caf/scheduled_actor.hpp"

#include "common/metrics/actor_meter.hpp"

namespace cwts::metrics {

class measured_behavior_impl : public caf::detail::behavior_impl {
public:
  // One message in this many is timed (a clock read costs 20-70 ns here,
  // docs/monitoring.md); every message is counted.
  static constexpr uint64_t sample_every = 8;

  measured_behavior_impl(caf::scheduled_actor* self, actor_meter& meter, caf::behavior inner)
    : caf::detail::behavior_impl(inner.timeout()),
      self_(self),
      meter_(meter),
      inner_(std::move(inner)) {}

  caf::match_case::result invoke(caf::detail::invoke_result_visitor& f,
                                 caf::type_erased_tuple& xs) override {
    auto n = meter_.handled.fetch_add(1, std::memory_order_relaxed);
    if ((n & (sample_every - 1)) != 0)
      return inner_(f, xs);
    auto started = std::chrono::steady_clock::now();
    auto result = inner_(f, xs);
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::steady_clock::now() - started)
                .count();
    meter_.handler_time->record(ns);
    sample_mailbox();
    return result;
  }

  caf::match_case::result invoke_empty(caf::detail::invoke_result_visitor& f) override {
    return inner_.as_behavior_impl()->invoke_empty(f);
  }

  void handle_timeout() override { inner_.handle_timeout(); }

private:
  void sample_mailbox() {
    auto depth = static_cast<int64_t>(self_->mailbox().queue().total_task_size());
    meter_.mailbox_depth.store(depth, std::memory_order_relaxed);
    if (depth > meter_.mailbox_depth_max.load(std::memory_order_relaxed))
      meter_.mailbox_depth_max.store(depth, std::memory_order_relaxed);
  }

  caf::scheduled_actor* self_;
  actor_meter& meter_;
  caf::behavior inner_;
};

// `handlers` measured under the meter of `actor`.
inline caf::behavior measured(caf::scheduled_actor* self, const std::string& actor,
                              caf::behavior handlers) {
  auto& meter = actor_meters::global().get(actor);
  caf::intrusive_ptr<caf::detail::behavior_impl> impl
    = caf::make_counted<measured_behavior_impl>(self, meter, std::move(handlers));
  caf::behavior out;
  out.assign(std::move(impl));
  return out;
}

} // namespace cwts::metrics
