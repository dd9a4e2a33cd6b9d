// The supervisor under CAF's deterministic test coordinator (issue 26):
// children crash on the test's word, their down messages are handled when
// the test says so, and nothing polls a counter until it changes (as
// supervisor_actor_test must, with real threads).
#define CAF_SUITE supervisor_sched
#include "tests/support/unit_test.hpp"

#include "caf/test/dsl.hpp"

#include <memory>
#include <vector>

#include "actors/supervisor/supervisor_actor.hpp"
#include "messages/registry.hpp"

using namespace cwts;

namespace {

struct supervisor_sched_config : caf::actor_system_config {
  supervisor_sched_config() {
    register_message_types(*this);
    add_message_type<caf::actor>("caf::actor");
  }
};

// Every handle of role "worker" the children were wired with, in order.
struct wirings {
  std::vector<caf::actor> workers;
};

// A child that tells the recorder the worker handle of each wiring and dies
// on demand.
caf::behavior crashing_child(caf::event_based_actor* self, caf::actor recorder) {
  return {
    [=](wire_atom, const role_directory& dir) {
      self->send(recorder, wire_atom::value, find_role(dir, "worker"));
    },
    [=](crash_atom) { self->quit(caf::sec::runtime_error); },
  };
}

caf::behavior recorder(caf::event_based_actor*, std::shared_ptr<wirings> log) {
  return {
    [=](wire_atom, const caf::actor& worker) { log->workers.push_back(worker); },
  };
}

struct fixture : test_coordinator_fixture<supervisor_sched_config> {
  kill_gate gate;
  std::shared_ptr<wirings> log = std::make_shared<wirings>();
  caf::actor rec;
  caf::actor sup;

  ~fixture() override {
    for (auto& a : {sup, rec})
      if (a)
        caf::anon_send_exit(a, caf::exit_reason::user_shutdown); // the supervisor stops its children
    consume_messages();
  }

  // A supervisor of one "worker" that may restart it `max_restarts` times
  // a minute; the first wiring is handled before this returns.
  void start(uint32_t max_restarts) {
    rec = sys.spawn(recorder, log);
    supervisor_config sc;
    sc.self = node_id{"t"};
    sc.limits = restart_limits{max_restarts, 60'000'000'000};
    sc.gate = &gate;
    caf::actor r = rec;
    sc.children.push_back({"worker", [r](caf::actor_system& s) { return s.spawn(crashing_child, r); }});
    sup = spawn_supervisor(sys, sc);
    consume_messages();
    CAF_REQUIRE_EQUAL(log->workers.size(), 1u);
  }

  // Crashes the current worker and lets the supervisor handle its death.
  void crash_worker() {
    auto w = log->workers.back();
    self->send(w, crash_atom::value);
    expect((crash_atom), from(self).to(w));
    consume_messages();
  }

  int64_t counter(const std::string& key) {
    auto answer = self->request(sup, caf::infinite, stats_atom::value);
    expect((stats_atom), from(self).to(sup));
    int64_t n = -1;
    answer.receive([&](const actor_stats& s) { n = s.counters.count(key) ? s.counters.at(key) : -2; },
                   [](caf::error&) { CAF_FAIL("no stats"); });
    return n;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(supervisor_sched_tests, fixture)

CAF_TEST(a_crashed_child_is_restarted_within_max_restarts_and_everyone_rewired) {
  start(2);
  crash_worker();
  CAF_REQUIRE_EQUAL(log->workers.size(), 2u);
  CAF_CHECK(log->workers[0] != log->workers[1]);
  CAF_CHECK_EQUAL(counter("restarts.worker"), 1);
  crash_worker();
  CAF_REQUIRE_EQUAL(log->workers.size(), 3u);
  CAF_CHECK_EQUAL(counter("restarts.worker"), 2);
  CAF_CHECK_EQUAL(counter("escalated.worker"), 0);
  CAF_CHECK(gate.is_open());
}

CAF_TEST(past_max_restarts_it_escalates_closes_the_gate_and_restarts_no_more) {
  start(1);
  crash_worker();
  CAF_REQUIRE_EQUAL(log->workers.size(), 2u);
  CAF_CHECK(gate.is_open());
  auto w = log->workers.back();
  self->send(w, crash_atom::value);
  expect((crash_atom), from(self).to(w));
  consume_messages(); // its down message: escalated, not restarted
  CAF_CHECK_EQUAL(log->workers.size(), 2u); // no third worker wired
  CAF_CHECK_EQUAL(counter("escalated.worker"), 1);
  CAF_CHECK_EQUAL(counter("restarts.worker"), 1);
  CAF_CHECK(!gate.is_open());
  CAF_CHECK_EQUAL(gate.level(), 1);
}

CAF_TEST_FIXTURE_SCOPE_END()
