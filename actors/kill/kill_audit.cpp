// The audit side of the kill coordinator (docs/kill-switch.md "Audit
// chain"): the signed log is opened with the node's key; refused commands
// are sampled (refusal_sampler.hpp) rather than each written and synced;
// every audit tick the node sends its chain head to its peers, and keeps the
// heads its peers send, each verified with that node's key and coming from
// that node's coordinator process, in `<audit log>.anchor.<node>`.

#include <algorithm>

#include <spdlog/spdlog.h>

#include "actors/kill/audit_anchor.hpp"
#include "actors/kill/kill_coordinator_state.hpp"
#include "actors/supervisor/supervisor_actor.hpp"
#include "common/operator_auth.hpp"

namespace cwts::kill_detail {

namespace {

// Anchors go out when the head moved, and at least every this many ticks
// (a peer that restarted, or missed one, catches up).
constexpr int64_t anchor_refresh_ticks = 10;

std::chrono::milliseconds audit_tick(const kill_coordinator_config& cfg) {
  return std::max<std::chrono::milliseconds>(cfg.heartbeat_interval, std::chrono::seconds(1));
}

void write_summaries(kill_ptr self, int64_t now) {
  auto& st = self->state;
  for (auto& s : st.audit_ext.refusals.roll(now)) {
    audit_record r("refusals_sampled");
    r.add("node", st.cfg.core.self.value)
      .add("ts_ns", wall_clock_now().ns)
      .add("reason", s.reason)
      .add("seen", s.seen)
      .add("written", s.written)
      .add("left_out", s.seen - s.written)
      .add("window_start_ns", s.window_start_ns)
      .add("window_end_ns", s.window_end_ns);
    audit(self, r, true);
    spdlog::warn("event=refusals_sampled node={} reason=\"{}\" seen={} written={} left_out={}",
                 st.cfg.core.self.value, s.reason, s.seen, s.written, s.seen - s.written);
  }
}

// Counted by why; logged the first time and every 1000th, so a flood of
// bad anchors neither grows memory nor floods the log.
void refuse_anchor(kill_ptr self, const audit_anchor& a, const char* why) {
  auto n = ++self->state.audit_ext.anchors_refused[why];
  if (n == 1 || n % 1000 == 0)
    spdlog::warn("event=audit_anchor_refused node={} claimed_node={} seq={} why={} count={}",
                 self->state.cfg.core.self.value, a.node.value, a.seq, why, n);
}

// A peer's log went back (regressed) or changed under an anchored record
// (forked): the evidence stays (the kept anchor is not replaced), the
// operator is told once per peer, change and seq.
void anchor_alarm(kill_ptr self, const audit_anchor& kept, const audit_anchor& got,
                  anchor_change change) {
  auto& st = self->state;
  auto key = std::string(to_string(change)) + ":" + std::to_string(got.seq);
  auto& logged = st.audit_ext.alarm_logged[got.node.value];
  if (logged == key)
    return;
  logged = key;
  ++st.audit_ext.anchor_alarms;
  audit_record r("audit_anchor_alarm");
  r.add("node", st.cfg.core.self.value)
    .add("ts_ns", wall_clock_now().ns)
    .add("peer", got.node.value)
    .add("change", to_string(change))
    .add("kept_seq", static_cast<int64_t>(kept.seq))
    .add("kept_head", kept.head)
    .add("got_seq", static_cast<int64_t>(got.seq))
    .add("got_head", got.head);
  audit(self, r, true);
  spdlog::critical("event=audit_anchor_alarm node={} peer={} change={} kept_seq={} got_seq={} "
                   "action=kept_anchor",
                   st.cfg.core.self.value, got.node.value, to_string(change), kept.seq, got.seq);
}

} // namespace

void open_audit(kill_ptr self) {
  auto& st = self->state;
  if (st.cfg.audit_path.empty())
    return;
  std::string error;
  // Rotated as [retention] says (the config's audit_rotation): the log
  // itself rotates and reopens its live file.
  st.audit = audit_log::open(st.cfg.audit_path, error, st.cfg.node_key, st.cfg.audit_rotation);
  if (!st.audit)
    spdlog::error("event=audit_open_failed path={} error=\"{}\"", st.cfg.audit_path, error);
  else if (!st.audit->broken().empty())
    spdlog::error("event=audit_chain_broken path={} problem=\"{}\"", st.cfg.audit_path,
                  st.audit->broken());
  if (st.audit && !st.cfg.node_key)
    spdlog::warn("event=audit_unsigned path={} reason=\"no node key: records are hash-chained "
                 "only\"",
                 st.cfg.audit_path);
}

bool audit_refusal(kill_ptr self, const audit_record& r, const std::string& reason) {
  auto now = monotonic_ns();
  write_summaries(self, now);
  if (!self->state.audit_ext.refusals.admit(reason, now))
    return false;
  audit(self, r, false);
  return true;
}

void start_audit_timer(kill_ptr self) {
  self->delayed_send(self, audit_tick(self->state.cfg), audit_atom::value);
}

void on_audit_tick(kill_ptr self) {
  auto& st = self->state;
  write_summaries(self, monotonic_ns());
  auto& ext = st.audit_ext;
  ++ext.ticks;
  if (st.audit) {
    auto anchor = make_anchor(st.cfg.core.self, *st.audit);
    if (anchor && (anchor->seq != ext.anchor_sent_seq || ext.ticks % anchor_refresh_ticks == 0)) {
      ext.anchor_sent_seq = anchor->seq;
      for (auto& p : peers(self)) {
        self->send(p, *anchor);
        ++ext.anchors_sent;
      }
    }
  }
  start_audit_timer(self);
}

void on_audit_anchor(kill_ptr self, const audit_anchor& a) {
  auto& st = self->state;
  if (!st.audit)
    return refuse_anchor(self, a, "no_audit_log");
  if (a.node == st.cfg.core.self)
    return refuse_anchor(self, a, "own_name");
  auto* ops = st.cfg.core.operators.get();
  auto* key = ops ? ops->node_key(a.node.value) : nullptr;
  if (!key)
    return refuse_anchor(self, a, "not_a_node");
  if (!verify_anchor(a, key->public_key))
    return refuse_anchor(self, a, "bad_signature");
  auto sender = self->current_sender();
  auto expected = role(self, peer_kill_prefix + a.node.value);
  if (!sender || !expected || sender->node() != expected.node())
    return refuse_anchor(self, a, "wrong_sender");
  auto path = anchor_file_path(st.cfg.audit_path, a.node.value);
  if (path.empty())
    return refuse_anchor(self, a, "bad_name");
  auto& ext = st.audit_ext;
  auto kept = ext.anchors.find(a.node.value);
  if (kept == ext.anchors.end()) {
    // First sight since start: the anchor kept on disk by our last life.
    std::string ignored;
    kept = ext.anchors.emplace(a.node.value, load_anchor(path, ignored)).first;
  }
  auto change = compare_anchor(kept->second, a);
  if (change == anchor_change::same)
    return;
  if (change == anchor_change::regressed || change == anchor_change::forked)
    return anchor_alarm(self, *kept->second, a, change);
  std::string error;
  if (!save_anchor(path, a, wall_clock_now().ns, error)) {
    spdlog::error("event=audit_anchor_write_failed path={} error=\"{}\"", path, error);
    return;
  }
  ++ext.anchors_saved;
  kept->second = a;
}

void add_audit_stats(kill_ptr self, actor_stats& s) {
  auto& ext = self->state.audit_ext;
  s.counters["audit_refusals_seen"] = ext.refusals.total_seen();
  s.counters["audit_refusals_left_out"] = ext.refusals.total_suppressed();
  s.counters["audit_anchors_sent"] = ext.anchors_sent;
  s.counters["audit_anchors_saved"] = ext.anchors_saved;
  s.counters["audit_anchor_alarms"] = ext.anchor_alarms;
  if (auto& log = self->state.audit) {
    s.counters["audit_rotations"] = static_cast<int64_t>(log->rotations());
    s.counters["audit_rotation_failures"] = static_cast<int64_t>(log->rotation_failures());
  }
  for (auto& [why, n] : ext.anchors_refused)
    s.counters["audit_anchors_refused." + why] = n;
}

} // namespace cwts::kill_detail
