// The kill coordinator's side of the direct fan-out (docs/kill-switch.md
// "Direct fan-out"): starts the link (fanout_link.hpp) with this node's key
// and every member's listed node key; its I/O thread verifies each kill
// through the same kill_switch as CAF's path and closes the gate itself
// when its copy is the first; the rest (audit, halt state, ack, channels)
// is done here, once, on the actor's thread.

#include <cstdio>
#include <cstdlib>

#include <spdlog/spdlog.h>

#include "actors/kill/kill_coordinator_state.hpp"

namespace cwts::kill_detail {

namespace {

// Kills waiting for the actor that it has not applied (pending, refused,
// other): past this they are counted and dropped.
constexpr size_t max_inbox_not_applied = 256;

std::shared_ptr<const fanout::identity> make_identity(kill_ptr self) {
  auto& cfg = self->state.cfg;
  auto id = std::make_shared<fanout::identity>();
  id->cluster = cfg.core.cluster;
  id->self = cfg.core.self.value;
  id->key = cfg.node_key;
  if (!cfg.core.operators)
    return id;
  // Only configured members' keys (every node key listed when no member
  // list is configured: unit tests); never this node's own.
  for (auto& k : cfg.core.operators->keys())
    if (!k.node.empty() && k.node != id->self && (!cfg.members || cfg.members->contains(k.node)))
      id->members[k.node] = k.public_key;
  return id;
}

} // namespace

void start_fanout(kill_ptr self) {
  auto& st = self->state;
  if (!st.cfg.fanout)
    return;
  if (!st.cfg.node_key) {
    spdlog::error("event=kill_fanout_off node={} reason=\"no node key to authenticate with\"",
                  st.cfg.core.self.value);
    return;
  }
  fanout::link_config lc;
  lc.id = make_identity(self);
  lc.listen = st.cfg.fanout_listen;
  lc.members = st.cfg.fanout_members;
  lc.realtime_priority = st.cfg.fanout_realtime_priority;
  // Only the members' addresses may connect (review p4 #1, #3).
  lc.members_only = true;
  // A held kill older than the signing window would be refused as too old.
  if (st.cfg.core.operators)
    lc.max_waiting_age = st.cfg.core.operators->window();
  // The thread holds the core and the inbox, never the actor: the doorbell
  // is a weak handle, so a stopped coordinator is simply not rung.
  auto core = st.core;
  auto inbox = st.inbox;
  caf::weak_actor_ptr weak = caf::actor_cast<caf::weak_actor_ptr>(self);
  auto handler = [core, inbox, weak](const kill_command& k, const std::string& from,
                                     int64_t received) {
    auto d = core->on_command(k, wall_clock_now(), kill_path::fanout, received);
    fanout::kill_result res;
    if (d.verdict == kill_verdict::duplicate)
      return res;
    res.outcome = d.verdict == kill_verdict::applied    ? fanout::kill_outcome::applied
                  : d.verdict == kill_verdict::rejected ? fanout::kill_outcome::refused
                                                        : fanout::kill_outcome::other;
    // Sent on as applied: every endorsement gathered, not only this copy's
    // (review p4 #5: a cluster kill that became valid by merging copies
    // would otherwise leave fan-out-only peers pending).
    if (d.verdict == kill_verdict::applied)
      res.forward = d.command.id.empty() ? k : d.command;
    {
      std::lock_guard<std::mutex> g(inbox->mtx);
      // Bounded (review p4 #2): applied kills are never dropped (their gate
      // is closed already; the actor must audit and ack them); anything
      // else past the bounds is counted and dropped (the core counted it).
      size_t refused = 0, not_applied = 0;
      for (auto& item : inbox->items) {
        refused += item.second.verdict == kill_verdict::rejected ? 1 : 0;
        not_applied += item.second.verdict != kill_verdict::applied ? 1 : 0;
      }
      if (d.verdict != kill_verdict::applied
          && (not_applied >= max_inbox_not_applied
              || (d.verdict == kill_verdict::rejected && refused >= fanout_inbox::max_refused))) {
        ++inbox->dropped;
        return res;
      }
      auto copy = k;
      if (copy.origin.empty())
        copy.origin = node_id{from};
      inbox->items.emplace_back(std::move(copy), std::move(d));
    }
    if (auto strong = caf::actor_cast<caf::actor>(weak))
      caf::anon_send(strong, fanout_atom::value);
    return res;
  };
  st.fanout = std::make_unique<fanout::link>(std::move(lc), handler);
  std::string error;
  if (!st.fanout->start(error)) {
    // Review p4 #12: a node without its second path must not run as if it
    // had one, and whoever holds the port would receive the members'
    // connections. The node refuses to run, with the reason.
    spdlog::critical("event=kill_fanout_listen_failed node={} host={} port={} reason=\"{}\"",
                     st.cfg.core.self.value, st.cfg.fanout_listen.host, st.cfg.fanout_listen.port,
                     error);
    spdlog::default_logger()->flush();
    std::fprintf(stderr, "cwts-node: kill fan-out: %s (kill.fanout-port-offset / kill.fanout-host; "
                         "kill.fanout=0 turns the second path off)\n",
                 error.c_str());
    std::fflush(stderr);
    std::_Exit(3);
  }
  spdlog::info("event=kill_fanout_listening node={} host={} port={} members={}",
               st.cfg.core.self.value, st.cfg.fanout_listen.host, st.fanout->port(),
               st.cfg.fanout_members.size());
}

void drain_fanout(kill_ptr self) {
  std::deque<std::pair<kill_command, kill_decision>> items;
  {
    std::lock_guard<std::mutex> g(self->state.inbox->mtx);
    items.swap(self->state.inbox->items);
  }
  for (auto& [cmd, d] : items)
    handle_decision(self, cmd, d, "fanout");
}

void add_fanout_stats(kill_ptr self, actor_stats& s) {
  auto& st = self->state;
  for (auto p : {kill_path::caf, kill_path::fanout}) {
    auto ps = st.core->path_stats(p);
    std::string pre = std::string("path.") + to_string(p) + ".";
    s.counters[pre + "received"] = ps.received;
    s.counters[pre + "first"] = ps.first;
    s.counters[pre + "duplicates"] = ps.duplicates;
    s.counters[pre + "refused"] = ps.refused;
    for (auto& [why, n] : ps.refused_by)
      s.counters[pre + "refused." + why] = n;
    s.counters[pre + "gate_ns_last"] = ps.gate_ns_last;
    s.counters[pre + "gate_ns_max"] = ps.gate_ns_max;
    s.counters[pre + "gate_ns_avg"] = ps.first > 0 ? ps.gate_ns_sum / ps.first : 0;
    s.counters[pre + "last_receipt_wall_ns"] = ps.last_receipt_wall_ns;
  }
  s.counters["fanout.enabled"] = st.fanout ? 1 : 0;
  if (!st.fanout)
    return;
  s.counters["fanout.members_reached"] = static_cast<int64_t>(st.fanout->members_reached());
  s.counters["fanout.port"] = st.fanout->port();
  for (auto& [k, v] : st.fanout->counters())
    s.counters["fanout." + k] = v;
  std::lock_guard<std::mutex> g(st.inbox->mtx);
  s.counters["fanout.inbox_dropped"] = st.inbox->dropped;
}

} // namespace cwts::kill_detail
