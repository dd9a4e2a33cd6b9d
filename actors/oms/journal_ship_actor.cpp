#include "actors/oms/journal_ship_actor.hpp"

#include <spdlog/spdlog.h>

#include <optional>

#include "caf/all.hpp"

#include "actors/oms/order_journal.hpp"
#include "common/sender_guard.hpp"
#include "messages/registry.hpp"

namespace cwts {

namespace {

// ---- shipper (active node) -------------------------------------------------

struct shipper_state {
  journal_shipper_config cfg;
  std::optional<oms::ship_log> log;
  caf::actor replica;
  bool warned_no_key = false;
  sender_guard guard{"journal_shipper"};
  static inline const char* name = "journal_shipper";
};

using shipper_ptr = caf::stateful_actor<shipper_state>*;

void publish(shipper_ptr self) {
  auto& st = self->state;
  auto& c = *st.cfg.counters;
  c.shipped = st.log->last_seq();
  c.acked = st.log->acked_seq();
  c.behind = st.log->behind();
  c.evicted = st.log->evicted();
  c.last_lag_ns = st.log->last_lag_ns();
  c.max_lag_ns = st.log->max_lag_ns();
}

void send_batch(shipper_ptr self, const journal_batch& b) {
  if (!self->state.replica)
    return;
  self->send(self->state.replica, b);
  ++self->state.cfg.counters->sent;
}

// True when the current message comes from the replica the directory lists.
bool from_replica(shipper_ptr self, const char* kind) {
  auto& st = self->state;
  if (st.guard.local_or(self, st.replica, kind, "the replica of its directory"))
    return true;
  ++st.cfg.counters->refused;
  return false;
}

caf::behavior journal_shipper(shipper_ptr self, journal_shipper_config cfg) {
  self->state.guard.install(self);
  self->state.cfg = std::move(cfg);
  auto& st = self->state;
  st.log.emplace(st.cfg.self, st.cfg.stream, st.cfg.start, st.cfg.limits);
  spdlog::info("event=journal_ship_started node={} stream={} start=\"{}\" window_batches={} "
               "window_bytes={}", st.cfg.self.value, st.cfg.stream, st.cfg.start.str(),
               st.cfg.limits.max_batches, st.cfg.limits.max_bytes);
  return {
    [=](ship_atom, std::string& patchset, timestamp_ns committed_at) {
      auto& st = self->state;
      if (!st.guard.local(self, "journal_commit")) // the OMS is of this node
        return;
      --st.cfg.counters->queued;
      const auto& batch = st.log->append(std::move(patchset), committed_at, monotonic_ns());
      if (st.cfg.key)
        st.log->sign_last(st.cfg.key->sign(signing_payload(batch)));
      else if (!st.warned_no_key) {
        st.warned_no_key = true;
        spdlog::error("event=journal_ship_unsigned node={} detail=\"no node key ([kill] "
                      "node-key-file): the replica refuses unsigned batches\"",
                      st.cfg.self.value);
      }
      if (!st.replica)
        ++st.cfg.counters->no_replica;
      send_batch(self, st.log->last());
      publish(self);
    },
    [=](ship_atom, const caf::actor& replica) {
      auto& st = self->state;
      if (!st.guard.local(self, "journal_replica") || replica == st.replica)
        return;
      st.replica = replica;
      if (!replica)
        return;
      // A replica just listed may have missed what was shipped before: it
      // asks for the range itself when the next batch shows the gap; the
      // last batch goes now so it learns where the stream stands.
      spdlog::info("event=journal_ship_replica node={} replica_node={} stream={} seq={}",
                   st.cfg.self.value, to_string(replica.node()), st.log->stream(),
                   st.log->last_seq());
      if (st.log->last_seq() > 0)
        send_batch(self, st.log->last());
    },
    [=](const journal_ack& ack) {
      auto& st = self->state;
      if (!from_replica(self, "journal_ack") || ack.stream != st.log->stream())
        return;
      st.log->acked(ack.seq, monotonic_ns());
      publish(self);
    },
    [=](const journal_resend& ask) {
      auto& st = self->state;
      if (!from_replica(self, "journal_resend") || ask.stream != st.log->stream())
        return;
      std::vector<const journal_batch*> batches;
      if (!st.log->range(ask.from, ask.to, batches)) {
        ++st.cfg.counters->gone;
        spdlog::warn("event=journal_ship_gone node={} replica={} stream={} from={} held_from={} "
                     "detail=\"the replica asks for batches no longer held\"",
                     st.cfg.self.value, ask.replica.value, ask.stream, ask.from,
                     st.log->last_seq() - static_cast<int64_t>(st.log->held()) + 1);
        self->send(st.replica, journal_resend{st.cfg.self, ask.stream, ask.from, ask.to, true});
        return;
      }
      for (const auto* b : batches)
        send_batch(self, *b);
      st.cfg.counters->resent += static_cast<int64_t>(batches.size());
    },
  };
}

// ---- replica (standby node) ------------------------------------------------

struct replica_state {
  journal_replica_config cfg;
  oms::order_journal journal;
  std::optional<oms::replica_sequencer> seq;
  bool sealed = false;
  caf::actor shipper; // the sender of the last verified batch
  int64_t applied = 0;
  int64_t refused = 0;
  int64_t apply_failed = 0;
  int64_t duplicates = 0;
  int64_t stale = 0;
  int64_t gaps_asked = 0;
  int64_t last_apply_ns = 0;
  int64_t max_apply_ns = 0;
  std::map<std::string, int64_t> refused_by_reason; // bounded: the reasons below
  sender_guard guard{"journal_replica"};
  static inline const char* name = "journal_replica";
};

using replica_ptr = caf::stateful_actor<replica_state>*;

// Why a batch is not from the node this replica stands by for; empty when it is.
std::string refusal(replica_ptr self, const journal_batch& b) {
  auto& cfg = self->state.cfg;
  if (b.origin != cfg.active)
    return "origin";
  if (!membership_refusal(cfg.members.get(), b.origin.value).empty())
    return "not_member";
  const auto* key = cfg.operators ? cfg.operators->node_key(b.origin.value) : nullptr;
  if (key == nullptr)
    return "no_node_key";
  if (b.signature.size() != 64 || !ed25519_verify(key->public_key, signing_payload(b), b.signature))
    return "bad_signature";
  return "";
}

void refuse(replica_ptr self, const journal_batch& b, const std::string& why) {
  auto& st = self->state;
  ++st.refused;
  if (st.refused_by_reason[why]++ == 0)
    spdlog::error("event=journal_batch_refused node={} origin={} from_node={} reason={} "
                  "stands_by_for={}", st.cfg.self.value, b.origin.value, sender_node_name(self),
                  why, st.cfg.active.value);
}

void give_up(replica_ptr self, const std::string& why) {
  auto& st = self->state;
  if (!st.seq->complete())
    return;
  st.seq->give_up(why);
  if (auto err = st.journal.mark_incomplete(st.cfg.active, why))
    spdlog::error("event=journal_replica_write_failed node={} error=\"{}\"", st.cfg.self.value,
                  err.message());
  spdlog::error("event=journal_replica_incomplete node={} active={} reason=\"{}\" "
                "action=takeover_stays_halted_until_accept_positions", st.cfg.self.value,
                st.cfg.active.value, why);
}

void on_batch(replica_ptr self, const journal_batch& b) {
  auto& st = self->state;
  if (st.sealed || !st.journal.is_open())
    return;
  if (auto why = refusal(self, b); !why.empty())
    return refuse(self, b, why);
  journal_marks own;
  if (b.seq == 1)
    if (auto err = st.journal.marks(own))
      return give_up(self, "cannot read this replica's marks: " + err.message());
  auto d = st.seq->on_batch(b, own, monotonic_ns());
  auto sender = caf::actor_cast<caf::actor>(self->current_sender());
  st.shipper = sender;
  switch (d.action) {
    case oms::replica_action::duplicate: ++st.duplicates; return;
    case oms::replica_action::stale: ++st.stale; return;
    case oms::replica_action::wait: return;
    case oms::replica_action::incomplete: return give_up(self, d.why);
    case oms::replica_action::gap:
      ++st.gaps_asked;
      spdlog::warn("event=journal_replica_gap node={} active={} stream={} from={} to={}",
                   st.cfg.self.value, b.origin.value, b.stream, d.ask_from, d.ask_to);
      self->send(sender, journal_resend{st.cfg.self, b.stream, d.ask_from, d.ask_to, false});
      return;
    case oms::replica_action::apply: break;
  }
  auto started = monotonic_ns();
  if (auto err = st.journal.apply_shipped(b.origin, b.stream, b.seq, b.start, b.patchset)) {
    oms::ship_state now;
    if (!st.journal.load_ship_state(now) && now.sealed()) {
      st.sealed = true;
      spdlog::info("event=journal_replica_sealed node={} by={} stream={} seq={} "
                   "action=stopped", st.cfg.self.value, now.sealed_by, now.stream, now.seq);
      st.journal.close();
      return;
    }
    ++st.apply_failed;
    return give_up(self, "batch " + std::to_string(b.seq) + " of stream "
                           + std::to_string(b.stream) + ": " + err.message());
  }
  st.last_apply_ns = monotonic_ns() - started;
  st.max_apply_ns = std::max(st.max_apply_ns, st.last_apply_ns);
  if (d.new_stream)
    spdlog::info("event=journal_replica_stream node={} active={} stream={} start=\"{}\"",
                 st.cfg.self.value, b.origin.value, b.stream, b.start.str());
  st.seq->applied(b.stream, b.seq);
  ++st.applied;
  self->send(sender, journal_ack{st.cfg.self, b.stream, b.seq});
}

actor_stats replica_stats(replica_ptr self) {
  auto& st = self->state;
  actor_stats s{"journal_replica", {}};
  s.counters["open"] = st.journal.is_open() ? 1 : 0;
  s.counters["sealed"] = st.sealed ? 1 : 0;
  s.counters["complete"] = st.seq && st.seq->complete() ? 1 : 0;
  s.counters["stream"] = st.seq ? st.seq->stream() : 0;
  s.counters["seq"] = st.seq ? st.seq->last() : 0;
  s.counters["applied"] = st.applied;
  s.counters["duplicates"] = st.duplicates;
  s.counters["stale"] = st.stale;
  s.counters["gaps"] = st.gaps_asked;
  s.counters["apply_failed"] = st.apply_failed;
  s.counters["refused"] = st.refused;
  for (auto& [why, n] : st.refused_by_reason)
    s.counters["refused." + why] = n;
  s.counters["last_apply_ns"] = st.last_apply_ns;
  s.counters["max_apply_ns"] = st.max_apply_ns;
  st.guard.add_to(s.counters);
  return s;
}

void open_replica(replica_ptr self) {
  auto& st = self->state;
  auto& cfg = st.cfg;
  oms::ship_state ship;
  auto err = st.journal.open(cfg.journal_path);
  if (!err)
    err = st.journal.load_ship_state(ship);
  if (err) {
    spdlog::error("event=journal_replica_open_failed node={} path={} error=\"{}\"",
                  cfg.self.value, cfg.journal_path, err.message());
    st.journal.close();
    st.seq.emplace(0, 0, "the replica's journal did not open: " + err.message(), cfg.limits);
    return;
  }
  if (ship.sealed()) {
    // This node's OMS once traded from this file: it is that OMS's journal
    // now, not a copy of the active's (docs/reconciliation.md "Limits").
    st.sealed = true;
    spdlog::error("event=journal_replica_refused node={} path={} sealed_by={} reason=\"the file "
                  "is an OMS's own journal; move it away to replicate {} afresh\"",
                  cfg.self.value, cfg.journal_path, ship.sealed_by, cfg.active.value);
    st.journal.close();
    st.seq.emplace(0, 0, "sealed by the OMS of " + ship.sealed_by, cfg.limits);
    return;
  }
  if (!ship.origin.empty() && ship.origin != cfg.active.value)
    ship.incomplete = "the file replicates " + ship.origin + ", not " + cfg.active.value;
  st.seq.emplace(ship.stream, ship.seq, ship.incomplete, cfg.limits);
  spdlog::info("event=journal_replica_started node={} active={} path={} stream={} seq={} "
               "complete={}", cfg.self.value, cfg.active.value, cfg.journal_path, ship.stream,
               ship.seq, ship.incomplete.empty() ? 1 : 0);
}

caf::behavior journal_replica(replica_ptr self, journal_replica_config cfg) {
  self->state.guard.install(self);
  self->state.cfg = std::move(cfg);
  open_replica(self);
  return {
    [=](const journal_batch& b) { on_batch(self, b); },
    [=](const journal_resend& gone) {
      auto& st = self->state;
      // Only the shipper whose signed batches this replica applied may say
      // a range is gone (a forged one could only make the replica distrust
      // itself: fail-safe, the takeover then waits for an operator).
      auto sender = caf::actor_cast<caf::actor>(self->current_sender());
      if (!gone.gone || st.sealed || !st.shipper || sender != st.shipper) {
        ++st.refused;
        return;
      }
      auto d = st.seq->on_gone(gone.stream, gone.from);
      if (d.action == oms::replica_action::incomplete)
        give_up(self, d.why);
    },
    [=](wire_atom, const role_directory&) {
      self->state.guard.local(self, "wire"); // nothing to wire: batches find it
    },
    [=](stats_atom) { return replica_stats(self); },
  };
}

} // namespace

caf::actor spawn_journal_shipper(caf::actor_system& sys, journal_shipper_config cfg) {
  return sys.spawn(journal_shipper, std::move(cfg));
}

caf::actor spawn_journal_replica(caf::actor_system& sys, journal_replica_config cfg) {
  return sys.spawn(journal_replica, std::move(cfg));
}

} // namespace cwts
