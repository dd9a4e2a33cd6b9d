#define CAF_SUITE kill_fanout_attacks
#include "tests/support/unit_test.hpp"

// Attacks on the kill fan-out (review p4): what an outsider with no key, a
// squatter on a member's port and a Byzantine member can make the realtime
// I/O thread do. Each test failed before its fix.

#include "tests/unit/kill/fanout_test_support.hpp"

using namespace cwts;
using namespace cwts::fanout;
using namespace cwts::fanout_test;

namespace {

// A raw client that names member n1 (ids are in config, not secret) and
// answers the challenge with 64 junk bytes: a stranger's handshake.
// Returns the first frame the server answered the hello with.
std::optional<frame> stranger_handshake(uint16_t port, bool send_junk_auth) {
  int fd = raw_connect(port);
  if (fd < 0)
    return std::nullopt;
  hello h;
  h.cluster = "c1";
  h.client = "n1";
  h.server = "n2";
  h.client_nonce = fresh_nonce();
  send_all(fd, encode(h));
  auto answer = read_frame(fd);
  if (answer && send_junk_auth) {
    auth a;
    a.signature.assign(64, 0x55);
    send_all(fd, encode(a));
    closed_by_peer(fd);
  }
  ::close(fd);
  return answer;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(kill_fanout_attack_tests, fixture)

// #1: the server signs nothing for a client that has not proved itself.
CAF_TEST(the_server_signs_only_after_the_client_proved_itself) {
  session server(session::role::server, make_id("n2", keys.node2, keys));
  hello h;
  h.cluster = "c1";
  h.client = "n1";
  h.server = "n2";
  auto r = server.feed(encode(h));
  CAF_REQUIRE(r.refusal.empty());
  framer f;
  f.feed(r.send);
  std::string error;
  auto body = f.next(error);
  CAF_REQUIRE(body);
  auto answer = decode(*body, error);
  CAF_REQUIRE(answer);
  CAF_CHECK(answer->type == frame_type::challenge);
  auth junk;
  junk.signature.assign(64, 0x55);
  auto r2 = server.feed(encode(junk));
  CAF_CHECK_EQUAL(r2.refusal_key, "bad_signature");
  CAF_CHECK(r2.send.empty());
}

// #1: verifications of strangers' proofs are rate-limited per address.
CAF_TEST(a_strangers_handshakes_are_rate_limited_per_address) {
  link_config lc;
  lc.handshake_burst = 3;
  lc.handshake_per_s = 0.001;
  node n2("n2", keys.node2, keys, {}, lc);
  for (int i = 0; i < 6; ++i)
    stranger_handshake(n2.l->port(), true);
  CAF_CHECK(eventually([&] {
    return n2.counter("refused.bad_signature") + n2.counter("refused.handshake_rate") == 6;
  }));
  CAF_CHECK_EQUAL(n2.counter("refused.bad_signature"), 3);
  CAF_CHECK_EQUAL(n2.counter("refused.handshake_rate"), 3);
}

// #1, #3: with members_only, an address that is no member's is refused
// before a byte is read.
CAF_TEST(only_the_members_addresses_may_connect) {
  link_config lc;
  lc.members_only = true;
  // The only member lives on 127.0.0.2; the test connects from 127.0.0.1.
  node n2("n2", keys.node2, keys, {endpoint{"127.0.0.2", 9, "n1"}}, lc);
  int fd = raw_connect(n2.l->port());
  CAF_REQUIRE(fd >= 0);
  CAF_CHECK(closed_by_peer(fd));
  ::close(fd);
  CAF_CHECK(eventually([&] { return n2.counter("refused.not_a_member_address") == 1; }));
}

// #3: connections held open without a handshake lock no member out: the
// oldest unauthenticated one gives way to a newcomer.
CAF_TEST(held_handshake_slots_do_not_lock_a_member_out) {
  link_config lc;
  lc.max_handshakes = 4;
  lc.handshake_timeout = std::chrono::milliseconds(60'000); // slots stay taken
  node n2("n2", keys.node2, keys, {}, lc);
  std::vector<int> fds;
  for (int i = 0; i < 4; ++i)
    fds.push_back(raw_connect(n2.l->port()));
  CAF_REQUIRE(eventually([&] { return n2.counter("connections_in") == 4; }));
  node n1("n1", keys.node1, keys, {endpoint{"127.0.0.1", n2.l->port(), "n2"}});
  CAF_CHECK(eventually([&] { return n1.l->members_reached() == 1; }));
  CAF_CHECK_GREATER_OR_EQUAL(n2.counter("refused.handshake_evicted"), 1);
  for (int fd : fds)
    ::close(fd);
}

// #4: the client names the member it means to reach; another member
// answering on that port is refused, and nothing counts as reached.
CAF_TEST(a_connection_meant_for_another_member_is_refused) {
  session client(session::role::client, make_id("n1", keys.node1, keys), "n3");
  session server(session::role::server, make_id("n2", keys.node2, keys));
  auto r = handshake(client, server);
  CAF_CHECK_EQUAL(r.refusal_key, "wrong_server");
  CAF_CHECK(!client.authenticated());
  node n2("n2", keys.node2, keys, {});
  node n1("n1", keys.node1, keys, {endpoint{"127.0.0.1", n2.l->port(), "n3"}});
  CAF_CHECK(eventually([&] { return n2.counter("refused.wrong_server") >= 1; }));
  CAF_CHECK_EQUAL(n1.l->members_reached(), 0u);
  CAF_CHECK_EQUAL(n2.counter("authenticated_in"), 0);
}

// #2: the cut-off for refused kills is per member, not per connection: a
// banned member's reconnects are refused before any signature check.
CAF_TEST(a_member_cut_off_for_forgeries_stays_banned_across_reconnects) {
  link_config server_cfg;
  server_cfg.ban = std::chrono::milliseconds(60'000);
  node n2("n2", keys.node2, keys, {}, server_cfg);
  node n1("n1", keys.node1, keys, {endpoint{"127.0.0.1", n2.l->port(), "n2"}});
  CAF_REQUIRE(eventually([&] { return n1.l->members_reached() == 1; }));
  for (int i = 0; i < 9; ++i) {
    auto k = kill_for(keys, "k-forged-" + std::to_string(i));
    k.reason = "changed after signing";
    n1.l->broadcast(k);
  }
  CAF_REQUIRE(eventually([&] { return n2.counter("refused.too_many_refused_kills") == 1; }));
  // n1 reconnects by itself (backoff): refused as banned, no kill taken.
  CAF_CHECK(eventually([&] { return n2.counter("refused.member_banned") >= 1; }));
  for (int i = 0; i < 5; ++i)
    n1.l->broadcast(kill_for(keys, "k-later-" + std::to_string(i)));
  CAF_CHECK_EQUAL(n2.counter("authenticated_in"), 1);
  CAF_CHECK_EQUAL(n2.core->path_stats(kill_path::fanout).received, 9);
  CAF_CHECK(n2.gate.is_open());
}

// #2: every kill frame spends a token of its member's bucket; a member
// streaming duplicates is banned instead of keeping the thread verifying.
CAF_TEST(a_member_streaming_kill_frames_is_rate_limited) {
  link_config lc;
  lc.kill_burst = 4;
  lc.kill_per_s = 0.001;
  node n2("n2", keys.node2, keys, {}, lc);
  node n1("n1", keys.node1, keys, {endpoint{"127.0.0.1", n2.l->port(), "n2"}});
  CAF_REQUIRE(eventually([&] { return n1.l->members_reached() == 1; }));
  auto k = kill_for(keys, "k-dup");
  for (int i = 0; i < 10; ++i)
    n1.l->broadcast(k);
  CAF_CHECK(eventually([&] { return n2.counter("refused.kill_rate") == 1; }));
  CAF_CHECK_EQUAL(n2.core->path_stats(kill_path::fanout).received, 4);
  CAF_CHECK_EQUAL(n2.core->applied_count(), 1u);
}

// #5: an applied kill is sent on as the handler's merged command, not as
// the copy that came in.
CAF_TEST(an_applied_kill_is_sent_on_as_the_merged_command) {
  auto merged = kill_for(keys, "k-merged");
  node last("n2", keys.node2, keys, {});
  node mid("n1", keys.node1, keys, {endpoint{"127.0.0.1", last.l->port(), "n2"}}, {},
           [merged](const kill_command&) { return merged; });
  CAF_REQUIRE(eventually([&] { return mid.l->members_reached() == 1; }));
  node src("n2", keys.node2, keys, {endpoint{"127.0.0.1", mid.l->port(), "n1"}});
  CAF_REQUIRE(eventually([&] { return src.l->members_reached() == 1; }));
  src.l->broadcast(kill_for(keys, "k-copy"));
  CAF_REQUIRE(eventually([&] { return !last.gate.is_open(); }));
  // `last` got the merged command (k-merged), never the copy (k-copy).
  CAF_CHECK_EQUAL(last.core->path_stats(kill_path::fanout).received, 1);
  CAF_CHECK(last.core->on_command(merged, wall_clock_now(), kill_path::caf).verdict
            == kill_verdict::duplicate);
}

// #14: a kill over the wire format's caps is refused where it is written,
// never cut short (a truncated one would fail verification at every member
// and count against the sender).
CAF_TEST(a_kill_over_the_caps_is_refused_not_truncated) {
  auto k = kill_for(keys, "k-long");
  k.reason.assign(max_text + 1, 'r');
  CAF_CHECK(encode(k).empty());
  CAF_CHECK(!fits(k).empty());
  k.reason.assign(70'000, 'r'); // over a u16 length
  CAF_CHECK(encode(k).empty());
  node n2("n2", keys.node2, keys, {});
  node n1("n1", keys.node1, keys, {endpoint{"127.0.0.1", n2.l->port(), "n2"}});
  CAF_REQUIRE(eventually([&] { return n1.l->members_reached() == 1; }));
  n1.l->broadcast(k);
  CAF_CHECK(eventually([&] { return n1.counter("refused.unencodable_kill") == 1; }));
  n1.l->broadcast(kill_for(keys, "k-short")); // the connection is still up
  CAF_CHECK(eventually([&] { return !n2.gate.is_open(); }));
  CAF_CHECK_EQUAL(n2.counter("refused.malformed_frame"), 0);
}

// #15: a kill held for a member that was down is dropped once older than
// the window the member accepts, not sent to be refused as too old.
CAF_TEST(kills_held_past_their_age_are_dropped) {
  auto port = unused_port();
  link_config lc;
  lc.max_waiting_age = std::chrono::milliseconds(1);
  node n1("n1", keys.node1, keys, {endpoint{"127.0.0.1", port, "n2"}}, lc);
  n1.l->broadcast(kill_for(keys, "k-old"));
  // Time passing is the point here, not synchronisation.
  auto held_since = std::chrono::steady_clock::now();
  CAF_REQUIRE(eventually(
    [&] { return std::chrono::steady_clock::now() - held_since > std::chrono::milliseconds(20); }));
  link_config at_port;
  at_port.listen.port = port;
  node n2("n2", keys.node2, keys, {}, at_port);
  CAF_REQUIRE(eventually([&] { return n1.l->members_reached() == 1; }));
  CAF_CHECK_EQUAL(n1.counter("waiting_expired"), 1);
  CAF_CHECK_EQUAL(n2.counter("kills_received"), 0);
  CAF_CHECK(n2.gate.is_open());
}

// #12: a listener that cannot bind is an error with the reason (the node
// exits on it: kill_fanout.cpp).
CAF_TEST(a_taken_port_is_an_error) {
  node n2("n2", keys.node2, keys, {});
  link_config lc;
  lc.id = make_id("n1", keys.node1, keys);
  lc.listen = endpoint{"127.0.0.1", n2.l->port(), ""};
  fanout::link l(lc, [](const kill_command&, const std::string&, int64_t) { return kill_result{}; });
  std::string error;
  CAF_CHECK(!l.start(error));
  CAF_CHECK(error.find("cannot listen") != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
