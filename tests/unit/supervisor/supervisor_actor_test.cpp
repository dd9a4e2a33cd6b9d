#define CAF_SUITE supervisor_actor
#include "caf/test/unit_test_impl.hpp"

#include <atomic>
#include <thread>

#include "caf/all.hpp"

#include "actors/supervisor/supervisor_actor.hpp"
#include "messages/registry.hpp"
#include "tests/unit/actor_test_system.hpp"

using namespace cwts;

namespace {

using crash_atom = caf::atom_constant<caf::atom("crash")>;

// Test double: a child that reports each wiring it receives and dies on demand.
caf::behavior crashing_child(caf::event_based_actor* self, caf::actor observer) {
  return {
    [=](wire_atom, const role_directory& dir) {
      self->send(observer, wire_atom::value, find_role(dir, "worker"));
    },
    [=](crash_atom) { self->quit(caf::sec::runtime_error); },
  };
}

// Test double: a child that reports every directory it is wired with.
caf::behavior reporting_child(caf::event_based_actor* self, caf::actor observer) {
  return {
    [=](wire_atom, const role_directory& dir) { self->send(observer, dir); },
  };
}

// Stands in for a peer node's supervisor or kill coordinator.
caf::behavior idle_actor() {
  return {[](int32_t) {}};
}

struct fixture : testing::actor_test_system {
  kill_gate gate;

  fixture()
    : actor_test_system([](caf::actor_system_config& c) {
        c.add_message_type<caf::actor>("caf::actor");
      }) {
  }

  ~fixture() { shutdown(); }

  caf::actor start(uint32_t max_restarts) {
    supervisor_config sc;
    sc.self = node_id{"t"};
    sc.limits = restart_limits{max_restarts, 60'000'000'000};
    sc.gate = &gate;
    caf::actor observer = *self;
    sc.children.push_back({"worker", [observer](caf::actor_system& s) {
                             return s.spawn(crashing_child, observer);
                           }});
    return spawn_supervisor(*sys, sc);
  }

  caf::actor start_reporting(std::shared_ptr<const operator_registry> operators = nullptr) {
    supervisor_config sc;
    sc.self = node_id{"t"};
    sc.operators = std::move(operators);
    sc.limits = restart_limits{3, 60'000'000'000};
    sc.gate = &gate;
    caf::actor observer = *self;
    sc.children.push_back({"reporter", [observer](caf::actor_system& s) {
                             return s.spawn(reporting_child, observer);
                           }});
    return spawn_supervisor(*sys, sc);
  }

  // The next directory a reporting child was wired with.
  role_directory next_directory() {
    role_directory out;
    (*self)->receive([&](const role_directory& d) { out = d; },
                     caf::after(std::chrono::seconds(5)) >> [] { CAF_FAIL("no wiring received"); });
    return out;
  }

  // The worker handle of the next wiring message.
  caf::actor next_wiring() {
    caf::actor worker;
    (*self)->receive([&](wire_atom, caf::actor w) { worker = w; },
                     caf::after(std::chrono::seconds(5)) >> [] { CAF_FAIL("no wiring received"); });
    return worker;
  }

  int64_t counter(const caf::actor& sup, const std::string& key) {
    int64_t n = -1;
    (*self)->request(sup, std::chrono::seconds(5), stats_atom::value)
      .receive([&](const actor_stats& s) { n = s.counters.at(key); },
               [](caf::error&) { CAF_FAIL("no stats"); });
    return n;
  }

  int64_t restarts(const caf::actor& sup) { return counter(sup, "restarts.worker"); }

  // The supervisor learns of a crash asynchronously: ask until it has (bounded).
  bool escalated(const caf::actor& sup) {
    for (int i = 0; i < 100; ++i) {
      if (counter(sup, "escalated.worker") == 1)
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(supervisor_tests, fixture)

CAF_TEST(restarts_a_crashed_child_and_rewires_everyone_with_the_new_handle) {
  auto sup = start(3);
  auto first = next_wiring();
  CAF_REQUIRE(first);
  (*self)->send(first, crash_atom::value);
  auto second = next_wiring();
  CAF_REQUIRE(second);
  CAF_CHECK(first != second);
  CAF_CHECK_EQUAL(restarts(sup), 1);
  CAF_CHECK(gate.is_open());
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

CAF_TEST(escalates_to_a_node_halt_past_the_restart_intensity) {
  auto sup = start(1);
  auto w = next_wiring();
  (*self)->send(w, crash_atom::value);
  w = next_wiring(); // restarted once
  (*self)->send(w, crash_atom::value);
  // No restart now: the supervisor closes the gate instead.
  CAF_REQUIRE(escalated(sup));
  CAF_CHECK_EQUAL(restarts(sup), 1);
  CAF_CHECK(!gate.is_open());
  CAF_CHECK_EQUAL(gate.level(), 1);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

CAF_TEST(answers_its_node_name_and_local_directory) {
  auto sup = start(1);
  next_wiring();
  (*self)->request(sup, std::chrono::seconds(5), directory_atom::value)
    .receive(
      [&](const std::string& node, const role_directory& dir) {
        CAF_CHECK_EQUAL(node, "t");
        CAF_CHECK(dir.count("worker") == 1);
        CAF_CHECK(dir.count("supervisor") == 1);
      },
      [](caf::error&) { CAF_FAIL("no directory"); });
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

CAF_TEST(a_restarted_peer_announcing_itself_replaces_its_stale_entry) {
  auto sup = start_reporting();
  CAF_CHECK(next_directory().count(peer_kill_prefix + "p1") == 0);
  auto old_sup = sys->spawn(idle_actor);
  auto old_kill = sys->spawn(idle_actor);
  (*self)->send(sup, peer_atom::value, std::string("p1"), old_sup,
                role_directory{{"kill", old_kill}, {"supervisor", old_sup}});
  auto dir = next_directory();
  CAF_CHECK(find_role(dir, peer_kill_prefix + "p1") == old_kill);
  CAF_CHECK_EQUAL(counter(sup, "peers"), 1);
  // p1 restarted: a new supervisor and coordinator under the same name.
  auto new_sup = sys->spawn(idle_actor);
  auto new_kill = sys->spawn(idle_actor);
  (*self)->send(sup, peer_atom::value, std::string("p1"), new_sup,
                role_directory{{"kill", new_kill}, {"supervisor", new_sup}});
  dir = next_directory();
  CAF_CHECK(find_role(dir, peer_kill_prefix + "p1") == new_kill);
  CAF_CHECK_EQUAL(counter(sup, "peers"), 1);
  // The old supervisor going down now changes nothing: it is no longer watched.
  caf::anon_send_exit(old_sup, caf::exit_reason::kill);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CAF_CHECK_EQUAL(counter(sup, "peers"), 1);
  // The new one going down removes p1 and rewires.
  caf::anon_send_exit(new_sup, caf::exit_reason::kill);
  dir = next_directory();
  CAF_CHECK(dir.count(peer_kill_prefix + "p1") == 0);
  CAF_CHECK_EQUAL(counter(sup, "peers"), 0);
  // A peer in our own name is refused.
  auto mirror = sys->spawn(idle_actor);
  (*self)->send(sup, peer_atom::value, std::string("t"), mirror, role_directory{{"kill", mirror}});
  CAF_CHECK_EQUAL(counter(sup, "peers"), 0);
  for (auto& a : {old_kill, new_kill, mirror})
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

CAF_TEST(a_signed_announce_registers_a_peer_and_a_forged_or_stale_one_does_not) {
  auto p1 = ed25519_signer::generate();
  auto other = ed25519_signer::generate();
  auto registry = std::make_shared<const operator_registry>(
    std::vector<operator_key>{{operator_id{"node-p1"}, p1.public_key(), {operator_role::kill}, "p1"}},
    std::chrono::seconds(30));
  auto sup = start_reporting(registry);
  next_directory();
  auto peer_sup = sys->spawn(idle_actor);
  auto peer_kill = sys->spawn(idle_actor);
  role_directory roles{{"kill", peer_kill}, {"supervisor", peer_sup}};
  auto announce = [&](const ed25519_signer& key, timestamp_ns at) {
    peer_announce a{node_id{"p1"}, at, {}};
    a.signature = key.sign(signing_payload(a));
    return a;
  };
  // Signed by another key, then too old: both refused, nothing registered.
  (*self)->send(sup, peer_atom::value, announce(other, wall_clock_now()), peer_sup, roles);
  (*self)->send(sup, peer_atom::value,
                announce(p1, timestamp_ns{wall_clock_now().ns - 60'000'000'000}), peer_sup, roles);
  CAF_CHECK_EQUAL(counter(sup, "announces_refused"), 2);
  CAF_CHECK_EQUAL(counter(sup, "peers"), 0);
  // Signed by p1's listed key, now: registered and wired.
  (*self)->send(sup, peer_atom::value, announce(p1, wall_clock_now()), peer_sup, roles);
  auto dir = next_directory();
  CAF_CHECK(find_role(dir, peer_kill_prefix + "p1") == peer_kill);
  CAF_CHECK_EQUAL(counter(sup, "peers"), 1);
  for (auto& a : {peer_sup, peer_kill})
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

CAF_TEST_FIXTURE_SCOPE_END()
