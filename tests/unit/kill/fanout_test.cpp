#define CAF_SUITE kill_fanout
#include "tests/support/unit_test.hpp"

// The direct kill fan-out (docs/kill-switch.md "Direct fan-out"): the
// codec, the handshake, and two links on loopback, each feeding its own
// kill_switch and gate as a node does. One test per claim of the page.


#include "tests/unit/kill/fanout_test_support.hpp"

using namespace cwts;
using namespace cwts::fanout;
using namespace cwts::fanout_test;

CAF_TEST_FIXTURE_SCOPE(kill_fanout_tests, fixture)

CAF_TEST(a_kill_frame_round_trips_every_field) {
  auto k = kill_for(keys, "k-1");
  k.origin = node_id{"n1"};
  k.cosignatures.push_back(kill_cosignature{node_id{"n2"}, std::vector<uint8_t>(64, 7)});
  framer f;
  f.feed(encode(k));
  std::string error;
  auto body = f.next(error);
  CAF_REQUIRE(body);
  auto back = decode(*body, error);
  CAF_REQUIRE(back);
  CAF_CHECK(back->type == frame_type::kill);
  CAF_CHECK_EQUAL(signing_payload(back->k), signing_payload(k));
  CAF_CHECK(back->k.signature == k.signature);
  CAF_CHECK_EQUAL(back->k.origin.value, "n1");
  CAF_REQUIRE_EQUAL(back->k.cosignatures.size(), 1u);
  CAF_CHECK_EQUAL(back->k.cosignatures[0].node.value, "n2");
}

CAF_TEST(malformed_and_oversized_frames_are_errors_with_a_reason) {
  std::string error;
  CAF_CHECK(!decode(std::string("\x09", 1), error));
  CAF_CHECK(error.find("unknown frame type") != std::string::npos);
  auto k = encode(kill_for(keys, "k-1"));
  CAF_CHECK(!decode(k.substr(4, k.size() - 10), error)); // cut short
  CAF_CHECK_EQUAL(error, "short frame");
  CAF_CHECK(!decode(k.substr(4) + "x", error));
  CAF_CHECK(error.find("trailing") != std::string::npos);
  framer f;
  f.feed(std::string("\x00\x10\x00\x01", 4)); // 1 MiB + 1
  CAF_CHECK(!f.next(error));
  CAF_CHECK(f.oversized());
}

CAF_TEST(members_authenticate_each_other_before_a_kill_is_taken) {
  session client(session::role::client, make_id("n1", keys.node1, keys));
  session server(session::role::server, make_id("n2", keys.node2, keys));
  auto r = handshake(client, server);
  CAF_CHECK(r.refusal.empty());
  CAF_CHECK(client.authenticated());
  CAF_CHECK(server.authenticated());
  CAF_CHECK_EQUAL(server.peer(), "n1");
  CAF_CHECK_EQUAL(client.peer(), "n2");
  auto got = server.feed(encode(kill_for(keys, "k-1")));
  CAF_CHECK_EQUAL(got.kills.size(), 1u);
}

CAF_TEST(a_kill_before_the_handshake_is_refused) {
  session server(session::role::server, make_id("n2", keys.node2, keys));
  auto r = server.feed(encode(kill_for(keys, "k-1")));
  CAF_CHECK_EQUAL(r.refusal_key, "kill_before_auth");
  CAF_CHECK(r.kills.empty());
}

CAF_TEST(a_non_member_is_refused) {
  auto stranger = std::make_shared<const ed25519_signer>(ed25519_signer::generate());
  session client(session::role::client, make_id("n9", stranger, keys));
  session server(session::role::server, make_id("n2", keys.node2, keys));
  auto r = handshake(client, server);
  CAF_CHECK_EQUAL(r.refusal_key, "not_a_member");
  CAF_CHECK(!server.authenticated());
}

CAF_TEST(a_member_name_with_the_wrong_node_key_is_refused_both_ways) {
  auto stranger = std::make_shared<const ed25519_signer>(ed25519_signer::generate());
  // A client calling itself n1 without n1's key.
  session client(session::role::client, make_id("n1", stranger, keys));
  session server(session::role::server, make_id("n2", keys.node2, keys));
  auto r = handshake(client, server);
  CAF_CHECK_EQUAL(r.refusal_key, "bad_signature");
  CAF_CHECK(!server.authenticated());
  CAF_CHECK(!client.authenticated());
  // A server calling itself n2 without n2's key: the client refuses it.
  session c2(session::role::client, make_id("n1", keys.node1, keys));
  session fake(session::role::server, make_id("n2", stranger, keys));
  r = handshake(c2, fake);
  CAF_CHECK_EQUAL(r.refusal_key, "bad_signature");
  CAF_CHECK(!c2.authenticated());
}

CAF_TEST(a_handshake_for_another_cluster_is_refused) {
  session client(session::role::client, make_id("n1", keys.node1, keys, "c2"));
  session server(session::role::server, make_id("n2", keys.node2, keys));
  auto r = handshake(client, server);
  CAF_CHECK_EQUAL(r.refusal_key, "wrong_cluster");
}

CAF_TEST(the_first_verified_copy_closes_the_gate_and_a_replay_is_a_duplicate) {
  node n2("n2", keys.node2, keys, {});
  node n1("n1", keys.node1, keys, {endpoint{"127.0.0.1", n2.l->port(), "n2"}});
  CAF_REQUIRE(eventually([&] { return n1.l->members_reached() == 1; }));
  auto k = kill_for(keys, "k-1");
  n1.l->broadcast(k);
  CAF_REQUIRE(eventually([&] { return !n2.gate.is_open(); }));
  CAF_CHECK_EQUAL(n2.core->path_stats(kill_path::fanout).first, 1);
  // The same signed kill again (a replay, or CAF's copy): counted, not re-applied.
  n1.l->broadcast(k);
  CAF_REQUIRE(eventually([&] { return n2.core->path_stats(kill_path::fanout).duplicates == 1; }));
  auto caf_copy = n2.core->on_command(k, wall_clock_now(), kill_path::caf);
  CAF_CHECK(caf_copy.verdict == kill_verdict::duplicate);
  CAF_CHECK_EQUAL(n2.core->applied_count(), 1u);
  CAF_CHECK_EQUAL(n2.applied.load(), 1);
}

CAF_TEST(a_forged_kill_on_an_authenticated_connection_leaves_the_gate_open) {
  node n2("n2", keys.node2, keys, {});
  node n1("n1", keys.node1, keys, {endpoint{"127.0.0.1", n2.l->port(), "n2"}});
  CAF_REQUIRE(eventually([&] { return n1.l->members_reached() == 1; }));
  auto k = kill_for(keys, "k-forged");
  k.reason = "changed after signing";
  n1.l->broadcast(k);
  CAF_REQUIRE(eventually([&] { return n2.core->path_stats(kill_path::fanout).refused == 1; }));
  CAF_CHECK(n2.gate.is_open());
  CAF_CHECK_EQUAL(n2.core->path_stats(kill_path::fanout).refused_by.count("bad_signature"), 1u);
}

CAF_TEST(a_member_sending_forgeries_is_cut_off) {
  node n2("n2", keys.node2, keys, {});
  node n1("n1", keys.node1, keys, {endpoint{"127.0.0.1", n2.l->port(), "n2"}});
  CAF_REQUIRE(eventually([&] { return n1.l->members_reached() == 1; }));
  for (int i = 0; i < 9; ++i) {
    auto k = kill_for(keys, "k-forged-" + std::to_string(i));
    k.reason = "changed after signing";
    n1.l->broadcast(k);
  }
  CAF_CHECK(eventually([&] { return n2.counter("refused.too_many_refused_kills") == 1; }));
  CAF_CHECK_EQUAL(n2.core->path_stats(kill_path::fanout).refused, 9);
  CAF_CHECK(n2.gate.is_open());
}

CAF_TEST(a_kill_for_another_cluster_is_refused) {
  node n2("n2", keys.node2, keys, {});
  node n1("n1", keys.node1, keys, {endpoint{"127.0.0.1", n2.l->port(), "n2"}});
  CAF_REQUIRE(eventually([&] { return n1.l->members_reached() == 1; }));
  n1.l->broadcast(kill_for(keys, "k-other", "prod-eu"));
  CAF_REQUIRE(eventually([&] { return n2.core->path_stats(kill_path::fanout).refused == 1; }));
  CAF_CHECK(n2.gate.is_open());
}

CAF_TEST(an_applied_kill_is_sent_on_to_every_member) {
  node n3("n2", keys.node2, keys, {});
  // n1 reaches n2 only through a relay of itself: n1 -> n2' -> n2. Here:
  // n1's copy is applied at a middle node, which sends it on by itself.
  node mid("n1", keys.node1, keys, {endpoint{"127.0.0.1", n3.l->port(), "n2"}});
  CAF_REQUIRE(eventually([&] { return mid.l->members_reached() == 1; }));
  // A client of mid's listener: n2's key, so mid takes its kills.
  node src("n2", keys.node2, keys, {endpoint{"127.0.0.1", mid.l->port(), "n1"}});
  CAF_REQUIRE(eventually([&] { return src.l->members_reached() == 1; }));
  src.l->broadcast(kill_for(keys, "k-relay"));
  CAF_REQUIRE(eventually([&] { return !mid.gate.is_open() && !n3.gate.is_open(); }));
}

CAF_TEST(oversized_and_malformed_frames_close_the_connection_and_are_counted) {
  node n2("n2", keys.node2, keys, {});
  int fd = raw_connect(n2.l->port());
  CAF_REQUIRE(fd >= 0);
  std::string huge("\x7f\xff\xff\xff", 4);
  ::send(fd, huge.data(), huge.size(), MSG_NOSIGNAL);
  CAF_CHECK(closed_by_peer(fd));
  ::close(fd);
  CAF_CHECK(eventually([&] { return n2.counter("refused.oversized_frame") == 1; }));
  fd = raw_connect(n2.l->port());
  std::string junk("\x00\x00\x00\x02\x63\x63", 6);
  ::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL);
  CAF_CHECK(closed_by_peer(fd));
  ::close(fd);
  CAF_CHECK(eventually([&] { return n2.counter("refused.malformed_frame") == 1; }));
  CAF_CHECK(n2.gate.is_open());
}

CAF_TEST(a_silent_connection_is_closed_at_the_handshake_timeout) {
  link_config lc;
  lc.handshake_timeout = std::chrono::milliseconds(100);
  node n2("n2", keys.node2, keys, {}, lc);
  int fd = raw_connect(n2.l->port());
  CAF_REQUIRE(fd >= 0);
  CAF_CHECK(closed_by_peer(fd));
  ::close(fd);
  CAF_CHECK(eventually([&] { return n2.counter("refused.handshake_timeout") == 1; }));
}

CAF_TEST(concurrent_copies_of_one_kill_apply_it_once) {
  kill_gate gate;
  kill_switch_config kc{node_id{"n1"}, keys.registry};
  kc.cluster = "c1";
  kill_switch ks(kc, gate);
  auto k = kill_for(keys, "k-race");
  std::atomic<int> applied{0};
  auto run = [&](kill_path p) {
    auto d = ks.on_command(k, wall_clock_now(), p);
    applied += d.verdict == kill_verdict::applied ? 1 : 0;
  };
  std::thread a(run, kill_path::caf), b(run, kill_path::fanout);
  a.join();
  b.join();
  CAF_CHECK_EQUAL(applied.load(), 1);
  CAF_CHECK_EQUAL(ks.applied_count(), 1u);
  CAF_CHECK_EQUAL(ks.path_stats(kill_path::caf).first + ks.path_stats(kill_path::fanout).first, 1);
  CAF_CHECK_EQUAL(ks.duplicate_count(), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
