// The kill coordinator's start (kill_coordinator_actor.cpp): its core is
// taken over from a predecessor or built, and restored from the durable
// halt state. Split out to keep files under 500 lines.

#include <mutex>

#include <spdlog/spdlog.h>

#include "actors/kill/kill_coordinator_state.hpp"

namespace cwts::kill_detail {

// The core and the fan-out's inbox outlive a coordinator (cfg.carried): a
// restart in the same process takes them over, its predecessor's kills in
// memory and in the inbox with them.
void take_over_or_build_core(kill_ptr self) {
  auto& st = self->state;
  auto carried = st.cfg.carried;
  std::unique_lock<std::mutex> g;
  if (carried)
    g = std::unique_lock<std::mutex>(carried->mtx);
  if (carried && carried->core) {
    st.core = carried->core;
    st.inbox = carried->inbox;
    st.took_over = true;
    return;
  }
  st.core = std::make_shared<kill_switch>(st.cfg.core, *st.cfg.gate);
  st.inbox = std::make_shared<fanout_inbox>();
  if (carried) {
    carried->core = st.core;
    carried->inbox = st.inbox;
  }
}

// At every (re)start: the audit log continues its chain and the halt state
// on disk closes the gate again. An unreadable halt state halts (fail safe).
void start_core(kill_ptr self) {
  auto& st = self->state;
  // libsodium must start here (a node that cannot verify stops now, with a
  // clear line, not at its first kill); OpenSSL's signer loads and caches on
  // first use (about a millisecond): both kept out of the first kill's path.
  ed25519_require_verifier();
  auto warm = ed25519_signer::generate();
  ed25519_verify(warm.public_key(), "warm-up", warm.sign("warm-up"));
  std::string error;
  open_audit(self); // signed with the node key (kill_audit.cpp)
  if (st.took_over) {
    // The core in memory is newer than the disk (every write is its
    // halt()): it may hold kills the fan-out's thread applied and nobody
    // wrote; it is written now, not overwritten.
    if (auto why = persist(self); !why.empty())
      spdlog::error("event=halt_state_not_persisted node={} error=\"{}\"",
                    st.cfg.core.self.value, why);
    spdlog::warn("event=kill_core_taken_over node={} level={} cause={}", st.cfg.core.self.value,
                 st.cfg.gate->level(), st.core->state().cause.value);
    return;
  }
  if (st.cfg.state_path.empty())
    return;
  auto saved = load_halt_state(st.cfg.state_path, error);
  if (!saved) {
    spdlog::critical("event=halt_state_unreadable path={} error=\"{}\" action=halt",
                     st.cfg.state_path, error);
    saved = halt_state{kill_level::halt_new_orders, kill_id{"unreadable-halt-state"},
                       wall_clock_now(), 0, error, {}};
  }
  st.core->restore(*saved);
  audit_record r("halt_restored");
  r.add("node", st.cfg.core.self.value)
    .add("ts_ns", wall_clock_now().ns)
    .add("level", static_cast<int64_t>(saved->level))
    .add("cause", saved->cause.value)
    .add("epoch", saved->epoch)
    .add("reason", saved->reason);
  audit(self, r, true);
  if (saved->halted())
    spdlog::warn("event=halt_restored node={} level={} cause={} epoch={} reason=\"{}\"",
                 st.cfg.core.self.value, to_string(saved->level), saved->cause.value, saved->epoch,
                 saved->reason);
}

} // namespace cwts::kill_detail
