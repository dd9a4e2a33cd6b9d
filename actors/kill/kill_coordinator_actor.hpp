#pragma once
// CAF shell of the kill switch. Protocol (DESIGN.md "Kill switch",
// docs/kill-switch.md):
//
//   operator ──signed kill_command (request)──> origin coordinator
//      origin: verify ─ refused ──> audited, kill_report{error}
//              accepted: gate closed ─┬─> (peer_atom, kill_command) to every peer (echo)
//                                     ├─> halt state written, then kill_ack
//                                     ├─> channels: oms cancel-all, venue cancel-all (one per
//                                     │   local connector.<venue>, in parallel, each retried alone)
//                                     └─> trading_state to strategy/oms/risk
//      peer:   verify the same signature, gate closed ─┬─> echo to its peers (first sight only)
//                                                      ├─> kill_ack to origin, then channel_results
//                                                      └─> its own channels
//                                     ├─> compliance: the signed notification in the durable
//                                     │   outbox (measured to its commit; delivered by the
//                                     │   outbox's own thread, retried until acknowledged)
//   origin replies kill_report once every peer acked and every announced
//   channel reported, or at the report deadline (then complete=false).
//
//   operator ──signed reset_command (request)──> origin
//      every node (origin, and peers on (peer_atom, reset_command)): verify,
//      check its own preconditions, send its reset_vote to every node;
//      a node reopens its gate once it holds a quorum of yes votes and its own
//      vote is yes. The origin replies reset_report when every node voted or
//      at the reset deadline.
//   every heartbeat-interval: heartbeat to every peer's coordinator; a node
//      that has not seen a quorum of the cluster (itself included) for
//      quorum-timeout closes its gate at level 1, cause quorum-lost, writes the
//      halt state and audits it (quorum_monitor.hpp); only a reset reopens it.
//   Every command (accepted or refused), ack, channel result, vote and
//   outcome is appended to the node's hash-chained audit log.
//
// Messages: kill_command (request) -> kill_report; (peer_atom, kill_command);
// kill_ack; channel_result; reset_command (request) -> reset_report;
// (peer_atom, reset_command); reset_vote; (deadline_atom, string);
// (reset_atom, string); heartbeat; tick_atom (heartbeat timer);
// (peer_atom, disconnect_atom, kill_command, string venue) -> channel_result
// (a peer coordinator cuts our connector.<venue> for its level-4 kill);
// (retry_atom, kill_command, int attempt, string venue) (our own timer);
// (wire_atom, role_directory);
// gate_atom -> trading_state; stats_atom -> actor_stats.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <memory>
#include <mutex>

#include "caf/fwd.hpp"

#include "actors/kill/audit_chain.hpp"
#include "actors/kill/fanout_link.hpp"
#include "actors/kill/kill_switch.hpp"
#include "common/cluster_members.hpp"

namespace cwts {

namespace kill_detail {
struct fanout_inbox;
}
namespace compliance {
class outbox;
}

// What outlives one coordinator: the core (kills applied, the gate's cause)
// and the fan-out's inbox (kills its I/O thread applied and queued for the
// actor). The node copies its config into every restart of the coordinator,
// so a restarted one finds them as the gate is found: it records, audits
// and acks the kills its predecessor never handled (review 4 #8).
struct kill_carried_state {
  std::mutex mtx;
  std::shared_ptr<kill_switch> core;
  std::shared_ptr<kill_detail::fanout_inbox> inbox;
};

// The settings of a coordinator an operator tunes ([kill] keys, read by
// nodes/node/node_config_cluster.cpp into node_settings::kill.tuning, which
// node_roles.cpp assigns whole): each default is declared here only.
struct kill_tuning {
  // A node votes no on a reset while it has been halted for less than this.
  std::chrono::milliseconds min_halt{0};
  // Fail-safe (DESIGN.md): heartbeats to every peer's coordinator at this
  // interval; a node that sees no quorum (itself included) for
  // quorum_timeout halts itself.
  std::chrono::milliseconds heartbeat_interval{200};
  std::chrono::milliseconds quorum_timeout{5'000};
  // Lost roles (role_watch.hpp): a required role with no live holder in the
  // cluster for role_lost_halt (no standby took it over) -> a level-2
  // cluster kill signed with the node key. Empty or 0: off.
  std::vector<std::string> required_roles;
  std::chrono::milliseconds role_lost_halt{0};
  // > 0: the fan-out's thread asks for SCHED_FIFO at this priority.
  int fanout_realtime_priority = 10;
  // Tests and drills only ([kill] caf-echo = 0): no CAF echo of an applied
  // kill, so the fan-out alone must halt the cluster.
  bool caf_echo = true;
};

struct kill_coordinator_config : kill_tuning {
  kill_switch_config core; // node id and the operators file (roles kill, reset)
  kill_gate* gate = nullptr;
  // Hash-chained audit log (audit_chain.hpp); empty: none (unit tests).
  std::string audit_path;
  // When the audit log rotates ([retention], docs/retention.md); default: never.
  cwts::audit_rotation audit_rotation{};
  // Durable halt state (halt_state.hpp); empty: not persisted (unit tests).
  std::string state_path;
  // n of the reset and heartbeat quorums: the configured members.
  int32_t cluster_size = 1;
  // The configured members (common/cluster_members.hpp): a heartbeat or
  // reset vote naming any other node is refused (not_a_member) before its
  // signature is even checked. Null: every node counts (unit tests).
  std::shared_ptr<const cluster_membership> members;
  // How long a vote waits for the local OMS and risk to answer.
  std::chrono::milliseconds precondition_timeout{2'000};
  std::chrono::milliseconds reset_deadline{10'000};
  std::chrono::milliseconds report_deadline{10'000};
  std::chrono::milliseconds channel_timeout{8'000};
  int venue_channel_retries = 3; // quick retries (200, 400, 800 ms), then escalated
  std::chrono::milliseconds venue_channel_slow_retry{5'000}; // after escalation
  // The fail-safe (kill_tuning) counts not before quorum_start_grace after
  // start (the time the node gives its peers to come up).
  std::chrono::milliseconds quorum_start_grace{15'000};
  // This node's own key (the operators file lists it with node = <self>):
  // signs its reset votes and heartbeats. Null in unit tests that sign nothing.
  std::shared_ptr<const ed25519_signer> node_key;
  // Issuer of the node's own kills (lost roles, lost quorum).
  std::string node_key_name;
  // The level a node cut off from the quorum halts at: 2 (cancel all, by a
  // kill signed with the node key for this node) on nodes that reach a venue.
  kill_level quorum_lost_level = kill_level::halt_new_orders;
  // Direct fan-out (docs/kill-switch.md "Direct fan-out"): a second path
  // beside CAF's echo, straight from this coordinator to every member's
  // listener over connections authenticated with the node keys. Needs the
  // node key; off when false.
  bool fanout = false;
  fanout::endpoint fanout_listen;
  std::vector<fanout::endpoint> fanout_members; // every other member's listener
  // The kill's compliance channel (docs/kill-switch.md "Compliance channel"):
  // every kill applied here is written, signed with node_key, to this
  // durable outbox, whose own thread delivers it. Off unless configured;
  // configured but not open (compliance_error says why): the channel fails.
  bool compliance_configured = false;
  std::shared_ptr<compliance::outbox> compliance;
  std::string compliance_error;
  // Shared by every copy of this config (every restart); null: none kept.
  std::shared_ptr<kill_carried_state> carried = std::make_shared<kill_carried_state>();
};

caf::actor spawn_kill_coordinator(caf::actor_system& sys, kill_coordinator_config cfg);

} // namespace cwts
