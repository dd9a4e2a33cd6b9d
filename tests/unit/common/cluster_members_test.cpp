// Membership is configuration (issue 17 finding 2) and published keys are
// refused (finding 7): the CAF-free cores, without processes.
#define CAF_SUITE common_cluster_members
#include "tests/support/unit_test.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/cluster_members.hpp"
#include "common/published_keys.hpp"

using namespace cwts;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

struct fixture {
  ed25519_signer gw1 = ed25519_signer::generate();
  ed25519_signer tr1 = ed25519_signer::generate();
  ed25519_signer w1 = ed25519_signer::generate();
  ed25519_signer rogue = ed25519_signer::generate();
  // The operators file lists four node keys; the cluster has three members.
  operator_registry registry{{{operator_id{"node-gw1"}, gw1.public_key(), {operator_role::kill}, "gw1"},
                              {operator_id{"node-tr1"}, tr1.public_key(), {operator_role::kill}, "tr1"},
                              {operator_id{"node-w1"}, w1.public_key(), {operator_role::kill}, "w1"},
                              {operator_id{"node-tr2"}, rogue.public_key(), {operator_role::kill}, "tr2"}},
                             std::chrono::seconds(30)};
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(cluster_members_tests, fixture)

CAF_TEST(members_are_the_configured_list_not_every_node_key) {
  std::string error;
  auto m = cluster_membership::make({"gw1", "tr1", "w1"}, "gw1", registry, error);
  CAF_REQUIRE(m.has_value());
  CAF_CHECK_EQUAL(m->size(), 3);
  CAF_CHECK(m->contains("w1"));
  // tr2 holds a node key the operators file lists, and still is no member.
  CAF_CHECK(!m->contains("tr2"));
  CAF_CHECK(contains(m->refusal("tr2"), "not a configured member"));
  CAF_CHECK(contains(m->refusal("tr2"), "gw1,tr1,w1"));
  CAF_CHECK_EQUAL(m->refusal("tr1"), "");
  // A member is bound to its key and to a certificate naming it.
  CAF_CHECK(m->find("tr1")->public_key == tr1.public_key());
  CAF_CHECK_EQUAL(m->find("tr1")->certificate_name, "tr1");
}

CAF_TEST(a_member_without_a_node_key_is_refused_naming_the_key) {
  std::string error;
  CAF_CHECK(!cluster_membership::make({"gw1", "tr1", "x9"}, "gw1", registry, error));
  CAF_CHECK(contains(error, "cluster.members: member 'x9' has no node key"));
}

CAF_TEST(this_node_must_be_a_member) {
  std::string error;
  CAF_CHECK(!cluster_membership::make({"tr1", "w1"}, "gw1", registry, error));
  CAF_CHECK(contains(error, "this node ('gw1') is not in the list"));
}

CAF_TEST(repeated_empty_and_malformed_lists_are_refused) {
  std::string error;
  CAF_CHECK(!cluster_membership::make({"gw1", "gw1"}, "gw1", registry, error));
  CAF_CHECK(contains(error, "listed twice"));
  CAF_CHECK(!cluster_membership::make({}, "gw1", registry, error));
  CAF_CHECK(contains(error, "empty"));
  CAF_CHECK(!cluster_membership::make({"gw1", "a b"}, "gw1", registry, error));
  CAF_CHECK(contains(error, "'a b' is not a node id"));
}

CAF_TEST(no_list_means_every_node_counts_for_unit_tests_only) {
  CAF_CHECK_EQUAL(membership_refusal(nullptr, "anyone"), "");
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST(fresh_keys_are_not_published) {
  auto key = ed25519_signer::generate();
  CAF_CHECK_EQUAL(published_key(key.public_key()), "");
  CAF_CHECK_EQUAL(ed25519_fingerprint(key.public_key()).size(), 64u);
}

CAF_TEST(the_keys_once_committed_are_recognised) {
  // config/operator-keys/alice.pub.pem as it was committed (the public half;
  // its private half sat beside it).
  auto file = std::filesystem::temp_directory_path()
              / ("cwts-published-" + std::to_string(::getpid()) + ".pub.pem");
  std::ofstream(file) << "-----BEGIN PUBLIC KEY-----\n"
                         "MCowBQYDK2VwAyEAm7/K24PGDKTtDGsWIbTdrDhAVzwaCKpHLhg45xhcKL4=\n"
                         "-----END PUBLIC KEY-----\n";
  std::string error;
  auto key = read_ed25519_public_pem(file.string(), error);
  std::filesystem::remove(file);
  CAF_REQUIRE(key.has_value());
  CAF_CHECK_EQUAL(ed25519_fingerprint(*key),
                  "57bb39ee6a858f510c2a82ff022f7973838ba89675eef06aeb161e3fcd17a9be");
  auto why = published_key(*key);
  CAF_CHECK(contains(why, "config/operator-keys/alice.pub.pem"));
  CAF_CHECK(contains(why, "anyone can sign with it"));
}
