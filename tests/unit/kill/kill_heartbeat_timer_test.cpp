// The heartbeat timer under injected ticks (review of the F1 fix, item 1):
// only the coordinator's own tick re-arms its timer, a tick from outside
// this node is refused, and the ring of our sends is trimmed by time, so
// honest acks a round trip old still count whatever was injected.
#define CAF_SUITE kill_heartbeat_timer
#include "tests/support/unit_test.hpp"

#include <fstream>

#include "actors/kill/heartbeat_seq.hpp"
#include "tests/unit/kill/kill_coordinator_fixture.hpp"

using namespace cwts;
using namespace cwts::kill_coordinator_testing;

namespace {

using reply_atom = caf::atom_constant<caf::atom("reply")>;

// n2's coordinator stand-in: answers every heartbeat n1 signed for it with
// n2's own (signed with n2's key) acknowledging it, `delay` later (the link's
// round trip).
caf::behavior acking_n2(caf::event_based_actor* a, caf::actor k1,
                        std::shared_ptr<const ed25519_signer> key,
                        std::chrono::milliseconds delay) {
  auto seq = std::make_shared<uint64_t>(1000);
  return {
    [=](const heartbeat& hb) {
      if (hb.to.value == "n2")
        a->delayed_send(a, delay, reply_atom::value, hb.seq);
    },
    [=](reply_atom, uint64_t ack) {
      heartbeat hb{node_id{"n2"}, node_id{"n1"}, ++*seq, wall_clock_now(), {}};
      hb.ack_seq = ack;
      hb.signature = key->sign(signing_payload(hb));
      a->send(k1, hb);
    },
    [](const audit_anchor&) {},
  };
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(kill_heartbeat_timer_tests, fixture)

// Before the fix every tick re-armed the timer: 40 injected ticks made 41
// timer chains (41 heartbeats, 41 signatures per interval, for ever), and
// the ring (timeout/interval + 4 sends) then covered a fortieth of the
// timeout, so n2's acks, 200 ms late, were all ack_too_old and n1 halted
// itself with its peer answering every heartbeat.
CAF_TEST(injected_ticks_start_no_timer_chain_and_honest_acks_still_count) {
  timing.heartbeat_interval = std::chrono::milliseconds(50);
  timing.quorum_timeout = std::chrono::milliseconds(1000);
  timing.quorum_start_grace = std::chrono::milliseconds(0);
  auto k1 = coordinator("n1", gate1, 2);
  auto n2 = sys->spawn(acking_n2, k1, keys.node2, std::chrono::milliseconds(200));
  (*self)->send(k1, wire_atom::value, role_directory{{peer_kill_prefix + "n2", n2}});
  CAF_REQUIRE(stats_until(k1, [](const actor_stats& s) {
    auto i = s.counters.find("peers_seen");
    return i != s.counters.end() && i->second == 1;
  }));
  // Ticks from a local caller: each runs one round (one heartbeat to n2).
  auto before = counter(k1, "heartbeats_sent");
  for (int i = 0; i < 40; ++i)
    (*self)->send(k1, tick_atom::value);
  gate_of(k1);
  CAF_CHECK_GREATER_OR_EQUAL(counter(k1, "heartbeats_sent"), before + 40);
  // Ticks without a sender (as a remote client's can be): refused, counted.
  for (int i = 0; i < 5; ++i)
    caf::anon_send(k1, tick_atom::value);
  gate_of(k1);
  CAF_CHECK_EQUAL(counter(k1, "refused_remote.tick"), 5);
  // The timer still sends one heartbeat per 50 ms interval: 20 more take at
  // least 19 intervals (a slow machine only makes it longer). With a chain
  // per injected tick they took about 25 ms.
  auto from = counter(k1, "heartbeats_sent");
  auto started = std::chrono::steady_clock::now();
  CAF_REQUIRE(stats_until(k1, [&](const actor_stats& s) {
    auto i = s.counters.find("heartbeats_sent");
    return i != s.counters.end() && i->second >= from + 20;
  }));
  auto took = std::chrono::steady_clock::now() - started;
  CAF_MESSAGE("20 heartbeats took "
              << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
  CAF_CHECK_GREATER_OR_EQUAL(took, std::chrono::milliseconds(19 * 50 - 25));
  // Every ack of n2 (200 ms after our send) named a send the ring still
  // held: none too old, n2 seen, no quorum loss across more than a timeout.
  CAF_CHECK_LESS(counter(k1, "heartbeats_refused.ack_too_old"), 1); // -1: never
  CAF_CHECK_EQUAL(counter(k1, "peers_seen"), 1);
  CAF_CHECK_EQUAL(counter(k1, "quorum_lost"), 0);
  CAF_CHECK(gate1.is_open());
  caf::anon_send_exit(n2, caf::exit_reason::user_shutdown);
  stop(k1);
}

// Review item 2: a restart numbers its heartbeats above the high-water mark
// persisted beside the halt state, not from the wall clock alone. The mark
// here is an hour ahead of the clock, as after a clock stepped back an hour.
CAF_TEST(a_restart_numbers_heartbeats_above_the_persisted_mark) {
  timing.heartbeat_interval = std::chrono::milliseconds(20);
  timing.quorum_start_grace = std::chrono::minutes(1);
  auto mark = static_cast<uint64_t>(wall_clock_now().ns) + 3'600'000'000'000;
  auto file = dir + "/n1-halt.state.heartbeat-seq";
  std::ofstream(file) << "cwts-heartbeat-seq/1 " << mark << "\n";
  auto first = std::make_shared<std::atomic<uint64_t>>(0);
  auto k1 = coordinator("n1", gate1, 2);
  auto n2 = sys->spawn([first]() -> caf::behavior {
    return {[first](const heartbeat& hb) {
              uint64_t none = 0;
              first->compare_exchange_strong(none, hb.seq);
            },
            [](const audit_anchor&) {}};
  });
  (*self)->send(k1, wire_atom::value, role_directory{{peer_kill_prefix + "n2", n2}});
  CAF_REQUIRE(itest::wait_until([&] { return first->load() != 0; }, std::chrono::seconds(5),
                                std::chrono::milliseconds(5)));
  uint64_t first_seq = first->load();
  CAF_CHECK_GREATER(first_seq, mark);
  // The new life reserved its block before its first heartbeat.
  std::string error;
  auto saved = heartbeat_seq_store::load(file, error);
  CAF_REQUIRE(saved);
  uint64_t reserved = *saved;
  uint64_t sent = first->load();
  CAF_CHECK_GREATER_OR_EQUAL(reserved, sent);
  CAF_CHECK_EQUAL(counter(k1, "heartbeat_seq_store_failures"), 0);
  caf::anon_send_exit(n2, caf::exit_reason::user_shutdown);
  stop(k1);
}

CAF_TEST_FIXTURE_SCOPE_END()
