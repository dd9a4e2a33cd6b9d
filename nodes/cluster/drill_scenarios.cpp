#include "nodes/cluster/drill_scenarios.hpp"

#include <signal.h>

#include <algorithm>
#include <functional>
#include <thread>

#include <rapidjson/document.h>

#include "nodes/cluster/admin_probe.hpp"
#include "nodes/cluster/drill_steps.hpp"
#include "nodes/cluster/process_control.hpp"

namespace cwts::cluster {

using clock_type = drill_context::clock_type;

std::string ms_text(const std::optional<int64_t>& ms) {
  return ms ? std::to_string(*ms) + " ms" : "not within the observation window";
}

std::string pick_node(drill_context& ctx, const std::string& role) {
  if (!ctx.options().node.empty())
    return ctx.options().node;
  for (auto& n : ctx.runtime().spec().nodes)
    if (!role.empty() && ctx.has_role(n.id, role))
      return n.id;
  return ctx.runtime().spec().nodes.back().id;
}

namespace {

// The venue connectors of `node` (roles connector.<venue>, messages/registry.hpp;
// this library is CAF-free), from its /api/actors; empty when it has none
// or does not answer.
std::vector<std::string> connector_roles(drill_context& ctx, const std::string& node) {
  static const std::string prefix = "connector.";
  std::vector<std::string> out;
  auto* n = ctx.runtime().spec().node(node);
  if (!n)
    return out;
  auto a = admin_get(n->admin_port, "/api/actors", std::chrono::milliseconds(1000));
  rapidjson::Document doc;
  if (!a.ok() || doc.Parse(a.body.c_str()).HasParseError() || !doc.IsObject()
      || !doc.HasMember("actors") || !doc["actors"].IsArray())
    return out;
  for (auto& actor : doc["actors"].GetArray()) {
    if (!actor.IsObject() || !actor.HasMember("role") || !actor["role"].IsString())
      continue;
    std::string role = actor["role"].GetString();
    if (role.size() > prefix.size() && role.compare(0, prefix.size(), prefix) == 0)
      out.push_back(role);
  }
  return out;
}

std::vector<std::string> others(drill_context& ctx, const std::string& node) {
  std::vector<std::string> out;
  for (auto& n : ctx.runtime().spec().nodes)
    if (n.id != node)
      out.push_back(n.id);
  return out;
}

} // namespace

void expect_orders_resume(drill_context& ctx, clock_type::time_point t0, const char* measure,
                          std::optional<int64_t> since) {
  if (since) {
    auto now = ctx.venue().user_orders;
    if (now > *since) {
      ctx.report().expect("trading goes on", "the venue receives new orders after the injection",
                          std::to_string(now - *since) + " new orders since the injection", true);
      return;
    }
  }
  auto base = since ? *since : ctx.venue().user_orders;
  auto resumed = ctx.wait_orders_above(base, t0);
  if (resumed)
    ctx.report().measured_ms[measure] = *resumed;
  ctx.report().expect("trading goes on", "the venue receives new orders after the recovery",
                      resumed ? "new orders " + ms_text(resumed) + " after the injection"
                              : "no new order at the venue",
                      resumed.has_value());
}

namespace {

// Peers notice `node` is gone when their supervisor lists fewer peers: one
// condition per peer, to watch together with the scenario's own outcomes.
std::vector<std::function<bool()>> detection_conditions(drill_context& ctx,
                                                        const std::map<std::string, int64_t>& before) {
  std::vector<std::function<bool()>> out;
  for (auto& [other, count] : before)
    out.push_back([&ctx, other = other, count = count] {
      auto now = ctx.counter(other, "supervisor", "peers");
      return now && *now < count;
    });
  return out;
}

// Reports what detection_conditions() saw (`seen` in the same order).
void report_detection(drill_context& ctx, const std::string& node,
                      const std::map<std::string, int64_t>& before,
                      const std::vector<std::optional<int64_t>>& seen) {
  int64_t worst = -1;
  std::string missed;
  size_t i = 0;
  for (auto& entry : before) {
    auto& at = seen[i++];
    if (at) {
      ctx.event(entry.first, "peer " + node + " gone after " + std::to_string(*at) + " ms");
      worst = std::max(worst, *at);
    } else {
      missed += (missed.empty() ? "" : ",") + entry.first;
    }
  }
  if (worst >= 0)
    ctx.report().measured_ms["detection_ms"] = worst;
  ctx.report().expect("failure detected", "every other node drops " + node + " from its peers",
                      missed.empty() ? "all did, the last after " + std::to_string(worst) + " ms"
                                     : "not detected by " + missed,
                      missed.empty() && !before.empty());
}

std::map<std::string, int64_t> peer_counts(drill_context& ctx, const std::vector<std::string>& nodes) {
  std::map<std::string, int64_t> out;
  for (auto& n : nodes)
    if (auto p = ctx.counter(n, "supervisor", "peers"))
      out[n] = *p;
  return out;
}

} // namespace

// Before a node is cut off or killed, every node must see every other:
// "ready" needs only a quorum, and a node still linking to the victim when it
// dies would never "detect" a loss it never saw (the drill would measure the
// start-up, not the failure). Empty when the mesh is complete; else which
// node lacks peers after the wait.
std::string wait_for_full_mesh(drill_context& ctx) {
  auto& nodes = ctx.runtime().spec().nodes;
  auto want = static_cast<int64_t>(nodes.size()) - 1;
  std::vector<std::function<bool()>> conds;
  for (auto& n : nodes)
    conds.push_back([&ctx, id = n.id, want] {
      auto p = ctx.counter(id, "supervisor", "peers");
      return p && *p >= want;
    });
  auto seen = ctx.watch_all(conds, clock_type::now(), ctx.options().observe);
  std::string missing;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (!seen[i])
      missing += (missing.empty() ? "" : ", ") + nodes[i].id;
  return missing.empty() ? "" : missing + " not linked to every peer before the injection";
}

void drill_actor_crash(drill_context& ctx) {
  auto role = ctx.options().role.empty() ? std::string("risk") : ctx.options().role;
  auto node = pick_node(ctx, role);
  auto& rep = ctx.report();
  rep.injected = "POST /api/drill/crash/" + role + " (the actor is terminated with an error)";
  rep.target = node + "/" + role;
  auto restarts_before = ctx.counter(node, role, "restarts");
  if (!restarts_before) {
    rep.error = "node " + node + " has no actor " + role;
    return;
  }
  auto* spec = ctx.runtime().spec().node(node);
  rep.injected_at_ms = ctx.since_ready_ms();
  auto t0 = clock_type::now();
  auto answer = admin_request(spec->admin_port, "POST", "/api/drill/crash/" + role, "{}");
  ctx.event(node, "crash " + role + ": HTTP " + std::to_string(answer.status) + " " + answer.body
                    + answer.error);
  rep.expect("crash injected", "HTTP 200 from /api/drill/crash/" + role,
             "HTTP " + std::to_string(answer.status) + " " + answer.body + answer.error, answer.ok());
  if (!answer.ok())
    return;
  auto restarted = ctx.wait_for(
    [&] {
      auto now = ctx.counter(node, role, "restarts");
      return now && *now > *restarts_before;
    },
    t0, ctx.options().observe);
  if (restarted) {
    rep.measured_ms["restart_ms"] = *restarted;
    ctx.event(node, role + " restarted after " + std::to_string(*restarted) + " ms");
  }
  rep.expect("supervisor restarts the actor", role + "'s restart count grows by one",
             restarted ? "restarted, seen after " + ms_text(restarted) : "no restart seen",
             restarted.has_value());
  auto v = ctx.view(node);
  rep.expect("node keeps trading state", node + " stays ACTIVE (one crash is within the restart intensity)",
             "mode " + v.mode + (v.cause.empty() ? "" : " cause " + v.cause), v.mode == "ACTIVE");
  expect_orders_resume(ctx, t0, "orders_resumed_ms");
}

void drill_node_kill(drill_context& ctx) {
  auto& rt = ctx.runtime();
  std::string standby;
  std::string node = ctx.options().node;
  for (auto& n : rt.spec().nodes)
    if (!n.standby_for.empty() && (node.empty() || n.standby_for == node)) {
      standby = n.id;
      node = n.standby_for;
      break;
    }
  if (node.empty())
    node = pick_node(ctx, "oms");
  auto& rep = ctx.report();
  rep.injected = "SIGKILL (no shutdown, no goodbye to peers)";
  rep.target = node;
  if (auto why = wait_for_full_mesh(ctx); !why.empty()) {
    rep.error = why;
    return;
  }
  auto peers_before = peer_counts(ctx, others(ctx, node));
  auto* proc = rt.process(node);
  std::string error;
  rep.injected_at_ms = ctx.since_ready_ms();
  auto t0 = clock_type::now();
  if (!proc || !signal_process(proc->pid, SIGKILL, error)) {
    rep.error = "cannot kill " + node + ": " + error;
    return;
  }
  ctx.event(node, "SIGKILL pid " + std::to_string(proc->pid));
  auto conds = detection_conditions(ctx, peers_before);
  auto rest = others(ctx, node);
  if (!standby.empty())
    conds.push_back([&] {
      auto v = ctx.view(standby);
      return v.ready && v.mode == "ACTIVE" && ctx.has_role(standby, "oms");
    });
  else
    conds.push_back([&] {
      for (auto& other : rest)
        if (ctx.view(other).level.rfind("2", 0) != 0)
          return false;
      return true;
    });
  auto seen = ctx.watch_all(conds, t0, ctx.options().observe);
  report_detection(ctx, node, peers_before, seen);
  if (standby.empty()) {
    // No standby: nobody owns the dead node's orders any more, so the
    // cluster halts at level 2 and cancels them at the venue
    // ([kill] required-roles, role-lost-halt-ms).
    auto halted = seen.back();
    if (halted)
      rep.measured_ms["cluster_halt_ms"] = *halted;
    std::string states;
    for (auto& other : rest) {
      auto v = ctx.view(other);
      states += (states.empty() ? "" : ", ") + other + " " + v.mode + " level " + v.level
                + (v.quorum_held ? " quorum held" : " quorum lost");
    }
    rep.expect("the cluster halts", "with no standby, every other node halts at level 2 (cancel all)",
               states + (halted ? ", after " + ms_text(halted) : ""), halted.has_value());
    auto before = ctx.venue().user_orders;
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    auto after = ctx.venue().user_orders;
    rep.expect("no trading after the halt", "no new order at the venue",
               std::to_string(after - before) + " new orders in 1 s", after == before);
    return;
  }
  auto took_over = seen.back();
  if (took_over) {
    rep.measured_ms["takeover_ms"] = *took_over;
    ctx.event(standby, "took over " + node + "'s roles, ready after " + std::to_string(*took_over) + " ms");
  }
  auto v = ctx.view(standby);
  rep.expect("standby takes over", standby + " runs " + node + "'s roles, reconciled and ACTIVE",
             took_over ? "ready and ACTIVE after " + ms_text(took_over)
                       : "mode " + v.mode + (v.cause.empty() ? "" : " cause " + v.cause),
             took_over.has_value());
  if (took_over)
    expect_orders_resume(ctx, t0, "orders_resumed_ms");
}

void drill_venue_disconnect(drill_context& ctx) {
  auto& rep = ctx.report();
  auto& rt = ctx.runtime();
  // Every connector of every node to the venue the fault is injected at
  // ([venue]; a [venue-N] process is not disconnected, its connectors stay).
  std::vector<std::string> gateways;
  std::map<std::string, std::vector<std::string>> connectors; // node -> its connector roles
  std::map<std::string, int64_t> reconnects_before;           // "<node>/<role>" -> count
  auto other_venue = [&](const std::string& role) {
    for (auto& v : rt.spec().more_venues)
      if (role == "connector." + v.name) // CAF-free: no registry.hpp
        return true;
    return false;
  };
  for (auto& n : rt.spec().nodes)
    for (auto& role : connector_roles(ctx, n.id))
      if (auto r = ctx.counter(n.id, role, "stream_reconnects"); r && !other_venue(role)) {
        if (connectors[n.id].empty())
          gateways.push_back(n.id);
        connectors[n.id].push_back(role);
        reconnects_before[n.id + "/" + role] = *r;
      }
  rep.injected = "POST /venue/faults ws-drop=true ws-api-drop=true (every market stream and "
                 "WebSocket API connection closed by the venue)";
  rep.target = "venue";
  if (gateways.empty()) {
    rep.error = "no node runs a connector";
    return;
  }
  rep.injected_at_ms = ctx.since_ready_ms();
  auto t0 = clock_type::now();
  auto answer = admin_request(rt.venue_port(), "POST", "/venue/faults?ws-drop=true&ws-api-drop=true");
  rep.expect("disconnect injected", "HTTP 200 from POST /venue/faults",
             "HTTP " + std::to_string(answer.status) + answer.error, answer.ok());
  if (!answer.ok())
    return;
  for (auto& g : gateways) {
    // Every connector of the node, watched together; the node's time is
    // its slowest connector's.
    std::vector<std::function<bool()>> conds;
    for (auto& role : connectors[g])
      conds.push_back([&, role] {
        auto r = ctx.counter(g, role, "stream_reconnects");
        auto c = ctx.counter(g, role, "stream_connected");
        return r && c && *r > reconnects_before[g + "/" + role] && *c == 1;
      });
    auto seen = ctx.watch_all(conds, t0, ctx.options().observe);
    std::optional<int64_t> back = 0;
    std::string still;
    for (size_t i = 0; i < seen.size(); ++i) {
      auto& role = connectors[g][i];
      if (seen[i]) {
        rep.measured_ms["reconnect_ms." + g + "." + role.substr(role.find('.') + 1)] = *seen[i];
        ctx.event(g, role + ": market stream reconnected after " + std::to_string(*seen[i])
                       + " ms");
      } else {
        still += (still.empty() ? "" : ", ") + role;
      }
      back = back && seen[i] ? std::optional<int64_t>(std::max(*back, *seen[i])) : std::nullopt;
    }
    if (back)
      rep.measured_ms["reconnect_ms." + g] = *back;
    rep.expect(g + " reconnects", "every connector reconnects its market stream",
               back ? "reconnected after " + ms_text(back) : "still disconnected: " + still,
               back.has_value());
    auto gaps = ctx.counter(g, "validator", "trade_id_gaps");
    auto missed = ctx.counter(g, "validator", "trade_ids_missed");
    auto v = ctx.view(g);
    rep.expect(g + " no silent gap",
               "the node stays ACTIVE; trades missed while away are counted by the validator",
               "mode " + v.mode + ", validator trade_id_gaps=" + (gaps ? std::to_string(*gaps) : "n/a")
                 + " trade_ids_missed=" + (missed ? std::to_string(*missed) : "n/a"),
               v.mode == "ACTIVE" && gaps.has_value() && missed.has_value());
  }
  expect_orders_resume(ctx, t0, "orders_resumed_ms");
}

void drill_partition(drill_context& ctx) {
  auto& rep = ctx.report();
  auto& rt = ctx.runtime();
  std::string node = ctx.options().node;
  if (node.empty())
    for (auto& n : rt.spec().nodes)
      if (connector_roles(ctx, n.id).empty() && !ctx.has_role(n.id, "oms") && n.standby_for.empty())
        node = n.id;
  if (node.empty())
    node = rt.spec().nodes.back().id;
  rep.injected = "every CAF link to and from the node cut at its TCP proxies (the node keeps "
                 "running, its admin port stays reachable)";
  rep.target = node;
  if (auto why = wait_for_full_mesh(ctx); !why.empty()) {
    rep.error = why;
    return;
  }
  auto rest = others(ctx, node);
  auto peers_before = peer_counts(ctx, rest);
  auto orders_at_injection = ctx.venue().user_orders;
  rep.injected_at_ms = ctx.since_ready_ms();
  auto t0 = clock_type::now();
  ctx.partition(node, true);
  ctx.event(node, "partitioned");
  auto conds = detection_conditions(ctx, peers_before);
  conds.push_back([&] { return ctx.view(node).halted(); });
  auto seen = ctx.watch_all(conds, t0, ctx.options().observe);
  auto halted = seen.back();
  seen.pop_back();
  auto v = ctx.view(node);
  if (halted) {
    rep.measured_ms["self_halt_ms"] = *halted;
    ctx.event(node, "halted itself after " + std::to_string(*halted) + " ms (cause " + v.cause + ")");
  }
  rep.expect("partitioned node halts itself", node + " leaves ACTIVE (quorum lost)",
             halted ? "mode " + v.mode + " cause " + v.cause + " after " + ms_text(halted)
                    : "still " + v.mode,
             halted.has_value());
  report_detection(ctx, node, peers_before, seen);
  for (auto& other : rest) {
    auto o = ctx.view(other);
    rep.expect(other + " keeps the quorum", other + " holds the quorum and stays ACTIVE",
               std::string("quorum ") + (o.quorum_held ? "held" : "lost") + ", mode " + o.mode,
               o.quorum_held && o.mode == "ACTIVE");
  }
  expect_orders_resume(ctx, t0, "orders_after_partition_ms", orders_at_injection);
  // Healed: the links come back, the node stays halted until an operator resets it.
  auto t1 = clock_type::now();
  ctx.partition(node, false);
  ctx.event(node, "links healed");
  auto rejoined = ctx.wait_for(
    [&] {
      auto p = ctx.counter(node, "supervisor", "peers");
      return p && *p == static_cast<int64_t>(rest.size());
    },
    t1, ctx.options().observe);
  if (rejoined)
    rep.measured_ms["rejoin_ms"] = *rejoined;
  auto after = ctx.view(node);
  rep.expect("healed node stays halted", node + " rejoins its peers and stays halted until a reset",
             std::string(rejoined ? "rejoined after " + ms_text(rejoined) : "not rejoined") + ", mode "
               + after.mode,
             rejoined.has_value() && after.halted());
}

} // namespace cwts::cluster
