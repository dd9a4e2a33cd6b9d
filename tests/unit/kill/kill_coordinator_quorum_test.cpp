#define CAF_SUITE kill_coordinator_quorum
#include "tests/support/unit_test.hpp"

#include "actors/kill/quorum_monitor.hpp"
#include "tests/unit/kill/kill_coordinator_fixture.hpp"

using namespace cwts;
using namespace cwts::kill_coordinator_testing;

namespace {

// The heartbeat cases' setup (finding F1): a peer counts only with an ack of
// a seq this node sent it, so the stand-in for n2 keeps what n1 sent it.
struct quorum_fixture : fixture {
  std::shared_ptr<std::atomic<uint64_t>> from_n1 = std::make_shared<std::atomic<uint64_t>>(0);
  std::shared_ptr<std::atomic<int64_t>> n2_received = std::make_shared<std::atomic<int64_t>>(0);

  // Coordinator n1 of a 2-node cluster whose timer sends no heartbeat in the
  // way and never halts it, wired to a local stand-in for n2's coordinator
  // (in one process the sender's process is always right, so only what the
  // heartbeat carries decides) that keeps the newest seq of n1's heartbeats
  // signed for n2.
  caf::actor quiet_n1_heard_by(caf::actor& n2) {
    timing.heartbeat_interval = std::chrono::seconds(30);
    timing.quorum_timeout = std::chrono::seconds(90);
    timing.quorum_start_grace = std::chrono::minutes(1);
    auto k1 = coordinator("n1", gate1, 2);
    n2 = sys->spawn([seen = from_n1, received = n2_received]() -> caf::behavior {
      return {[seen, received](const heartbeat& hb) {
        if (hb.to.value == "n2")
          seen->store(hb.seq);
        ++*received;
      }};
    });
    wire_n1(k1, n2);
    // The coordinator's own first tick is sent to itself when it starts, so
    // it can land behind the wiring and behind a test's first tick and take
    // a seq the test counts on. wire_n1's round trip ends after the start;
    // a second one ends after that tick.
    gate_of(k1);
    return k1;
  }

  void wire_n1(const caf::actor& k1, const caf::actor& n2) {
    role_directory dir;
    if (n2)
      dir.emplace(peer_kill_prefix + "n2", n2);
    (*self)->send(k1, wire_atom::value, dir);
    gate_of(k1);
  }

  // n1 sends its heartbeats now (its timer would in 30 s): the seq n1 sent.
  // When n2 is wired, waits (bounded) until the stand-in got every heartbeat
  // n1 sent it, this one the last (a link keeps their order): waiting for
  // any new seq could return an earlier one still in flight.
  uint64_t n1_beats(const caf::actor& k1, bool to_n2 = true) {
    auto sent = counter(k1, "heartbeats_sent");
    (*self)->send(k1, tick_atom::value);
    auto sent_now = counter(k1, "heartbeats_sent");
    if (!to_n2) {
      CAF_REQUIRE_EQUAL(sent_now, sent);
      return 0;
    }
    CAF_REQUIRE_EQUAL(sent_now, sent + 1);
    CAF_REQUIRE(itest::wait_until([&] { return n2_received->load() == sent_now; },
                                  std::chrono::seconds(5), std::chrono::milliseconds(5)));
    return from_n1->load();
  }

  // n2's heartbeat for `to` acknowledging n1's `ack`, signed with n2's key.
  heartbeat n2_acking(const std::string& to, uint64_t seq, uint64_t ack) {
    heartbeat hb{node_id{"n2"}, node_id{to}, seq, wall_clock_now(), {}};
    hb.ack_seq = ack;
    hb.signature = keys.node2->sign(signing_payload(hb));
    return hb;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(kill_coordinator_tests, quorum_fixture)

CAF_TEST(a_two_node_reset_with_one_no_vote_stays_halted_on_both) {
  auto k1 = coordinator("n1", gate1, 2);
  auto k2 = coordinator("n2", gate2, 2);
  auto oms1 = sys->spawn(fake_oms, true);
  auto oms2 = sys->spawn(fake_oms, false); // n2's OMS is not reconciled: n2 votes no
  (*self)->send(k1, wire_atom::value, role_directory{{peer_kill_prefix + "n2", k2}, {"oms", oms1}});
  (*self)->send(k2, wire_atom::value, role_directory{{peer_kill_prefix + "n1", k1}, {"oms", oms2}});
  issue(k1, command(kill_level::halt_new_orders, "two"));
  CAF_REQUIRE(!gate1.is_open());
  gate_of(k2);
  CAF_REQUIRE(!gate2.is_open());
  auto r = reset(k1, keys.reset("r-2"));
  CAF_CHECK(!r.resumed);
  CAF_CHECK_EQUAL(r.quorum, 2);
  CAF_CHECK_EQUAL(r.votes.size(), 2u);
  for (auto& v : r.votes)
    if (v.node.value == "n2") {
      CAF_CHECK(!v.yes);
      CAF_CHECK_EQUAL(v.reason, "OMS not reconciled with the venue");
    }
  CAF_CHECK(r.error.find("no quorum") == 0);
  gate_of(k2);
  CAF_CHECK(!gate1.is_open());
  CAF_CHECK(!gate2.is_open());
  // A vote in n2's name from someone else (here: the test) is not counted.
  auto refused_before = counter(k1, "votes_refused");
  (*self)->send(k1, reset_vote{kill_id{"r-2"}, node_id{"n2"}, true, "", 1, {}});
  gate_of(k1);
  CAF_CHECK(!gate1.is_open());
  CAF_CHECK_EQUAL(counter(k1, "votes_refused"), refused_before + 1);
  caf::anon_send_exit(oms1, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(oms2, caf::exit_reason::user_shutdown);
  stop(k1);
  stop(k2);
}

CAF_TEST(a_two_node_reset_with_both_yes_resumes_both) {
  auto k1 = coordinator("n1", gate1, 2);
  auto k2 = coordinator("n2", gate2, 2);
  (*self)->send(k1, wire_atom::value, role_directory{{peer_kill_prefix + "n2", k2}});
  (*self)->send(k2, wire_atom::value, role_directory{{peer_kill_prefix + "n1", k1}});
  issue(k1, command(kill_level::halt_new_orders, "both"));
  gate_of(k2);
  CAF_REQUIRE(!gate2.is_open());
  auto r = reset(k1, keys.reset("r-3"));
  CAF_CHECK(r.resumed);
  CAF_CHECK_EQUAL(r.votes.size(), 2u);
  // Both voted for, and both resumed at, the epoch the origin proposed.
  for (auto& v : r.votes) {
    CAF_CHECK_EQUAL(v.epoch, 1);
    CAF_CHECK_EQUAL(v.signature.size(), 64u);
  }
  gate_of(k2);
  CAF_CHECK(gate1.is_open());
  CAF_CHECK(gate2.is_open());
  CAF_CHECK_EQUAL(counter(k1, "epoch"), 1);
  CAF_CHECK_EQUAL(counter(k2, "epoch"), 1);
  CAF_CHECK_EQUAL(counter(k1, "votes_refused"), 0);
  stop(k1);
  stop(k2);
  std::string error;
  auto saved = load_halt_state(dir + "/n2-halt.state", error);
  CAF_REQUIRE(saved);
  CAF_CHECK_EQUAL(saved->epoch, 1);
  auto audit = read_text(dir + "/n1-audit.log");
  CAF_CHECK(audit.find("event=reset_vote") != std::string::npos);
  CAF_CHECK(audit.find("epoch=1") != std::string::npos);
}

CAF_TEST(a_node_ahead_of_the_proposed_epoch_votes_no_and_nobody_resumes) {
  // n2 was resumed at epoch 5 in an earlier life; n1 is at 0 and proposes 1.
  halt_state ahead;
  ahead.level = kill_level::halt_new_orders;
  ahead.cause = kill_id{"k-old"};
  ahead.since = wall_clock_now();
  ahead.epoch = 5;
  ahead.reason = "drill";
  std::string error;
  CAF_REQUIRE(save_halt_state(dir + "/n2-halt.state", ahead, error));
  auto k1 = coordinator("n1", gate1, 2);
  auto k2 = coordinator("n2", gate2, 2);
  (*self)->send(k1, wire_atom::value, role_directory{{peer_kill_prefix + "n2", k2}});
  (*self)->send(k2, wire_atom::value, role_directory{{peer_kill_prefix + "n1", k1}});
  issue(k1, command(kill_level::halt_new_orders, "epochs"));
  gate_of(k2);
  auto r = reset(k1, keys.reset("r-epoch"));
  CAF_CHECK(!r.resumed);
  CAF_REQUIRE_EQUAL(r.votes.size(), 2u);
  for (auto& v : r.votes) {
    CAF_CHECK_EQUAL(v.epoch, 1);
    if (v.node.value == "n2") {
      CAF_CHECK(!v.yes);
      CAF_CHECK_EQUAL(v.reason, "stale epoch: this node is at epoch 5");
    }
  }
  gate_of(k2);
  CAF_CHECK(!gate1.is_open());
  CAF_CHECK(!gate2.is_open());
  CAF_CHECK_EQUAL(counter(k2, "epoch"), 5);
  stop(k1);
  stop(k2);
}

CAF_TEST(votes_with_a_bad_signature_or_another_nodes_key_are_refused_and_audited) {
  auto k1 = coordinator("n1", gate1, 2);
  auto k2 = coordinator("n2", gate2, 2);
  auto oms2 = sys->spawn(fake_oms, false); // n2 votes no
  (*self)->send(k1, wire_atom::value, role_directory{{peer_kill_prefix + "n2", k2}});
  (*self)->send(k2, wire_atom::value, role_directory{{peer_kill_prefix + "n1", k1}, {"oms", oms2}});
  issue(k1, command(kill_level::halt_new_orders, "sigs"));
  gate_of(k2);
  auto r = reset(k1, keys.reset("r-sig"));
  CAF_CHECK(!r.resumed);
  auto refused = counter(k1, "votes_refused");
  // n2's yes, altered after n2 signed it (it voted no): bad signature.
  reset_vote altered{kill_id{"r-sig"}, node_id{"n2"}, false, "OMS not reconciled with the venue",
                     1, {}};
  sign(altered, *keys.node2);
  altered.yes = true;
  (*self)->send(k1, altered);
  // A yes in n2's name signed with n1's key.
  reset_vote wrong_key{kill_id{"r-sig"}, node_id{"n2"}, true, "", 1, {}};
  sign(wrong_key, *keys.node1);
  (*self)->send(k1, wrong_key);
  // Signed by n2's key but not sent by n2's coordinator: the second layer.
  reset_vote wrong_sender{kill_id{"r-sig"}, node_id{"n2"}, true, "", 1, {}};
  sign(wrong_sender, *keys.node2);
  (*self)->send(k1, wrong_sender);
  gate_of(k1);
  CAF_CHECK_EQUAL(counter(k1, "votes_refused"), refused + 3);
  CAF_CHECK(!gate1.is_open());
  caf::anon_send_exit(oms2, caf::exit_reason::user_shutdown);
  stop(k1);
  stop(k2);
  auto audit = read_text(dir + "/n1-audit.log");
  CAF_CHECK(audit.find("vote from 'n2' not signed by the key listed for node n2")
            != std::string::npos);
  CAF_CHECK(audit.find("sender is not that node's coordinator") != std::string::npos);
  CAF_CHECK(verify_audit_file(dir + "/n1-audit.log").ok);
}

CAF_TEST(a_forged_yes_vote_in_another_nodes_name_cannot_make_the_quorum) {
  // The coordinator n1 lists as n2's is an impostor: it is the right sender
  // (first layer of old), votes yes, but signs with a key that is not n2's.
  auto k1 = coordinator("n1", gate1, 2);
  auto fake = impostor("n2", gate2, 2,
                       std::make_shared<const ed25519_signer>(ed25519_signer::generate()));
  (*self)->send(k1, wire_atom::value, role_directory{{peer_kill_prefix + "n2", fake}});
  (*self)->send(fake, wire_atom::value, role_directory{{peer_kill_prefix + "n1", k1}});
  issue(k1, command(kill_level::halt_new_orders, "forged"));
  CAF_REQUIRE(!gate1.is_open());
  auto r = reset(k1, keys.reset("r-forged"));
  CAF_CHECK(!r.resumed);
  CAF_CHECK_EQUAL(r.votes.size(), 1u); // only n1's own
  CAF_CHECK(r.error.find("no quorum: 1 yes of 2 needed") == 0);
  CAF_CHECK(!gate1.is_open());
  CAF_CHECK_EQUAL(counter(k1, "votes_refused"), 1);
  CAF_CHECK_EQUAL(counter(k1, "resets_resumed"), 0);
  stop(k1);
  stop(fake);
  CAF_CHECK(read_text(dir + "/n1-audit.log")
              .find("vote from 'n2' not signed by the key listed for node n2")
            != std::string::npos);
}

CAF_TEST(heartbeats_count_only_signed_by_the_nodes_key_and_never_twice) {
  caf::actor n2; // only the signature, seq and ack decide
  auto k1 = quiet_n1_heard_by(n2);
  auto hb = n2_acking("n1", 100, n1_beats(k1));
  (*self)->send(k1, hb);
  CAF_CHECK_EQUAL(counter(k1, "peers_seen"), 1);
  CAF_CHECK_EQUAL(counter(k1, "heartbeats_refused"), 0);
  (*self)->send(k1, hb); // replayed
  CAF_CHECK_EQUAL(counter(k1, "heartbeats_refused.stale_seq"), 1);
  heartbeat forged{node_id{"n2"}, node_id{"n1"}, 101, wall_clock_now(), {}};
  forged.ack_seq = hb.ack_seq;
  forged.signature = keys.node1->sign(signing_payload(forged)); // n1's key, n2's name
  (*self)->send(k1, forged);
  heartbeat unsigned_hb{node_id{"n2"}, node_id{"n1"}, 102, wall_clock_now(), {}};
  unsigned_hb.ack_seq = hb.ack_seq;
  (*self)->send(k1, unsigned_hb);
  CAF_CHECK_EQUAL(counter(k1, "heartbeats_refused.bad_signature"), 2);
  // The ack is signed too: n2's heartbeat with its ack changed after signing.
  auto altered = n2_acking("n1", 103, hb.ack_seq);
  altered.ack_seq = hb.ack_seq + 1;
  (*self)->send(k1, altered);
  CAF_CHECK_EQUAL(counter(k1, "heartbeats_refused.bad_signature"), 3);
  (*self)->send(k1, n2_acking("n1", 104, hb.ack_seq));
  CAF_CHECK_EQUAL(counter(k1, "heartbeats_refused"), 4);
  CAF_CHECK_EQUAL(counter(k1, "peers_seen"), 1);
  caf::anon_send_exit(n2, caf::exit_reason::user_shutdown);
  stop(k1);
}

// Finding F2 (docs/model.md): a heartbeat n2 signed for n3, relayed to n1,
// proves only that n2 reaches n3. In one process the sender check always
// passes (as for a routed message a member's process fakes on CAF 0.17), so
// only the signed receiver decides here.
CAF_TEST(a_heartbeat_signed_for_another_node_is_refused_wrong_receiver_and_never_counts) {
  caf::actor n2;
  auto k1 = quiet_n1_heard_by(n2);
  auto ours = n1_beats(k1);
  auto relayed = n2_acking("n3", 100, ours);
  (*self)->send(k1, relayed);
  CAF_CHECK_EQUAL(counter(k1, "heartbeats_refused.wrong_receiver"), 1);
  CAF_CHECK_EQUAL(counter(k1, "peers_seen"), 0);
  // Readdressed to n1 after n2 signed it for n3: the receiver is signed.
  auto readdressed = relayed;
  readdressed.to = node_id{"n1"};
  readdressed.seq = 101;
  (*self)->send(k1, readdressed);
  CAF_CHECK_EQUAL(counter(k1, "heartbeats_refused.bad_signature"), 1);
  CAF_CHECK_EQUAL(counter(k1, "peers_seen"), 0);
  // The same node's heartbeat signed for n1 counts.
  (*self)->send(k1, n2_acking("n1", 102, ours));
  CAF_CHECK_EQUAL(counter(k1, "peers_seen"), 1);
  CAF_CHECK_EQUAL(counter(k1, "heartbeats_refused"), 2);
  caf::anon_send_exit(n2, caf::exit_reason::user_shutdown);
  stop(k1);
}

CAF_TEST(a_node_fed_only_heartbeats_relayed_from_another_node_halts_itself_on_time) {
  timing.heartbeat_interval = std::chrono::milliseconds(20);
  timing.quorum_timeout = std::chrono::milliseconds(300);
  timing.quorum_start_grace = std::chrono::milliseconds(0);
  auto k1 = coordinator("n1", gate1, 2);
  // A Byzantine "n2" that relays n2's fresh heartbeats for n3 to n1 every
  // 20 ms, each correctly signed by n2, with a rising seq.
  auto relay = sys->spawn([k1, key = keys.node2](caf::event_based_actor* r) -> caf::behavior {
    auto seq = std::make_shared<uint64_t>(1000);
    r->send(r, tick_atom::value);
    return {
      [=](tick_atom) {
        heartbeat hb{node_id{"n2"}, node_id{"n3"}, ++*seq, wall_clock_now(), {}};
        hb.signature = key->sign(signing_payload(hb));
        r->send(k1, hb);
        r->delayed_send(r, std::chrono::milliseconds(20), tick_atom::value);
      },
      [](const heartbeat&) {}, // n1's own, signed for n2
      [](const audit_anchor&) {},
    };
  });
  (*self)->send(k1, wire_atom::value, role_directory{{peer_kill_prefix + "n2", relay}});
  auto started = std::chrono::steady_clock::now();
  CAF_REQUIRE(stats_until(k1, [](const actor_stats& s) {
    auto i = s.counters.find("quorum_lost_halts");
    return i != s.counters.end() && i->second == 1;
  }));
  // Within the quorum timeout and the polling bound, not when TCP gives up.
  CAF_CHECK_LESS(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  // The relayed heartbeats did arrive, and were refused.
  CAF_CHECK_GREATER_OR_EQUAL(counter(k1, "heartbeats_refused.wrong_receiver"), 3);
  CAF_CHECK_EQUAL(gate1.level(), 1);
  CAF_CHECK_EQUAL(gate_of(k1).cause.value, "quorum-lost");
  CAF_CHECK_EQUAL(counter(k1, "peers_seen"), 0);
  CAF_CHECK_LESS(counter(k1, "heartbeats_refused.wrong_sender"), 1); // -1: never
  caf::anon_send_exit(relay, caf::exit_reason::user_shutdown);
  stop(k1);
}

// An ack must name a seq n1 sent to n2: one above n1's last, one n1 sent
// to nobody (n2 was not wired at that tick), or one older than n1's ring is
// refused and counted; an ack of 0 (a peer's start) is taken, not counted.
CAF_TEST(a_heartbeat_acking_a_seq_n1_never_sent_it_is_refused_and_counted) {
  caf::actor n2;
  auto k1 = quiet_n1_heard_by(n2);
  auto first = n1_beats(k1);
  (*self)->send(k1, n2_acking("n1", 100, first + 5));
  CAF_CHECK_EQUAL(counter(k1, "heartbeats_refused.ack_ahead"), 1);
  // A tick while n2 is not wired: that seq goes to no one.
  wire_n1(k1, caf::actor{});
  n1_beats(k1, false);
  wire_n1(k1, n2);
  auto third = n1_beats(k1);
  CAF_REQUIRE_EQUAL(third, first + 2);
  (*self)->send(k1, n2_acking("n1", 101, first + 1));
  CAF_CHECK_EQUAL(counter(k1, "heartbeats_refused.ack_never_sent"), 1);
  CAF_CHECK_EQUAL(counter(k1, "peers_seen"), 0);
  // Nothing of ours taken yet: taken (acked back), not counted, no refusal.
  (*self)->send(k1, n2_acking("n1", 102, 0));
  CAF_CHECK_EQUAL(counter(k1, "heartbeats_awaiting_ack"), 1);
  CAF_CHECK_EQUAL(counter(k1, "peers_seen"), 0);
  CAF_CHECK_EQUAL(counter(k1, "heartbeats_refused"), 2);
  // The ring's memory bound (its time, 150 s, is not reached here):
  // 4 x (quorum timeout 90 s / interval 30 s + 4) = 28 sends; 28 more push
  // `first` out of it.
  for (std::size_t i = 0; i < ack_window_for(90'000'000'000, 30'000'000'000); ++i)
    n1_beats(k1);
  (*self)->send(k1, n2_acking("n1", 103, first));
  CAF_CHECK_EQUAL(counter(k1, "heartbeats_refused.ack_too_old"), 1);
  CAF_CHECK_EQUAL(counter(k1, "peers_seen"), 0);
  (*self)->send(k1, n2_acking("n1", 104, n1_beats(k1)));
  CAF_CHECK_EQUAL(counter(k1, "peers_seen"), 1);
  CAF_CHECK_EQUAL(counter(k1, "heartbeats_refused"), 3);
  caf::anon_send_exit(n2, caf::exit_reason::user_shutdown);
  stop(k1);
}

// Finding F1 (docs/model.md): n2 answers n1's heartbeats until the link is
// cut both ways; the heartbeats it sent before the cut were held back on
// the link and are released every 100 ms afterwards, each above the last
// seq taken. Counted at receipt they kept n1 open as long as the releases
// went on (6 s); each acknowledges n1's last seq before the cut, so n1
// halts a timeout (300 ms) after the cut while they still arrive.
CAF_TEST(heartbeats_held_back_and_released_late_do_not_keep_the_quorum) {
  timing.heartbeat_interval = std::chrono::milliseconds(20);
  timing.quorum_timeout = std::chrono::milliseconds(300);
  timing.quorum_start_grace = std::chrono::milliseconds(0);
  auto k1 = coordinator("n1", gate1, 2);
  struct held_link {
    std::atomic<int> released{0};
    std::atomic<int64_t> cut_ns{0};
  };
  auto link = std::make_shared<held_link>();
  auto n2 = sys->spawn([k1, key = keys.node2, link](caf::event_based_actor* a) -> caf::behavior {
    auto seq = std::make_shared<uint64_t>(1000);
    auto last_from_n1 = std::make_shared<uint64_t>(0);
    auto cut = std::make_shared<bool>(false);
    auto beat = [=](uint64_t ack) {
      heartbeat hb{node_id{"n2"}, node_id{"n1"}, ++*seq, wall_clock_now(), {}};
      hb.ack_seq = ack;
      hb.signature = key->sign(signing_payload(hb));
      a->send(k1, hb);
    };
    return {
      [=](const heartbeat& hb) {
        if (*cut)
          return; // the cut: n1's heartbeats no longer arrive
        *last_from_n1 = hb.seq;
        beat(hb.seq);
      },
      [=](const std::string&) {
        *cut = true;
        link->cut_ns = monotonic_ns();
        a->send(a, tick_atom::value);
      },
      [=](tick_atom) {
        if (link->released >= 60)
          return;
        beat(*last_from_n1); // sent before the cut, released only now
        ++link->released;
        a->delayed_send(a, std::chrono::milliseconds(100), tick_atom::value);
      },
      [](const audit_anchor&) {},
    };
  });
  (*self)->send(k1, wire_atom::value, role_directory{{peer_kill_prefix + "n2", n2}});
  auto seen = [](const actor_stats& s) {
    auto i = s.counters.find("peers_seen");
    return i != s.counters.end() && i->second == 1;
  };
  CAF_REQUIRE(stats_until(k1, seen));
  (*self)->send(n2, std::string("cut"));
  CAF_REQUIRE(stats_until(k1, [](const actor_stats& s) {
    auto i = s.counters.find("quorum_lost_halts");
    return i != s.counters.end() && i->second == 1;
  }));
  auto after_cut_ms = (monotonic_ns() - link->cut_ns.load()) / 1'000'000;
  auto released = link->released.load();
  CAF_MESSAGE("halted " << after_cut_ms << " ms after the cut, " << released
                        << " held-back heartbeats released by then");
  // Within the timeout + a check interval + the polling bound; the releases
  // went on for 6 s.
  CAF_CHECK_LESS(after_cut_ms, 2000);
  CAF_CHECK_GREATER_OR_EQUAL(released, 1);
  CAF_CHECK_LESS(released, 60);
  // The released heartbeats were taken, not refused as replays: only what
  // they acknowledge made them old.
  CAF_CHECK_LESS(counter(k1, "heartbeats_refused.stale_seq"), 1); // -1: never
  CAF_CHECK_EQUAL(gate1.level(), 1);
  CAF_CHECK_EQUAL(gate_of(k1).cause.value, "quorum-lost");
  CAF_CHECK_EQUAL(counter(k1, "peers_seen"), 0);
  caf::anon_send_exit(n2, caf::exit_reason::user_shutdown);
  stop(k1);
}

CAF_TEST(a_kill_reaches_every_peer_and_the_origin_collects_their_acks) {
  auto k1 = coordinator("n1", gate1, 2);
  auto k2 = coordinator("n2", gate2, 2);
  (*self)->send(k1, wire_atom::value, role_directory{{peer_kill_prefix + "n2", k2}});
  (*self)->send(k2, wire_atom::value, role_directory{{peer_kill_prefix + "n1", k1}});
  auto r = issue(k1, command(kill_level::halt_new_orders));
  CAF_CHECK(r.complete);
  CAF_CHECK_EQUAL(r.acks.size(), 2u);
  CAF_CHECK(!gate1.is_open());
  CAF_CHECK(!gate2.is_open());
  caf::anon_send_exit(k1, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(k2, caf::exit_reason::user_shutdown);
}


CAF_TEST(a_node_that_loses_its_only_peer_halts_itself_and_stays_halted_after_a_restart) {
  timing.heartbeat_interval = std::chrono::milliseconds(20);
  timing.quorum_timeout = std::chrono::milliseconds(500);
  timing.quorum_start_grace = std::chrono::milliseconds(0);
  auto k1 = coordinator("n1", gate1, 2);
  auto k2 = coordinator("n2", gate2, 2);
  (*self)->send(k1, wire_atom::value, role_directory{{peer_kill_prefix + "n2", k2}});
  (*self)->send(k2, wire_atom::value, role_directory{{peer_kill_prefix + "n1", k1}});
  auto counter = [](const actor_stats& s, const std::string& key) {
    auto i = s.counters.find(key);
    return i == s.counters.end() ? int64_t{-1} : i->second;
  };
  // Both see each other: the quorum of two is held.
  CAF_REQUIRE(stats_until(k1, [&](const actor_stats& s) { return counter(s, "peers_seen") == 1; }));
  CAF_REQUIRE(stats_until(k2, [&](const actor_stats& s) { return counter(s, "peers_seen") == 1; }));
  CAF_CHECK_EQUAL(counter(stats_of(k1), "quorum"), 2);
  CAF_CHECK_GREATER_OR_EQUAL(counter(stats_of(k1), "heartbeat_age_ms.n2"), 0);
  // n2 goes away: n1 sees 1 of 2 and halts itself at level 1.
  stop(k2);
  CAF_REQUIRE(
    stats_until(k1, [&](const actor_stats& s) { return counter(s, "quorum_lost_halts") == 1; }));
  CAF_CHECK_EQUAL(gate1.level(), 1);
  auto st = gate_of(k1);
  CAF_CHECK(st.mode == trading_mode::halted);
  CAF_CHECK_EQUAL(st.cause.value, "quorum-lost");
  std::string error;
  auto saved = load_halt_state(dir + "/n1-halt.state", error);
  CAF_REQUIRE(saved);
  CAF_CHECK_EQUAL(static_cast<int>(saved->level), 1);
  CAF_CHECK_EQUAL(saved->cause.value, "quorum-lost");
  CAF_CHECK(saved->reason.find("quorum lost: 1 of 2 nodes visible, quorum 2") == 0);
  // Reported once: still one halt while the peer stays away.
  CAF_CHECK_EQUAL(counter(stats_of(k1), "quorum_lost"), 1);
  stop(k1);
  // A restarted n1 comes back halted, cause and all, before any heartbeat.
  kill_gate fresh;
  timing.quorum_start_grace = std::chrono::minutes(1);
  auto again = coordinator("n1", fresh, 2);
  auto restored = gate_of(again);
  CAF_CHECK(restored.mode == trading_mode::halted);
  CAF_CHECK_EQUAL(restored.cause.value, "quorum-lost");
  CAF_CHECK_EQUAL(fresh.level(), 1);
  stop(again);
  auto verified = verify_audit_file(dir + "/n1-audit.log");
  CAF_CHECK(verified.ok);
}

CAF_TEST(a_single_node_cluster_never_halts_for_lack_of_peers) {
  timing.heartbeat_interval = std::chrono::milliseconds(10);
  timing.quorum_timeout = std::chrono::milliseconds(30);
  timing.quorum_start_grace = std::chrono::milliseconds(0);
  auto k = coordinator("n1", gate1, 1);
  auto s = stats_of(k);
  CAF_CHECK_EQUAL(s.counters["quorum"], 1);
  CAF_CHECK_EQUAL(s.counters["quorum_held"], 1);
  CAF_CHECK_EQUAL(s.counters["heartbeats_sent"], 0);
  CAF_CHECK(gate1.is_open());
  stop(k);
}

CAF_TEST_FIXTURE_SCOPE_END()
