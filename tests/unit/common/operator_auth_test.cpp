#define CAF_SUITE common_operator_auth
#include "tests/support/unit_test.hpp"

#include <filesystem>
#include <fstream>
#include <random>

#include "common/operator_auth.hpp"

using namespace cwts;
using namespace std::chrono_literals;

namespace {

constexpr int64_t second_ns = 1'000'000'000;
const timestamp_ns now{1'700'000'000 * second_ns};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p);
  out << text;
}

struct fixture {
  ed25519_signer alice = ed25519_signer::generate();
  ed25519_signer bob = ed25519_signer::generate();
  operator_registry registry{{operator_key{operator_id{"alice"}, alice.public_key(),
                                           {operator_role::risk_officer, operator_role::operations}},
                              operator_key{operator_id{"bob"}, bob.public_key(),
                                           {operator_role::operations}}},
                             30s};
  std::filesystem::path dir;

  fixture() {
    std::random_device rd;
    dir = std::filesystem::temp_directory_path()
          / ("cwts-operator-auth-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir / "keys");
    write_file(dir / "keys/alice.pub.pem", alice.public_pem());
    write_file(dir / "keys/bob.pub.pem", bob.public_pem());
    write_file(dir / "keys/alice.pem", alice.private_pem());
  }

  ~fixture() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  operator_command command(const std::string& issuer, operator_action action,
                           const std::string& id = "c-1", timestamp_ns at = now) const {
    operator_command c;
    c.id = command_id{id};
    c.action = action;
    c.issuer = operator_id{issuer};
    c.issued_at = at;
    c.target = "USDCHF";
    c.field = "max-order-qty";
    c.value = "5000";
    c.reason = "desk request";
    return c;
  }

  operator_command signed_by(const ed25519_signer& key, operator_command c) const {
    c.signature = key.sign(signing_payload(c));
    return c;
  }

  // Writes `text` as operators.ini in the test folder and loads it.
  std::optional<operator_registry> load(const std::string& text, std::string& error) const {
    write_file(dir / "operators.ini", text);
    return operator_registry::load((dir / "operators.ini").string(), error);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(operator_auth_tests, fixture)

CAF_TEST(parses_and_prints_every_role) {
  for (auto r : {operator_role::risk_officer, operator_role::operations, operator_role::kill,
                 operator_role::reset})
    CAF_CHECK(parse_operator_role(to_string(r)) == r);
  CAF_CHECK(!parse_operator_role("admin"));
  CAF_CHECK(required_role(operator_action::change_limit) == operator_role::risk_officer);
  CAF_CHECK(required_role(operator_action::reenable_throttle) == operator_role::risk_officer);
  CAF_CHECK(required_role(operator_action::accept_positions) == operator_role::operations);
}

CAF_TEST(signature_round_trips) {
  auto sig = alice.sign("payload");
  CAF_CHECK_EQUAL(sig.size(), 64u);
  CAF_CHECK_EQUAL(alice.public_key().size(), 32u);
  CAF_CHECK(ed25519_verify(alice.public_key(), "payload", sig));
  CAF_CHECK(!ed25519_verify(alice.public_key(), "payloaD", sig));
  CAF_CHECK(!ed25519_verify(bob.public_key(), "payload", sig));
}

CAF_TEST(pem_files_round_trip) {
  std::string err;
  auto signer = ed25519_signer::from_pem_file((dir / "keys/alice.pem").string(), err);
  CAF_MESSAGE(err);
  CAF_REQUIRE(signer.has_value());
  CAF_CHECK(signer->public_key() == alice.public_key());
  auto pub = read_ed25519_public_pem((dir / "keys/alice.pub.pem").string(), err);
  CAF_MESSAGE(err);
  CAF_REQUIRE(pub.has_value());
  CAF_CHECK(*pub == alice.public_key());
  CAF_CHECK(!ed25519_signer::from_pem_file((dir / "keys/alice.pub.pem").string(), err));
  CAF_CHECK(!ed25519_signer::from_pem_file((dir / "absent.pem").string(), err));
  CAF_CHECK(contains(err, "cannot open"));
}

CAF_TEST(accepts_a_signed_command_from_an_authorized_operator) {
  auto c = signed_by(alice, command("alice", operator_action::change_limit));
  CAF_CHECK_EQUAL(registry.verify(c, now), "");
  auto p = signed_by(bob, command("bob", operator_action::accept_positions, "c-2"));
  CAF_CHECK_EQUAL(registry.verify(p, now), "");
}

CAF_TEST(refuses_a_tampered_payload) {
  auto c = signed_by(alice, command("alice", operator_action::change_limit));
  c.value = "500000"; // changed after signing
  auto why = registry.verify(c, now);
  CAF_CHECK(contains(why, "bad signature"));
  auto t = signed_by(alice, command("alice", operator_action::change_limit, "c-3"));
  t.signature[10] ^= 0x01;
  CAF_CHECK(contains(registry.verify(t, now), "bad signature"));
}

CAF_TEST(refuses_a_signature_by_another_key) {
  // bob signs a command claiming to be alice's.
  auto c = signed_by(bob, command("alice", operator_action::change_limit));
  auto why = registry.verify(c, now);
  CAF_CHECK(contains(why, "bad signature"));
  CAF_CHECK(contains(why, "alice"));
}

CAF_TEST(refuses_a_malformed_signature) {
  auto c = command("alice", operator_action::change_limit);
  CAF_CHECK(contains(registry.verify(c, now), "malformed signature: 0 bytes"));
  c.signature.assign(63, 0);
  CAF_CHECK(contains(registry.verify(c, now), "malformed signature: 63 bytes"));
}

CAF_TEST(refuses_an_unknown_issuer) {
  auto mallory = ed25519_signer::generate();
  auto c = signed_by(mallory, command("mallory", operator_action::change_limit));
  CAF_CHECK(contains(registry.verify(c, now), "unknown issuer 'mallory'"));
}

CAF_TEST(refuses_an_operator_without_the_role) {
  auto c = signed_by(bob, command("bob", operator_action::change_limit));
  auto why = registry.verify(c, now);
  CAF_CHECK(contains(why, "lacks role 'risk-officer'"));
  auto r = signed_by(bob, command("bob", operator_action::reenable_throttle, "c-2"));
  CAF_CHECK(contains(registry.verify(r, now), "lacks role 'risk-officer'"));
}

CAF_TEST(refuses_commands_outside_the_window_on_both_sides) {
  auto old_cmd = signed_by(alice, command("alice", operator_action::change_limit, "c-old",
                                          timestamp_ns{now.ns - 31 * second_ns}));
  CAF_CHECK(contains(registry.verify(old_cmd, now), "old, outside the +/-30 s window"));
  auto future = signed_by(alice, command("alice", operator_action::change_limit, "c-future",
                                         timestamp_ns{now.ns + 31 * second_ns}));
  CAF_CHECK(contains(registry.verify(future, now), "in the future, outside the +/-30 s window"));
  // The edges of the window are inside it.
  auto edge_old = signed_by(alice, command("alice", operator_action::change_limit, "c-edge1",
                                           timestamp_ns{now.ns - 30 * second_ns}));
  CAF_CHECK_EQUAL(registry.verify(edge_old, now), "");
  auto edge_new = signed_by(alice, command("alice", operator_action::change_limit, "c-edge2",
                                           timestamp_ns{now.ns + 30 * second_ns}));
  CAF_CHECK_EQUAL(registry.verify(edge_new, now), "");
}

CAF_TEST(refuses_a_replayed_id) {
  auto c = signed_by(alice, command("alice", operator_action::change_limit));
  CAF_CHECK_EQUAL(registry.verify(c, now), "");
  CAF_CHECK(contains(registry.verify(c, timestamp_ns{now.ns + second_ns}), "replayed command id 'c-1'"));
  // Still refused once the id is forgotten (after 2x window): the window check catches it.
  auto later = timestamp_ns{now.ns + 61 * second_ns};
  auto why = registry.verify(c, later);
  CAF_CHECK(contains(why, "outside the +/-30 s window"));
}

CAF_TEST(only_accepted_ids_are_remembered) {
  auto bad = signed_by(bob, command("bob", operator_action::change_limit, "c-7"));
  CAF_CHECK(!registry.verify(bad, now).empty());
  auto good = signed_by(alice, command("alice", operator_action::change_limit, "c-7"));
  CAF_CHECK_EQUAL(registry.verify(good, now), "");
}

CAF_TEST(loads_a_valid_operator_file) {
  std::string err;
  auto reg = load("[operators]\nwindow-seconds = 10\n"
                  "[operator.alice]\npublic-key-file = \"keys/alice.pub.pem\"\n"
                  "roles = \"risk-officer, operations,kill,reset\"\n"
                  "[operator.bob]\npublic-key-file = \"keys/bob.pub.pem\"\nroles = \"operations\"\n",
                  err);
  CAF_MESSAGE(err);
  CAF_REQUIRE(reg.has_value());
  CAF_CHECK_EQUAL(reg->keys().size(), 2u);
  CAF_CHECK_EQUAL(reg->window().count(), 10);
  CAF_CHECK_EQUAL(reg->keys()[0].roles.size(), 4u);
  auto c = signed_by(alice, command("alice", operator_action::change_limit));
  CAF_CHECK_EQUAL(reg->verify(c, now), "");
  auto stale = signed_by(alice, command("alice", operator_action::change_limit, "c-2",
                                        timestamp_ns{now.ns - 11 * second_ns}));
  CAF_CHECK(contains(reg->verify(stale, now), "+/-10 s window"));
}

CAF_TEST(load_refuses_a_missing_file) {
  std::string err;
  CAF_CHECK(!operator_registry::load((dir / "nothing.ini").string(), err));
  CAF_CHECK(contains(err, "cannot open"));
}

CAF_TEST(load_refuses_an_unknown_role) {
  std::string err;
  CAF_CHECK(!load("[operator.alice]\npublic-key-file = \"keys/alice.pub.pem\"\n"
                  "roles = \"operations,admin\"\n",
                  err));
  CAF_CHECK(contains(err, "[operator.alice] roles: unknown role 'admin'"));
}

CAF_TEST(load_refuses_a_missing_key_file) {
  std::string err;
  CAF_CHECK(!load("[operator.alice]\npublic-key-file = \"keys/none.pub.pem\"\nroles = \"kill\"\n",
                  err));
  CAF_CHECK(contains(err, "[operator.alice] public-key-file: cannot open"));
}

CAF_TEST(load_refuses_a_key_that_is_not_ed25519) {
  write_file(dir / "keys/garbage.pem", "not a key\n");
  // An ECDSA P-256 public key: a valid PEM key, but not Ed25519.
  write_file(dir / "keys/ec.pub.pem",
             "-----BEGIN PUBLIC KEY-----\n"
             "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE/JvtFIA6n4W8ubJpjLoAgRnlF7u2\n"
             "JMpYrwbiudkeHXtviWb3euo+D3gjXPaPVqDdLsAd9KGd/g1rpehDnSq7Xg==\n"
             "-----END PUBLIC KEY-----\n");
  std::string err;
  CAF_CHECK(!load("[operator.alice]\npublic-key-file = \"keys/ec.pub.pem\"\nroles = \"kill\"\n",
                  err));
  CAF_CHECK(contains(err, "[operator.alice] public-key-file:"));
  CAF_CHECK(contains(err, "not Ed25519"));
  CAF_CHECK(!load("[operator.alice]\npublic-key-file = \"keys/garbage.pem\"\nroles = \"kill\"\n",
                  err));
  CAF_CHECK(contains(err, "no readable PEM key"));
}

CAF_TEST(load_refuses_a_duplicate_operator) {
  std::string err;
  CAF_CHECK(!load("[operator.alice]\npublic-key-file = \"keys/alice.pub.pem\"\n"
                  "[operator.bob]\npublic-key-file = \"keys/bob.pub.pem\"\nroles = \"kill\"\n"
                  "[operator.alice]\nroles = \"kill\"\n",
                  err));
  CAF_CHECK(contains(err, "[operator.alice]: duplicate operator"));
  CAF_CHECK(!load("[operator.alice]\npublic-key-file = \"keys/alice.pub.pem\"\nroles = \"kill\"\n"
                  "[operator.Alice]\npublic-key-file = \"keys/bob.pub.pem\"\nroles = \"kill\"\n",
                  err));
  CAF_CHECK(contains(err, "duplicate operator"));
  CAF_CHECK(!load("[operator.alice]\npublic-key-file = \"keys/alice.pub.pem\"\nroles = \"kill\"\n"
                  "[operator.carol]\npublic-key-file = \"keys/alice.pub.pem\"\nroles = \"kill\"\n",
                  err));
  CAF_CHECK(contains(err, "duplicate operator (the same key as operator 'alice')"));
}

CAF_TEST(load_refuses_missing_and_unknown_keys) {
  std::string err;
  CAF_CHECK(!load("[operator.alice]\nroles = \"kill\"\n", err));
  CAF_CHECK(contains(err, "[operator.alice] public-key-file: missing"));
  CAF_CHECK(!load("[operator.alice]\npublic-key-file = \"keys/alice.pub.pem\"\n", err));
  CAF_CHECK(contains(err, "[operator.alice] roles: missing"));
  CAF_CHECK(!load("[operator.alice]\npublic-key-file = \"keys/alice.pub.pem\"\nroles = \"kill\"\n"
                  "colour = \"blue\"\n",
                  err));
  CAF_CHECK(contains(err, "[operator.alice] colour: unknown key"));
  CAF_CHECK(!load("[operators]\nwindow-seconds = 0\n", err));
  CAF_CHECK(contains(err, "[operators] window-seconds"));
  CAF_CHECK(!load("[operators]\nwindow-seconds = 30\n", err));
  CAF_CHECK(contains(err, "no [operator.<name>] section"));
}

CAF_TEST_FIXTURE_SCOPE_END()
