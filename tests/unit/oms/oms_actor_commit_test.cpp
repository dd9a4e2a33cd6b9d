#define CAF_SUITE oms_actor_commit
#include "tests/support/unit_test.hpp"

#include <sqlite3.h>

#include <atomic>
#include <thread>

#include "tests/unit/oms/oms_actor_fixture.hpp"

using namespace cwts;
using namespace cwts::oms::testing;
using namespace cwts::oms_actor_testing;

CAF_TEST_FIXTURE_SCOPE(oms_actor_tests, fixture)

CAF_TEST(every_order_reaches_the_connector_only_after_its_submission_is_committed) {
  auto path = dir.file("oms.sqlite");
  auto oms = start(path);
  constexpr int n = 20;
  for (int i = 0; i < n; ++i)
    (*self)->send(oms, order("g" + std::to_string(i)));
  // A second connection sees only committed rows: each order that arrives
  // here must already be there.
  sqlite3* reader = nullptr;
  CAF_REQUIRE_EQUAL(sqlite3_open_v2(path.c_str(), &reader, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  CAF_REQUIRE_EQUAL(sqlite3_prepare_v2(reader, "SELECT COUNT(*) FROM orders WHERE client_order_id = ?", -1, &q,
                                       nullptr),
                    SQLITE_OK);
  for (int i = 0; i < n; ++i) {
    auto sent = expect_sent();
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, sent.id.value.c_str(), -1, SQLITE_TRANSIENT);
    CAF_REQUIRE_EQUAL(sqlite3_step(q), SQLITE_ROW);
    CAF_CHECK_EQUAL(sqlite3_column_int(q, 0), 1);
  }
  sqlite3_finalize(q);
  sqlite3_close(reader);
  CAF_CHECK_EQUAL(counter(oms, "journal.records"), n);
  CAF_CHECK(counter(oms, "journal.commits") <= n);
  stop(oms);
}


// Review finding 7: a failed batch commit is written again record by record;
// when that works, nothing is lost and the order goes out.
CAF_TEST(a_failed_commit_is_written_again_and_its_order_sent) {
  auto path = dir.file("oms.sqlite");
  auto oms = start(path);
  faults->commits = 1;
  (*self)->send(oms, order("o1"));
  CAF_CHECK_EQUAL(expect_sent().id.value, "o1");
  CAF_CHECK_EQUAL(committed_status(path, "o1"), "PENDING_NEW");
  CAF_CHECK_EQUAL(counter(oms, "journal.batches_failed"), 1);
  CAF_CHECK_EQUAL(counter(oms, "journal.records_replayed"), 1);
  CAF_CHECK_EQUAL(counter(oms, "journal.halted"), 0);
  stop(oms);
}

// Review finding 16: a failed commit whose submission does not write again
// either: the order is rejected, never sent; trading goes on.
CAF_TEST(an_order_whose_submission_never_commits_is_rejected_unsent) {
  auto path = dir.file("oms.sqlite");
  auto oms = start(path);
  faults->commits = 1;
  faults->single_writes = 1;
  (*self)->send(oms, order("o1"));
  auto rej = expect_reject();
  CAF_CHECK_EQUAL(rej.id.value, "o1");
  CAF_CHECK_EQUAL(std::string(to_string(rej.reason)), "trading_halted");
  CAF_CHECK(rej.detail.rfind("journal commit failed", 0) == 0);
  CAF_CHECK_EQUAL(committed_status(path, "o1"), "absent");
  CAF_CHECK_EQUAL(counter(oms, "journal.orders_unsent_commit_failed"), 1);
  CAF_CHECK_EQUAL(counter(oms, "journal.halted"), 0);
  (*self)->send(oms, order("o2"));
  CAF_CHECK_EQUAL(expect_sent().id.value, "o2");
  stop(oms);
}

// Review finding 6: an amend's replacement whose submission did not commit
// must not go out when the original's cancel is confirmed.
CAF_TEST(an_amend_replacement_whose_submission_never_commits_is_never_sent) {
  auto path = dir.file("oms.sqlite");
  auto oms = start(path);
  oms_fixture venue;
  (*self)->send(oms, order("o1"));
  CAF_CHECK_EQUAL(expect_sent().id.value, "o1");
  venue.store.submit(order("o1"), venue.tick());
  (*self)->send(oms, venue.report("o1", order_status::accepted, "0"));
  (*self)->receive([](const execution_report&) {},
                   caf::after(std::chrono::seconds(5)) >> [] { CAF_FAIL("no ack forwarded"); });
  // The batch holds the replacement's submission, then the original's
  // pending cancel; the commit fails and the submission's replay too.
  faults->commits = 1;
  faults->single_writes = 1;
  (*self)->send(oms, amend_request{client_order_id{"o1"}, order("o1-r", "2")});
  bool cancel_sent = false;
  order_reject refused;
  for (int i = 0; i < 2; ++i)
    (*self)->receive([&](const cancel_request& c) { cancel_sent = c.id.value == "o1"; },
                     [&](const order_reject& rej) { refused = rej; },
                     [](const order_request& req) { CAF_FAIL("sent: " << req.id.value); },
                     caf::after(std::chrono::seconds(5)) >> [] { CAF_FAIL("no cancel or reject"); });
  CAF_CHECK(cancel_sent);
  CAF_CHECK_EQUAL(refused.id.value, "o1-r");
  CAF_CHECK_EQUAL(std::string(to_string(refused.reason)), "trading_halted");
  CAF_CHECK_EQUAL(counter(oms, "amends.pending"), 0);
  // The venue confirms the cancel: no replacement goes out.
  (*self)->send(oms, venue.report("o1", order_status::canceled, "0"));
  (*self)->receive([](const execution_report&) {},
                   caf::after(std::chrono::seconds(5)) >> [] { CAF_FAIL("no cancel forwarded"); });
  CAF_CHECK_EQUAL(counter(oms, "amends.done"), 0);
  CAF_CHECK_EQUAL(counter(oms, "orders_sent"), 1);
  (*self)->receive([](const order_request& req) { CAF_FAIL("replacement sent: " << req.id.value); },
                   caf::after(std::chrono::milliseconds(0)) >> [] {});
  stop(oms);
}

CAF_TEST_FIXTURE_SCOPE_END()

namespace {

// One scheduler thread: an actor that holds it keeps the OMS from running,
// so a burst is wholly in the OMS's mailbox before it handles the first.
struct one_thread_fixture : fixture {
  one_thread_fixture()
    : fixture([](caf::actor_system_config& c) { c.set("scheduler.max-threads", size_t{1}); }) {}

  // Occupies the only scheduler thread until `release` is set.
  void hold_scheduler(std::atomic<bool>& holding, std::atomic<bool>& release) {
    auto blocker = sys->spawn([&holding, &release](caf::event_based_actor*) -> caf::behavior {
      return {[&holding, &release](tick_atom) {
        holding = true;
        while (!release)
          std::this_thread::yield();
      }};
    });
    (*self)->send(blocker, tick_atom::value);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!holding && std::chrono::steady_clock::now() < deadline)
      std::this_thread::yield();
    CAF_REQUIRE(holding.load());
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(oms_group_commit_tests, one_thread_fixture)

CAF_TEST(orders_and_reports_that_arrive_together_share_one_commit) {
  auto path = dir.file("oms.sqlite");
  auto oms = start(path);
  auto commits_before = counter(oms, "journal.commits");
  std::atomic<bool> holding{false};
  std::atomic<bool> release{false};
  hold_scheduler(holding, release);
  constexpr int n = 10;
  for (int i = 0; i < n; ++i)
    (*self)->send(oms, order("b" + std::to_string(i)));
  release = true;
  for (int i = 0; i < n; ++i)
    CAF_CHECK_EQUAL(expect_sent().id.value, "b" + std::to_string(i));
  CAF_CHECK_EQUAL(counter(oms, "journal.records"), n);
  CAF_CHECK_EQUAL(counter(oms, "journal.commits") - commits_before, 1);
  CAF_CHECK_EQUAL(counter(oms, "journal.max_batch_records"), n);
  // Their acks, arriving together, are one more commit, and reach the
  // strategy (here: the test, as risk) only after it.
  oms_fixture venue;
  holding = false;
  release = false;
  hold_scheduler(holding, release);
  for (int i = 0; i < n; ++i) {
    venue.store.submit(order("b" + std::to_string(i)), venue.tick());
    (*self)->send(oms, venue.report("b" + std::to_string(i), order_status::accepted, "0"));
  }
  release = true;
  // Each ack reaches the strategy only once it is committed: a second
  // connection (committed rows only) already sees the order at NEW.
  for (int i = 0; i < n; ++i)
    (*self)->receive(
      [&](const execution_report& rep) {
        CAF_CHECK_EQUAL(committed_status(path, rep.id.value), to_string(rep.status));
      },
      caf::after(std::chrono::seconds(5)) >> [] { CAF_FAIL("no ack forwarded"); });
  CAF_CHECK_EQUAL(counter(oms, "journal.records"), 2 * n);
  CAF_CHECK_EQUAL(counter(oms, "journal.commits") - commits_before, 2);
  CAF_CHECK_EQUAL(counter(oms, "journal.commits_per_1000_events") > 0, true);
  stop(oms);
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST_FIXTURE_SCOPE(oms_kill_order_tests, one_thread_fixture)

// Review finding 9: a strategy kill's cancels never overtake that strategy's
// orders still held for their commit.
CAF_TEST(a_strategy_kill_cancel_never_overtakes_its_held_order) {
  auto oms = start(dir.file("oms.sqlite"));
  auto req = order("k1");
  req.strategy.value = "st1";
  kill_command cmd;
  cmd.id.value = "kill-1";
  cmd.level = kill_level::cancel_all;
  cmd.scope = kill_scope::strategy;
  cmd.scope_value = "st1";
  std::atomic<bool> holding{false};
  std::atomic<bool> release{false};
  hold_scheduler(holding, release);
  (*self)->send(oms, req);
  (*self)->send(oms, cancel_all_atom::value, cmd);
  release = true;
  std::vector<std::string> got;
  for (int i = 0; i < 2; ++i)
    (*self)->receive([&](const order_request& r) { got.push_back("order " + r.id.value); },
                     [&](const cancel_request& c) { got.push_back("cancel " + c.id.value); },
                     caf::after(std::chrono::seconds(5)) >> [] { CAF_FAIL("no order or cancel"); });
  CAF_REQUIRE_EQUAL(got.size(), 2u);
  CAF_CHECK_EQUAL(got[0], "order k1");
  CAF_CHECK_EQUAL(got[1], "cancel k1");
  stop(oms);
}

CAF_TEST_FIXTURE_SCOPE_END()
