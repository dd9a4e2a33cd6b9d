// The drills that send signed commands to the nodes' admin ports
// (docs/operations.md "Drills"): `byzantine` (forged, decoy, node-key,
// foreign-cluster, overflowing-epoch and replayed commands, then the genuine
// ones) and `forged-reset`.
#include "nodes/cluster/drill_scenarios.hpp"

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <limits>
#include <thread>

#include "actors/kill/kill_auth.hpp"
#include "nodes/admin/operator_api.hpp"
#include "nodes/cluster/admin_probe.hpp"
#include "nodes/cluster/drill_steps.hpp"
#include "nodes/cluster/listening_ports.hpp"
#include "nodes/console/signed_command.hpp"

namespace cwts::cluster {

namespace {

using clock_type = drill_context::clock_type;

// A genuine operator key (--operator, --key-file), or nullopt with the
// report's error set.
std::optional<ed25519_signer> operator_key(drill_context& ctx) {
  std::string error;
  if (ctx.options().key_file.empty() || ctx.options().operator_name.empty()) {
    ctx.report().error = "this drill needs --operator=NAME --key-file=PEM (an operator with the "
                         "kill and reset roles)";
    return std::nullopt;
  }
  auto key = ed25519_signer::from_pem_file(ctx.options().key_file, error);
  if (!key)
    ctx.report().error = "--key-file: " + error;
  return key;
}

std::string answer_text(const http_answer& a) {
  return "HTTP " + std::to_string(a.status) + " " + (a.status ? a.body : a.error);
}

uint16_t admin_port_of(drill_context& ctx, const std::string& node);

// What a command to `node` is signed for (its cluster, epoch and halt), read
// off the node itself; the defaults when it cannot be read (the command is
// then refused by the node, with the reason in the report).
console::command_target target_of(drill_context& ctx, const std::string& node) {
  std::string why;
  console::admin_client client{{"127.0.0.1", admin_port_of(ctx, node)}};
  auto t = console::fetch_target(client, why);
  if (!t)
    ctx.event(node, "cannot read the command target: " + why);
  return t ? *t : console::command_target{};
}

uint16_t admin_port_of(drill_context& ctx, const std::string& node) {
  return ctx.runtime().spec().node(node)->admin_port;
}

// Every node in `mode_wanted` (ACTIVE or halted): the ms since t0, or nullopt.
std::optional<int64_t> wait_all(drill_context& ctx, bool halted, clock_type::time_point t0) {
  return ctx.wait_for(
    [&] {
      for (auto& n : ctx.runtime().spec().nodes) {
        auto v = ctx.view(n.id);
        if (v.mode.empty() || v.halted() != halted)
          return false;
      }
      return true;
    },
    t0, ctx.options().observe);
}

std::string modes(drill_context& ctx) {
  std::string out;
  for (auto& n : ctx.runtime().spec().nodes) {
    auto v = ctx.view(n.id);
    out += (out.empty() ? "" : ", ") + n.id + " " + (v.mode.empty() ? "?" : v.mode);
  }
  return out;
}

// A command that must be refused: 403 whose error names `reason_part`.
void expect_refused(drill_context& ctx, const std::string& node, const std::string& name,
                    const std::string& target, const std::string& body,
                    const std::string& reason_part) {
  auto a = admin_request(admin_port_of(ctx, node), "POST", target, body, std::chrono::seconds(20));
  ctx.event(node, name + ": " + answer_text(a));
  ctx.report().expect(name + " refused", "HTTP 403 naming '" + reason_part + "'", answer_text(a),
                      a.status == 403 && a.body.find(reason_part) != std::string::npos);
}

// Replaces the "reason" value of a signed JSON body: the signature no longer
// matches what it says.
std::string tamper_reason(std::string body) {
  auto k = body.find("\"reason\":\"");
  if (k == std::string::npos)
    return body;
  auto start = k + 10;
  auto end = body.find('"', start);
  return body.replace(start, end - start, "tampered after signing");
}


// Where the node key of `node` is: its [node.<id>] key-file, else the
// --kill.node-key-file of its args or the cluster's node-args (<node-id>
// replaced), else nodes/node-<id>.pem beside the operator key's folder (the
// layout `cwts keys` makes: <out>/operators/<name>.pem, <out>/nodes/).
std::string node_key_file(drill_context& ctx, const node_spec& spec) {
  if (!spec.key_file.empty())
    return spec.key_file;
  const std::string flag = "--kill.node-key-file=";
  std::string file;
  for (auto* args : {&ctx.runtime().spec().node_args, &spec.args})
    for (auto& a : *args)
      if (a.rfind(flag, 0) == 0)
        file = a.substr(flag.size());
  if (file.empty())
    return std::filesystem::path(ctx.options().key_file).parent_path().parent_path()
           / "nodes" / ("node-" + spec.id + ".pem");
  if (auto at = file.find("<node-id>"); at != std::string::npos)
    file.replace(at, 9, spec.id);
  return file;
}

// The node key of `node` (name and signer), or nullopt (the reason as an
// event): what an attacker holding that node's key signs with.
std::optional<std::pair<std::string, ed25519_signer>> node_key(drill_context& ctx,
                                                               const std::string& node) {
  auto* spec = ctx.runtime().spec().node(node);
  if (!spec) {
    ctx.event(node, "no such node in the cluster config");
    return std::nullopt;
  }
  auto file = node_key_file(ctx, *spec);
  std::string error;
  auto key = ed25519_signer::from_pem_file(file, error);
  if (!key) {
    ctx.event(node, "node key " + file + ": " + error);
    return std::nullopt;
  }
  return std::make_pair(spec->key_name.empty() ? "node-" + spec->id : spec->key_name, std::move(*key));
}

// `cmd` under another id, signed again by `key`.
kill_command with_id(kill_command cmd, const kill_id& id, const ed25519_signer& key) {
  cmd.id = id;
  sign(cmd, key);
  return cmd;
}

// Issue 17 #4: a cluster-wide kill signed by one node's key alone, sent to
// every node, stays pending (n >= 3 needs another member's signature).
void node_key_cluster_kill(drill_context& ctx, const std::string& node) {
  auto key = node_key(ctx, node);
  if (!key) {
    ctx.report().expect("node-key cluster kill refused", "a node key in the cluster config",
                        "no key for " + node, false);
    return;
  }
  auto body = admin::to_json(console::signed_kill(key->first, key->second, kill_level::cancel_all,
                                                  kill_scope::cluster, "",
                                                  "byzantine drill: one node halts the cluster",
                                                  target_of(ctx, node)));
  bool all = true;
  std::string seen;
  for (auto& n : ctx.runtime().spec().nodes) {
    auto a = admin_request(admin_port_of(ctx, n.id), "POST", "/api/kill", body, std::chrono::seconds(20));
    ctx.event(n.id, "node-key cluster kill: " + answer_text(a));
    bool refused = a.status == 403 && (a.body.find("member signatures") != std::string::npos
                                       || a.body.find("may halt only its own node") != std::string::npos);
    all = all && refused;
    seen += (seen.empty() ? "" : ", ") + n.id + " HTTP " + std::to_string(a.status);
  }
  ctx.report().expect("node-key cluster kill refused",
                      "HTTP 403 on every node: pending, short of member signatures",
                      seen, all && ctx.runtime().spec().nodes.size() >= 3);
}

// The value of `key=` in the last line of `file` that contains `marker`.
std::string last_logged(const std::string& file, const std::string& marker, const std::string& key) {
  std::ifstream in(file);
  std::string line, value;
  while (std::getline(in, line)) {
    if (line.find(marker) == std::string::npos)
      continue;
    auto at = line.find(" " + key + "=");
    if (at == std::string::npos)
      continue;
    auto start = at + key.size() + 2;
    value = line.substr(start, line.find(' ', start) - start);
  }
  return value;
}

// Issue 17 #6: a local process without a certificate reaches no node's
// actors. Each node listens on its cluster port (TLS only: a plain client is
// hung up on), its admin port and, with the kill fan-out on, the fan-out
// port it logged (node-key handshake before any kill frame,
// docs/kill-switch.md "Direct fan-out"), nothing else; CAF's own socket is a
// Unix socket only the node's user may open.
void expect_actor_ports_closed(drill_context& ctx) {
  auto& rt = ctx.runtime();
  for (auto& n : rt.spec().nodes) {
    auto* proc = rt.process(n.id);
    if (!proc || proc->pid <= 0) {
      ctx.report().expect(n.id + ": no plain CAF port", "a running node", "not running", false);
      continue;
    }
    auto ports = listening_tcp_ports(proc->pid);
    std::string listed;
    for (auto p : ports)
      listed += (listed.empty() ? "" : ",") + std::to_string(p);
    auto plain = plain_client_outcome(proc->port, std::chrono::seconds(5));
    auto socket = last_logged(proc->log, "event=published", "caf_socket");
    struct stat st {};
    bool private_socket = !socket.empty() && ::stat(socket.c_str(), &st) == 0
                          && S_ISSOCK(st.st_mode) && (st.st_mode & 0077) == 0;
    ctx.event(n.id, "listening tcp=" + listed + " plain client on " + std::to_string(proc->port)
                      + ": " + plain + " caf_socket=" + (socket.empty() ? "-" : socket));
    std::set<uint16_t> allowed{proc->port, proc->admin_port};
    auto fanout = last_logged(proc->log, "event=kill_fanout_listening", "port");
    std::string allowed_text = std::to_string(proc->port) + "," + std::to_string(proc->admin_port);
    if (!fanout.empty()) {
      allowed.insert(static_cast<uint16_t>(std::stoul(fanout)));
      allowed_text += "," + fanout + " (kill fan-out)";
    }
    ctx.report().expect(
      n.id + ": no plain CAF port",
      "TCP ports " + allowed_text + " only; a plain client hung up on; CAF on an owner-only Unix socket",
      "TCP ports " + listed + "; plain client: " + plain + "; CAF socket "
        + (socket.empty() ? "none logged" : socket + (private_socket ? " (owner-only)" : " (open)")),
      rt.spec().tls && ports == allowed && plain == "closed" && private_socket);
  }
}

} // namespace

void drill_byzantine(drill_context& ctx) {
  auto key = operator_key(ctx);
  if (!key)
    return;
  auto& rep = ctx.report();
  auto node = pick_node(ctx, "oms");
  auto& op = ctx.options().operator_name;
  rep.injected = "POST /api/kill signed by a key not listed for " + op + ", altered after signing, "
                 "by an unknown operator, for another cluster, by one node's key for the cluster, "
                 "a node key's decoy under the id of the genuine kill; a reset for epoch INT64_MAX; "
                 "replays of the genuine kill and reset; a plain (certificate-less) client on every "
                 "node's ports";
  rep.target = node;
  // Every node votes on the resets below: all must be linked first.
  if (auto why = wait_for_full_mesh(ctx); !why.empty()) {
    rep.error = why;
    return;
  }
  auto orders_at_injection = ctx.venue().user_orders;
  rep.injected_at_ms = ctx.since_ready_ms();
  auto t0 = clock_type::now();
  auto target = target_of(ctx, node);
  expect_actor_ports_closed(ctx);
  auto forger = ed25519_signer::generate();
  expect_refused(ctx, node, "kill signed by another key", "/api/kill",
                 console::kill_body(op, forger, kill_level::cancel_all, kill_scope::cluster, "", "forged", target),
                 "signature");
  expect_refused(ctx, node, "kill altered after signing", "/api/kill",
                 tamper_reason(console::kill_body(op, *key, kill_level::cancel_all, kill_scope::cluster,
                                                  "", "genuine text", target)),
                 "signature");
  expect_refused(ctx, node, "kill by an unknown operator", "/api/kill",
                 console::kill_body("mallory", *key, kill_level::cancel_all, kill_scope::cluster, "",
                                    "who is mallory", target),
                 "mallory");
  auto foreign = target;
  foreign.cluster = target.cluster + "-elsewhere";
  expect_refused(ctx, node, "kill for another cluster", "/api/kill",
                 console::kill_body(op, *key, kill_level::cancel_all, kill_scope::cluster, "",
                                    "signed for another cluster", foreign),
                 "is for cluster '" + foreign.cluster + "'");
  node_key_cluster_kill(ctx, node);
  // Issue 17 #1: a decoy under the id the genuine kill will carry, signed
  // by another node's key for a node that does not exist.
  auto genuine_cmd = console::signed_kill(op, *key, kill_level::halt_new_orders, kill_scope::cluster, "",
                                          "byzantine drill: genuine kill", target);
  std::string decoy_node;
  for (auto& n : ctx.runtime().spec().nodes)
    if (n.id != node && decoy_node.empty())
      decoy_node = n.id;
  if (auto dk = decoy_node.empty() ? std::nullopt : node_key(ctx, decoy_node)) {
    auto decoy = with_id(console::signed_kill(dk->first, dk->second, kill_level::halt_new_orders,
                                              kill_scope::node, "nobody", "decoy", target),
                         genuine_cmd.id, dk->second);
    expect_refused(ctx, node, "node key's decoy under the genuine kill's id", "/api/kill",
                   admin::to_json(decoy), "may halt only its own node");
  } else {
    rep.expect("node key's decoy refused", "a second node with a key", "none", false);
  }
  auto still = modes(ctx);
  rep.expect("nothing halts on forged commands", "every node ACTIVE", still,
             still.find("HALTED") == std::string::npos && still.find('?') == std::string::npos);
  // The genuine kill (the decoy's id), a reset for an overflowing epoch, the
  // genuine reset, then the same kill and reset again.
  auto genuine = admin::to_json(genuine_cmd);
  auto t1 = clock_type::now();
  auto k = admin_request(admin_port_of(ctx, node), "POST", "/api/kill", genuine, std::chrono::seconds(20));
  ctx.event(node, "genuine kill: HTTP " + std::to_string(k.status));
  auto halted = wait_all(ctx, true, t1);
  if (halted)
    rep.measured_ms["genuine_halt_ms"] = *halted;
  rep.expect("a genuine kill halts everywhere (the decoy took its id)", "HTTP 200, every node halted",
             "HTTP " + std::to_string(k.status) + ", " + modes(ctx), k.ok() && halted.has_value());
  auto overflow = console::signed_reset(op, *key, "byzantine drill: epoch overflow", target_of(ctx, node));
  overflow.epoch = std::numeric_limits<int64_t>::max();
  sign(overflow, *key);
  auto o = admin_request(admin_port_of(ctx, node), "POST", "/api/reset", admin::to_json(overflow),
                         std::chrono::seconds(20));
  ctx.event(node, "epoch-overflow reset: " + answer_text(o));
  size_t noes = 0;
  for (auto at = o.body.find("is more than 1000000 above"); at != std::string::npos;
       at = o.body.find("is more than 1000000 above", at + 1))
    ++noes;
  auto after_overflow = modes(ctx);
  rep.expect("a reset for epoch INT64_MAX is voted down",
             "HTTP 409, every node votes no naming the epoch, every node still halted",
             "HTTP " + std::to_string(o.status) + ", " + std::to_string(noes) + " such no votes, "
               + after_overflow,
             o.status == 409 && noes == ctx.runtime().spec().nodes.size()
               && after_overflow.find("ACTIVE") == std::string::npos);
  auto t2 = clock_type::now();
  auto reset = console::reset_body(op, *key, "byzantine drill: genuine reset", target_of(ctx, node));
  auto r = admin_request(admin_port_of(ctx, node), "POST", "/api/reset", reset, std::chrono::seconds(20));
  ctx.event(node, "genuine reset: HTTP " + std::to_string(r.status));
  auto resumed = wait_all(ctx, false, t2);
  if (resumed)
    rep.measured_ms["reset_resume_ms"] = *resumed;
  rep.expect("a genuine reset resumes", "HTTP 200, every node ACTIVE",
             "HTTP " + std::to_string(r.status) + ", " + modes(ctx), r.ok() && resumed.has_value());
  expect_refused(ctx, node, "replayed genuine kill", "/api/kill", genuine, "duplicate");
  expect_refused(ctx, node, "replayed genuine reset", "/api/reset", reset, "replayed reset id");
  auto after = modes(ctx);
  rep.expect("the replays change nothing", "every node still ACTIVE", after,
             after.find("HALTED") == std::string::npos && after.find('?') == std::string::npos);
  expect_orders_resume(ctx, t0, "orders_after_ms", orders_at_injection);
}

void drill_forged_reset(drill_context& ctx) {
  auto key = operator_key(ctx);
  if (!key)
    return;
  auto& rep = ctx.report();
  auto node = pick_node(ctx, "oms");
  auto& op = ctx.options().operator_name;
  rep.injected = "a genuine level-2 kill, then POST /api/reset signed by a key not listed for " + op
                 + " and one by an unknown operator, then a genuine reset";
  rep.target = node;
  rep.injected_at_ms = ctx.since_ready_ms();
  auto t0 = clock_type::now();
  auto k = admin_request(admin_port_of(ctx, node), "POST", "/api/kill",
                         console::kill_body(op, *key, kill_level::cancel_all, kill_scope::cluster, "",
                                            "forged-reset drill", target_of(ctx, node)),
                         std::chrono::seconds(20));
  ctx.event(node, "genuine kill: " + answer_text(k).substr(0, 200));
  auto halted = wait_all(ctx, true, t0);
  if (halted)
    rep.measured_ms["halt_ms"] = *halted;
  rep.expect("the kill halts every node", "HTTP 200, every node halted",
             "HTTP " + std::to_string(k.status) + ", " + modes(ctx), k.ok() && halted.has_value());
  auto orders_halted = ctx.venue().user_orders;
  auto forger = ed25519_signer::generate();
  expect_refused(ctx, node, "reset signed by another key", "/api/reset",
                 console::reset_body(op, forger, "forged reset", target_of(ctx, node)), "signature");
  expect_refused(ctx, node, "reset by an unknown operator", "/api/reset",
                 console::reset_body("mallory", *key, "forged reset", target_of(ctx, node)), "mallory");
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  auto still = modes(ctx);
  auto orders_now = ctx.venue().user_orders;
  rep.expect("the cluster stays halted", "every node still halted and no new order at the venue",
             still + "; venue orders " + std::to_string(orders_halted) + " -> " + std::to_string(orders_now),
             still.find("ACTIVE") == std::string::npos && orders_now == orders_halted);
  auto t1 = clock_type::now();
  auto r = admin_request(admin_port_of(ctx, node), "POST", "/api/reset",
                         console::reset_body(op, *key, "forged-reset drill over", target_of(ctx, node)), std::chrono::seconds(20));
  ctx.event(node, "genuine reset: HTTP " + std::to_string(r.status));
  auto resumed = wait_all(ctx, false, t1);
  if (resumed)
    rep.measured_ms["resume_ms"] = *resumed;
  rep.expect("a genuine reset resumes", "HTTP 200 with the quorum's votes, every node ACTIVE",
             "HTTP " + std::to_string(r.status) + ", " + modes(ctx), r.ok() && resumed.has_value());
  if (resumed)
    expect_orders_resume(ctx, t1, "orders_resumed_ms");
}

} // namespace cwts::cluster
