#pragma once
// Private to the risk actor's shell (risk_actor.cpp, risk_flatten.cpp): its
// state and the kill-channel handlers that live in their own file.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "caf/all.hpp"

#include "actors/risk/flatten_job.hpp"
#include "actors/risk/reject_forwarding.hpp"
#include "actors/risk/risk_actor.hpp"
#include "actors/risk/risk_core.hpp"
#include "actors/risk/var_limit.hpp"
#include "common/sender_guard.hpp"
#include "messages/kill.hpp"

namespace cwts::risk_shell {

// A level-3 kill being flattened, and whom to answer when it is done.
struct flatten_run {
  risk::flatten_job job;
  caf::response_promise promise;
};

struct risk_state {
  risk_actor_config cfg;
  std::map<std::string, flatten_run> flattens; // by kill id
  std::shared_ptr<risk_core> core;
  caf::actor oms;
  caf::actor strategy;
  caf::actor kill;
  int64_t commands_accepted = 0;
  int64_t commands_refused = 0;
  int64_t kills_requested = 0;
  int64_t kills_unsent = 0; // breaches with no kill coordinator wired
  risk::var_limit var;       // [gpu] var-limit against the GPU worker's var_report
  // Which refusals the OMS journals in full; the rest as summaries (review R1 H2).
  risk::reject_forwarder forwarding;
  bool summary_timer = false; // a reject_summary_atom is on its way
  // Safety messages only from this node's actors (common/sender_guard.hpp).
  sender_guard guard{"risk"};
  static inline const char* name = "risk";
};

using risk_ptr = caf::stateful_actor<risk_state>*;

// Kill channels (risk_flatten.cpp). Freeze: a node or cluster kill halts
// risk's trading mode; answered at once with the orders still counted.
channel_result on_freeze(risk_ptr self, const kill_command& cmd);
// Flatten (level 3): answered when every position in the kill's scope is
// flat, or at the deadline.
caf::result<channel_result> on_flatten(risk_ptr self, const kill_command& cmd);
// Fills arrived: a flatten whose positions are all flat reports at once.
void check_flattens(risk_ptr self);
// The flatten poll timer of kill `kill`.
void on_flatten_round_timer(risk_ptr self, const std::string& kill);

} // namespace cwts::risk_shell
