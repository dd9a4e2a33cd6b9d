// Issue 17 findings 1, 3, 4 and 8 as an attacker tried them, against real
// processes on loopback (docs/kill-switch.md "Threat model"). Every node is
// a witness (kill coordinator only), so no venue is needed; commands are
// built with nodes/console/signed_command.hpp and posted to the node's admin
// port as `cwts console` and the drills post them, except the forged
// cosignature, which the JSON body cannot carry: it goes over CAF as
// `cwts kill` sends a kill.
//
// 1. node_key_kills_change_nothing_and_the_operator_kill_with_the_same_id_halts_all
//    (#4, #1): on gw1, tr1, w1 (n = 3: a node-raised cluster kill needs 2
//    member signatures) a level-2 cluster kill signed with gw1's node key
//    and no cosignature, sent to every node, stays pending everywhere; one
//    with a forged cosignature in tr1's name too; a decoy signed with gw1's
//    node key (level 1, scope node=nobody, id X) is refused; tr1's node key
//    halting its own node with id X is applied on tr1 only; then alice's
//    level-2 cluster kill with the same id X halts all three (before: refused
//    everywhere as `duplicate kill id`).
// 2. replayed_reset_and_kill_after_a_restart_are_refused (#3): one node is
//    killed, reset, killed again by a new kill, stopped and restarted (comes
//    back HALTED); the first reset's bytes replayed are refused and the node
//    stays HALTED; the first kill's bytes are refused as duplicate.
// 3. an_overflowing_epoch_is_voted_down_and_a_foreign_cluster_refused (#8):
//    a reset signed for epoch INT64_MAX is voted no by every node, naming
//    the epoch; a genuine reset then resumes all three; a kill and a reset
//    signed for another cluster id are refused.
//
// No assertion is timed; every wait is for a state or a counter, bounded.
#define CAF_SUITE node_kill_attack
#include "tests/support/unit_test.hpp"

#include <cstdint>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <memory>
#include <optional>

#include "caf/all.hpp"
#include "caf/io/all.hpp"

#include "actors/kill/kill_auth.hpp"
#include "messages/registry.hpp"
#include "nodes/admin/operator_api.hpp"
#include "nodes/console/signed_command.hpp"
#include "tests/integration/node/kill_cli.hpp"
#include "tests/integration/node/stop_node.hpp"
#include "tests/integration/support/cluster.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {


size_t count_of(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size()))
    ++n;
  return n;
}

// An operators file in the test folder: this process's alice (every role)
// and the node keys of `nodes`, with a window wide enough that a replay after
// a restart on a loaded machine is refused for what it is, not for its age.
std::string write_operators(const cluster_paths& paths, const std::string& dir,
                            std::initializer_list<std::string> nodes) {
  std::string text = "[operators]\nwindow-seconds = 300\n\n[operator.alice]\npublic-key-file = \""
                     + paths.operator_public_key("alice")
                     + "\"\nroles = \"risk-officer,operations,kill,kill-full,reset\"\n";
  for (auto& id : nodes)
    text += "\n[operator.node-" + id + "]\npublic-key-file = \"" + paths.node_public_key(id)
            + "\"\nroles = \"kill\"\nnode = \"" + id + "\"\n";
  auto file = dir + "/operators.ini";
  std::ofstream(file) << text;
  return file;
}

struct witness {
  std::string id;
  uint16_t port = free_port();
  uint16_t admin = free_port();
  std::vector<std::string> argv{};
  std::unique_ptr<child_process> proc{};

  console::admin_client client() const { return console::admin_client{{"127.0.0.1", admin}}; }
};

// A witness cluster of `ids` in `dir`, each node a peer of the others, all
// of them the members.
struct witness_cluster {
  cluster_paths paths = cluster_paths::from_env();
  std::string dir;
  std::vector<witness> nodes;

  witness_cluster(const std::string& name, std::initializer_list<std::string> ids)
    : dir(make_test_dir(name)) {
    CAF_REQUIRE_EQUAL(paths.missing(), "");
    CAF_MESSAGE("logs in " << dir);
    for (auto& id : ids)
      nodes.push_back(witness{id});
    auto operators = write_operators(paths, dir, ids);
    std::string members;
    for (auto& n : nodes)
      members += (members.empty() ? "\"" : ",\"") + n.id + "\"";
    for (auto& n : nodes) {
      std::string peers;
      for (auto& p : nodes)
        if (p.id != n.id)
          peers += (peers.empty() ? "\"" : ",\"") + p.id + "@127.0.0.1:" + std::to_string(p.port) + "\"";
      n.argv = node_argv(paths, "node-gateway.ini", 1, n.port,
                         {"--cwts.node-id=" + n.id, "--cwts.roles=[\"witness\"]",
                          "--cluster.peers=[" + peers + "]", "--cluster.members=[" + members + "]",
                          "--cluster.connect-timeout-ms=2000", "--kill.heartbeat-interval-ms=100",
                          "--kill.quorum-timeout-ms=600000", "--operators.file=" + operators,
                          "--admin.port=" + std::to_string(n.admin)});
      start(n);
    }
  }

  void start(witness& n) {
    n.proc.reset();
    n.proc = std::make_unique<child_process>(n.id, n.argv, dir, dir);
  }

  witness& node(const std::string& id) {
    for (auto& n : nodes)
      if (n.id == id)
        return n;
    CAF_FAIL("no node " << id);
    return nodes.front();
  }

  std::string logs() {
    std::string out;
    for (auto& n : nodes)
      if (n.proc)
        out += n.id + " stderr:\n" + tail(n.proc->err(), 2500) + "\n";
    return out;
  }

  // Every node wired to the n-1 others.
  void require_wired() {
    for (auto& n : nodes) {
      auto want = static_cast<int64_t>(nodes.size() - 1);
      auto st = wait_for_status(
        paths, dir, n.port,
        [want](const node_status_view& s) { return s.counter("kill", "peers").value_or(-1) == want; },
        40s);
      if (!st.met)
        CAF_MESSAGE(n.id << " not wired:\n" << st.last.text << logs());
      CAF_REQUIRE(st.met);
    }
    // One connection per pair: each link dialled by the member whose id
    // sorts first (gw1 < tr1 < w1; nodes/node/cluster_link.hpp), the other
    // side seeing it come in. Two dialling each other at once left every
    // message of one of them arriving without a sender (stop 40's flaky run).
    for (auto& n : nodes)
      for (auto& p : nodes) {
        if (p.id == n.id)
          continue;
        auto by = std::string(n.id < p.id ? "dialled_by=us" : "dialled_by=peer");
        auto line = n.proc->wait_for_line(
          stream::err,
          [&](const std::string& l) {
            return has(l, "event=peer_connected node=" + p.id + " ") && has(l, by);
          },
          20s);
        if (!line)
          CAF_MESSAGE(n.id << " logged no link to " << p.id << " with " << by << ":\n" << logs());
        CAF_CHECK(line.has_value());
      }
    CAF_CHECK(!has(node("gw1").proc->err(), "dialled_by=peer")); // sorts first: dials both
    CAF_CHECK(!has(node("w1").proc->err(), "dialled_by=us"));     // sorts last: dials neither
  }

  status_wait wait(const std::string& id, const std::function<bool(const node_status_view&)>& pred) {
    auto st = wait_for_status(paths, dir, node(id).port, pred, 30s);
    if (!st.met)
      CAF_MESSAGE(id << ": last status:\n" << st.last.text << logs());
    return st;
  }

  std::string mode(const std::string& id) { return query_status(paths, dir, node(id).port).mode; }

  std::string halt_state(const std::string& id) { return read_file(dir + "/run/" + id + "-halt.state"); }
};

std::optional<ed25519_signer> load_key(const std::string& file) {
  std::string error;
  auto key = ed25519_signer::from_pem_file(file, error);
  if (!key)
    CAF_MESSAGE(file << ": " << error);
  return key;
}

console::command_target target_of(const witness& n) {
  std::string error;
  auto t = console::fetch_target(n.client(), error);
  if (!t)
    CAF_FAIL("GET /api/nodes of " << n.id << ": " << error);
  return *t;
}

// `cmd` with its id replaced, signed again by `key`.
kill_command with_id(kill_command cmd, const std::string& id, const ed25519_signer& key) {
  cmd.id = kill_id{id};
  sign(cmd, key);
  return cmd;
}

console::admin_response post(const witness& n, const std::string& path, const std::string& body) {
  auto r = n.client().post(path, body);
  CAF_MESSAGE("POST " << path << " to " << n.id << ": " << r.status << " " << r.body << r.error);
  return r;
}

// A CAF client of the node's kill coordinator, as `cwts kill` is.
struct caf_client_config : caf::actor_system_config {
  caf_client_config() {
    register_message_types(*this);
    load<caf::io::middleman>();
  }
};

std::optional<kill_report> send_over_caf(caf::actor_system& sys, uint16_t port, const kill_command& cmd) {
  auto remote = sys.middleman().remote_actor("127.0.0.1", port);
  if (!remote) {
    CAF_MESSAGE("remote_actor 127.0.0.1:" << port << ": " << sys.render(remote.error()));
    return std::nullopt;
  }
  caf::scoped_actor self{sys};
  std::optional<caf::actor> kill;
  self->request(*remote, 5s, directory_atom::value)
    .receive([&](const std::string&, const role_directory& dir) { kill = find_role(dir, "kill"); },
             [&](caf::error& err) { CAF_MESSAGE("directory: " << sys.render(err)); });
  if (!kill || !*kill)
    return std::nullopt;
  std::optional<kill_report> out;
  self->request(*kill, 20s, cmd).receive([&](const kill_report& r) { out = r; },
                                         [&](caf::error& err) { CAF_MESSAGE("kill: " << sys.render(err)); });
  return out;
}

} // namespace

CAF_TEST(node_key_kills_change_nothing_and_the_operator_kill_with_the_same_id_halts_all) {
  witness_cluster c("node_kill_attack_node_keys", {"gw1", "tr1", "w1"});
  c.require_wired();
  auto alice = load_key(c.paths.operator_key("alice"));
  auto gw1_key = load_key(c.paths.node_key("gw1"));
  auto tr1_key = load_key(c.paths.node_key("tr1"));
  CAF_REQUIRE(alice && gw1_key && tr1_key);
  auto target = target_of(c.node("gw1"));

  // #4: gw1's node key alone halts no cluster: pending on every node.
  auto rogue = console::signed_kill("node-gw1", *gw1_key, kill_level::cancel_all, kill_scope::cluster,
                                    "", "compromised gw1 halts the cluster", target);
  auto rogue_body = admin::to_json(rogue);
  for (auto& n : c.nodes) {
    auto r = post(n, "/api/kill", rogue_body);
    CAF_CHECK_EQUAL(r.status, 403);
    CAF_CHECK(has(r.body, "cluster-wide kill raised by a node: 1 of 2 member signatures"));
  }
  // The same with a forged cosignature in tr1's name (random bytes, and
  // one made with gw1's own key), over CAF: the JSON body has no
  // cosignatures.
  auto forged = console::signed_kill("node-gw1", *gw1_key, kill_level::cancel_all, kill_scope::cluster,
                                     "", "compromised gw1 forges tr1's endorsement", target);
  forged.cosignatures.push_back(kill_cosignature{node_id{"tr1"}, std::vector<uint8_t>(64, 0x5a)});
  {
    caf_client_config cfg;
    caf::actor_system sys{cfg};
    auto r = send_over_caf(sys, c.node("w1").port, forged);
    CAF_REQUIRE(r.has_value());
    CAF_MESSAGE("forged cosignature (random): error=\"" << r->error << "\" acks=" << r->acks.size());
    CAF_CHECK(has(r->error, "1 of 2 member signatures"));
    CAF_CHECK(r->acks.empty());
    auto by_gw1 = console::signed_kill("node-gw1", *gw1_key, kill_level::cancel_all,
                                       kill_scope::cluster, "", "gw1 cosigns as tr1", target);
    cosign(by_gw1, node_id{"tr1"}, *gw1_key); // tr1's name, gw1's key
    auto r2 = send_over_caf(sys, c.node("tr1").port, by_gw1);
    CAF_REQUIRE(r2.has_value());
    CAF_MESSAGE("forged cosignature (gw1's key): error=\"" << r2->error << "\"");
    CAF_CHECK(has(r2->error, "1 of 2 member signatures"));
    CAF_CHECK(r2->acks.empty());
  }
  for (auto& n : c.nodes) {
    auto st = c.wait(n.id, [](const node_status_view& s) {
      return s.counter("kill", "kills_pending").value_or(0) >= 1;
    });
    CAF_CHECK(st.met);
    CAF_CHECK_EQUAL(st.last.mode, "ACTIVE");
    CAF_CHECK_EQUAL(st.last.counter("kill", "applied").value_or(-1), 0);
  }

  // #1: a decoy under id X, signed by gw1's node key for a node that does
  // not exist: refused.
  const std::string x = console::new_command_id("k-decoy-");
  auto decoy = with_id(console::signed_kill("node-gw1", *gw1_key, kill_level::halt_new_orders,
                                            kill_scope::node, "nobody", "decoy", target),
                       x, *gw1_key);
  auto d = post(c.node("gw1"), "/api/kill", admin::to_json(decoy));
  CAF_CHECK_EQUAL(d.status, 403);
  CAF_CHECK(has(d.body, "may halt only its own node"));
  // tr1's node key halting its own node under the same id X: applied on tr1.
  auto own = with_id(console::signed_kill("node-tr1", *tr1_key, kill_level::halt_new_orders,
                                          kill_scope::node, "tr1", "tr1 halts itself", target),
                     x, *tr1_key);
  auto o = post(c.node("tr1"), "/api/kill", admin::to_json(own));
  CAF_CHECK_EQUAL(o.status, 200);
  CAF_CHECK(c.wait("tr1", [](const node_status_view& s) { return s.mode == "HALTED"; }).met);
  CAF_CHECK_EQUAL(c.mode("gw1"), "ACTIVE");
  CAF_CHECK_EQUAL(c.mode("w1"), "ACTIVE");

  // alice's real level-2 cluster kill with the same id X halts every node.
  auto genuine = with_id(console::signed_kill("alice", *alice, kill_level::cancel_all,
                                              kill_scope::cluster, "", "the operator's kill", target),
                         x, *alice);
  auto g = post(c.node("gw1"), "/api/kill", admin::to_json(genuine));
  CAF_CHECK_EQUAL(g.status, 200);
  CAF_CHECK(!has(g.body, "duplicate"));
  for (auto& n : c.nodes) {
    auto st = c.wait(n.id, [](const node_status_view& s) {
      return s.mode == "HALTED" && s.counter("kill", "gate_level").value_or(0) == 2;
    });
    CAF_CHECK(st.met);
    CAF_CHECK(has(c.halt_state(n.id), "level=2"));
    CAF_CHECK(has(c.halt_state(n.id), "cause=" + x));
  }
  // Audited: gw1's log holds the refused decoy and the accepted kill.
  auto log = read_file(c.dir + "/run/gw1-kill-audit.log");
  CAF_CHECK(has(log, "issuer=node-gw1") && has(log, "verdict=refused"));
  CAF_CHECK(has(log, "issuer=alice") && has(log, "verdict=accepted"));
  for (auto& n : c.nodes)
    CWTS_STOP_NODE(*n.proc);
}

CAF_TEST(replayed_reset_and_kill_after_a_restart_are_refused) {
  witness_cluster c("node_kill_attack_replay", {"gw1"});
  auto& n = c.node("gw1");
  CAF_REQUIRE(c.wait("gw1", [](const node_status_view& s) { return s.mode == "ACTIVE"; }).met);
  auto alice = load_key(c.paths.operator_key("alice"));
  CAF_REQUIRE(alice.has_value());

  auto kill1 = console::kill_body("alice", *alice, kill_level::halt_new_orders, kill_scope::cluster, "",
                                  "first kill", target_of(n));
  CAF_REQUIRE_EQUAL(post(n, "/api/kill", kill1).status, 200);
  CAF_REQUIRE(c.wait("gw1", [](const node_status_view& s) { return s.mode == "HALTED"; }).met);
  auto reset1 = console::reset_body("alice", *alice, "first reset", target_of(n));
  CAF_REQUIRE_EQUAL(post(n, "/api/reset", reset1).status, 200);
  CAF_REQUIRE(c.wait("gw1", [](const node_status_view& s) { return s.mode == "ACTIVE"; }).met);
  auto kill2 = console::kill_body("alice", *alice, kill_level::halt_new_orders, kill_scope::cluster, "",
                                  "second kill", target_of(n));
  CAF_REQUIRE_EQUAL(post(n, "/api/kill", kill2).status, 200);
  CAF_REQUIRE(c.wait("gw1", [](const node_status_view& s) { return s.mode == "HALTED"; }).met);

  // Stopped and restarted on the same folder: it comes back HALTED.
  CWTS_STOP_NODE(*n.proc);
  c.start(n);
  CAF_REQUIRE(n.proc->started());
  auto back = c.wait("gw1", [](const node_status_view& s) { return !s.mode.empty(); });
  CAF_REQUIRE(back.met);
  CAF_CHECK_EQUAL(back.last.mode, "HALTED");

  // The first reset, byte for byte: refused, the node stays HALTED.
  auto r = post(n, "/api/reset", reset1);
  CAF_CHECK_NOT_EQUAL(r.status, 200);
  CAF_CHECK(has(r.body, "replayed reset id") || has(r.body, "stale epoch"));
  CAF_CHECK(!has(r.body, "\"resumed\":true"));
  // The first kill, byte for byte: a duplicate (its content was seen before
  // the reset and the restart).
  auto k = post(n, "/api/kill", kill1);
  CAF_CHECK_EQUAL(k.status, 403);
  CAF_CHECK(has(k.body, "duplicate kill id"));
  auto st = c.wait("gw1", [](const node_status_view& s) {
    return s.counter("kill", "duplicates").value_or(0) >= 1;
  });
  CAF_CHECK(st.met);
  CAF_CHECK_EQUAL(st.last.mode, "HALTED");
  CAF_CHECK_EQUAL(st.last.counter("kill", "resets_resumed").value_or(-1), 0);
  CAF_CHECK(has(c.halt_state("gw1"), "epoch=1"));

  // A genuine reset resumes it; the first kill replayed again changes nothing.
  CAF_CHECK_EQUAL(post(n, "/api/reset", console::reset_body("alice", *alice, "second reset", target_of(n)))
                    .status,
                  200);
  CAF_CHECK(c.wait("gw1", [](const node_status_view& s) { return s.mode == "ACTIVE"; }).met);
  auto again = post(n, "/api/kill", kill1);
  CAF_CHECK_EQUAL(again.status, 403);
  CAF_CHECK(has(again.body, "duplicate kill id"));
  CAF_CHECK_EQUAL(c.mode("gw1"), "ACTIVE");
  CWTS_STOP_NODE(*n.proc);
}

CAF_TEST(an_overflowing_epoch_is_voted_down_and_a_foreign_cluster_refused) {
  witness_cluster c("node_kill_attack_epoch", {"gw1", "tr1", "w1"});
  c.require_wired();
  auto alice = load_key(c.paths.operator_key("alice"));
  CAF_REQUIRE(alice.has_value());
  auto& gw1 = c.node("gw1");

  // Signed for another cluster: refused, nothing halts.
  auto foreign = target_of(gw1);
  foreign.cluster = "prod-elsewhere";
  auto fk = post(gw1, "/api/kill",
                 console::kill_body("alice", *alice, kill_level::cancel_all, kill_scope::cluster, "",
                                    "kill for another cluster", foreign));
  CAF_CHECK_EQUAL(fk.status, 403);
  CAF_CHECK(has(fk.body, "kill is for cluster 'prod-elsewhere'"));
  for (auto& n : c.nodes)
    CAF_CHECK_EQUAL(c.mode(n.id), "ACTIVE");

  CAF_REQUIRE_EQUAL(post(gw1, "/api/kill",
                         console::kill_body("alice", *alice, kill_level::halt_new_orders,
                                            kill_scope::cluster, "", "halt before the resets",
                                            target_of(gw1)))
                      .status,
                    200);
  for (auto& n : c.nodes)
    CAF_REQUIRE(c.wait(n.id, [](const node_status_view& s) { return s.mode == "HALTED"; }).met);

  auto fr = post(gw1, "/api/reset", console::reset_body("alice", *alice, "reset for another cluster", foreign));
  CAF_CHECK_EQUAL(fr.status, 403);
  CAF_CHECK(has(fr.body, "is for cluster 'prod-elsewhere'"));

  // A reset signed for epoch INT64_MAX: every node votes no, naming why.
  auto overflow = console::signed_reset("alice", *alice, "epoch overflow", target_of(gw1));
  overflow.epoch = std::numeric_limits<int64_t>::max();
  sign(overflow, *alice);
  auto o = post(gw1, "/api/reset", admin::to_json(overflow));
  CAF_CHECK_EQUAL(o.status, 409);
  CAF_CHECK(!has(o.body, "\"resumed\":true"));
  CAF_CHECK_EQUAL(count_of(o.body, "\"yes\":false"), 3u);
  CAF_CHECK_EQUAL(count_of(o.body, "is more than 1000000 above this node's epoch 0"), 3u);
  for (auto& n : c.nodes) {
    auto st = query_status(c.paths, c.dir, n.port);
    CAF_CHECK_EQUAL(st.mode, "HALTED");
    CAF_CHECK_EQUAL(st.counter("kill", "epoch").value_or(-1), 0);
  }

  // A genuine reset then resumes all three at epoch 1.
  auto g = post(gw1, "/api/reset", console::reset_body("alice", *alice, "genuine reset", target_of(gw1)));
  CAF_CHECK_EQUAL(g.status, 200);
  for (auto& n : c.nodes) {
    auto st = c.wait(n.id, [](const node_status_view& s) {
      return s.mode == "ACTIVE" && s.counter("kill", "epoch").value_or(-1) == 1;
    });
    CAF_CHECK(st.met);
  }
  for (auto& n : c.nodes)
    CWTS_STOP_NODE(*n.proc);
}
