#define CAF_SUITE report_orders_journal
#include "tests/support/unit_test.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "actors/oms/order_journal.hpp"
#include "reporting/orders/journal_reader.hpp"
#include "tests/unit/report_orders/event_lookup.hpp"
#include "reporting/orders/merge.hpp"
#include "tests/unit/oms/exec_raw.hpp"
#include "tests/unit/oms/oms_test_fixture.hpp"
#include "tests/unit/oms/temp_dir.hpp"

using namespace cwts;
using namespace cwts::oms;
using namespace cwts::oms::testing;
using namespace cwts::report;
using cwts::report::lookup::find;
using cwts::report::lookup::types_of;

namespace {

const time_range everything{timestamp_ns{0}, timestamp_ns{INT64_MAX}};

// An order store whose changes are journaled with their context, as the OMS does.
struct fixture : oms_fixture {
  temp_dir dir;
  std::string path = dir.file("oms.sqlite");
  order_journal journal;

  fixture() {
    CAF_REQUIRE_EQUAL(journal.open(path).message(), "none");
    journal.set_writer(node_id{"node-a"}, "system_realtime");
  }

  void submit(const order_request& req, const event_context& ctx) {
    auto now = tick();
    CAF_REQUIRE(!store.submit(req, now));
    CAF_REQUIRE_EQUAL(journal.record_submitted(req, now, ctx).message(), "none");
  }

  void venue(std::string_view id, order_status st, std::string_view cum, std::string_view last_q = "0") {
    auto rep = report(id, st, cum, last_q);
    rep.ts_event = timestamp_ns{777};
    auto upd = store.apply(rep);
    CAF_REQUIRE(upd.changed());
    event_context ctx{"venue", {}, st == order_status::rejected ? "venue_rejected" : "", {},
                      rep.ts_event, {}};
    CAF_REQUIRE_EQUAL(journal.record_update(*store.find(rep.id), upd.previous, upd.fill_qty,
                                            upd.fill_price, ctx).message(), "none");
  }

  void cancel(std::string_view id, const event_context& ctx) {
    client_order_id cid{std::string(id)};
    auto previous = store.find(cid)->status;
    CAF_REQUIRE(store.request_cancel(cid, tick()));
    CAF_REQUIRE_EQUAL(journal.record_update(*store.find(cid), previous, {}, {}, ctx).message(), "none");
  }

  std::vector<order_event> read(time_range r = everything) {
    std::vector<order_event> out;
    auto why = read_journal(path, r, out);
    CAF_REQUIRE_EQUAL(why, "");
    return out;
  }
};

order_request strategy_order(std::string_view id, std::string_view q = "1") {
  auto o = order(id, q);
  o.strategy.value = "mm";
  o.account.value = "main";
  return o;
}


} // namespace

CAF_TEST_FIXTURE_SCOPE(journal_reader_tests, fixture)

CAF_TEST(every_lifecycle_event_reads_back_with_its_type_and_context) {
  submit(strategy_order("o1"), {"strategy", {}, {}, {}, {}, {}});
  venue("o1", order_status::accepted, "0");
  venue("o1", order_status::partially_filled, "0.4", "0.4");
  venue("o1", order_status::filled, "1", "0.6");
  submit(strategy_order("o2"), {"strategy", {}, {}, {}, {}, {}});
  venue("o2", order_status::accepted, "0");
  cancel("o2", {"kill", operator_id{"alice"}, {}, {}, {}, "kill k1 level CANCEL_ALL"});
  venue("o2", order_status::canceled, "0");
  submit(strategy_order("o3"), {"amend", {}, {}, client_order_id{"o2"}, {}, {}});
  venue("o3", order_status::rejected, "0");
  auto refused = strategy_order("r1", "50");
  CAF_REQUIRE_EQUAL(journal.record_reject(refused, {"risk", {}, "max_qty_exceeded", {}, {}, {}},
                                          "qty 50 > max 10", tick()).message(), "none");
  auto got = read();
  CAF_CHECK_EQUAL(types_of(got), "o1:new o1:accepted o1:partially_filled o1:filled o2:new "
                                 "o2:accepted o2:cancel_requested o2:canceled o3:replaced "
                                 "o3:rejected r1:rejected ");
  for (auto& e : got) {
    CAF_CHECK_EQUAL(e.node, "node-a");
    CAF_CHECK_EQUAL(e.clock_source, "system_realtime");
    CAF_CHECK_EQUAL(e.venue.value, "binance");
    CAF_CHECK_EQUAL(e.strategy.value, "mm");
    CAF_CHECK_EQUAL(e.account.value, "main");
    CAF_CHECK_EQUAL(e.journal, path);
  }
  auto* part = find(got, "o1", order_event_type::partially_filled);
  CAF_REQUIRE(part != nullptr);
  CAF_CHECK_EQUAL(part->fill_qty.to_string(), "0.40000000");
  CAF_CHECK_EQUAL(part->fill_price.to_string(), "30000.00000000");
  CAF_CHECK_EQUAL(part->venue_id.value, 42);
  CAF_CHECK_EQUAL(part->venue_time.ns, 777);
  CAF_CHECK_EQUAL(part->initiator, "venue");
  auto* cancel_req = find(got, "o2", order_event_type::cancel_requested);
  CAF_REQUIRE(cancel_req != nullptr);
  CAF_CHECK_EQUAL(cancel_req->issuer.value, "alice");
  CAF_CHECK_EQUAL(cancel_req->initiator, "kill");
  CAF_CHECK_EQUAL(cancel_req->text, "kill k1 level CANCEL_ALL");
  auto* repl = find(got, "o3", order_event_type::replaced);
  CAF_REQUIRE(repl != nullptr);
  CAF_CHECK_EQUAL(repl->related_id.value, "o2");
  auto* by_venue = find(got, "o3", order_event_type::rejected);
  CAF_REQUIRE(by_venue != nullptr);
  CAF_CHECK_EQUAL(by_venue->rejected_by, "venue");
  auto* by_us = find(got, "r1", order_event_type::rejected);
  CAF_REQUIRE(by_us != nullptr);
  CAF_CHECK_EQUAL(by_us->rejected_by, "cwts");
  CAF_CHECK_EQUAL(by_us->reject_rule, "max_qty_exceeded");
  CAF_CHECK_EQUAL(by_us->text, "qty 50 > max 10");
  CAF_CHECK_EQUAL(by_us->quantity.to_string(), "50.00000000");
  CAF_CHECK_EQUAL(by_us->initiator, "risk");
  CAF_CHECK_EQUAL(by_us->source, "rejects");
}

CAF_TEST(only_events_inside_the_half_open_range_are_read) {
  submit(strategy_order("o1"), {});          // t 1001
  venue("o1", order_status::accepted, "0");  // t 1002
  venue("o1", order_status::canceled, "0");  // t 1003
  auto got = read({timestamp_ns{1002}, timestamp_ns{1003}});
  CAF_CHECK_EQUAL(types_of(got), "o1:accepted ");
}

// The reader opens mode=ro and sees committed rows only, while the OMS holds
// an open batch on the same WAL file.
CAF_TEST(a_journal_being_written_is_read_at_its_last_commit) {
  submit(strategy_order("o1"), {});
  CAF_REQUIRE(!journal.begin_batch());
  submit(strategy_order("o2"), {});
  CAF_CHECK_EQUAL(types_of(read()), "o1:new ");
  CAF_REQUIRE(!journal.commit_batch());
  CAF_CHECK_EQUAL(types_of(read()), "o1:new o2:new ");
}

CAF_TEST(rejects_are_append_only) {
  CAF_REQUIRE(!journal.record_reject(strategy_order("r1"), {"oms", {}, "kill_gate_closed", {}, {}, {}},
                                     "gate closed", tick()));
  journal.close();
  CAF_CHECK_NOT_EQUAL(exec_raw(path, "UPDATE rejects SET detail='x'"), SQLITE_OK);
  CAF_CHECK_NOT_EQUAL(exec_raw(path, "DELETE FROM rejects"), SQLITE_OK);
  CAF_CHECK_EQUAL(read().size(), 1u);
}

// Failover: node a's journal, a copy of it (archived next to the live one),
// and node b's journal with times among a's. The streamed merge gives what
// the in-memory merge gives, each record once.
CAF_TEST(the_streamed_merge_of_several_journals_equals_the_in_memory_merge) {
  submit(strategy_order("o1"), {"strategy", {}, {}, {}, {}, {}}); // t 1001
  venue("o1", order_status::accepted, "0");                       // t 1002
  clock += 10;
  venue("o1", order_status::filled, "1", "1");                    // t 1013
  journal.close();
  auto copy = dir.file("copy.sqlite");
  std::filesystem::copy_file(path, copy);
  auto other = dir.file("b.sqlite");
  {
    order_journal b;
    CAF_REQUIRE(!b.open(other));
    b.set_writer(node_id{"node-b"}, "system_realtime");
    CAF_REQUIRE(!b.record_submitted(strategy_order("o2"), timestamp_ns{1002}, {}));
    CAF_REQUIRE(!b.record_reject(strategy_order("r2"), {"risk", {}, "invalid_qty", {}, {}, {}},
                                 "qty 0", timestamp_ns{1005}));
  }
  std::vector<std::vector<order_event>> all(3);
  std::vector<journal_cursor> cursors(3);
  std::string paths[] = {path, copy, other};
  for (size_t i = 0; i < 3; ++i) {
    CAF_REQUIRE_EQUAL(read_journal(paths[i], everything, all[i]), "");
    CAF_REQUIRE_EQUAL(cursors[i].open(paths[i], everything), "");
  }
  merge_stats in_memory, streamed;
  auto expected = merge_events(all, &in_memory);
  std::vector<order_event> got;
  CAF_REQUIRE_EQUAL(merge_cursors(cursors, [&](const order_event& e) { got.push_back(e); }, &streamed), "");
  CAF_CHECK_EQUAL(types_of(got), "o1:new o1:accepted o2:new r2:rejected o1:filled ");
  CAF_CHECK_EQUAL(types_of(got), types_of(expected));
  CAF_CHECK_EQUAL(streamed.duplicates, 3);
  CAF_CHECK_EQUAL(in_memory.duplicates, 3);
  CAF_CHECK_EQUAL(streamed.out, 5);
  for (size_t i = 0; i < got.size(); ++i)
    CAF_CHECK_EQUAL(got[i].journal, expected[i].journal);
}

// Failover with adoption (review R1 H1): node a sent o1 and journaled a
// fill of 0.4; node b took over and adopted o1 from the venue (its journal:
// a submission and a state row with the venue's cum 0.4 as one fill, for its
// positions). The merged export has o1's new once, an adopted event, and
// fills that sum to 0.4, not 0.8.
CAF_TEST(an_order_adopted_at_a_takeover_is_not_a_second_new_nor_a_second_fill) {
  submit(strategy_order("o1"), {"strategy", {}, {}, {}, {}, {}});
  venue("o1", order_status::accepted, "0");
  venue("o1", order_status::partially_filled, "0.4", "0.4");
  journal.close();
  auto adopted = *store.find(client_order_id{"o1"});
  auto other = dir.file("b.sqlite");
  {
    order_journal b;
    CAF_REQUIRE(!b.open(other));
    b.set_writer(node_id{"node-b"}, "system_realtime");
    event_context ctx{"reconciliation", {}, {}, {}, {}, "adopted from the venue"};
    CAF_REQUIRE_EQUAL(b.record_submitted(adopted.request, tick(), ctx).message(), "none");
    CAF_REQUIRE_EQUAL(b.record_update(adopted, order_status::pending_new, adopted.cum_qty,
                                      adopted.avg_fill_price, ctx).message(), "none");
  }
  std::vector<std::vector<order_event>> all(2);
  CAF_REQUIRE_EQUAL(read_journal(path, everything, all[0]), "");
  CAF_REQUIRE_EQUAL(read_journal(other, everything, all[1]), "");
  auto got = merge_events(all);
  int news = 0, adoptions = 0;
  qty filled{};
  for (auto& e : got) {
    news += e.type == order_event_type::new_order ? 1 : 0;
    adoptions += e.type == order_event_type::adopted ? 1 : 0;
    filled = filled + e.fill_qty;
  }
  CAF_CHECK_EQUAL(news, 1);
  CAF_CHECK_EQUAL(adoptions, 1);
  CAF_CHECK_EQUAL(filled.to_string(), qty::parse("0.4")->to_string());
  const order_event* state = nullptr;
  for (auto& e : got)
    if (e.node == "node-b" && e.type != order_event_type::adopted)
      state = &e;
  CAF_REQUIRE(state != nullptr);
  CAF_CHECK_EQUAL(state->initiator, "reconciliation");
  CAF_CHECK_EQUAL(to_string(state->type), std::string("partially_filled"));
  CAF_CHECK(!state->fill_qty.is_positive());
  CAF_CHECK_EQUAL(state->cum_qty.to_string(), qty::parse("0.4")->to_string());
}

CAF_TEST_FIXTURE_SCOPE_END()

namespace {

// The schema-3 journal layout (before issue 22), as such a build wrote it.
constexpr const char* v3_sql = R"sql(
CREATE TABLE orders (client_order_id TEXT PRIMARY KEY, strategy TEXT NOT NULL,
  account TEXT NOT NULL DEFAULT '', venue TEXT NOT NULL DEFAULT '', symbol TEXT NOT NULL,
  side TEXT NOT NULL, order_type TEXT NOT NULL, tif TEXT NOT NULL, limit_price INTEGER NOT NULL,
  quantity INTEGER NOT NULL, request_ts INTEGER NOT NULL, status TEXT NOT NULL,
  venue_status TEXT NOT NULL, acknowledged INTEGER NOT NULL, venue_order_id INTEGER NOT NULL,
  cum_qty INTEGER NOT NULL, leaves_qty INTEGER NOT NULL, avg_price INTEGER NOT NULL,
  filled_notional INTEGER NOT NULL, ts_pending_new INTEGER NOT NULL, ts_accepted INTEGER NOT NULL,
  ts_partially_filled INTEGER NOT NULL, ts_filled INTEGER NOT NULL,
  ts_pending_cancel INTEGER NOT NULL, ts_canceled INTEGER NOT NULL,
  ts_rejected INTEGER NOT NULL, ts_expired INTEGER NOT NULL, last_update INTEGER NOT NULL,
  last_text TEXT NOT NULL, live INTEGER NOT NULL);
CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, client_order_id TEXT NOT NULL,
  from_status TEXT, to_status TEXT NOT NULL, fill_qty INTEGER NOT NULL,
  fill_price INTEGER NOT NULL, cum_qty INTEGER NOT NULL, venue_order_id INTEGER NOT NULL,
  venue_text TEXT NOT NULL, ts_event INTEGER NOT NULL, ts_written INTEGER NOT NULL);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TABLE baselines (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_seq INTEGER NOT NULL,
  taken_at INTEGER NOT NULL, issuer TEXT NOT NULL, reason TEXT NOT NULL,
  venue TEXT NOT NULL DEFAULT '');
CREATE TABLE baseline_balances (baseline_seq INTEGER NOT NULL, asset TEXT NOT NULL,
  amount INTEGER NOT NULL, PRIMARY KEY (baseline_seq, asset));
INSERT INTO orders VALUES ('old1','mm','main','binance','BTCUSDT','BUY','LIMIT','GTC',
  3000000000000,100000000,5,'FILLED','FILLED',1,9,100000000,0,3000000000000,3000000000000,
  10,11,0,12,0,0,0,0,12,'',0);
INSERT INTO events VALUES (1,'old1',NULL,'PENDING_NEW',0,0,0,0,'',10,10);
INSERT INTO events VALUES (2,'old1','PENDING_NEW','NEW',0,0,0,9,'',11,11);
INSERT INTO events VALUES (3,'old1','NEW','FILLED',100000000,3000000000000,100000000,9,'',12,12);
PRAGMA user_version=3;
)sql";

} // namespace

CAF_TEST(a_schema_3_journal_exports_with_empty_new_fields_and_migrates_to_4) {
  temp_dir dir;
  auto path = dir.file("old.sqlite");
  CAF_REQUIRE_EQUAL(exec_raw(path, v3_sql), SQLITE_OK);
  std::vector<order_event> before;
  read_stats st;
  CAF_REQUIRE_EQUAL(read_journal(path, everything, before, &st), "");
  CAF_CHECK_EQUAL(st.schema_version, 3);
  CAF_CHECK_EQUAL(types_of(before), "old1:new old1:accepted old1:filled ");
  CAF_CHECK_EQUAL(before.back().fill_qty.to_string(), "1.00000000");
  CAF_CHECK_EQUAL(before.back().venue_id.value, 9);
  CAF_CHECK_EQUAL(before.back().node, "");
  CAF_CHECK_EQUAL(before.back().clock_source, "");
  CAF_CHECK_EQUAL(before.back().initiator, "");
  // The OMS opens it: migrated to schema 4, old rows kept, new rows complete.
  {
    order_journal j;
    CAF_REQUIRE_EQUAL(j.open(path).message(), "none");
    j.set_writer(node_id{"node-b"}, "system_realtime");
    CAF_REQUIRE(!j.record_submitted(strategy_order("new1"), timestamp_ns{20}, {"strategy", {}, {}, {}, {}, {}}));
    CAF_REQUIRE(!j.record_reject(strategy_order("rej1"), {"risk", {}, "invalid_price", {}, {}, {}},
                                 "price 0", timestamp_ns{21}));
  }
  std::vector<order_event> after;
  CAF_REQUIRE_EQUAL(read_journal(path, everything, after, &st), "");
  CAF_CHECK_EQUAL(st.schema_version, 4);
  CAF_CHECK_EQUAL(types_of(after), "old1:new old1:accepted old1:filled new1:new rej1:rejected ");
  CAF_CHECK_EQUAL(after[2].node, "");
  CAF_CHECK_EQUAL(after[3].node, "node-b");
  CAF_CHECK_EQUAL(after[3].initiator, "strategy");
  CAF_CHECK_EQUAL(after[4].reject_rule, "invalid_price");
  // The migration kept the append-only triggers.
  CAF_CHECK_NOT_EQUAL(exec_raw(path, "UPDATE events SET node='x'"), SQLITE_OK);
  CAF_CHECK_NOT_EQUAL(exec_raw(path, "DELETE FROM events"), SQLITE_OK);
}

CAF_TEST(unreadable_journals_are_one_clear_error) {
  temp_dir dir;
  std::vector<order_event> out;
  CAF_CHECK_EQUAL(read_journal(dir.file("none.sqlite"), everything, out),
                  "journal '" + dir.file("none.sqlite") + "': no such file");
  CAF_CHECK_EQUAL(read_journal(dir.path.string(), everything, out),
                  "journal '" + dir.path.string() + "': not a regular file");
  auto text = dir.file("text.sqlite");
  std::ofstream(text) << "this is not a database, but long enough to be read as a header.......\n";
  auto why = read_journal(text, everything, out);
  CAF_CHECK(why.find("not an SQLite database") != std::string::npos);
  CAF_MESSAGE(why);
  auto empty = dir.file("empty.sqlite");
  CAF_REQUIRE_EQUAL(exec_raw(empty, "CREATE TABLE t(x)"), SQLITE_OK);
  CAF_CHECK_EQUAL(read_journal(empty, everything, out),
                  "journal '" + empty + "': not an OMS journal (no schema version)");
  auto newer = dir.file("newer.sqlite");
  CAF_REQUIRE_EQUAL(exec_raw(newer, "PRAGMA user_version=99"), SQLITE_OK);
  CAF_CHECK_EQUAL(read_journal(newer, everything, out),
                  "journal '" + newer + "': schema version 99 is newer than this build knows (4)");
  CAF_CHECK(out.empty());
}

namespace {

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  CAF_REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

// Schema 2 (no orders.venue, no baselines.venue) and 1 (no account either),
// derived from the schema-3 layout above.
std::string v2_sql() {
  auto s = replaced(v3_sql, "account TEXT NOT NULL DEFAULT '', venue TEXT NOT NULL DEFAULT '', ",
                    "account TEXT NOT NULL DEFAULT '', ");
  s = replaced(s, "'main','binance','BTCUSDT'", "'main','BTCUSDT'");
  s = replaced(s, ",\n  venue TEXT NOT NULL DEFAULT '');", ");");
  return replaced(s, "user_version=3", "user_version=2");
}

std::string v1_sql() {
  auto s = replaced(v2_sql(), "account TEXT NOT NULL DEFAULT '', ", "");
  s = replaced(s, "'mm','main','BTCUSDT'", "'mm','BTCUSDT'");
  return replaced(s, "user_version=2", "user_version=1");
}

int user_version(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* s = nullptr;
  int v = -1;
  if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, nullptr) == SQLITE_OK
      && sqlite3_step(s) == SQLITE_ROW)
    v = sqlite3_column_int(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(db);
  return v;
}

} // namespace

// Review R1 M1: v1 and v2 journals opened by the OMS's journal migrate to 4
// with their rows, and take new records.
CAF_TEST(schema_1_and_2_journals_migrate_when_the_oms_opens_them) {
  for (int version : {1, 2}) {
    temp_dir dir;
    auto path = dir.file("old.sqlite");
    CAF_REQUIRE_EQUAL(exec_raw(path, version == 1 ? v1_sql() : v2_sql()), SQLITE_OK);
    CAF_REQUIRE_EQUAL(user_version(path), version);
    {
      order_journal j;
      j.set_legacy_venue(venue_name{"binance"});
      CAF_REQUIRE_EQUAL(j.open(path).message(), "none");
      std::vector<order_record> live;
      CAF_REQUIRE_EQUAL(j.load(live).message(), "none");
      CAF_CHECK(live.empty()); // old1 is filled
      j.set_writer(node_id{"node-b"}, "system_realtime");
      CAF_REQUIRE(!j.record_submitted(strategy_order("new1"), timestamp_ns{20}, {"strategy", {}, {}, {}, {}, {}}));
    }
    CAF_CHECK_EQUAL(user_version(path), 4);
    std::vector<order_event> after;
    CAF_REQUIRE_EQUAL(read_journal(path, everything, after), "");
    CAF_CHECK_EQUAL(types_of(after), "old1:new old1:accepted old1:filled new1:new ");
    CAF_CHECK_EQUAL(after[0].account.value, version == 1 ? "" : "main");
    CAF_CHECK_EQUAL(after[2].fill_qty.to_string(), "1.00000000");
    CAF_CHECK_EQUAL(after[3].account.value, "main");
    CAF_CHECK_EQUAL(after[3].node, "node-b");
  }
}

// Review R1 M1: a migration step that fails (here the 3rd ALTER: the column
// exists already) leaves the file at its old version with no step applied,
// not half migrated under the old number.
CAF_TEST(a_failed_migration_leaves_the_journal_whole_at_its_old_version) {
  temp_dir dir;
  auto path = dir.file("old.sqlite");
  CAF_REQUIRE_EQUAL(exec_raw(path, v3_sql), SQLITE_OK);
  CAF_REQUIRE_EQUAL(exec_raw(path, "ALTER TABLE events ADD COLUMN reject_rule TEXT NOT NULL DEFAULT ''"),
                    SQLITE_OK);
  {
    order_journal j;
    auto err = j.open(path);
    CAF_CHECK(err);
    CAF_CHECK(err.message().find("duplicate column") != std::string::npos);
  }
  CAF_CHECK_EQUAL(user_version(path), 3);
  CAF_CHECK_NOT_EQUAL(exec_raw(path, "SELECT initiator FROM events"), SQLITE_OK);
  CAF_CHECK_NOT_EQUAL(exec_raw(path, "SELECT 1 FROM rejects"), SQLITE_OK);
  std::vector<order_event> still;
  CAF_CHECK_EQUAL(read_journal(path, everything, still), "");
  CAF_CHECK_EQUAL(still.size(), 3u);
}
