#pragma once
// CAF-free core of the kill coordinator's channel plan (docs/kill-switch.md
// "Channels"): from plain facts (the kill's level and scope, whether this
// node applied it, which roles the directory lists here and in the cluster)
// it decides which channels a kill runs on this node, in what order, what
// each waits for, and the venue channel's retry schedule. The actor shell
// (kill_channels.cpp, kill_coordinator_actor.cpp) gathers the facts, asks
// here, and only sends: the decisions are tested without an actor system
// (tests/unit/kill/kill_plan_test.cpp).
//
//   gate closed ──> audit, risk_freeze, oms ──> flatten ──> venue_disconnect (every
//                   connector of the cluster, level 4)
//                   (flatten at once when there is no OMS here)
//               ──> venue_cancel_all per local venue ──> retries 200, 400, 800 ms,
//                   escalated at the last quick one, then every slow interval
//                   └─> venue_disconnect of that venue (level 4, no risk anywhere)
//                       on its verdict: confirmed, or escalated
//               ──> compliance (its result, made before the halt state)

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "messages/ids.hpp"
#include "messages/kill.hpp"

namespace cwts::kill_plan {

// What the directory lists now, as the coordinator sees it.
struct node_roles {
  bool risk_here = false;        // risk runs on this node
  bool risk_in_cluster = false;  // risk runs on some node (this one included)
  bool oms_here = false;         // the OMS runs on this node
  std::vector<venue_name> venues_here; // this node's connectors (connector.<venue>)
  size_t connectors_in_cluster = 0;    // every node's connectors
};

// The kill as far as the plan cares.
struct kill_facts {
  kill_level level = kill_level::none;
  kill_scope scope = kill_scope::cluster;
  bool applied = false; // this node's gate took it (not a duplicate or refusal)
};

// The node's own channel sources, configured or not.
struct node_outputs {
  bool audit_log = false;  // an audit path is configured
  bool compliance = false; // a [compliance] endpoint is configured
};

enum class step_kind : uint8_t {
  audit,            // the audit channel's result (command and ack synced)
  risk_freeze,      // risk's freeze, every level
  oms,              // the OMS's cancel (level 2+); the flatten may follow it
  flatten,          // risk's flatten (level 3+), at once when no OMS is here
  venue_cancel_all, // one per local venue (level 2+, not a strategy scope)
  disconnect_timer, // level 4 fallback: cut our own connectors after the
                    // channel timeout when no flatten or venue verdict will
                    // (not a channel: no result, not counted)
  compliance,       // the compliance channel's result
};
const char* to_string(step_kind k);

struct step {
  step_kind kind;
  venue_name venue; // venue_cancel_all only
};

// Who sends the level-4 venue_disconnect on this node.
enum class disconnect_source : uint8_t {
  none,                 // below level 4, not applied, or another node's job
  after_flatten,        // our flatten's end: every connector of the cluster
  after_venue_verdict,  // each local venue channel's verdict: that venue
};
const char* to_string(disconnect_source s);

struct channel_plan {
  // Started the moment the gate closed and the ack is out, in this order.
  std::vector<step> at_start;
  // The flatten waits for the OMS channel's end (false: it is in at_start,
  // or does not run).
  bool flatten_after_oms = false;
  disconnect_source disconnect = disconnect_source::none;
  // venue_disconnect channels this node will report: the flatten's (one per
  // connector of the cluster, one failure when there is none) or one per
  // local venue channel.
  int32_t disconnects = 0;
  // The channels this node announces in its ack (kill_ack.channels_started):
  // every step but the timer, the flatten after the OMS, the disconnects.
  int32_t channels_started() const;
  // The plan starts a step of this kind.
  bool runs(step_kind k) const;
};

// The whole plan for one kill on this node.
channel_plan plan_channels(const kill_facts& kill, const node_roles& roles,
                           const node_outputs& outputs);

// The single decisions, asked again by the shell when a channel ends (the
// directory may have changed meanwhile):
// this node flattens (level 3+, risk here);
bool flattens_here(kill_level level, const node_roles& roles);
// the flatten's end cuts every connector of the cluster (level 4);
bool disconnects_after_flatten(kill_level level);
// each local venue channel's verdict cuts that venue (level 4, a connector
// here and no risk anywhere to flatten first);
bool disconnects_after_venue(kill_level level, const node_roles& roles);
// a strategy's orders share symbols with others: the OMS cancels them one
// by one, a venue's cancel-all per symbol would take the others too.
bool venue_cancel_all_runs(kill_level level, kill_scope scope);

// The venue channel's retries: `quick` retries at 200 << attempt ms, the
// last of them escalated, then one every `slow` while the kill is in force.
struct venue_retry_policy {
  int quick = 3;
  std::chrono::milliseconds slow{5'000};
};

// What follows one venue channel attempt (0 is the first).
struct venue_verdict {
  // The venue said ok and nothing is open after: no more retries.
  bool confirmed = false;
  // The operator must know now (critical log, audit, channels_escalated):
  // true exactly once, at the attempt numbered `quick`, when not confirmed.
  bool escalate = false;
  // When to try again; none once confirmed.
  std::optional<std::chrono::milliseconds> retry_in;
  // The channel's verdict is in (confirmed, or escalated): a level-4
  // disconnect of this venue waits for this, not for the slow retries.
  bool verdict_reached = false;
};

venue_verdict judge_venue_attempt(const venue_retry_policy& policy, int attempt, bool ok,
                                  int64_t open_orders_after);

} // namespace cwts::kill_plan
