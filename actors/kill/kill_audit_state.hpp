#pragma once
// Internal to actors/kill: what the coordinator's audit side keeps
// (kill_audit.cpp): the refusal sampler and the anchors of its peers.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "actors/kill/refusal_sampler.hpp"
#include "messages/audit.hpp"

namespace cwts::kill_detail {

struct kill_audit_state {
  refusal_sampler refusals;
  // The latest verified anchor per peer node (only nodes with a key in the
  // operators file get here, so the map is bounded by that file); nullopt:
  // looked for on disk, none there.
  std::map<std::string, std::optional<audit_anchor>> anchors;
  // The alarm last raised per peer (regressed/forked and seq), so a peer
  // that keeps sending the same bad anchor is logged once.
  std::map<std::string, std::string> alarm_logged;
  uint64_t anchor_sent_seq = UINT64_MAX;
  int64_t ticks = 0;
  int64_t anchors_sent = 0;
  int64_t anchors_saved = 0;
  int64_t anchor_alarms = 0;
  // Refused anchors by why (a fixed set of reasons).
  std::map<std::string, int64_t> anchors_refused;
};

} // namespace cwts::kill_detail
