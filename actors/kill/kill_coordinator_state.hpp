#pragma once
// Internal to actors/kill: the kill coordinator's state and the helpers its
// kill and reset halves share (kill_coordinator_actor.cpp, kill_reset.cpp).

#include <deque>
#include <map>
#include <mutex>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "caf/all.hpp"

#include "actors/kill/audit_chain.hpp"
#include "actors/kill/kill_audit_state.hpp"
#include "actors/kill/kill_coordinator_actor.hpp"
#include "actors/kill/kill_plan.hpp"
#include "actors/kill/heartbeat_seq.hpp"
#include "actors/kill/quorum_monitor.hpp"
#include "actors/kill/reset_quorum.hpp"
#include "actors/kill/role_watch.hpp"
#include "common/sender_guard.hpp"
#include "messages/registry.hpp"

namespace cwts::kill_detail {

// Kills the fan-out's I/O thread verified (and, if applied, gated) waiting
// for the actor to do the rest: audit, halt state, ack, channels.
struct fanout_inbox {
  std::mutex mtx;
  std::deque<std::pair<kill_command, kill_decision>> items;
  int64_t dropped = 0; // refused kills past the bound (applied ones never)
  static constexpr size_t max_refused = 64;
};

struct kill_coordinator_state {
  kill_coordinator_config cfg;
  // Shared with the fan-out's I/O thread (kill_switch is thread-safe).
  std::shared_ptr<kill_switch> core;
  std::shared_ptr<fanout_inbox> inbox;
  // The core was taken over from a predecessor (cfg.carried), not built.
  bool took_over = false;
  // Declared after `core`: destroyed (its thread joined) first.
  std::unique_ptr<fanout::link> fanout;
  role_directory dir;
  std::map<std::string, caf::response_promise> pending; // kills we originated
  std::map<std::string, size_t> expected_peers;
  std::optional<audit_log> audit;
  int64_t audit_failures = 0;
  kill_audit_state audit_ext; // sampler and peers' anchors (kill_audit.cpp)
  int64_t channels_escalated = 0;
  // This node's own channel attempts that failed or left orders open, and
  // those that were retries: "channel_failures.<channel>[.<venue>]" and
  // "channel_retries.<...>" (bounded: the channels and configured venues).
  std::map<std::string, int64_t> channel_outcomes;
  int64_t persist_failures = 0;
  // Resets: rounds by reset id, votes that came before their proposal,
  // promises of the resets we originated.
  std::map<std::string, reset_round> resets;
  std::map<std::string, std::vector<reset_vote>> early_votes;
  std::map<std::string, caf::response_promise> pending_resets;
  int64_t resets_refused = 0;
  int64_t resets_resumed = 0;
  int64_t votes_refused = 0;
  // Fail-safe (kill_quorum.cpp): who we heard from, and what it led to.
  std::optional<quorum_monitor> quorum;
  std::optional<role_watch> roles_watched; // lost roles (kill_quorum.cpp)
  // Numbered from max(wall-clock ns at start, the persisted high-water mark
  // + 1), so a restarted node's heartbeats stay above those of its previous
  // life (the peers' replay guard) also when its clock stepped back.
  std::optional<heartbeat_seq_store> heartbeat_seq;
  int64_t heartbeat_seq_store_failures = 0;
  int64_t heartbeats_sent = 0;
  int64_t heartbeats_refused = 0;
  int64_t heartbeats_awaiting_ack = 0; // taken, not yet acking one of ours (finding F1)
  // Refusals by why (bad_signature, wrong_sender, stale_seq, ...), and the
  // last reason logged per claimed node (logged when it changes, not at
  // every heartbeat).
  std::map<std::string, int64_t> heartbeats_refused_by;
  std::map<std::string, std::string> heartbeat_refusal_logged;
  // The last kill this node originated or applied: per-node and per-channel
  // timings from the acks and channel results (stats keys last.*).
  std::map<std::string, int64_t> last_kill;
  std::string last_kill_id;
  int64_t last_kill_accepted_ns = 0;
  int64_t kills_pending = 0;     // node-raised cluster kills short of signatures
  int64_t quorum_lost = 0;       // held -> lost transitions
  int64_t quorum_lost_halts = 0; // of those, the ones that closed the gate
  // Safety messages from where they may not come (common/sender_guard.hpp):
  // a directory or a disconnect from outside this node, an ack or channel
  // result not delivered by the coordinator of the node it names.
  sender_guard guard{"kill_coordinator"};
  static inline const char* name = "kill_coordinator";
};

using kill_ptr = caf::stateful_actor<kill_coordinator_state>*;

caf::actor role(kill_ptr self, const std::string& name);
caf::actor local_role(kill_ptr self, const std::string& name);
// This node's venue connectors (roles connector.<venue>), by venue.
std::map<venue_name, caf::actor> local_connectors(kill_ptr self);
std::vector<caf::actor> peers(kill_ptr self);
// What the directory lists now, here and in the cluster, as the channel
// plan (kill_plan.hpp) takes it.
kill_plan::node_roles roles_now(kill_ptr self);

// Appends to the audit log (logs and counts a failure; never throws).
void audit(kill_ptr self, const audit_record& r, bool sync);

// Audit side (kill_audit.cpp): opens the signed log; a refused command's
// record through the sampler (true when written, unsynced); the audit timer
// (anchors to peers, refusal summaries); a peer's anchor; stats.
void open_audit(kill_ptr self);
bool audit_refusal(kill_ptr self, const audit_record& r, const std::string& reason);
void start_audit_timer(kill_ptr self);
void on_audit_tick(kill_ptr self);
void on_audit_anchor(kill_ptr self, const audit_anchor& a);
void add_audit_stats(kill_ptr self, actor_stats& s);
// Writes the core's halt state; empty on success, else why not.
std::string persist(kill_ptr self);
void notify_trading_state(kill_ptr self);

// Reset half (kill_reset.cpp).
caf::result<reset_report> on_reset_request(kill_ptr self, reset_command cmd);
void on_reset_proposal(kill_ptr self, const reset_command& cmd);
void on_reset_vote(kill_ptr self, const reset_vote& v);
void on_reset_deadline(kill_ptr self, const std::string& id);

// Node-raised cluster kills (kill_coordinator_actor.cpp): endorses the
// pending ones while this node sees the trouble too.
void endorse_pending(kill_ptr self);
std::string handle_command(kill_ptr self, const kill_command& cmd, const char* via);
// What follows a verdict (either path): audit, echo, halt state, ack, channels.
std::string handle_decision(kill_ptr self, const kill_command& received, kill_decision& d,
                            const char* via);

// Start (kill_start.cpp): the core taken over from a predecessor
// (cfg.carried) or built; then restored from disk, or (taken over) written.
void take_over_or_build_core(kill_ptr self);
void start_core(kill_ptr self);

// Channels (kill_channels.cpp): each local actor's part of a kill, the
// result recorded (our core, the origin's), the report once complete.
void audit_channel(kill_ptr self, const channel_result& c);
void deliver_if_complete(kill_ptr self, const std::string& key, bool deadline_passed);
void record_channel(kill_ptr self, const kill_command& cmd, channel_result r);
// Puts this node's channels (and its connectors' venue channels) in
// channel_outcomes at 0, so a first failure is an increase a rule sees, not
// a series that starts at 1.
void expect_channel_outcomes(kill_ptr self);
channel_result failed_channel(kill_ptr self, const kill_command& cmd, const std::string& channel,
                              int64_t started, const std::string& error,
                              const venue_name& venue = {});
// The plan's decisions (kill_plan.hpp) on the directory as it is now.
bool flattens_here(kill_ptr self, const kill_command& cmd);
bool disconnects_after_venue(kill_ptr self, const kill_command& cmd);
void run_venue_channel(kill_ptr self, const kill_command& cmd, const venue_name& venue,
                       caf::actor connector, int attempt);
void run_risk_freeze_channel(kill_ptr self, const kill_command& cmd, caf::actor risk);
void run_flatten_channel(kill_ptr self, const kill_command& cmd);
void run_oms_channel(kill_ptr self, const kill_command& cmd, caf::actor oms);
// The signed notification written to the compliance outbox (measured to the
// durable enqueue), and the outbox's delivery figures (compliance.*). The
// result is recorded by the caller once the kill's report exists.
channel_result run_compliance_channel(kill_ptr self, const kill_command& cmd, const kill_ack& ack);
void add_compliance_stats(kill_ptr self, actor_stats& s);
// A report refused: counted and logged once per kind, audited (sampled).
void refuse_report(kill_ptr self, const char* kind, const kill_id& id, const node_id& node,
                   const std::string& why);
// A peer's level-4 request to cut one of our connectors (kill_channels.cpp).
caf::result<channel_result> on_peer_disconnect(kill_ptr self, const kill_command& cmd,
                                               const venue_name& venue);
// Gauges of the last kill (docs/monitoring.md) from acks and channel results.
void record_ack_metrics(kill_ptr self, const kill_ack& ack);
void record_channel_metrics(kill_ptr self, const channel_result& r);

// Direct fan-out (kill_fanout.cpp): starts the link when configured; the
// actor's side of the kills its thread verified; its stats.
using fanout_atom = caf::atom_constant<caf::atom("fanout")>;
void start_fanout(kill_ptr self);
void drain_fanout(kill_ptr self);
void add_fanout_stats(kill_ptr self, actor_stats& s);

// Fail-safe half (kill_quorum.cpp).
// True while this node's own role watch sees a required role lost.
bool sees_lost_role(kill_ptr self);
void start_heartbeats(kill_ptr self);
// (tick_atom): a heartbeat round; only the actor's own tick re-arms it.
void on_tick(kill_ptr self);
void on_heartbeat(kill_ptr self, const heartbeat& hb);
void add_quorum_stats(kill_ptr self, actor_stats& s);
// (quorum_atom): what this coordinator sees of the cluster now.
quorum_status quorum_view(kill_ptr self);

} // namespace cwts::kill_detail
