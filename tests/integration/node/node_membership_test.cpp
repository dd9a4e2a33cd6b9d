// Issue 17 findings 2 and 7 as an attacker tried them, against real
// processes on loopback (docs/kill-switch.md "Threat model"):
//
// 1. rogue_member: gw1, tr1, w1 are the configured members. A fourth
//    process, a1, holds a valid node key that the operators file lists
//    (node = "a1") but is not a member. It dials all three (its id sorts
//    first, as a rogue's may: it dials whom it likes): its announce,
//    heartbeats and reset vote are refused with a reason, logged and
//    counted. With tr1 and w1 voting no (reset-min-halt-ms), a reset the
//    rogue itself proposes (signed by alice, so every member takes it up)
//    does not resume anyone: gw1's yes and the rogue's yes would have made
//    the quorum of 2 before membership was configuration.
// 2. tls_peer_naming_another_node: over TLS, gw1 expects tr1 at an address
//    where a node with a valid cluster certificate for w1 listens; gw1
//    refuses it when dialing (the certificate does not name tr1) and when it
//    dials back (w1 is not a member of gw1's cluster; the impostor lists
//    gw1's address as x1, an id sorting after its own, so it dials).
// 3. published_demo_key: a node whose operators file lists a key once
//    committed to the repository refuses to start, naming the key file.
//
// Every node is a witness (kill coordinator only): no venue is needed.
#define CAF_SUITE node_membership
#include "tests/support/unit_test.hpp"

#include <fstream>
#include <initializer_list>
#include <memory>

#include "tests/integration/node/kill_cli.hpp"
#include "tests/integration/support/cluster.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {


struct witness {
  std::string id;
  uint16_t port = free_port();
  std::unique_ptr<child_process> proc{};
};

std::string quoted_list(std::initializer_list<std::string> ids) {
  std::string out;
  for (auto& id : ids)
    out += (out.empty() ? "\"" : ",\"") + id + "\"";
  return "[" + out + "]";
}

// A witness node `id` with `peers` (id@127.0.0.1:port) and `members`; over
// TLS it presents the certificate of `cert` from this process's `cwts keys`.
std::vector<std::string> witness_argv(const cluster_paths& paths, const std::string& id,
                                      uint16_t port, const std::string& peers,
                                      const std::string& members, const std::string& cert = "",
                                      std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"--cwts.node-id=" + id,
                                "--cwts.roles=[\"witness\"]",
                                "--cluster.peers=" + peers,
                                "--cluster.members=" + members,
                                "--cluster.connect-timeout-ms=2000",
                                "--kill.heartbeat-interval-ms=100",
                                "--kill.quorum-timeout-ms=600000"};
  if (!cert.empty()) {
    args.push_back("--openssl.certificate=" + paths.certs_dir() + "/" + cert + ".pem");
    args.push_back("--openssl.key=" + paths.certs_dir() + "/" + cert + ".key");
    args.push_back("--openssl.cafile=" + paths.certs_dir() + "/ca.pem");
  }
  args.insert(args.end(), extra.begin(), extra.end());
  return node_argv(paths, "node-gateway.ini", 1, port, args);
}

std::string peer(const witness& w) {
  return w.id + "@127.0.0.1:" + std::to_string(w.port);
}

} // namespace

CAF_TEST(rogue_member_is_refused_and_cannot_resume_the_cluster) {
  auto paths = cluster_paths::from_env();
  CAF_REQUIRE_EQUAL(paths.missing(), "");
  auto dir = make_test_dir("node_membership_rogue");
  CAF_MESSAGE("logs in " << dir);
  witness gw1{"gw1"}, tr1{"tr1"}, w1{"w1"}, a1{"a1"};
  auto members = quoted_list({"gw1", "tr1", "w1"});
  auto peers_of = [&](const witness& a, const witness& b) {
    return "[\"" + peer(a) + "\",\"" + peer(b) + "\"]";
  };
  // tr1 and w1 vote no on any reset within 10 minutes of their halt.
  const std::string says_no = "--kill.reset-min-halt-ms=600000";
  gw1.proc = std::make_unique<child_process>(
    "gw1", witness_argv(paths, "gw1", gw1.port, peers_of(tr1, w1), members), dir, dir);
  tr1.proc = std::make_unique<child_process>(
    "tr1", witness_argv(paths, "tr1", tr1.port, peers_of(gw1, w1), members, "", {says_no}), dir, dir);
  w1.proc = std::make_unique<child_process>(
    "w1", witness_argv(paths, "w1", w1.port, peers_of(gw1, tr1), members, "", {says_no}), dir, dir);
  auto logs = [&] {
    std::string out;
    for (auto* w : {&gw1, &tr1, &w1, &a1})
      if (w->proc)
        out += w->id + " stderr:\n" + tail(w->proc->err(), 2500) + "\n";
    return out;
  };
  for (auto* w : {&gw1, &tr1, &w1}) {
    auto st = wait_for_status(
      paths, dir, w->port,
      [](const node_status_view& s) { return s.counter("kill", "peers").value_or(0) == 2; }, 40s);
    if (!st.met)
      CAF_MESSAGE(w->id << " not wired:\n" << st.last.text << logs());
    CAF_REQUIRE(st.met);
    CAF_CHECK_EQUAL(st.last.counter("kill", "cluster_size").value_or(-1), 3);
  }
  // The rogue believes it is the fourth member, and dials all three.
  a1.proc = std::make_unique<child_process>(
    "a1",
    witness_argv(paths, "a1", a1.port,
                 "[\"" + peer(gw1) + "\",\"" + peer(tr1) + "\",\"" + peer(w1) + "\"]",
                 quoted_list({"gw1", "tr1", "w1", "a1"})),
    dir, dir);
  // Each member refuses its announce and its heartbeats, naming why.
  for (auto* w : {&gw1, &tr1, &w1}) {
    auto st = wait_for_status(
      paths, dir, w->port,
      [](const node_status_view& s) {
        return s.counter("supervisor", "announces_refused").value_or(0) >= 1
               && s.counter("kill", "heartbeats_refused.not_a_member").value_or(0) >= 1;
      },
      40s);
    if (!st.met)
      CAF_MESSAGE(w->id << " did not refuse the rogue:\n" << st.last.text << logs());
    CAF_REQUIRE(st.met);
    CAF_CHECK_EQUAL(st.last.counter("kill", "peers").value_or(-1), 2); // still only the members
    CAF_CHECK(has(w->proc->err(), "event=peer_announce_refused node=a1 reason=\"node 'a1' is not "
                                  "a configured member of the cluster (members: gw1,tr1,w1)\""));
    CAF_CHECK(has(w->proc->err(), "event=heartbeat_refused node=" + w->id
                                    + " claimed_node=a1 seq="));
  }
  // Halt the cluster (alice, level 1), then the rogue proposes the reset.
  auto kill = run_kill(paths, dir, gw1.port, {"--level=1", "--reason=itest rogue member"});
  CAF_MESSAGE("kill: rc=" << kill.raw.exit_code << "\n" << kill.raw.out << kill.raw.err);
  for (auto* w : {&gw1, &tr1, &w1}) {
    auto st = wait_for_status(
      paths, dir, w->port, [](const node_status_view& s) { return s.mode == "HALTED"; }, 20s);
    CAF_REQUIRE(st.met);
  }
  auto reset = run_reset(paths, dir, a1.port, {"--reason=itest reset proposed by the rogue"});
  CAF_MESSAGE("reset via the rogue: rc=" << reset.raw.exit_code << "\n"
                                         << reset.raw.out << reset.raw.err);
  // gw1 voted yes and was offered the rogue's yes: it refused it.
  auto refused = wait_for_status(
    paths, dir, gw1.port,
    [](const node_status_view& s) { return s.counter("kill", "votes_refused").value_or(0) >= 1; },
    30s);
  if (!refused.met)
    CAF_MESSAGE("gw1 counted no refused vote:\n" << refused.last.text << logs());
  CAF_CHECK(refused.met);
  CAF_CHECK(has(gw1.proc->err(), "event=reset_vote_refused"));
  CAF_CHECK(has(gw1.proc->err(), "claimed_node=a1"));
  // Nothing resumed: every member is still HALTED and counted no resume.
  for (auto* w : {&gw1, &tr1, &w1}) {
    auto st = query_status(paths, dir, w->port);
    CAF_CHECK_EQUAL(st.mode, "HALTED");
    CAF_CHECK_EQUAL(st.counter("kill", "resets_resumed").value_or(-1), 0);
  }
  CAF_CHECK(!has(gw1.proc->err(), "event=reset_resumed"));
}

CAF_TEST(tls_peer_presenting_a_certificate_for_another_node_is_refused) {
  auto paths = cluster_paths::from_env();
  CAF_REQUIRE_EQUAL(paths.missing(), "");
  auto dir = make_test_dir("node_membership_tls");
  CAF_MESSAGE("logs in " << dir);
  witness gw1{"gw1"}, impostor{"w1"};
  // gw1's cluster is gw1 + tr1, tr1 expected at the impostor's address; the
  // impostor holds a valid cluster certificate, made for w1.
  gw1.proc = std::make_unique<child_process>(
    "gw1",
    witness_argv(paths, "gw1", gw1.port, "[\"tr1@127.0.0.1:" + std::to_string(impostor.port) + "\"]",
                 quoted_list({"gw1", "tr1"}), "gw1"),
    dir, dir);
  impostor.proc = std::make_unique<child_process>(
    "w1",
    witness_argv(paths, "w1", impostor.port, "[\"x1@127.0.0.1:" + std::to_string(gw1.port) + "\"]",
                 quoted_list({"x1", "w1"}), "w1"),
    dir, dir);
  auto client = gw1.proc->wait_for_line(
    stream::err,
    [](const std::string& l) {
      return has(l, "event=node_tls_refused side=client") && has(l, "presented=w1");
    },
    30s);
  auto server = gw1.proc->wait_for_line(
    stream::err,
    [](const std::string& l) {
      return has(l, "event=node_tls_refused side=server") && has(l, "presented=w1");
    },
    30s);
  if (!client || !server)
    CAF_MESSAGE("gw1 stderr:\n" << tail(gw1.proc->err()) << "\nw1 stderr:\n"
                                << tail(impostor.proc->err()));
  CAF_REQUIRE(client.has_value());
  CAF_REQUIRE(server.has_value());
  CAF_MESSAGE("refused: " << *client << "\nrefused: " << *server);
  CAF_CHECK(has(*client, "this address is member 'tr1'"));
  CAF_CHECK(has(*server, "not a member of the cluster (members: gw1,tr1)"));
  CAF_CHECK(!has(gw1.proc->err(), "event=peer_joined"));
  CAF_CHECK(!has(gw1.proc->err(), "event=peer_connected"));
}

CAF_TEST(node_with_a_published_demo_key_refuses_to_start) {
  auto paths = cluster_paths::from_env();
  CAF_REQUIRE_EQUAL(paths.missing(), "");
  auto dir = make_test_dir("node_membership_published");
  // config/operator-keys/alice.pub.pem as it was committed: its private key
  // was published beside it, so anyone could sign as alice.
  auto published = dir + "/alice.pub.pem";
  std::ofstream(published) << "-----BEGIN PUBLIC KEY-----\n"
                              "MCowBQYDK2VwAyEAm7/K24PGDKTtDGsWIbTdrDhAVzwaCKpHLhg45xhcKL4=\n"
                              "-----END PUBLIC KEY-----\n";
  auto operators = dir + "/operators.ini";
  std::ofstream(operators) << "[operator.alice]\npublic-key-file = \"" << published
                           << "\"\nroles = \"kill,kill-full,reset\"\n\n[operator.node-solo]\n"
                           << "public-key-file = \"" << paths.node_public_key("solo")
                           << "\"\nroles = \"kill\"\nnode = \"solo\"\n";
  auto r = run_command("node",
                       node_argv(paths, "node.ini", 1, free_port(),
                                 {"--operators.file=" + operators, "--cwts.duration=3"}),
                       dir, 30s);
  CAF_MESSAGE("rc=" << r.exit_code << " " << tail(r.err, 600));
  CAF_CHECK_EQUAL(r.exit_code, 2);
  CAF_CHECK(has(r.err, "operators.file: " + operators + ": [operator.alice] public-key-file is a "
                       "demo key published in the CWTS-Ultra repository"));
  CAF_CHECK(has(r.err, "cwts keys"));
  // The same file with this deployment's own alice starts.
  std::ofstream(operators, std::ios::trunc)
    << "[operator.alice]\npublic-key-file = \"" << paths.operator_public_key("alice")
    << "\"\nroles = \"kill,kill-full,reset\"\n\n[operator.node-solo]\npublic-key-file = \""
    << paths.node_public_key("solo") << "\"\nroles = \"kill\"\nnode = \"solo\"\n";
  auto ok = run_command("node",
                        node_argv(paths, "node.ini", 1, free_port(),
                                  {"--operators.file=" + operators, "--cwts.duration=2",
                                   "--oms.journal-path=" + dir + "/oms.sqlite"}),
                        dir, 30s);
  CAF_CHECK_EQUAL(ok.exit_code, 0);
}
