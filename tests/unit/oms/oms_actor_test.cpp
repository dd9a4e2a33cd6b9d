#define CAF_SUITE oms_actor
#include "caf/test/unit_test_impl.hpp"

#include <sqlite3.h>

#include <fstream>
#include <memory>

#include "caf/all.hpp"

#include "actors/oms/oms_actor.hpp"
#include "messages/registry.hpp"
#include "tests/unit/actor_test_system.hpp"
#include "tests/unit/oms/oms_test_fixture.hpp"
#include "tests/unit/oms/temp_dir.hpp"

using namespace cwts;
using namespace cwts::oms::testing;

namespace {

// The test plays connector, risk and strategy at once: whatever the OMS
// sends to any of them arrives at the scoped actor.
struct fixture : testing::actor_test_system {
  kill_gate gate;
  temp_dir dir;

  ~fixture() { shutdown(); }

  caf::actor start(const std::string& journal_path) {
    auto oms = spawn_oms(*sys, oms_actor_config{node_id{"t"}, &gate, journal_path});
    caf::actor me = *self;
    role_directory roles{{"connector", me}, {"risk", me}};
    (*self)->send(oms, wire_atom::value, roles);
    return oms;
  }

  void stop(const caf::actor& oms) {
    (*self)->monitor(oms);
    (*self)->send_exit(oms, caf::exit_reason::kill);
    (*self)->receive([](const caf::down_msg&) {},
                     caf::after(std::chrono::seconds(5)) >> [] { CAF_FAIL("oms did not stop"); });
  }

  int64_t counter(const caf::actor& oms, const std::string& key) {
    int64_t n = -1;
    (*self)->request(oms, std::chrono::seconds(5), stats_atom::value)
      .receive([&](const actor_stats& s) { n = s.counters.count(key) ? s.counters.at(key) : -2; },
               [](caf::error&) { CAF_FAIL("no stats"); });
    return n;
  }

  // The reject the OMS sends for `id`; fails the test if the order is sent.
  order_reject expect_reject() {
    order_reject got;
    (*self)->receive([&](const order_reject& rej) { got = rej; },
                     [](const order_request& req) { CAF_FAIL("order sent: " << req.id.value); },
                     caf::after(std::chrono::seconds(5)) >> [] { CAF_FAIL("no reject"); });
    return got;
  }

  order_request expect_sent() {
    order_request got;
    (*self)->receive([&](const order_request& req) { got = req; },
                     [](const order_reject& rej) { CAF_FAIL("rejected: " << rej.detail); },
                     caf::after(std::chrono::seconds(5)) >> [] { CAF_FAIL("order not sent"); });
    return got;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(oms_actor_tests, fixture)

CAF_TEST(rejects_orders_unsent_when_the_journal_cannot_be_opened) {
  std::ofstream(dir.file("not-a-folder")) << "x";
  auto oms = start(dir.file("not-a-folder") + "/oms.sqlite");
  (*self)->send(oms, order("o1"));
  auto rej = expect_reject();
  auto reason = std::string(to_string(rej.reason));
  CAF_CHECK_EQUAL(reason, "trading_halted");
  CAF_CHECK(rej.detail.rfind("journal write failed: not_open", 0) == 0);
  CAF_CHECK_EQUAL(counter(oms, "orders_sent"), 0);
  CAF_CHECK_EQUAL(counter(oms, "journal.open"), 0);
  CAF_CHECK_EQUAL(counter(oms, "journal.failures"), 1);
  CAF_CHECK_EQUAL(counter(oms, "status.REJECTED"), 1);
  stop(oms);
}

CAF_TEST(rejects_orders_unsent_when_a_journal_write_fails) {
  auto path = dir.file("oms.sqlite");
  auto oms = start(path);
  CAF_REQUIRE_EQUAL(counter(oms, "journal.open"), 1);
  // Another process holds the write lock past the journal's busy timeout.
  sqlite3* other = nullptr;
  sqlite3_open(path.c_str(), &other);
  CAF_REQUIRE_EQUAL(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  (*self)->send(oms, order("o1"));
  auto rej = expect_reject();
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  CAF_CHECK(rej.detail.find("journal write failed: write_failed") != std::string::npos);
  CAF_CHECK_EQUAL(counter(oms, "orders_sent"), 0);
  // Once the journal is writable again, orders flow.
  (*self)->send(oms, order("o2"));
  auto sent = expect_sent();
  CAF_CHECK_EQUAL(sent.id.value, "o2");
  CAF_CHECK_EQUAL(counter(oms, "journal.writes"), 1);
  CAF_CHECK(counter(oms, "journal.last_write_ns") > 0);
  stop(oms);
}

CAF_TEST(journals_before_send_and_restores_live_orders_after_a_restart) {
  auto path = dir.file("oms.sqlite");
  auto oms = start(path);
  (*self)->send(oms, order("o1"));
  (*self)->send(oms, order("o2"));
  CAF_CHECK_EQUAL(expect_sent().id.value, "o1");
  CAF_CHECK_EQUAL(expect_sent().id.value, "o2");
  oms_fixture venue;
  venue.store.submit(order("o1"), venue.tick());
  venue.store.submit(order("o2"), venue.tick());
  (*self)->send(oms, venue.report("o1", order_status::accepted, "0"));
  (*self)->send(oms, venue.report("o2", order_status::accepted, "0"));
  (*self)->send(oms, venue.report("o2", order_status::filled, "1", "1"));
  // 2 submissions + 3 applied reports.
  CAF_CHECK_EQUAL(counter(oms, "journal.writes"), 5);
  stop(oms); // killed: no clean shutdown of anything
  auto again = start(path);
  CAF_CHECK_EQUAL(counter(again, "journal.restored"), 1);
  CAF_CHECK_EQUAL(counter(again, "live_orders"), 1);
  CAF_CHECK_EQUAL(counter(again, "status.NEW"), 1);
  // The restored order takes its fill; a reused id is refused unsent.
  (*self)->send(again, venue.report("o1", order_status::filled, "1", "1"));
  (*self)->send(again, order("o2"));
  auto rej = expect_reject();
  CAF_CHECK(rej.detail.find("duplicate_order") != std::string::npos);
  CAF_CHECK_EQUAL(counter(again, "live_orders"), 0);
  CAF_CHECK_EQUAL(counter(again, "fills"), 1);
  stop(again);
}

CAF_TEST_FIXTURE_SCOPE_END()
