#pragma once
// Internal to the OMS actor shell (oms_actor.cpp and its oms_*.cpp parts,
// split by concern so each file stays small): its state and the functions
// the parts share. Not for use outside actors/oms.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "caf/all.hpp"

#include "actors/oms/group_commit.hpp"
#include "actors/oms/journal_ship_actor.hpp"
#include "actors/oms/oms_actor.hpp"
#include "actors/oms/oms_phase.hpp"
#include "actors/oms/order_journal.hpp"
#include "actors/oms/order_store.hpp"
#include "actors/oms/order_traces.hpp"
#include "actors/oms/reconciler.hpp"
#include "common/metrics/latency_histogram.hpp"
#include "common/sender_guard.hpp"
#include "messages/order_history.hpp"
#include "messages/registry.hpp"

namespace cwts::oms_shell {

// The OMS's own word that the journal batch it opened is to be committed.
using flush_atom = caf::atom_constant<caf::atom("jflush")>;

// Reconciliation phases (issue 5). New orders pass only in `running`:
//
//   start / connector (re)wired --> reconciling --(orders settled, positions
//   explained)--> running
//   reconciling --(positions unexplained after max rounds, or a contradiction)
//   --> unexplained --(operator accept_positions)--> running
//
// Reports, cancels and kills are handled in every phase: they only settle or
// lower risk.
enum class reconcile_phase : uint8_t { reconciling, unexplained, running };

const char* to_string(reconcile_phase p);

struct scoped_cancel {
  channel_result result;
  int64_t started_ns = 0;
  std::set<client_order_id> open;
  caf::response_promise promise;
};

// One venue the OMS routes to: its connector (from the directory) and the
// reconciliation with that venue's account. Orders for a venue go out only
// while its link is running; a venue's reconciliation never holds another's.
struct venue_link {
  caf::actor connector;
  reconcile_phase phase = reconcile_phase::reconciling;
  int64_t round = 0;
  int64_t failed_rounds = 0; // consecutive rounds that did not settle everything
  std::string not_reconciled_why = "waiting for the connector";
  oms::position_check last_check;
  int64_t last_reconcile_ns = 0;
  int64_t orders_sent = 0; // per venue (stats "venue.<v>.orders_sent")
  int64_t fills = 0;
};

struct oms_state {
  oms_actor_config cfg;
  oms::order_store store;
  oms::order_journal journal;
  bool journal_wanted = false; // a path was configured
  // connector_clock() of the last remote connector node seen: rendered once,
  // not for every report it sends.
  caf::node_id clock_node;
  std::string clock_name;
  int64_t journal_restored = 0;
  // Group commit (group_commit.hpp): sends held until the batch commits.
  oms::group_commit commits{journal};
  bool flush_pending = false; // a flush_atom is in the mailbox
  int64_t batches_failed = 0;
  int64_t orders_unsent_commit_failed = 0;
  int64_t max_batch_records = 0;
  int64_t records_replayed = 0; // written again after a failed commit or write
  int64_t records_lost = 0;     // state changes the journal still did not take
  // Regulatory records (issue 22): orders refused before they were journaled
  // (by risk, or here) written to the journal's rejects table, and those the
  // journal did not take.
  int64_t rejects_journaled = 0;
  int64_t rejects_not_journaled = 0;
  // A journal that loses state changes cannot tell a restart where orders and
  // positions stand: the OMS stops trading (new orders refused) until it is
  // restarted, and asks the node's kill coordinator for a node halt.
  std::string journal_halted; // why; empty while trading
  // The node-wide phase (oms_phase.hpp): the shell runs one behaviour per
  // phase (oms_actor.cpp phase_behavior) and switches with become.
  oms::phase_machine phase;
  caf::actor kill;            // the node's kill coordinator (directory role "kill")
  int64_t kills_requested = 0;
  int64_t kills_unsent = 0;
  // By venue, one per connector role of the directory (so bounded by config).
  std::map<venue_name, venue_link> venues;
  caf::actor risk;
  caf::actor strategy;
  int64_t orders_sent = 0;
  int64_t lease_epoch_sent = 0; // the trading-lease epoch of the last order sent
  int64_t fills = 0;
  int64_t rejects = 0;
  int64_t illegal_reports = 0;
  // Metrics (docs/monitoring.md): first venue answers, rejects by reason, and
  // when each order in flight went to the connector (monotonic ns), for the
  // submit -> venue ack round trip; an entry leaves at the first answer.
  int64_t acks = 0;
  std::map<std::string, int64_t> rejects_by_reason;
  std::map<client_order_id, int64_t> sent_at;
  // The orders' traces after they left (order_traces.hpp, docs/tracing.md).
  oms::order_traces traces;
  metrics::latency_histogram* roundtrip = nullptr;
  // Amends: original id -> replacement waiting for the original's cancel.
  std::map<client_order_id, order_request> amends;
  int64_t amends_done = 0;
  int64_t amends_refused = 0;
  // Reconciliation, over every venue.
  int64_t reconciliations = 0;
  int64_t adopted = 0;
  int64_t never_reached = 0;
  int64_t caught_up = 0;
  int64_t foreign_venue_reports = 0; // a report naming another venue than its order's
  int64_t commands_accepted = 0;
  int64_t commands_refused = 0;
  // Strategy kills waiting for the venue to confirm their cancels, by kill id.
  std::map<std::string, scoped_cancel> scoped_cancels;
  // Safety messages only from this node's actors; what the venue said
  // (reports, rejects, snapshots) also from the connector the directory
  // lists, which may run on another node (common/sender_guard.hpp).
  sender_guard guard{"oms"};
  // Journal shipping and takeover (journal_ship_oms.cpp).
  caf::actor shipper;
  std::shared_ptr<ship_counters> ship;
  std::string takeover_from;      // the node whose replica this journal was ('' : none)
  std::string replica_incomplete; // why that replica is not whole ('' : it is)
  std::set<venue_name> takeover_judged;
  bool takeover_mismatch = false;
  int64_t takeover_mismatches = 0;
  // The takeover's catch-up from the venue's order history
  // (oms_takeover_catch_up.cpp): the replica's last event (read at the
  // claim, before this node writes), per venue asked (false) or done (true).
  timestamp_ns takeover_last_event;
  std::map<venue_name, bool> catch_up;
  std::vector<std::string> catch_up_contradictions;
  int64_t recovered_orders = 0;
  int64_t recovered_fills = 0;
  static inline const char* name = "oms";
};

using oms_ptr = caf::stateful_actor<oms_state>*;

// Lookups and sender checks (oms_commit.cpp).
venue_link* link_of(oms_ptr self, const venue_name& v);
caf::actor connector_of(oms_ptr self, const venue_name& v);
bool from_connector(oms_ptr self, const char* kind, const venue_name& venue);
venue_name sending_venue(oms_ptr self);
bool from_risk(oms_ptr self, const char* kind);

// Group commit and the journal (oms_commit.cpp).
void open_batch(oms_ptr self);
void flush(oms_ptr self);
void halt_trading(oms_ptr self, const std::string& why);
void journal_change(oms_ptr self, const client_order_id& id, order_status previous,
                    qty fill_qty = {}, price fill_price = {}, const oms::event_context& ctx = {});
bool journal_submission(oms_ptr self, const order_request& req, const oms::event_context& ctx);
std::string connector_clock(oms_ptr self);
// An order refused before its submission was journaled: its request, the
// rule and why go to the journal's rejects table (issue 22).
void journal_reject(oms_ptr self, const order_request& req, reject_reason reason,
                    const std::string& detail, const std::string& initiator,
                    const client_order_id& related = {});
void open_journal(oms_ptr self);

// Orders to the venue, answers, rejects (oms_commit.cpp).
void count_reject(oms_ptr self, reject_reason reason);
// `epoch`: the trading lease's, as may_send checked it. Held for the open
// batch's commit, the order asks the lease again as it leaves (lease_stamp's
// stamp_lease_again) and is rejected no_trading_lease when it is gone or at
// another epoch. `replacement`: an amend's (counted in amends.done once sent).
// Counted in orders_sent when it leaves, not before.
void send_to_venue(oms_ptr self, const order_request& req, int64_t epoch,
                   bool replacement = false);
void venue_answered(oms_ptr self, const client_order_id& id, bool acked);
// `journaled`: the order's submission is in the journal, so its reject is a
// state change of it; else the reject goes to the rejects table.
void reject(oms_ptr self, const order_request& req, reject_reason reason, std::string detail,
            bool journaled = false, const client_order_id& related = {});

// The order path (oms_actor.cpp).
// Feeds `event` to the phase table; a change is logged (event=oms_phase)
// and the phase's behaviour becomes the actor's.
void on_phase_event(oms_ptr self, oms::phase_event event, const std::string& why);
// The lease epoch to stamp, or nothing: refused (and rejected) now.
std::optional<int64_t> may_send(oms_ptr self, const order_request& req, bool journaled = false);
// Why an order for `req.venue` cannot go there now whatever the phase (no
// connector, or that venue not reconciled): nothing when its venue routes.
std::optional<std::pair<reject_reason, std::string>> venue_refusal(oms_ptr self,
                                                                   const order_request& req);
// Rejects an order the current phase does not route, with the phase's
// reason (the gate and the venue's own reason first); counted per phase.
void refuse_in_phase(oms_ptr self, const order_request& req, bool journaled,
                     const client_order_id& related = {});
void on_report(oms_ptr self, const execution_report& rep);
void on_venue_reject(oms_ptr self, const order_reject& rej);

// Reconciliation (oms_reconcile.cpp).
void start_round(oms_ptr self, const venue_name& venue);
void on_snapshot(oms_ptr self, const venue_snapshot& snap);
command_result accept_positions(oms_ptr self, const operator_command& cmd);

// Journal shipping and takeover (journal_ship_oms.cpp).
bool claim_journal(oms_ptr self);
void start_shipping(oms_ptr self);
void wire_replica(oms_ptr self, const role_directory& dir);
void add_ship_stats(oms_ptr self, actor_stats& s);
bool takeover_mismatch(oms_ptr self, const venue_name& venue, venue_link& link,
                       const oms::reconciliation_plan& plan);

// A takeover's catch-up from the venue (oms_takeover_catch_up.cpp): true
// while this venue's order history is asked for and not yet journaled (the
// round waits; the answer starts the next one).
bool catch_up_pending(oms_ptr self, const venue_name& venue, venue_link& link);
void on_order_history(oms_ptr self, const order_history_answer& a);

// Kills, stats (oms_kill.cpp).
caf::result<channel_result> cancel_all(oms_ptr self, const kill_command& cmd);
void finish_scoped_cancel(oms_ptr self, std::map<std::string, scoped_cancel>::iterator it,
                          bool deadline);
void settle_scoped_cancels(oms_ptr self, const client_order_id& id);
reset_precondition precondition(oms_ptr self);
actor_stats stats(oms_ptr self);
std::vector<restored_order> open_orders(oms_ptr self);

// Sends now, or after the open batch commits (group_commit.hpp).
template <class T>
void send_after_commit(oms_ptr self, const caf::actor& dest, const T& msg,
                       std::optional<order_request> order = std::nullopt) {
  if (!dest)
    return;
  if (self->state.commits.holding())
    self->state.commits.hold([self, dest, m = caf::make_message(msg)]() mutable {
      self->send(dest, std::move(m));
    }, std::move(order));
  else
    self->send(dest, msg);
}

template <class T>
void tell_owners(oms_ptr self, const T& msg) {
  send_after_commit(self, self->state.risk, msg);
  send_after_commit(self, self->state.strategy, msg);
}

} // namespace cwts::oms_shell
