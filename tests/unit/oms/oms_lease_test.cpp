// The OMS and the trading lease (issue 24; actors/oms/lease_stamp.hpp): an
// order (or an amend's replacement) leaves for its connector only while the
// node holds the lease of role "oms" at that moment, stamped with its epoch;
// otherwise it is refused no_trading_lease, counted and journaled like a
// gate refusal. Cancels need no lease. A lease_gate configured by hand
// stands in for the lease actor; a lapsed lease is one whose end lies in the
// past, nothing sleeps. The test plays connector and risk.
#define CAF_SUITE oms_lease
#include "tests/support/unit_test.hpp"

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include "caf/all.hpp"

#include "actors/oms/lease_stamp.hpp"
#include "actors/oms/oms_actor.hpp"
#include "messages/registry.hpp"
#include "tests/unit/actor_test_system.hpp"
#include "tests/unit/order_replies.hpp"
#include "tests/unit/oms/oms_test_fixture.hpp"
#include "tests/unit/oms/temp_dir.hpp"

using namespace cwts;
using namespace cwts::oms::testing;
using namespace std::chrono_literals;

namespace {

constexpr int64_t ten_s = 10'000'000'000;

struct fixture : testing::actor_test_system {
  kill_gate gate;
  lease_gate lease; // roles configured by each test before start()
  temp_dir dir;
  caf::actor oms;

  fixture() = default;
  explicit fixture(std::function<void(caf::actor_system_config&)> extra)
    : actor_test_system(std::move(extra)) {}

  ~fixture() {
    if (oms) {
      (*self)->monitor(oms);
      (*self)->send_exit(oms, caf::exit_reason::kill);
      (*self)->receive([](const caf::down_msg&) {}, caf::after(5s) >> [] {});
    }
    shutdown();
  }

  // An OMS wired to the test, reconciled with an empty venue.
  void start() {
    oms_actor_config cfg;
    cfg.self = node_id{"t"};
    cfg.gate = &gate;
    cfg.lease = &lease;
    cfg.journal_path = dir.file("oms.sqlite");
    oms = spawn_oms(*sys, cfg);
    caf::actor me = *self;
    (*self)->send(oms, wire_atom::value,
                  role_directory{{connector_role(test_venue), me}, {"risk", me}});
    reconcile_orders req;
    (*self)->receive([&](const reconcile_orders& r) { req = r; },
                     caf::after(5s) >> [] { CAF_FAIL("no reconcile_orders"); });
    venue_snapshot s;
    s.venue = test_venue;
    s.complete = true;
    s.round = req.round;
    (*self)->send(oms, s);
  }

  void hold(int64_t epoch, int64_t until_ns) { lease.hold("oms", epoch, until_ns); }

  // The OMS started on a node that holds the "oms" lease at `epoch` for ten
  // more seconds.
  void start_holding(int64_t epoch) {
    lease.add_role("oms");
    hold(epoch, lease_clock_ns() + ten_s);
    start();
  }

  int64_t counter(const std::string& key) {
    int64_t n = -1;
    (*self)->request(oms, 5s, stats_atom::value)
      .receive([&](const actor_stats& s) { n = s.counters.count(key) ? s.counters.at(key) : -2; },
               [](caf::error&) { CAF_FAIL("no stats"); });
    return n;
  }

  order_request expect_sent() { return testing::expect_order_sent(*self); }
  order_reject expect_reject() { return testing::expect_order_reject(*self); }

  cancel_request expect_cancel() {
    cancel_request got;
    (*self)->receive([&](const cancel_request& c) { got = c; },
                     [](const order_request& req) { CAF_FAIL("order sent: " << req.id.value); },
                     caf::after(5s) >> [] { CAF_FAIL("no cancel"); });
    return got;
  }

  void report(const std::string& id, order_status st) {
    oms_fixture venue;
    venue.store.submit(order(id), venue.tick());
    (*self)->send(oms, venue.report(id, st, "0"));
  }

  // "rule/initiator" of the first row `sql` (one text parameter: the client
  // order id) finds in the journal; "absent" when none. Committed rows only.
  std::string journal_reject(const char* sql, const std::string& id) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(dir.file("oms.sqlite").c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(db, sql, -1, &q, nullptr);
    sqlite3_bind_text(q, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    std::string out = "absent";
    if (sqlite3_step(q) == SQLITE_ROW)
      out = std::string(reinterpret_cast<const char*>(sqlite3_column_text(q, 0))) + "/"
            + reinterpret_cast<const char*>(sqlite3_column_text(q, 1));
    sqlite3_finalize(q);
    sqlite3_close(db);
    return out;
  }

  // The rule and initiator of the journal's rejects row for `id` (committed
  // rows: the reject reaches the test only after its batch commits).
  std::string rejects_row(const std::string& id) {
    return journal_reject(
      "SELECT reject_rule, initiator FROM rejects WHERE client_order_id = ?", id);
  }

  // The journal's REJECTED event for `id` (its rule and initiator): a
  // journaled submission's reject is a state change of it, not a rejects row.
  std::string rejected_event(const std::string& id) {
    return journal_reject("SELECT reject_rule, initiator FROM events WHERE client_order_id = ? "
                          "AND to_status = 'REJECTED'",
                          id);
  }
};

// Group commit (oms_actor_test's oms_group_commit_tests): one scheduler
// thread, and here one message per turn, so actors that are queued together
// take turns and an actor of the test runs between two messages of the OMS:
// after it journaled an order (its lease checked) and before the flush that
// sends it.
struct group_commit_fixture : fixture {
  group_commit_fixture()
    : fixture([](caf::actor_system_config& c) {
        c.set("scheduler.max-threads", size_t{1});
        c.set("scheduler.max-throughput", size_t{1});
      }) {}

  // Whether a batch of the OMS is open: it holds the journal's write lock
  // from its BEGIN IMMEDIATE to its COMMIT, so another connection cannot
  // begin a write. Asked from the scheduler's only thread, while the OMS
  // does not run.
  bool batch_open() {
    sqlite3* db = nullptr;
    sqlite3_open_v2(dir.file("oms.sqlite").c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
    sqlite3_busy_timeout(db, 0);
    int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK)
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return rc == SQLITE_BUSY;
  }

  // Runs `act` (the lease actor's part) on the scheduler's thread at the
  // first turn that finds a batch of the OMS open: the order that batch
  // journaled passed its lease check and leaves at the batch's flush, the
  // OMS's next message. Taking turns with the OMS, the watcher looks again
  // after each message the OMS handles (for 5 s at most; `acted` tells
  // whether it ran). Queued behind a blocker that holds the only thread
  // until go(), so the test first sends the OMS what it is to handle.
  void between_check_and_flush(std::function<void()> act) {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    auto watcher = sys->spawn([this, act, deadline](caf::event_based_actor* w) -> caf::behavior {
      return {[this, act, deadline, w](tick_atom) {
        if (batch_open()) {
          act();
          acted = true;
        } else if (std::chrono::steady_clock::now() < deadline) {
          w->send(w, tick_atom::value);
        }
      }};
    });
    holding = false;
    release = false;
    auto blocker = sys->spawn([this](caf::event_based_actor*) -> caf::behavior {
      return {[this](tick_atom) {
        holding = true;
        while (!release)
          std::this_thread::yield();
      }};
    });
    (*self)->send(blocker, tick_atom::value);
    auto until = std::chrono::steady_clock::now() + 5s;
    while (!holding && std::chrono::steady_clock::now() < until)
      std::this_thread::yield();
    CAF_REQUIRE(holding.load());
    (*self)->send(watcher, tick_atom::value);
  }

  void go() { release = true; }

  // The OMS idle, no batch open: a flush it sent itself while handling an
  // earlier message is behind the first stats request at worst, so it ran
  // before the second one is answered.
  void settle() {
    counter("orders_sent");
    counter("orders_sent");
    CAF_REQUIRE(!batch_open());
  }

  ~group_commit_fixture() { release = true; } // a test that failed before go()

  std::atomic<bool> holding{false};
  std::atomic<bool> release{false};
  std::atomic<bool> acted{false};
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(oms_lease_tests, fixture)

CAF_TEST(an_order_is_refused_while_the_lease_is_not_held) {
  lease.add_role("oms");
  start();
  (*self)->send(oms, order("o1"));
  auto rej = expect_reject();
  CAF_CHECK_EQUAL(rej.id.value, "o1");
  CAF_CHECK(rej.reason == reject_reason::no_trading_lease);
  CAF_CHECK(rej.detail.find("trading lease of role 'oms'") != std::string::npos);
  CAF_CHECK_EQUAL(counter("rejects.no_trading_lease"), 1);
  CAF_CHECK_EQUAL(counter("orders_sent"), 0);
  // Journaled as a refusal of ours, like a closed kill gate's.
  CAF_CHECK_EQUAL(rejects_row("o1"), "no_trading_lease/oms");
}

CAF_TEST(an_order_under_the_lease_carries_its_epoch) {
  start_holding(4);
  (*self)->send(oms, order("o1"));
  auto sent = expect_sent();
  CAF_CHECK_EQUAL(sent.id.value, "o1");
  CAF_CHECK_EQUAL(sent.lease_epoch, 4);
  CAF_CHECK_EQUAL(counter("lease.epoch_sent"), 4);
}

CAF_TEST(a_role_not_leased_here_sends_epoch_zero) {
  start(); // a single node: no roles configured
  (*self)->send(oms, order("o1"));
  CAF_CHECK_EQUAL(expect_sent().lease_epoch, 0);
}

CAF_TEST(an_order_is_refused_once_the_lease_end_has_passed) {
  start_holding(4);
  (*self)->send(oms, order("o1"));
  CAF_CHECK_EQUAL(expect_sent().lease_epoch, 4);
  // The renewal did not come: the end lies in the past now.
  hold(4, lease_clock_ns() - 1'000'000);
  (*self)->send(oms, order("o2"));
  auto rej = expect_reject();
  CAF_CHECK(rej.reason == reject_reason::no_trading_lease);
  CAF_CHECK(rej.detail.find("epoch 4 ended") != std::string::npos);
  CAF_CHECK_EQUAL(counter("orders_sent"), 1);
}

CAF_TEST(cancels_go_out_without_the_lease) {
  start_holding(2);
  (*self)->send(oms, order("o1"));
  CAF_CHECK_EQUAL(expect_sent().id.value, "o1");
  lease.drop("oms");
  (*self)->send(oms, cancel_request{client_order_id{"o1"}, order("o1").sym, wall_clock_now(),
                                    test_venue});
  CAF_CHECK_EQUAL(expect_cancel().id.value, "o1");
  (*self)->send(oms, order("o2"));
  CAF_CHECK(expect_reject().reason == reject_reason::no_trading_lease);
}

CAF_TEST(an_amend_replacement_is_stamped_when_it_leaves_and_refused_without_the_lease) {
  start_holding(4);
  (*self)->send(oms, order("o1"));
  CAF_CHECK_EQUAL(expect_sent().id.value, "o1");
  report("o1", order_status::accepted);
  (*self)->send(oms, amend_request{client_order_id{"o1"}, order("o1-r", "2")});
  CAF_CHECK_EQUAL(expect_cancel().id.value, "o1");
  // A newer epoch by the time the venue confirms the cancel: the
  // replacement carries the epoch of the moment it leaves.
  hold(6, lease_clock_ns() + ten_s);
  report("o1", order_status::canceled);
  auto sent = expect_sent();
  CAF_CHECK_EQUAL(sent.id.value, "o1-r");
  CAF_CHECK_EQUAL(sent.lease_epoch, 6);
  // Lost between the amend and the cancel's confirmation: refused.
  report("o1-r", order_status::accepted);
  (*self)->send(oms, amend_request{client_order_id{"o1-r"}, order("o1-s")});
  CAF_CHECK_EQUAL(expect_cancel().id.value, "o1-r");
  lease.drop("oms");
  report("o1-r", order_status::canceled);
  auto rej = expect_reject();
  CAF_CHECK_EQUAL(rej.id.value, "o1-s");
  CAF_CHECK(rej.reason == reject_reason::no_trading_lease);
  CAF_CHECK_EQUAL(counter("rejects.no_trading_lease"), 1);
}

CAF_TEST_FIXTURE_SCOPE_END()

// The lease's part outside the actor (lease_stamp's stamp_lease_again): a
// held order asks again as it leaves, at the epoch it was checked at.
CAF_TEST(asked_again_the_lease_must_be_held_at_the_epoch_checked) {
  lease_gate gate;
  gate.add_role("oms");
  auto now = lease_clock_ns();
  gate.hold("oms", 4, now + ten_s);
  auto same = oms::stamp_lease_again(&gate, now, 4);
  CAF_CHECK(same.held);
  CAF_CHECK_EQUAL(same.epoch, 4);
  auto newer = oms::stamp_lease_again(&gate, now, 3);
  CAF_CHECK(!newer.held);
  CAF_CHECK_EQUAL(newer.epoch, 0);
  CAF_CHECK_EQUAL(newer.why, "the trading lease of role 'oms' changed from epoch 3 to epoch 4 "
                             "while the order waited for its journal commit");
  gate.drop("oms");
  auto gone = oms::stamp_lease_again(&gate, now, 4);
  CAF_CHECK(!gone.held);
  CAF_CHECK(gone.why.find("does not hold the trading lease") != std::string::npos);
  CAF_CHECK(gone.why.find("journaled under epoch 4") != std::string::npos);
  // Not leased here: epoch 0 then and now.
  CAF_CHECK(oms::stamp_lease_again(nullptr, now, 0).held);
}

// Review R1 finding 2: with group commit the lease is checked before the
// batch's fsync and the order leaves at the flush; a lease that ended in
// between (an fsync can outlast the drift margin) must stop it there.
CAF_TEST_FIXTURE_SCOPE(oms_lease_group_commit_tests, group_commit_fixture)

CAF_TEST(an_order_whose_lease_ends_before_its_batch_commits_is_rejected_unsent) {
  start_holding(4);
  settle();
  between_check_and_flush([this] { lease.drop("oms"); });
  (*self)->send(oms, order("o1"));
  go();
  auto rej = expect_reject();
  CAF_CHECK(acted.load()); // the lease went between the check and the flush
  CAF_CHECK_EQUAL(rej.id.value, "o1");
  CAF_CHECK(rej.reason == reject_reason::no_trading_lease);
  CAF_CHECK(rej.detail.find("asked again as the order left after its journal commit")
            != std::string::npos);
  CAF_CHECK_EQUAL(counter("orders_sent"), 0);
  CAF_CHECK_EQUAL(counter("rejects.no_trading_lease"), 1);
  // The submission was journaled: the reject is its REJECTED event, and the
  // reject reached the owners only once committed.
  CAF_CHECK_EQUAL(rejected_event("o1"), "no_trading_lease/oms");
  CAF_CHECK_EQUAL(rejects_row("o1"), "absent");
  (*self)->receive([](const order_request& req) { CAF_FAIL("order sent: " << req.id.value); },
                   caf::after(std::chrono::milliseconds(0)) >> [] {});
}

CAF_TEST(an_order_whose_lease_epoch_changes_before_its_batch_commits_is_rejected_unsent) {
  start_holding(4);
  settle();
  // Lost and taken again at a newer epoch: another node may have held the
  // lease in between.
  between_check_and_flush([this] { hold(5, lease_clock_ns() + ten_s); });
  (*self)->send(oms, order("o1"));
  go();
  auto rej = expect_reject();
  CAF_CHECK(acted.load());
  CAF_CHECK(rej.reason == reject_reason::no_trading_lease);
  CAF_CHECK_EQUAL(rej.detail, "the trading lease of role 'oms' changed from epoch 4 to epoch 5 "
                              "while the order waited for its journal commit");
  CAF_CHECK_EQUAL(rejected_event("o1"), "no_trading_lease/oms");
  // The next order is checked and sent under epoch 5.
  (*self)->send(oms, order("o2"));
  auto sent = expect_sent();
  CAF_CHECK_EQUAL(sent.id.value, "o2");
  CAF_CHECK_EQUAL(sent.lease_epoch, 5);
  CAF_CHECK_EQUAL(counter("orders_sent"), 1);
}

CAF_TEST(an_amend_replacement_whose_lease_ends_before_its_batch_commits_is_rejected_unsent) {
  start_holding(4);
  (*self)->send(oms, order("o1"));
  CAF_CHECK_EQUAL(expect_sent().id.value, "o1");
  report("o1", order_status::accepted);
  (*self)->send(oms, amend_request{client_order_id{"o1"}, order("o1-r", "2")});
  CAF_CHECK_EQUAL(expect_cancel().id.value, "o1");
  settle();
  // The venue confirms the cancel: the replacement passes its check while
  // the confirmation's batch is open, and the lease ends before it commits.
  between_check_and_flush([this] { lease.drop("oms"); });
  report("o1", order_status::canceled);
  go();
  auto rej = expect_reject();
  CAF_CHECK(acted.load());
  CAF_CHECK_EQUAL(rej.id.value, "o1-r");
  CAF_CHECK(rej.reason == reject_reason::no_trading_lease);
  CAF_CHECK_EQUAL(rejected_event("o1-r"), "no_trading_lease/oms");
  CAF_CHECK_EQUAL(counter("amends.done"), 0);
  CAF_CHECK_EQUAL(counter("amends.refused"), 1);
  CAF_CHECK_EQUAL(counter("orders_sent"), 1);
}

CAF_TEST_FIXTURE_SCOPE_END()
