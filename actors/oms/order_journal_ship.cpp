// Journal shipping (issue 24; order_journal.hpp, messages/journal_ship.hpp):
// the active side captures each commit's rows as an SQLite session patchset;
// the replica applies them, in order, into a file of the same schema.
//
// Why sessions: a patchset is exactly the rows a commit left (inserts with
// their primary keys, updates of orders by client order id), whatever code
// path wrote them (an order, a group-committed batch, a replay after a
// failed commit, a baseline), so the replica's rows equal the active's,
// events.seq included, and the replica needs no second copy of the write
// logic. A rolled-back write leaves nothing in the next patchset (SQLite
// compares with the rows as they are when the patchset is made).
#define SQLITE_ENABLE_SESSION 1
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include "actors/oms/order_journal.hpp"

#include <sqlite3.h>

#include <cstring>

namespace cwts::oms {

namespace {

struct stmt_deleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using stmt_ptr = std::unique_ptr<sqlite3_stmt, stmt_deleter>;

journal_error sql_error(journal_errc code, sqlite3* db, const std::string& what) {
  return {code, what + ": " + sqlite3_errmsg(db)};
}

journal_error not_open(const std::string& path) {
  return {journal_errc::not_open, path.empty() ? "no journal path" : "'" + path + "' not open"};
}

// Every table but journal_ship (the replica's own bookkeeping) and SQLite's.
int shipped_table(void*, const char* table) {
  return std::strcmp(table, "journal_ship") != 0 && std::strncmp(table, "sqlite_", 7) != 0;
}

sqlite3_session* new_session(sqlite3* db) {
  sqlite3_session* s = nullptr;
  if (sqlite3session_create(db, "main", &s) != SQLITE_OK)
    return nullptr;
  sqlite3session_table_filter(s, shipped_table, nullptr);
  if (sqlite3session_attach(s, nullptr) != SQLITE_OK) {
    sqlite3session_delete(s);
    return nullptr;
  }
  return s;
}

// "events=1 rejects=2 baselines=3 orders=4" (journal_marks::str) back.
journal_marks parse_marks(const std::string& text) {
  journal_marks m;
  long long e = 0, r = 0, b = 0, o = 0;
  if (std::sscanf(text.c_str(), "events=%lld rejects=%lld baselines=%lld orders=%lld", &e, &r, &b,
                  &o)
      == 4)
    m = journal_marks{e, r, b, o};
  return m;
}

int64_t scalar(sqlite3* db, const char* sql, bool& ok) {
  sqlite3_stmt* s = nullptr;
  int64_t v = 0;
  ok = ok && sqlite3_prepare_v2(db, sql, -1, &s, nullptr) == SQLITE_OK
       && sqlite3_step(s) == SQLITE_ROW;
  if (ok)
    v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return v;
}

} // namespace

journal_error order_journal::start_capture(ship_sink sink) {
  if (!db_)
    return not_open(path_);
  stop_capture();
  session_ = new_session(db_);
  if (session_ == nullptr)
    return sql_error(journal_errc::schema_failed, db_, "create the shipping session");
  sink_ = std::move(sink);
  return {};
}

void order_journal::stop_capture() {
  if (session_)
    sqlite3session_delete(session_);
  session_ = nullptr;
  sink_ = nullptr;
}

// After a COMMIT: the rows it left go out, and the session starts afresh so
// the next patchset holds the next commit only.
void order_journal::ship_committed() {
  if (!session_)
    return;
  int n = 0;
  void* p = nullptr;
  int rc = sqlite3session_patchset(session_, &n, &p);
  std::string blob;
  if (rc == SQLITE_OK && n > 0)
    blob.assign(static_cast<const char*>(p), static_cast<size_t>(n));
  sqlite3_free(p);
  sqlite3session_delete(session_);
  session_ = new_session(db_);
  if (rc != SQLITE_OK) {
    // The commit is durable but its rows cannot be shipped: an empty batch
    // still takes a sequence number, so the replica's gap check does not
    // pass it silently; the sink's owner sees the failure as an empty one.
    ++counters_.ship_failures;
  }
  if (sink_ && (rc != SQLITE_OK || !blob.empty()))
    sink_(std::move(blob));
}

void order_journal::ship_rolled_back() {
  if (!session_)
    return;
  sqlite3session_delete(session_);
  session_ = new_session(db_);
}

journal_error order_journal::marks(journal_marks& out) const {
  if (!db_)
    return not_open(path_);
  bool ok = true;
  out.events = scalar(db_, "SELECT COALESCE(MAX(seq), 0) FROM events", ok);
  out.rejects = scalar(db_, "SELECT COALESCE(MAX(seq), 0) FROM rejects", ok);
  out.baselines = scalar(db_, "SELECT COALESCE(MAX(seq), 0) FROM baselines", ok);
  out.orders = scalar(db_, "SELECT COUNT(*) FROM orders", ok);
  if (!ok)
    return sql_error(journal_errc::read_failed, db_, "journal marks");
  return {};
}

journal_error order_journal::load_ship_state(ship_state& out) const {
  if (!db_)
    return not_open(path_);
  out = ship_state{};
  stmt_ptr s;
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_,
                         "SELECT origin, stream, seq, start_marks, incomplete, sealed_by, "
                         "sealed_at FROM journal_ship WHERE id = 1",
                         -1, &raw, nullptr)
      != SQLITE_OK)
    return sql_error(journal_errc::read_failed, db_, "read journal_ship");
  s.reset(raw);
  int rc = sqlite3_step(raw);
  if (rc == SQLITE_DONE)
    return {};
  if (rc != SQLITE_ROW)
    return sql_error(journal_errc::read_failed, db_, "read journal_ship");
  auto text = [&](int i) {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(raw, i));
    return p ? std::string(p) : std::string();
  };
  out.origin = text(0);
  out.stream = sqlite3_column_int64(raw, 1);
  out.seq = sqlite3_column_int64(raw, 2);
  out.start = parse_marks(text(3));
  out.incomplete = text(4);
  out.sealed_by = text(5);
  out.sealed_at = timestamp_ns{sqlite3_column_int64(raw, 6)};
  return {};
}

// Inside the caller's transaction.
journal_error order_journal::write_ship_row(const ship_state& st) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_,
                         "INSERT OR REPLACE INTO journal_ship (id, origin, stream, seq, "
                         "start_marks, incomplete, sealed_by, sealed_at) "
                         "VALUES (1, ?, ?, ?, ?, ?, ?, ?)",
                         -1, &raw, nullptr)
      != SQLITE_OK)
    return sql_error(journal_errc::write_failed, db_, "prepare journal_ship");
  stmt_ptr s(raw);
  auto marks_text = st.start.str();
  sqlite3_bind_text(raw, 1, st.origin.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(raw, 2, st.stream);
  sqlite3_bind_int64(raw, 3, st.seq);
  sqlite3_bind_text(raw, 4, marks_text.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(raw, 5, st.incomplete.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(raw, 6, st.sealed_by.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(raw, 7, st.sealed_at.ns);
  if (sqlite3_step(raw) != SQLITE_DONE)
    return sql_error(journal_errc::write_failed, db_, "write journal_ship");
  return {};
}

namespace {

// Runs `body` in its own IMMEDIATE transaction (the replica's writes; never
// inside an OMS batch: a replica's journal has no OMS writing to it).
template <class Body>
journal_error in_transaction(sqlite3* db, Body&& body) {
  if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
    return sql_error(journal_errc::write_failed, db, "begin");
  auto err = body();
  if (!err && sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
    err = sql_error(journal_errc::write_failed, db, "commit");
  if (err && !sqlite3_get_autocommit(db))
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  return err;
}

// Any row that is not where the active's was (an insert whose key exists, an
// update of a row missing) means the two files diverged: abort the batch.
int abort_on_conflict(void* ctx, int, sqlite3_changeset_iter*) {
  ++*static_cast<int*>(ctx);
  return SQLITE_CHANGESET_ABORT;
}

} // namespace

journal_error order_journal::apply_shipped(const node_id& origin, int64_t stream, int64_t seq,
                                           const journal_marks& start,
                                           const std::string& patchset) {
  if (!db_)
    return not_open(path_);
  if (in_batch_)
    return {journal_errc::write_failed, "a replica's journal is not an OMS's: no batch here"};
  int conflicts = 0;
  return in_transaction(db_, [&]() -> journal_error {
    ship_state st;
    if (auto err = load_ship_state(st))
      return err;
    if (st.sealed())
      return {journal_errc::write_failed, "sealed by the OMS of " + st.sealed_by
                                            + ": no longer a replica"};
    if (!patchset.empty()) {
      int rc = sqlite3changeset_apply(db_, static_cast<int>(patchset.size()),
                                      const_cast<char*>(patchset.data()), nullptr,
                                      abort_on_conflict, &conflicts);
      if (rc != SQLITE_OK)
        return {journal_errc::write_failed,
                "batch " + std::to_string(seq) + " does not apply ("
                  + std::to_string(conflicts) + " conflicting rows): " + sqlite3_errmsg(db_)};
    }
    st.origin = origin.value;
    st.stream = stream;
    st.seq = seq;
    st.start = start;
    return write_ship_row(st);
  });
}

journal_error order_journal::follow_stream(const node_id& origin, int64_t stream,
                                           const journal_marks& start) {
  if (!db_)
    return not_open(path_);
  return in_transaction(db_, [&]() -> journal_error {
    ship_state st;
    if (auto err = load_ship_state(st))
      return err;
    if (st.sealed())
      return {journal_errc::write_failed, "sealed by the OMS of " + st.sealed_by};
    st.origin = origin.value;
    st.stream = stream;
    st.seq = 0;
    st.start = start;
    return write_ship_row(st);
  });
}

journal_error order_journal::mark_incomplete(const node_id& origin, const std::string& why) {
  if (!db_)
    return not_open(path_);
  return in_transaction(db_, [&]() -> journal_error {
    ship_state st;
    if (auto err = load_ship_state(st))
      return err;
    if (st.sealed())
      return {journal_errc::write_failed, "sealed by the OMS of " + st.sealed_by};
    st.origin = origin.value;
    if (st.incomplete.empty())
      st.incomplete = why; // the first reason is the one that matters
    return write_ship_row(st);
  });
}

journal_error order_journal::seal(const node_id& by, timestamp_ns now, ship_state& before) {
  if (!db_)
    return not_open(path_);
  return in_transaction(db_, [&]() -> journal_error {
    if (auto err = load_ship_state(before))
      return err;
    if (before.sealed_by == by.value)
      return {}; // this node's OMS reopening its own journal
    auto st = before;
    st.sealed_by = by.value;
    st.sealed_at = now;
    return write_ship_row(st);
  });
}

} // namespace cwts::oms
