#define CAF_SUITE kill_switch_paths
#include "tests/support/unit_test.hpp"

// The kill core under two paths (the fan-out's I/O thread and the actor):
// a reset never undoes a kill applied after its vote snapshot (review 4 #7),
// no valid endorsement is dropped or shadowed by a forged one (#6), and the
// size caps are the fan-out codec's on every path (#14).

#include <atomic>
#include <thread>

#include "actors/kill/fanout_codec.hpp"
#include "actors/kill/kill_switch.hpp"
#include "actors/kill/reset_quorum.hpp"
#include "common/node_kill.hpp"
#include "tests/unit/kill/test_keys.hpp"

using namespace cwts;

namespace {

struct fixture {
  kill_test::test_keys keys;
  kill_gate gate;
  kill_switch ks{kill_switch_config{node_id{"n1"}, keys.registry}, gate};
  timestamp_ns now = wall_clock_now();

  // n2 raises a cluster-wide kill; with 2 signatures needed it waits for n1.
  kill_command node_raised(const std::string& id) const {
    kill_command c{kill_id{id}, kill_level::cancel_all, kill_scope::cluster, "",
                   operator_id{"node-n2"}, node_id{"n2"}, "role lost", now, {}};
    sign(c, *keys.node2);
    return c;
  }
  kill_switch_config two_signatures() const {
    kill_switch_config cfg{node_id{"n3"}, keys.registry};
    cfg.node_halt_signatures = 2;
    return cfg;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(kill_switch_paths_tests, fixture)

CAF_TEST(a_kill_at_the_same_level_after_the_vote_snapshot_makes_the_reopen_refuse) {
  CAF_REQUIRE(ks.on_command(keys.kill("k1"), now).verdict == kill_verdict::applied);
  auto snapshot = ks.apply_seq();
  // The I/O thread applies another kill at the same level after the vote:
  // the cause stays k1 (highest level), but the kill must not be undone.
  CAF_REQUIRE(ks.on_command(keys.kill("k2"), now).verdict == kill_verdict::applied);
  CAF_CHECK_EQUAL(ks.state().cause.value, "k1");
  CAF_CHECK_EQUAL(ks.last_applied().value, "k2");
  CAF_CHECK(!ks.reopen(kill_id{"r1"}, "all clear", 1, snapshot));
  CAF_CHECK(!gate.is_open());
  CAF_CHECK_EQUAL(gate.level(), 2);
  CAF_CHECK_EQUAL(ks.epoch(), 0);
  // A reset whose snapshot saw every kill reopens.
  CAF_CHECK(ks.reopen(kill_id{"r2"}, "all clear", 1, ks.apply_seq()));
  CAF_CHECK(gate.is_open());
}

CAF_TEST(a_self_halt_and_a_scoped_kill_after_the_snapshot_also_refuse_it) {
  auto snapshot = ks.apply_seq();
  CAF_REQUIRE(ks.halt_self(kill_level::halt_new_orders, kill_id{"quorum-lost"}, "lost"));
  CAF_CHECK(!ks.reopen(kill_id{"r1"}, "all clear", 1, snapshot));
  snapshot = ks.apply_seq();
  auto scoped = keys.kill("s1");
  scoped.scope = kill_scope::symbol;
  scoped.scope_value = "BTCUSDT";
  sign(scoped, keys.alice);
  CAF_REQUIRE(ks.on_command(scoped, now).verdict == kill_verdict::applied);
  CAF_CHECK(!ks.reopen(kill_id{"r2"}, "all clear", 1, snapshot));
  CAF_CHECK_EQUAL(ks.scoped_halts().size(), 1u);
  // A kill for another node leaves this gate alone: it changes nothing here.
  snapshot = ks.apply_seq();
  auto other = keys.kill("o1");
  other.scope = kill_scope::node;
  other.scope_value = "n9";
  sign(other, keys.alice);
  CAF_REQUIRE(ks.on_command(other, now).verdict == kill_verdict::applied);
  CAF_CHECK(ks.reopen(kill_id{"r3"}, "all clear", 1, snapshot));
}

CAF_TEST(a_vote_refuses_a_same_level_kill_applied_after_the_reset_was_signed) {
  reset_preconditions p;
  p.halted = true;
  p.halted_for_ns = 10;
  p.own_epoch = 0;
  p.proposed_epoch = 1;
  p.halt_cause = kill_id{"k1"};       // the highest level's cause
  p.halted_since_ns = 100;
  p.reset_halt_cause = kill_id{"k1"};
  p.reset_issued_at_ns = 200;
  p.last_kill = kill_id{"k2"};        // same level, applied after the signature
  p.last_kill_ns = 300;
  auto v = decide_vote(kill_id{"r1"}, node_id{"n1"}, p);
  CAF_CHECK(!v.yes);
  CAF_CHECK(v.reason.find("kill k2 was applied here after the reset was signed") == 0);
  p.last_kill_ns = 150; // before the signature: the operator saw it
  CAF_CHECK(decide_vote(kill_id{"r1"}, node_id{"n1"}, p).yes);
}

CAF_TEST(a_forged_endorsement_first_does_not_shadow_the_real_one) {
  kill_gate g;
  kill_switch k{two_signatures(), g};
  auto c = node_raised("rl-1");
  auto forged = c;
  forged.cosignatures.push_back(
    kill_cosignature{node_id{"n1"}, keys.stranger.sign(cosigning_payload(c))});
  CAF_CHECK(k.on_command(forged, now, kill_path::caf).verdict == kill_verdict::pending);
  // Only verified endorsements are kept.
  CAF_REQUIRE_EQUAL(k.pending().size(), 1u);
  CAF_CHECK(k.pending().front().cosignatures.empty());
  auto real = c;
  cosign(real, node_id{"n1"}, *keys.node1);
  auto d = k.on_command(real, now, kill_path::fanout);
  CAF_CHECK(d.verdict == kill_verdict::applied);
  CAF_CHECK_EQUAL(g.level(), 2);
  CAF_REQUIRE_EQUAL(d.command.cosignatures.size(), 1u);
  CAF_CHECK_EQUAL(d.command.cosignatures.front().node.value, "n1");
}

CAF_TEST(copies_with_other_endorsers_on_both_paths_at_once_are_all_counted) {
  // n2 raises, n1 endorses; with 3 needed (n2, n1 and n9's key listed below)
  // neither copy alone suffices: both endorsements must be kept.
  auto n9 = ed25519_signer::generate();
  auto keys_list = keys.registry->keys();
  keys_list.push_back({operator_id{"node-n9"}, n9.public_key(), {operator_role::kill}, "n9"});
  auto reg = std::make_shared<const operator_registry>(keys_list, std::chrono::seconds(30));
  for (int round = 0; round < 50; ++round) {
    kill_switch_config cfg{node_id{"n3"}, reg};
    cfg.node_halt_signatures = 3;
    kill_gate g;
    kill_switch k{cfg, g};
    auto c = node_raised("race-" + std::to_string(round));
    auto a = c;
    cosign(a, node_id{"n1"}, *keys.node1);
    auto b = c;
    cosign(b, node_id{"n9"}, n9);
    std::atomic<int> ready{0};
    auto run = [&](const kill_command& copy, kill_path path) {
      ++ready;
      while (ready.load() < 2) {
      }
      k.on_command(copy, now, path);
    };
    std::thread t1(run, a, kill_path::caf);
    std::thread t2(run, b, kill_path::fanout);
    t1.join();
    t2.join();
    CAF_CHECK_EQUAL(g.level(), 2);
  }
}

CAF_TEST(sizes_the_fanout_codec_refuses_are_refused_at_every_path) {
  auto long_reason = keys.kill("l1");
  long_reason.reason.assign(kill_limits::max_reason + 1, 'x');
  sign(long_reason, keys.alice); // correctly signed: refused for its size alone
  auto d = ks.on_command(long_reason, now);
  CAF_CHECK(d.verdict == kill_verdict::rejected);
  CAF_CHECK(d.reason.find("reason of 4097 bytes") == 0);
  auto long_id = keys.kill(std::string(kill_limits::max_name + 1, 'i'));
  CAF_CHECK(ks.on_command(long_id, now).verdict == kill_verdict::rejected);
  auto padded = keys.kill("p1");
  for (size_t i = 0; i <= kill_limits::max_cosignatures; ++i)
    padded.cosignatures.push_back(kill_cosignature{node_id{"n1"}, std::vector<uint8_t>(64, 1)});
  CAF_CHECK(ks.on_command(padded, now).verdict == kill_verdict::rejected);
  // Every field at its cap but too much in all: over the fan-out's frame.
  auto big = keys.kill(std::string(kill_limits::max_name, 'i'));
  big.reason.assign(kill_limits::max_reason, 'r');
  for (size_t i = 0; i < kill_limits::max_cosignatures; ++i)
    big.cosignatures.push_back(kill_cosignature{
      node_id{std::string(kill_limits::max_name - 3, 'n') + std::to_string(100 + i)},
      std::vector<uint8_t>(64, 1)});
  d = ks.on_command(big, now);
  CAF_CHECK(d.reason.find("more than 16384 (the fan-out's largest frame)") != std::string::npos);
  CAF_CHECK(gate.is_open());
}

CAF_TEST(a_kill_at_the_caps_passes_the_fanout_codec_unchanged) {
  // The largest kill check_fields accepts: the codec carries it whole.
  auto k = keys.kill(std::string(kill_limits::max_name, 'i'));
  k.reason.assign(kill_limits::max_reason, 'r');
  k.origin = node_id{std::string(kill_limits::max_name, 'o')};
  while (true) {
    auto more = k;
    more.cosignatures.push_back(
      kill_cosignature{node_id{std::string(kill_limits::max_name, 'c')}, std::vector<uint8_t>(64, 2)});
    if (kill_switch::check_fields(more) || more.cosignatures.size() > kill_limits::max_cosignatures)
      break;
    k = more;
  }
  CAF_REQUIRE(!kill_switch::check_fields(k));
  CAF_CHECK(!k.cosignatures.empty());
  auto wire = fanout::encode(k);
  CAF_CHECK_EQUAL(wire.size() - 4, kill_encoded_size(k));
  std::string error;
  auto f = fanout::decode(std::string_view(wire).substr(4), error);
  CAF_REQUIRE(f);
  CAF_CHECK_EQUAL(f->k.reason, k.reason);
  CAF_CHECK_EQUAL(f->k.cosignatures.size(), k.cosignatures.size());
  CAF_CHECK(content_digest(signing_payload(f->k), f->k.signature)
            == content_digest(signing_payload(k), k.signature));
}

// Review 4 #18: one verifier. A small-order public key (the identity point)
// with R = identity and S = 0 satisfies the bare Ed25519 equation; libsodium
// refuses it, and ed25519_verify has no other verifier that might accept it.
CAF_TEST(a_small_order_key_and_signature_never_verify) {
  std::vector<uint8_t> identity(32, 0);
  identity[0] = 1;
  std::vector<uint8_t> sig(64, 0);
  sig[0] = 1;
  CAF_CHECK(!ed25519_verify(identity, "kill everything", sig));
  CAF_CHECK(!ed25519_verify(identity, "", sig));
}

CAF_TEST(a_node_kill_with_a_long_breach_text_is_cut_before_signing_and_applies) {
  node_kill_signer signer{node_id{"n1"}, operator_id{"node-n1"}, keys.node1, ""};
  auto k = make_node_kill(signer, kill_level::cancel_all, "risk", "pnl",
                          std::string(kill_limits::max_reason + 500, 'b'));
  CAF_CHECK_EQUAL(k.reason.size(), kill_limits::max_reason);
  CAF_CHECK(ks.on_command(k, now).verdict == kill_verdict::applied);
}

CAF_TEST_FIXTURE_SCOPE_END()
