// The supervisor's trading-lease paths (supervisor_failover.cpp) with a
// lease child double that records the modes it is sent: a standby arms and
// takes over on all_held, an active gives its roles back only on a proven
// newer holder (issue 24 review finding 4), a halted standby hands the lease
// back unused, and a restarted lease child gets the node's mode again while
// rest-for-one leaves it out of its siblings' restarts (finding 3).
#define CAF_SUITE supervisor_lease
#include "tests/integration/support/wait_until.hpp"
#include "tests/support/unit_test.hpp"

#include <mutex>
#include <thread>

#include "caf/all.hpp"

#include "actors/supervisor/supervisor_actor.hpp"
#include "messages/registry.hpp"
#include "tests/unit/actor_test_system.hpp"

using namespace cwts;

namespace {

// What the lease child doubles were told, across restarts.
struct lease_record {
  std::mutex mx;
  int started = 0;
  std::vector<bool> modes;
  void add(bool hold) {
    std::lock_guard<std::mutex> lock(mx);
    modes.push_back(hold);
  }
  std::optional<bool> last() {
    std::lock_guard<std::mutex> lock(mx);
    return modes.empty() ? std::nullopt : std::optional<bool>(modes.back());
  }
  int starts() {
    std::lock_guard<std::mutex> lock(mx);
    return started;
  }
};

caf::behavior lease_double(caf::event_based_actor*, std::shared_ptr<lease_record> rec) {
  {
    std::lock_guard<std::mutex> lock(rec->mx);
    ++rec->started;
  }
  return {
    [](wire_atom, const role_directory&) {},
    [rec](lease_atom, bool hold) { rec->add(hold); },
  };
}

caf::behavior plain_child() {
  return {[](wire_atom, const role_directory&) {}};
}

caf::behavior idle_actor() {
  return {[](int32_t) {}};
}

struct fixture : testing::actor_test_system {
  kill_gate gate;
  std::shared_ptr<lease_record> rec = std::make_shared<lease_record>();

  fixture()
    : actor_test_system([](caf::actor_system_config& c) {
        c.add_message_type<caf::actor>("caf::actor");
      }) {}

  ~fixture() { shutdown(); }

  caf::actor start(const std::string& standby_for,
                   restart_strategy strategy = restart_strategy::one_for_one) {
    supervisor_config sc;
    sc.self = node_id{"t"};
    sc.strategy = strategy;
    sc.limits = restart_limits{5, 60'000'000'000};
    sc.gate = &gate;
    sc.drills_enabled = true;
    sc.held_roles = {"oms"};
    sc.lease_roles = {"oms"};
    sc.standby.active = standby_for;
    sc.standby.failover_after = std::chrono::milliseconds(60'000);
    sc.standby.start_grace = std::chrono::milliseconds(60'000);
    sc.children.push_back({"kill", [](caf::actor_system& s) { return s.spawn(plain_child); }});
    sc.children.push_back({"oms", [](caf::actor_system& s) { return s.spawn(plain_child); }});
    auto rec_ = rec;
    sc.children.push_back(
      {"lease", [rec_](caf::actor_system& s) { return s.spawn(lease_double, rec_); }, true});
    return spawn_supervisor(*sys, sc);
  }

  void view(const caf::actor& sup, lease_view v) { (*self)->send(sup, lease_atom::value, v); }

  // Stats after every message sent before (one sender: in order).
  int64_t counter(const caf::actor& sup, const std::string& key) {
    int64_t n = 0;
    (*self)->request(sup, std::chrono::seconds(5), stats_atom::value)
      .receive(
        [&](const actor_stats& s) {
          if (auto i = s.counters.find(key); i != s.counters.end())
            n = i->second;
        },
        [](caf::error&) { CAF_FAIL("no stats"); });
    return n;
  }

  bool has_role(const caf::actor& sup, const std::string& role) {
    bool out = false;
    (*self)->request(sup, std::chrono::seconds(5), directory_atom::value)
      .receive([&](const std::string&, const role_directory& d) { out = d.count(role) > 0; },
               [](caf::error&) { CAF_FAIL("no directory"); });
    return out;
  }

  std::string crash(const caf::actor& sup, const std::string& role) {
    std::string out = "<no answer>";
    (*self)->request(sup, std::chrono::seconds(5), crash_atom::value, role)
      .receive([&](const std::string& why) { out = why; },
               [](caf::error&) { CAF_FAIL("no answer to crash"); });
    return out;
  }

  // Polls until `pred` holds (bounded: 5 s): the restarts are asynchronous.
  template <class F>
  bool eventually(F pred) {
    return itest::wait_until(pred, std::chrono::seconds(5), std::chrono::milliseconds(20));
  }

  // The active p1 joins the standby's peers.
  void join_active(const caf::actor& sup) {
    auto p1 = sys->spawn(idle_actor);
    (*self)->send(sup, peer_atom::value, std::string("p1"), p1, role_directory{{"supervisor", p1}});
    CAF_REQUIRE(eventually([&] { return counter(sup, "peers") == 1; }));
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(supervisor_lease_tests, fixture)

CAF_TEST(an_active_gives_its_roles_back_only_on_a_proven_newer_holder) {
  auto sup = start("");
  CAF_REQUIRE(has_role(sup, "oms"));
  // One member names tr2's running grant: no proof, it keeps trading.
  view(sup, lease_view{false, "tr2", 3, "held by tr2 at epoch 3", "", 0});
  CAF_CHECK_EQUAL(counter(sup, "failover.demotions"), 0);
  CAF_CHECK_EQUAL(counter(sup, "failover.lease_superseded"), 0);
  CAF_CHECK(has_role(sup, "oms"));
  // A majority's proof: roles given back, the lease actor told to watch.
  view(sup, lease_view{false, "tr2", 3, "", "tr2", 3});
  CAF_CHECK_EQUAL(counter(sup, "failover.demotions"), 1);
  CAF_CHECK_EQUAL(counter(sup, "failover.lease_superseded"), 1);
  CAF_CHECK(!has_role(sup, "oms"));
  CAF_CHECK(eventually([&] { return rec->last() == std::optional<bool>(false); }));
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

CAF_TEST(a_standby_arms_on_seeing_the_active_and_takes_over_on_all_held) {
  auto sup = start("p1");
  join_active(sup);
  CAF_CHECK(!has_role(sup, "oms"));
  view(sup, lease_view{false, "p1", 2, "", "", 0});
  CAF_CHECK_EQUAL(counter(sup, "failover.lease_asked"), 1);
  CAF_CHECK(eventually([&] { return rec->last() == std::optional<bool>(true); }));
  view(sup, lease_view{true, "", 0, "", "", 0});
  CAF_CHECK_EQUAL(counter(sup, "failover.active"), 1);
  CAF_CHECK(has_role(sup, "oms"));
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

CAF_TEST(a_halted_standby_hands_the_lease_back_unused) {
  auto sup = start("p1");
  join_active(sup);
  view(sup, lease_view{false, "p1", 2, "", "", 0});
  CAF_REQUIRE_EQUAL(counter(sup, "failover.lease_asked"), 1);
  gate.close(1);
  view(sup, lease_view{true, "", 0, "", "", 0});
  CAF_CHECK_EQUAL(counter(sup, "failover.active"), 0);
  CAF_CHECK_EQUAL(counter(sup, "failover.refusals"), 1);
  CAF_CHECK_EQUAL(counter(sup, "failover.lease_asked"), 0);
  CAF_CHECK(!has_role(sup, "oms"));
  CAF_CHECK(eventually([&] { return rec->last() == std::optional<bool>(false); }));
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

CAF_TEST(a_restarted_lease_child_is_told_the_nodes_mode_again) {
  auto sup = start("p1");
  join_active(sup);
  view(sup, lease_view{false, "p1", 2, "", "", 0}); // armed: hold
  CAF_REQUIRE(eventually([&] { return rec->last() == std::optional<bool>(true); }));
  size_t told = 0;
  {
    std::lock_guard<std::mutex> lock(rec->mx);
    told = rec->modes.size();
  }
  CAF_REQUIRE_EQUAL(crash(sup, "lease"), "");
  CAF_REQUIRE(eventually([&] { return rec->starts() == 2; }));
  // The new instance (started in its config's watch mode) hears "hold".
  CAF_CHECK(eventually([&] {
    std::lock_guard<std::mutex> lock(rec->mx);
    return rec->modes.size() > told && rec->modes.back();
  }));
  CAF_CHECK_EQUAL(counter(sup, "failover.lease_asked"), 1);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

CAF_TEST(rest_for_one_restarts_the_siblings_but_not_the_lease_child) {
  auto sup = start("", restart_strategy::rest_for_one);
  CAF_REQUIRE(eventually([&] { return rec->starts() == 1; }));
  CAF_REQUIRE_EQUAL(crash(sup, "kill"), "");
  CAF_REQUIRE(eventually([&] { return counter(sup, "restarts.oms") == 1; }));
  CAF_CHECK_EQUAL(counter(sup, "restarts.kill"), 1);
  CAF_CHECK_EQUAL(counter(sup, "restarts.lease"), 0);
  CAF_CHECK_EQUAL(rec->starts(), 1);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

CAF_TEST_FIXTURE_SCOPE_END()
