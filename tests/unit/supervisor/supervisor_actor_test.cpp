#define CAF_SUITE supervisor_actor
#include "tests/support/unit_test.hpp"

#include <atomic>
#include <set>
#include <thread>
#include <utility>

#include "caf/all.hpp"

#include "actors/supervisor/supervisor_actor.hpp"
#include "messages/registry.hpp"
#include "tests/unit/actor_test_system.hpp"

using namespace cwts;

namespace {

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

// Test double: a child that accepts its wiring and nothing else.
caf::behavior plain_child() {
  return {[](wire_atom, const role_directory&) {}};
}

// Test double of the kill coordinator: hands each kill to the observer and
// answers the report request.
caf::behavior kill_double(caf::event_based_actor* self, caf::actor observer) {
  return {
    [=](const kill_command& cmd) {
      self->send(observer, cmd);
      return kill_report{cmd.id, cmd.origin, true, {}, {}, 0, ""};
    },
    [](wire_atom, const role_directory&) {},
  };
}

// Test double of the OMS after a takeover: answers the reconciliation phase
// held in `phase` (0 reconciling, 1 unexplained, 2 running) typed, as the
// OMS does (precond_atom -> reset_precondition). Its stats say the opposite
// (running while it is not, and the reverse): the supervisor must decide on
// the typed answer, so renaming or misreporting a counter changes nothing
// (issue 17 finding 11).
caf::behavior oms_double(std::shared_ptr<std::atomic<int>> phase) {
  return {
    [](wire_atom, const role_directory&) {},
    [phase](precond_atom) {
      reset_precondition p{"oms", phase->load() == 2, ""};
      p.unexplained = phase->load() == 1;
      return p;
    },
    [phase](stats_atom) {
      return actor_stats{"oms",
                         {{"reconcile.phase_running", phase->load() == 2 ? 0 : 1},
                          {"reconcile.phase_unexplained", phase->load() == 1 ? 0 : 1},
                          {"reconcile.adopted", 3}}};
    },
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


  // A supervisor of plain children `roles` (each an idle actor), drills on.
  caf::actor start_plain(std::vector<std::string> roles, restart_strategy strategy,
                         uint32_t max_restarts = 5, std::set<std::string> held = {},
                         std::string standby_for = {}) {
    supervisor_config sc;
    sc.self = node_id{"t"};
    sc.strategy = strategy;
    sc.limits = restart_limits{max_restarts, 60'000'000'000};
    sc.gate = &gate;
    sc.drills_enabled = true;
    sc.held_roles = std::move(held);
    sc.standby.active = std::move(standby_for);
    sc.standby.failover_after = std::chrono::milliseconds(100);
    sc.standby.start_grace = std::chrono::milliseconds(60'000);
    for (auto& r : roles)
      sc.children.push_back({r, [](caf::actor_system& s) { return s.spawn(plain_child); }});
    return spawn_supervisor(*sys, sc);
  }

  role_directory directory(const caf::actor& sup) {
    role_directory out;
    (*self)->request(sup, std::chrono::seconds(5), directory_atom::value)
      .receive([&](const std::string&, const role_directory& d) { out = d; },
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

  int64_t counter_or(const caf::actor& sup, const std::string& key, int64_t missing = -1) {
    int64_t n = missing;
    (*self)->request(sup, std::chrono::seconds(5), stats_atom::value)
      .receive(
        [&](const actor_stats& s) {
          if (auto i = s.counters.find(key); i != s.counters.end())
            n = i->second;
        },
        [](caf::error&) { CAF_FAIL("no stats"); });
    return n;
  }

  // Polls a stats counter until it equals `want` (bounded: 5 s).
  bool await_counter(const caf::actor& sup, const std::string& key, int64_t want) {
    for (int i = 0; i < 250; ++i) {
      if (counter_or(sup, key) == want)
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  int64_t restarts(const caf::actor& sup) { return counter(sup, "restarts.worker"); }

  // What the supervisor lists for peer `node` (the peer link's question for
  // a peer that dials us): its supervisor and which listing.
  std::pair<caf::actor, uint64_t> listed(const caf::actor& sup, const std::string& node) {
    std::pair<caf::actor, uint64_t> out{caf::actor{}, 0};
    (*self)->request(sup, std::chrono::seconds(5), peer_atom::value, caf::get_atom::value, node)
      .receive([&](const caf::actor& a, const role_directory&, uint64_t n) { out = {a, n}; },
               [](caf::error&) { CAF_FAIL("no answer to the peer query"); });
    return out;
  }

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
  // Watched from here before the supervisor watches it: a dying actor sends
  // its down messages newest watcher first (CAF prepends attachables), so
  // when ours arrives the supervisor's, if it still watched, is already in
  // its mailbox ahead of any request sent after.
  (*self)->monitor(old_sup);
  auto old_kill = sys->spawn(idle_actor);
  (*self)->send(sup, peer_atom::value, std::string("p1"), old_sup,
                role_directory{{"kill", old_kill}, {"supervisor", old_sup}});
  auto dir = next_directory();
  CAF_CHECK(find_role(dir, peer_kill_prefix + "p1") == old_kill);
  CAF_CHECK_EQUAL(counter(sup, "peers"), 1);
  auto first = listed(sup, "p1");
  CAF_CHECK(first.first == old_sup);
  CAF_CHECK_GREATER(first.second, 0u);
  CAF_CHECK(!listed(sup, "p9").first);
  // p1 restarted: a new supervisor and coordinator under the same name.
  auto new_sup = sys->spawn(idle_actor);
  auto new_kill = sys->spawn(idle_actor);
  (*self)->send(sup, peer_atom::value, std::string("p1"), new_sup,
                role_directory{{"kill", new_kill}, {"supervisor", new_sup}});
  dir = next_directory();
  CAF_CHECK(find_role(dir, peer_kill_prefix + "p1") == new_kill);
  CAF_CHECK_EQUAL(counter(sup, "peers"), 1);
  // A new listing, told from the stale one by its number (a peer back over
  // a new connection may bring a handle equal to its last one).
  auto second = listed(sup, "p1");
  CAF_CHECK(second.first == new_sup);
  CAF_CHECK_GREATER(second.second, first.second);
  // The old supervisor going down now changes nothing: it is no longer watched.
  caf::anon_send_exit(old_sup, caf::exit_reason::kill);
  (*self)->receive([&](const caf::down_msg& dm) { CAF_CHECK(dm.source == old_sup.address()); },
                   caf::after(std::chrono::seconds(5)) >> [] { CAF_FAIL("the old supervisor never went down"); });
  CAF_CHECK_EQUAL(counter(sup, "peers"), 1);
  // The new one going down removes p1 and rewires.
  caf::anon_send_exit(new_sup, caf::exit_reason::kill);
  dir = next_directory();
  CAF_CHECK(dir.count(peer_kill_prefix + "p1") == 0);
  CAF_CHECK_EQUAL(counter(sup, "peers"), 0);
  CAF_CHECK(!listed(sup, "p1").first);
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

CAF_TEST(rest_for_one_restarts_the_failed_child_and_those_started_after_it) {
  auto sup = start_plain({"a", "b", "c"}, restart_strategy::rest_for_one);
  auto before = directory(sup);
  CAF_CHECK_EQUAL(crash(sup, "b"), "");
  CAF_REQUIRE(await_counter(sup, "restarts.c", 1));
  CAF_CHECK_EQUAL(counter(sup, "restarts.b"), 1);
  CAF_CHECK_EQUAL(counter(sup, "restarts.a"), 0);
  CAF_CHECK_EQUAL(counter(sup, "restarts_by.b.drill_crash"), 1);
  CAF_CHECK_EQUAL(counter(sup, "restarts_by.c.drill_crash"), 1);
  CAF_CHECK_EQUAL(counter(sup, "strategy_rest_for_one"), 1);
  auto after = directory(sup);
  CAF_CHECK(find_role(after, "a") == find_role(before, "a"));
  CAF_CHECK(find_role(after, "b") != find_role(before, "b"));
  CAF_CHECK(find_role(after, "c") != find_role(before, "c"));
  CAF_CHECK(find_role(after, "c"));
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

CAF_TEST(one_for_one_leaves_the_siblings_alone) {
  auto sup = start_plain({"a", "b", "c"}, restart_strategy::one_for_one);
  auto before = directory(sup);
  CAF_CHECK_EQUAL(crash(sup, "a"), "");
  CAF_REQUIRE(await_counter(sup, "restarts.a", 1));
  auto after = directory(sup);
  CAF_CHECK(find_role(after, "b") == find_role(before, "b"));
  CAF_CHECK(find_role(after, "c") == find_role(before, "c"));
  CAF_CHECK_EQUAL(counter(sup, "restarts.c"), 0);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

CAF_TEST(a_drill_crash_is_refused_when_drills_are_off_or_the_role_is_unknown) {
  auto sup = start_plain({"a"}, restart_strategy::one_for_one);
  auto why = crash(sup, "nope");
  CAF_CHECK(why.find("unknown role 'nope'") != std::string::npos);
  CAF_CHECK(why.find("a") != std::string::npos);
  CAF_CHECK_EQUAL(counter(sup, "drills.refused"), 1);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  // Drills off (the default).
  auto off = start(3);
  next_wiring();
  auto no = crash(off, "worker");
  CAF_CHECK(no.find("drills are disabled") != std::string::npos);
  CAF_CHECK_EQUAL(restarts(off), 0);
  caf::anon_send_exit(off, caf::exit_reason::user_shutdown);
}

CAF_TEST(a_group_supervisor_escalates_to_its_parent_which_restarts_it) {
  supervisor_config group;
  group.self = node_id{"t"};
  group.group = true;
  group.name = "group-sup";
  group.drills_enabled = true;
  group.limits = restart_limits{0, 60'000'000'000}; // the first failure escalates
  group.children.push_back({"worker", [](caf::actor_system& s) { return s.spawn(plain_child); }});
  supervisor_config parent;
  parent.self = node_id{"t"};
  parent.gate = &gate;
  parent.limits = restart_limits{5, 60'000'000'000};
  parent.children.push_back(
    {"group", [group](caf::actor_system& s) { return spawn_supervisor(s, group); }});
  auto sup = spawn_supervisor(*sys, parent);
  auto g = find_role(directory(sup), "group");
  CAF_REQUIRE(g);
  CAF_CHECK_EQUAL(crash(g, "worker"), "");
  CAF_REQUIRE(await_counter(sup, "restarts.group", 1));
  CAF_CHECK_EQUAL(counter(sup, "restarts_by.group.escalated"), 1);
  CAF_CHECK(find_role(directory(sup), "group") != g);
  CAF_CHECK(gate.is_open()); // the parent restarted it: no node halt
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

CAF_TEST(the_node_supervisor_escalates_with_a_signed_level_2_node_kill) {
  auto key = std::make_shared<const ed25519_signer>(ed25519_signer::generate());
  supervisor_config sc;
  sc.self = node_id{"t"};
  sc.gate = &gate;
  sc.drills_enabled = true;
  sc.limits = restart_limits{0, 60'000'000'000};
  sc.signer = node_kill_signer{node_id{"t"}, operator_id{"node-t"}, key};
  caf::actor observer = *self;
  sc.children.push_back(
    {"kill", [observer](caf::actor_system& s) { return s.spawn(kill_double, observer); }});
  sc.children.push_back({"risk", [](caf::actor_system& s) { return s.spawn(plain_child); }});
  auto sup = spawn_supervisor(*sys, sc);
  CAF_CHECK_EQUAL(crash(sup, "risk"), "");
  kill_command got;
  (*self)->receive([&](const kill_command& cmd) { got = cmd; },
                   caf::after(std::chrono::seconds(5)) >> [] { CAF_FAIL("no node kill"); });
  CAF_CHECK(got.level == kill_level::cancel_all);
  CAF_CHECK(got.scope == kill_scope::node);
  CAF_CHECK_EQUAL(got.scope_value, "t");
  CAF_CHECK_EQUAL(got.issuer.value, "node-t");
  CAF_CHECK(got.reason.find("risk") != std::string::npos);
  CAF_CHECK(ed25519_verify(key->public_key(), signing_payload(got), got.signature));
  CAF_CHECK(!gate.is_open()); // closed by the supervisor itself, before the kill
  CAF_CHECK_EQUAL(counter(sup, "escalations"), 1);
  CAF_CHECK_EQUAL(counter(sup, "escalated.risk"), 1);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

CAF_TEST(a_standby_holds_its_roles_and_takes_over_when_the_active_is_lost) {
  auto sup = start_plain({"kill", "oms"}, restart_strategy::one_for_one, 5, {"oms"}, "p1");
  auto dir = directory(sup);
  CAF_CHECK(dir.count("oms") == 0);
  CAF_CHECK(dir.count("kill") == 1);
  CAF_CHECK_EQUAL(counter(sup, "held.oms"), 1);
  CAF_CHECK_EQUAL(counter(sup, "failover.standby"), 1);
  CAF_CHECK(crash(sup, "oms").find("not running") != std::string::npos);
  // The active p1 joins, then goes down.
  auto p1 = sys->spawn(idle_actor);
  (*self)->send(sup, peer_atom::value, std::string("p1"), p1, role_directory{{"supervisor", p1}});
  CAF_REQUIRE(await_counter(sup, "peers", 1));
  caf::anon_send_exit(p1, caf::exit_reason::kill);
  CAF_REQUIRE(await_counter(sup, "failover.active", 1));
  dir = directory(sup);
  CAF_CHECK(dir.count("oms") == 1);
  CAF_CHECK(dir.count(failover_for_prefix + "p1") == 1);
  CAF_CHECK_EQUAL(counter(sup, "failover.takeovers"), 1);
  CAF_CHECK_EQUAL(counter_or(sup, "held.oms", 0), 0);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

CAF_TEST(after_a_takeover_an_unexplained_oms_is_reported_until_it_reconciles) {
  auto phase = std::make_shared<std::atomic<int>>(1);
  supervisor_config sc;
  sc.self = node_id{"t"};
  sc.gate = &gate;
  sc.held_roles = {"oms"};
  sc.standby.active = "p1";
  sc.standby.failover_after = std::chrono::milliseconds(100);
  sc.children.push_back({"kill", [](caf::actor_system& s) { return s.spawn(plain_child); }});
  sc.children.push_back(
    {"oms", [phase](caf::actor_system& s) { return s.spawn(oms_double, phase); }});
  auto sup = spawn_supervisor(*sys, sc);
  auto p1 = sys->spawn(idle_actor);
  (*self)->send(sup, peer_atom::value, std::string("p1"), p1, role_directory{{"supervisor", p1}});
  CAF_REQUIRE(await_counter(sup, "peers", 1));
  caf::anon_send_exit(p1, caf::exit_reason::kill);
  CAF_REQUIRE(await_counter(sup, "failover.active", 1));
  CAF_REQUIRE(await_counter(sup, "failover.reconcile_failed", 1));
  CAF_CHECK_EQUAL(counter(sup, "failover.reconciled_ms"), -1);
  // The operator accepted the positions: the OMS runs, the takeover is done.
  phase->store(2);
  CAF_REQUIRE(await_counter(sup, "failover.reconcile_failed", 0));
  CAF_CHECK_GREATER_OR_EQUAL(counter(sup, "failover.reconciled_ms"), 0);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

CAF_TEST(a_standby_on_a_halted_node_refuses_to_take_over_and_says_why) {
  gate.close(1);
  auto sup = start_plain({"kill", "oms"}, restart_strategy::one_for_one, 5, {"oms"}, "p1");
  auto p1 = sys->spawn(idle_actor);
  (*self)->send(sup, peer_atom::value, std::string("p1"), p1, role_directory{{"supervisor", p1}});
  CAF_REQUIRE(await_counter(sup, "peers", 1));
  caf::anon_send_exit(p1, caf::exit_reason::kill);
  CAF_REQUIRE(await_counter(sup, "failover.refusals", 1));
  CAF_CHECK_EQUAL(counter(sup, "failover.active"), 0);
  CAF_CHECK(directory(sup).count("oms") == 0);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

CAF_TEST(a_node_whose_roles_were_taken_over_gives_them_back_and_stands_by) {
  auto sup = start_plain({"kill", "oms"}, restart_strategy::one_for_one, 5, {"oms"});
  CAF_CHECK(directory(sup).count("oms") == 1);
  auto p2 = sys->spawn(idle_actor);
  (*self)->send(sup, peer_atom::value, std::string("p2"), p2,
                role_directory{{"supervisor", p2}, {failover_for_prefix + "t", p2}});
  CAF_REQUIRE(await_counter(sup, "failover.demotions", 1));
  CAF_CHECK_EQUAL(counter(sup, "failover.standby"), 1);
  CAF_CHECK(directory(sup).count("oms") == 0);
  CAF_CHECK_EQUAL(counter(sup, "held.oms"), 1);
  caf::anon_send_exit(p2, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

CAF_TEST(exit_reasons_fold_into_failure_classes) {
  CAF_CHECK(classify_exit(drill_crash_reason("risk")) == failure_class::drill_crash);
  CAF_CHECK(classify_exit(supervisor_escalated("x")) == failure_class::escalated);
  CAF_CHECK(classify_exit(caf::make_error(caf::exit_reason::kill)) == failure_class::killed);
  CAF_CHECK(classify_exit(caf::make_error(caf::exit_reason::unhandled_exception))
            == failure_class::exception);
  CAF_CHECK(classify_exit(caf::make_error(caf::exit_reason::user_shutdown)) == failure_class::exit);
  CAF_CHECK(classify_exit(caf::error{}) == failure_class::exit);
  CAF_CHECK(classify_exit(caf::make_error(caf::sec::runtime_error)) == failure_class::error);
}

CAF_TEST_FIXTURE_SCOPE_END()
