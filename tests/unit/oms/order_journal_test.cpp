#define CAF_SUITE oms_order_journal
#include "tests/support/unit_test.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <unistd.h>

#include "actors/oms/order_journal.hpp"
#include "tests/unit/oms/exec_raw.hpp"
#include "tests/unit/oms/oms_test_fixture.hpp"
#include "tests/unit/oms/temp_dir.hpp"

using namespace cwts;
using namespace cwts::oms;
using namespace cwts::oms::testing;

namespace {

// Every field of a record, so two records compare as one readable string.
std::string describe(const order_record& r) {
  std::ostringstream out;
  const auto& q = r.request;
  out << q.id.value << ' ' << q.strategy.value << ' ' << q.sym.str() << ' ' << to_string(q.order_side)
      << ' ' << to_string(q.type) << ' ' << to_string(q.tif) << ' ' << q.limit_price.to_string()
      << ' ' << q.quantity.to_string() << ' ' << q.ts_init.ns << " | " << to_string(r.status) << ' '
      << to_string(r.venue_status) << ' ' << r.acknowledged << ' ' << r.venue_id.value << ' '
      << r.cum_qty.to_string() << ' ' << r.leaves_qty.to_string() << ' '
      << r.avg_fill_price.to_string() << ' ' << r.filled_notional.to_string() << " |";
  for (auto ts : r.entered_at)
    out << ' ' << ts.ns;
  out << " | " << r.last_update.ns << " '" << r.last_text << "'";
  return out.str();
}

// An order store whose every change is journaled, as the OMS actor does it.
struct journal_fixture : oms_fixture {
  temp_dir dir;
  std::string path = dir.file("oms.sqlite");
  std::unique_ptr<order_journal> journal = std::make_unique<order_journal>();

  journal_fixture() {
    auto err = journal->open(path);
    CAF_REQUIRE_EQUAL(err.message(), "none");
  }

  void submit(std::string_view id, std::string_view q = "1") {
    auto req = order(id, q);
    req.strategy.value = "mm-BTCUSDT";
    req.tif = time_in_force::ioc;
    req.ts_init = timestamp_ns{clock};
    auto now = tick();
    CAF_REQUIRE(!store.submit(req, now));
    auto err = journal->record_submitted(req, now);
    if (err)
      CAF_MESSAGE(err.message());
    CAF_REQUIRE_EQUAL(err.message(), "none");
  }

  void venue(std::string_view id, order_status st, std::string_view cum, std::string_view last_q = "0",
             std::string_view last_p = "30000") {
    auto rep = report(id, st, cum, last_q, last_p);
    rep.text = "report " + std::string(to_string(st));
    auto upd = store.apply(rep);
    CAF_REQUIRE(upd.changed());
    auto err = journal->record_update(*store.find(rep.id), upd);
    CAF_REQUIRE_EQUAL(err.message(), "none");
  }

  void cancel(std::string_view id) {
    client_order_id cid{std::string(id)};
    auto previous = store.find(cid)->status;
    CAF_REQUIRE(store.request_cancel(cid, tick()));
    auto err = journal->record_update(*store.find(cid), previous);
    CAF_REQUIRE_EQUAL(err.message(), "none");
  }

  std::vector<order_record> reload() {
    std::vector<order_record> live;
    auto err = journal->load(live);
    CAF_CHECK_EQUAL(err.message(), "none");
    return live;
  }

  // The scenario of the round trip: a filled, a pending_cancel with a
  // partial fill, a canceled and an untouched pending_new order.
  void trade() {
    submit("a");
    venue("a", order_status::accepted, "0");
    venue("a", order_status::partially_filled, "0.4", "0.4", "30000");
    venue("a", order_status::filled, "1", "0.6", "30001.5");
    submit("b", "2");
    venue("b", order_status::accepted, "0");
    venue("b", order_status::partially_filled, "0.5", "0.5", "29999.99");
    cancel("b");
    submit("c");
    venue("c", order_status::accepted, "0");
    cancel("c");
    venue("c", order_status::canceled, "0");
    submit("d");
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(order_journal_tests, journal_fixture)

CAF_TEST(round_trip_of_submit_fills_and_cancels_reloads_equal_live_orders) {
  trade();
  auto live = reload();
  auto expected = store.live_orders();
  CAF_REQUIRE_EQUAL(live.size(), expected.size());
  CAF_REQUIRE_EQUAL(live.size(), 2u);
  for (size_t i = 0; i < live.size(); ++i) {
    auto got = describe(live[i]);
    auto want = describe(*expected[i]);
    CAF_CHECK_EQUAL(got, want);
  }
  // The partial fill's average price and notional come back exactly.
  auto avg = live[0].avg_fill_price.to_string();
  CAF_CHECK_EQUAL(avg, "29999.99000000");
  journal_counts n;
  CAF_REQUIRE_EQUAL(journal->count(n).message(), "none");
  CAF_CHECK_EQUAL(n.orders, 4);
  CAF_CHECK_EQUAL(n.live_orders, 2);
  // 4 submissions + 3 (a) + 3 (b) + 3 (c) state changes.
  CAF_CHECK_EQUAL(n.events, 13);
}

CAF_TEST(write_latency_is_measured_per_transaction) {
  trade();
  const auto& c = journal->counters();
  CAF_CHECK_EQUAL(c.writes, 13u);
  CAF_CHECK_EQUAL(c.failures, 0u);
  CAF_CHECK(c.last_write_ns > 0);
  CAF_CHECK(c.max_write_ns >= c.last_write_ns);
  CAF_CHECK(c.total_write_ns >= c.max_write_ns);
}

CAF_TEST(a_journal_reopened_after_a_crash_restores_live_orders) {
  trade();
  // No clean shutdown: the journal object is just destroyed, as a killed
  // process leaves it (the WAL is not checkpointed by anyone).
  journal.reset();
  journal = std::make_unique<order_journal>();
  CAF_REQUIRE_EQUAL(journal->open(path).message(), "none");
  order_store rebuilt;
  for (auto& rec : reload())
    CAF_CHECK(rebuilt.restore(rec));
  CAF_CHECK_EQUAL(rebuilt.live_orders().size(), 2u);
  CAF_CHECK_EQUAL(rebuilt.count(order_status::pending_cancel), 1u);
  CAF_CHECK_EQUAL(rebuilt.count(order_status::pending_new), 1u);
  // The restored order goes on from its journaled state: the venue's cancel
  // confirmation ends it with the partial fill kept.
  auto rep = report("b", order_status::canceled, "0.5");
  auto upd = rebuilt.apply(rep);
  CAF_CHECK(upd.changed());
  auto cum = rebuilt.find(client_order_id{"b"})->cum_qty.to_string();
  CAF_CHECK_EQUAL(cum, "0.50000000");
  CAF_CHECK_EQUAL(rebuilt.live_orders().size(), 1u);
}

CAF_TEST(restore_refuses_an_id_the_store_already_has) {
  submit("a");
  auto rec = *store.find(client_order_id{"a"});
  CAF_CHECK(!store.restore(rec));
  CAF_CHECK_EQUAL(store.size(), 1u);
  CAF_CHECK_EQUAL(store.count(order_status::pending_new), 1u);
}

CAF_TEST(an_id_journaled_in_an_earlier_run_is_a_duplicate) {
  submit("a");
  venue("a", order_status::accepted, "0");
  venue("a", order_status::filled, "1", "1");
  journal.reset();
  journal = std::make_unique<order_journal>();
  CAF_REQUIRE_EQUAL(journal->open(path).message(), "none");
  auto err = journal->record_submitted(order("a"), tick());
  CAF_CHECK_EQUAL(to_string(err.code), std::string("duplicate_order"));
  CAF_CHECK_EQUAL(journal->counters().failures, 1u);
}

CAF_TEST(an_update_for_an_order_never_journaled_is_refused) {
  store.submit(order("x"), tick());
  auto err = journal->record_update(*store.find(client_order_id{"x"}), order_status::pending_new);
  CAF_CHECK_EQUAL(to_string(err.code), std::string("unknown_order"));
}

CAF_TEST(events_are_append_only) {
  trade();
  CAF_CHECK_NOT_EQUAL(exec_raw(path, "UPDATE events SET to_status='FILLED'"), SQLITE_OK);
  CAF_CHECK_NOT_EQUAL(exec_raw(path, "DELETE FROM events"), SQLITE_OK);
  journal_counts n;
  journal->count(n);
  CAF_CHECK_EQUAL(n.events, 13);
}

CAF_TEST(the_journal_is_in_wal_mode) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, nullptr);
  CAF_REQUIRE_EQUAL(sqlite3_step(s), SQLITE_ROW);
  std::string mode = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
  sqlite3_close(db);
  CAF_CHECK_EQUAL(mode, "wal");
}

CAF_TEST(a_write_that_cannot_get_the_lock_fails_and_rolls_back) {
  submit("a");
  // Another connection holds the write lock: the OMS's write must fail
  // within the busy timeout, not block and not half-apply.
  sqlite3* other = nullptr;
  sqlite3_open(path.c_str(), &other);
  CAF_REQUIRE_EQUAL(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto err = journal->record_submitted(order("b"), tick());
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  CAF_CHECK_EQUAL(to_string(err.code), std::string("write_failed"));
  CAF_CHECK(err.message().find("locked") != std::string::npos);
  CAF_CHECK_EQUAL(journal->counters().failures, 1u);
  // The journal recovers once the lock is gone.
  CAF_CHECK_EQUAL(journal->record_submitted(order("b"), tick()).message(), "none");
  journal_counts n;
  journal->count(n);
  CAF_CHECK_EQUAL(n.orders, 2);
}

CAF_TEST(a_batch_is_one_commit_and_nothing_of_it_is_visible_before) {
  CAF_REQUIRE_EQUAL(journal->begin_batch().message(), "none");
  CAF_CHECK(journal->in_batch());
  trade(); // 13 records
  CAF_CHECK_EQUAL(journal->batch_records(), 13u);
  // Another connection sees none of them before the commit.
  sqlite3* reader = nullptr;
  sqlite3_open_v2(path.c_str(), &reader, SQLITE_OPEN_READONLY, nullptr);
  auto orders_seen = [&] {
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(reader, "SELECT COUNT(*) FROM orders", -1, &q, nullptr);
    sqlite3_step(q);
    int n = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    return n;
  };
  CAF_CHECK_EQUAL(orders_seen(), 0);
  CAF_REQUIRE_EQUAL(journal->commit_batch().message(), "none");
  CAF_CHECK(!journal->in_batch());
  CAF_CHECK_EQUAL(orders_seen(), 4);
  sqlite3_close(reader);
  const auto& c = journal->counters();
  CAF_CHECK_EQUAL(c.writes, 1u);
  CAF_CHECK_EQUAL(c.records, 13u);
  CAF_CHECK(c.last_write_ns > 0);
}

CAF_TEST(a_refused_record_in_a_batch_rolls_back_alone) {
  submit("a");
  CAF_REQUIRE_EQUAL(journal->begin_batch().message(), "none");
  CAF_CHECK_EQUAL(journal->record_submitted(order("b"), tick()).message(), "none");
  auto dup = journal->record_submitted(order("a"), tick());
  CAF_CHECK_EQUAL(to_string(dup.code), std::string("duplicate_order"));
  // A duplicate inside the same batch is seen too.
  auto dup_b = journal->record_submitted(order("b"), tick());
  CAF_CHECK_EQUAL(to_string(dup_b.code), std::string("duplicate_order"));
  CAF_CHECK_EQUAL(journal->record_submitted(order("c"), tick()).message(), "none");
  // A baseline is its own transaction: refused inside a batch.
  position_baseline base;
  auto refused = journal->record_baseline(venue_name{"binance"}, {}, "t", "r", tick(), base);
  CAF_CHECK_EQUAL(to_string(refused.code), std::string("write_failed"));
  CAF_REQUIRE_EQUAL(journal->commit_batch().message(), "none");
  journal_counts n;
  journal->count(n);
  CAF_CHECK_EQUAL(n.orders, 3);
  CAF_CHECK_EQUAL(journal->counters().writes, 2u); // a's own, then the batch
}

// Review finding 11: on SQLITE_FULL, IOERR or NOMEM SQLite may roll the
// whole transaction back. The batch must then fail as a whole: a later record
// must not autocommit on its own while the earlier ones are gone.
CAF_TEST(a_batch_whose_transaction_sqlite_rolled_back_fails_whole) {
  auto faults = std::make_shared<journal_faults>();
  journal->set_faults(faults);
  CAF_REQUIRE_EQUAL(journal->begin_batch().message(), "none");
  CAF_CHECK_EQUAL(journal->record_submitted(order("a"), tick()).message(), "none");
  faults->aborts = 1; // the next record fails and SQLite ends the transaction
  auto failed = journal->record_submitted(order("b"), tick());
  CAF_CHECK_EQUAL(to_string(failed.code), std::string("write_failed"));
  // Later records of the batch fail at once, written nowhere.
  auto later = journal->record_submitted(order("c"), tick());
  CAF_CHECK_EQUAL(to_string(later.code), std::string("write_failed"));
  CAF_CHECK(later.detail.find("rolled back") != std::string::npos);
  journal_counts n;
  journal->count(n);
  CAF_CHECK_EQUAL(n.orders, 0);
  auto commit = journal->commit_batch();
  CAF_CHECK_EQUAL(to_string(commit.code), std::string("write_failed"));
  CAF_CHECK(!journal->in_batch());
  CAF_CHECK_EQUAL(journal->counters().records, 0u);
  journal->count(n);
  CAF_CHECK_EQUAL(n.orders, 0);
  // The journal works again afterwards.
  CAF_CHECK_EQUAL(journal->record_submitted(order("c"), tick()).message(), "none");
}

// The test hook's failing COMMIT rolls the whole batch back.
CAF_TEST(a_failed_batch_commit_leaves_nothing_of_the_batch) {
  auto faults = std::make_shared<journal_faults>();
  journal->set_faults(faults);
  faults->commits = 1;
  CAF_REQUIRE_EQUAL(journal->begin_batch().message(), "none");
  CAF_CHECK_EQUAL(journal->record_submitted(order("a"), tick()).message(), "none");
  CAF_CHECK_EQUAL(to_string(journal->commit_batch().code), std::string("write_failed"));
  journal_counts n;
  journal->count(n);
  CAF_CHECK_EQUAL(n.orders, 0);
  CAF_CHECK_EQUAL(journal->counters().records, 0u);
}

CAF_TEST(a_batch_that_cannot_begin_leaves_records_to_their_own_transactions) {
  sqlite3* other = nullptr;
  sqlite3_open(path.c_str(), &other);
  CAF_REQUIRE_EQUAL(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto err = journal->begin_batch();
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  CAF_CHECK_EQUAL(to_string(err.code), std::string("write_failed"));
  CAF_CHECK(!journal->in_batch());
  CAF_CHECK_EQUAL(journal->record_submitted(order("a"), tick()).message(), "none");
  CAF_CHECK_EQUAL(journal->counters().writes, 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST(opening_under_a_regular_file_is_a_clear_error) {
  temp_dir dir;
  std::ofstream(dir.file("not-a-folder")) << "x";
  order_journal j;
  auto err = j.open(dir.file("not-a-folder") + "/oms.sqlite");
  CAF_CHECK_EQUAL(to_string(err.code), std::string("open_failed"));
  CAF_CHECK(err.message().find("not-a-folder/oms.sqlite") != std::string::npos);
  CAF_CHECK(!j.is_open());
  auto later = j.record_submitted(order("a"), timestamp_ns{1});
  CAF_CHECK_EQUAL(to_string(later.code), std::string("not_open"));
}

CAF_TEST(a_read_only_journal_file_is_refused_at_open) {
  temp_dir dir;
  auto path = dir.file("oms.sqlite");
  {
    order_journal j;
    CAF_REQUIRE_EQUAL(j.open(path).message(), "none");
  }
  if (::geteuid() == 0) {
    // root writes through file permissions; nothing to prove here.
    CAF_MESSAGE("running as root: read-only file check skipped");
    return;
  }
  std::filesystem::permissions(path, std::filesystem::perms::owner_read);
  order_journal j;
  auto err = j.open(path);
  CAF_CHECK_EQUAL(to_string(err.code), std::string("open_failed"));
  CAF_CHECK(err.message().find("read-only") != std::string::npos);
}

CAF_TEST(a_newer_schema_version_is_refused) {
  temp_dir dir;
  auto path = dir.file("oms.sqlite");
  CAF_REQUIRE_EQUAL(exec_raw(path, "PRAGMA user_version=99"), SQLITE_OK);
  order_journal j;
  auto err = j.open(path);
  CAF_CHECK_EQUAL(to_string(err.code), std::string("schema_mismatch"));
}
