#include "actors/oms/order_journal.hpp"

#include "actors/oms/journal_checkpointer.hpp"
#include "actors/oms/order_journal_schema.hpp"

#include <sqlite3.h>

#include <array>
#include <utility>

namespace cwts::oms {

// The file's SQL text (order_journal_schema.hpp).
using namespace journal_sql;

namespace {

struct stmt_deleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using stmt_ptr = std::unique_ptr<sqlite3_stmt, stmt_deleter>;

journal_error fail(journal_errc code, sqlite3* db, const std::string& what) {
  return {code, what + ": " + (db ? sqlite3_errmsg(db) : "out of memory")};
}

// Not named `bind`: argument-dependent lookup would pick std::bind for a
// std::string argument.
void bind_value(sqlite3_stmt* s, int i, int64_t v) { sqlite3_bind_int64(s, i, v); }
void bind_value(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}
void bind_value(sqlite3_stmt* s, int i, const char* v) { sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC); }

// Binds the state columns of `r` at parameters first .. first+18.
void bind_state(sqlite3_stmt* s, int first, const order_record& r) {
  int i = first;
  bind_value(s, i++, to_string(r.status));
  bind_value(s, i++, to_string(r.venue_status));
  bind_value(s, i++, int64_t{r.acknowledged ? 1 : 0});
  bind_value(s, i++, r.venue_id.value);
  bind_value(s, i++, r.cum_qty.raw);
  bind_value(s, i++, r.leaves_qty.raw);
  bind_value(s, i++, r.avg_fill_price.raw);
  bind_value(s, i++, r.filled_notional.raw);
  for (auto ts : r.entered_at)
    bind_value(s, i++, ts.ns);
  bind_value(s, i++, r.last_update.ns);
  bind_value(s, i++, r.last_text);
  bind_value(s, i++, int64_t{r.is_live() ? 1 : 0});
}

std::string column_text(sqlite3_stmt* s, int i) {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s, i))) : std::string();
}

// Parses an enum stored by name; false for a name no value has.
template <class Enum, size_t N>
bool parse_enum(const std::string& text, const std::array<Enum, N>& values, Enum& out) {
  for (auto v : values)
    if (text == to_string(v)) {
      out = v;
      return true;
    }
  return false;
}

constexpr std::array<order_status, order_status_count> all_statuses{
  order_status::pending_new, order_status::accepted, order_status::partially_filled,
  order_status::filled,      order_status::pending_cancel, order_status::canceled,
  order_status::rejected,    order_status::expired};

// One row of select_live_sql into `r`; the error names the bad column.
journal_error read_row(sqlite3_stmt* s, order_record& r) {
  auto& q = r.request;
  q.id.value = column_text(s, 0);
  q.strategy.value = column_text(s, 1);
  auto sym = symbol::parse(column_text(s, 2));
  bool ok = sym.has_value();
  if (sym)
    q.sym = *sym;
  ok = ok && parse_enum(column_text(s, 3), std::array<side, 2>{side::buy, side::sell}, q.order_side);
  ok = ok
       && parse_enum(column_text(s, 4),
                     std::array<order_type, 2>{order_type::limit, order_type::market}, q.type);
  ok = ok
       && parse_enum(column_text(s, 5),
                     std::array<time_in_force, 3>{time_in_force::gtc, time_in_force::ioc,
                                                  time_in_force::fok},
                     q.tif);
  q.limit_price = price::from_raw(sqlite3_column_int64(s, 6));
  q.quantity = qty::from_raw(sqlite3_column_int64(s, 7));
  q.ts_init = timestamp_ns{sqlite3_column_int64(s, 8)};
  ok = ok && parse_enum(column_text(s, 9), all_statuses, r.status)
       && parse_enum(column_text(s, 10), all_statuses, r.venue_status);
  if (!ok)
    return {journal_errc::corrupt_row, "order " + q.id.value + ": symbol, side, type, tif or "
                                         "status does not parse"};
  r.acknowledged = sqlite3_column_int64(s, 11) != 0;
  r.venue_id.value = sqlite3_column_int64(s, 12);
  r.cum_qty = qty::from_raw(sqlite3_column_int64(s, 13));
  r.leaves_qty = qty::from_raw(sqlite3_column_int64(s, 14));
  r.avg_fill_price = price::from_raw(sqlite3_column_int64(s, 15));
  r.filled_notional = notional::from_raw(sqlite3_column_int64(s, 16));
  for (size_t k = 0; k < order_status_count; ++k)
    r.entered_at[k] = timestamp_ns{sqlite3_column_int64(s, 17 + static_cast<int>(k))};
  r.last_update = timestamp_ns{sqlite3_column_int64(s, 25)};
  r.last_text = column_text(s, 26);
  q.account.value = column_text(s, 28);
  q.venue.value = column_text(s, 29);
  return {};
}

int64_t count_of(sqlite3_stmt* s) {
  sqlite3_reset(s);
  return sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
}

} // namespace

const char* to_string(journal_errc e) {
  switch (e) {
    case journal_errc::none: return "none";
    case journal_errc::not_open: return "not_open";
    case journal_errc::open_failed: return "open_failed";
    case journal_errc::schema_failed: return "schema_failed";
    case journal_errc::schema_mismatch: return "schema_mismatch";
    case journal_errc::write_failed: return "write_failed";
    case journal_errc::duplicate_order: return "duplicate_order";
    case journal_errc::unknown_order: return "unknown_order";
    case journal_errc::read_failed: return "read_failed";
    case journal_errc::corrupt_row: return "corrupt_row";
  }
  return "?";
}

std::string journal_error::message() const {
  return detail.empty() ? to_string(code) : std::string(to_string(code)) + ": " + detail;
}

// Made once at open and reused for every write (no per-order SQL text).
struct order_journal::statements {
  stmt_ptr begin, commit, rollback;
  stmt_ptr savepoint, release, rollback_to; // one record inside a batch
  stmt_ptr insert_order, update_order, insert_event, insert_reject, select_live;
  stmt_ptr count_orders, count_live, count_events;
};

order_journal::order_journal() = default;

order_journal::~order_journal() { close(); }

void order_journal::close() {
  stop_capture(); // a session must go before its connection
  stop_checkpointer();
  st_.reset(); // statements are finalized before the connection closes
  if (db_)
    sqlite3_close(db_);
  db_ = nullptr;
}

journal_error order_journal::open(const std::string& path, journal_durability durability,
                                  checkpoint_mode checkpoints) {
  close();
  path_ = path;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    auto err = fail(journal_errc::open_failed, db, "open '" + path + "'");
    sqlite3_close(db);
    return err;
  }
  db_ = db;
  if (sqlite3_db_readonly(db_, "main") == 1) {
    // SQLite falls back to read-only on a write-protected file; a journal
    // that cannot be written must fail here, not at the first order.
    close();
    return {journal_errc::open_failed, "'" + path + "' is read-only"};
  }
  // The OMS thread must never wait long for a lock: a write that cannot get
  // one fails and the order is rejected instead of sent unjournaled.
  sqlite3_busy_timeout(db_, 100);
  std::string pragmas = std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=")
                        + (durability == journal_durability::power_loss ? "FULL" : "NORMAL")
                        + "; PRAGMA foreign_keys=OFF;";
  auto set_version = "PRAGMA user_version=" + std::to_string(schema_version);
  int version = 0;
  sqlite3_stmt* v = nullptr;
  if (sqlite3_prepare_v2(db_, "PRAGMA user_version", -1, &v, nullptr) == SQLITE_OK
      && sqlite3_step(v) == SQLITE_ROW)
    version = sqlite3_column_int(v, 0);
  sqlite3_finalize(v);
  journal_error err;
  if (version > schema_version)
    err = {journal_errc::schema_mismatch, "'" + path + "' has schema version "
                                            + std::to_string(version) + ", this build knows "
                                            + std::to_string(schema_version)};
  else if (sqlite3_exec(db_, pragmas.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK
           || !migrate(version, set_version)) {
    err = fail(journal_errc::schema_failed, db_, "set up '" + path + "'");
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr); // a no-op when none is open
  } else
    err = prepare_all();
  if (err)
    close();
  else
    start_checkpointer(checkpoints);
  return err;
}

// The migration, the schema and its version in one transaction (SQLite's DDL
// and user_version are transactional): a crash or a failing step leaves the
// file at its old version, whole, never columns added under the old number.
bool order_journal::migrate(int version, const std::string& set_version) {
  auto run = [&](const char* sql) { return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK; };
  return run("BEGIN IMMEDIATE") && (version != 1 || run(migrate_v1_sql))
         && ((version != 1 && version != 2) || run(migrate_v2_sql))
         && (version < 1 || version > 3 || run(migrate_v3_sql)) && run(schema_sql)
         && run(set_version.c_str()) && run("COMMIT");
}

journal_error order_journal::prepare_all() {
  auto st = std::make_unique<statements>();
  std::pair<stmt_ptr*, const char*> all[] = {
    {&st->begin, "BEGIN IMMEDIATE"},
    {&st->commit, "COMMIT"},
    {&st->rollback, "ROLLBACK"},
    {&st->savepoint, "SAVEPOINT record"},
    {&st->release, "RELEASE record"},
    {&st->rollback_to, "ROLLBACK TO record"},
    {&st->insert_order, insert_order_sql},
    {&st->update_order, update_order_sql},
    {&st->insert_event, insert_event_sql},
    {&st->insert_reject, insert_reject_sql},
    {&st->select_live, select_live_sql},
    {&st->count_orders, "SELECT COUNT(*) FROM orders"},
    {&st->count_live, "SELECT COUNT(*) FROM orders WHERE live = 1"},
    {&st->count_events, "SELECT COUNT(*) FROM events"},
  };
  for (auto& [slot, sql] : all) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
      return fail(journal_errc::schema_failed, db_, std::string("prepare '") + sql + "'");
    slot->reset(s);
  }
  st_ = std::move(st);
  return {};
}

namespace {

journal_error step_statement(sqlite3* db, sqlite3_stmt* s, const char* what) {
  sqlite3_reset(s);
  if (sqlite3_step(s) == SQLITE_DONE)
    return {};
  return fail(journal_errc::write_failed, db, what);
}

} // namespace

// Runs `body` between BEGIN IMMEDIATE and COMMIT, rolls back on any error,
// and times the whole transaction (what the order path waits for). Inside a
// batch, `body` runs in a savepoint of the batch's transaction instead: a
// failed record is undone alone and the batch goes on.
template <class Body>
journal_error order_journal::transaction(Body&& body) {
  if (!db_) {
    ++counters_.failures; // a write refused for want of a journal is still a failure
    return {journal_errc::not_open, path_.empty() ? "no journal path" : "'" + path_ + "' not open"};
  }
  if (in_batch_) {
    if (!batch_aborted_.empty()) {
      ++counters_.failures;
      return {journal_errc::write_failed, "the batch's transaction was rolled back: " + batch_aborted_};
    }
    journal_error err = step_statement(db_, st_->savepoint.get(), "savepoint");
    if (!err)
      err = injected(&journal_faults::aborts, "record");
    if (!err)
      err = body();
    if (err) {
      if (sqlite3_get_autocommit(db_)) {
        // SQLite ended the whole transaction (SQLITE_FULL, IOERR, NOMEM):
        // the batch's earlier records are gone, and a later record would
        // autocommit on its own. Fail the rest of the batch instead.
        batch_aborted_ = err.message();
      } else {
        step_statement(db_, st_->rollback_to.get(), "rollback to savepoint");
        step_statement(db_, st_->release.get(), "release savepoint");
      }
      ++counters_.failures;
      return err;
    }
    if (auto e = step_statement(db_, st_->release.get(), "release savepoint")) {
      ++counters_.failures;
      return e;
    }
    ++batch_records_;
    ++counters_.records;
    return {};
  }
  auto started = monotonic_ns();
  journal_error err = step_statement(db_, st_->begin.get(), "begin");
  if (!err)
    err = injected(&journal_faults::single_writes, "record");
  if (!err)
    err = body();
  if (!err) {
    auto commit_started = monotonic_ns();
    err = step_statement(db_, st_->commit.get(), "commit");
    counters_.total_commit_ns += monotonic_ns() - commit_started;
  }
  if (err) {
    rollback_open_transaction();
    ship_rolled_back();
    ++counters_.failures;
    return err;
  }
  ++counters_.records;
  note_commit(monotonic_ns() - started);
  ship_committed();
  return {};
}

// After a failed statement: ends the transaction unless SQLite already did.
void order_journal::rollback_open_transaction() {
  if (!sqlite3_get_autocommit(db_)) {
    sqlite3_reset(st_->rollback.get());
    sqlite3_step(st_->rollback.get());
  }
}

// A fault the test hook (journal_faults) asked for, taken once. An abort
// also ends the transaction, as SQLite does on a full disk.
journal_error order_journal::injected(std::atomic<int> journal_faults::*which, const char* what) {
  if (!faults_)
    return {};
  auto& n = (*faults_).*which;
  int left = n.load();
  while (left > 0 && !n.compare_exchange_weak(left, left - 1)) {
  }
  if (left <= 0)
    return {};
  if (which == &journal_faults::aborts)
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  return {journal_errc::write_failed, std::string(what) + ": injected fault (journal_faults)"};
}

void order_journal::note_commit(int64_t took) {
  ++counters_.writes;
  counters_.last_write_ns = took;
  counters_.total_write_ns += took;
  if (took > counters_.max_write_ns)
    counters_.max_write_ns = took;
}

journal_error order_journal::begin_batch() {
  if (!db_)
    return {journal_errc::not_open, path_.empty() ? "no journal path" : "'" + path_ + "' not open"};
  if (in_batch_)
    return {};
  batch_started_ns_ = monotonic_ns();
  if (auto err = step_statement(db_, st_->begin.get(), "begin batch")) {
    ++counters_.failures;
    return err;
  }
  in_batch_ = true;
  batch_records_ = 0;
  batch_aborted_.clear();
  return {};
}

journal_error order_journal::commit_batch() {
  if (!in_batch_)
    return {};
  in_batch_ = false;
  journal_error err;
  if (!batch_aborted_.empty())
    err = {journal_errc::write_failed, "the batch's transaction was rolled back: " + batch_aborted_};
  else
    err = injected(&journal_faults::commits, "commit batch");
  batch_aborted_.clear();
  if (!err) {
    auto commit_started = monotonic_ns();
    err = step_statement(db_, st_->commit.get(), "commit batch");
    counters_.total_commit_ns += monotonic_ns() - commit_started;
  }
  if (err) {
    rollback_open_transaction();
    ship_rolled_back();
    ++counters_.failures;
    counters_.records -= batch_records_; // none of them is durable
    return err;
  }
  note_commit(monotonic_ns() - batch_started_ns_);
  ship_committed();
  return {};
}

journal_error order_journal::record_submitted(const order_request& req, timestamp_ns now,
                                              const event_context& ctx) {
  // The state order_store::submit gives a new order.
  order_record rec;
  rec.request = req;
  rec.leaves_qty = req.quantity;
  rec.entered_at[index_of(order_status::pending_new)] = now;
  rec.last_update = now;
  return transaction([&]() -> journal_error {
    auto* s = st_->insert_order.get();
    sqlite3_reset(s);
    bind_value(s, 1, req.id.value);
    bind_value(s, 2, req.strategy.value);
    bind_value(s, 3, req.sym.str());
    bind_value(s, 4, to_string(req.order_side));
    bind_value(s, 5, to_string(req.type));
    bind_value(s, 6, to_string(req.tif));
    bind_value(s, 7, req.limit_price.raw);
    bind_value(s, 8, req.quantity.raw);
    bind_value(s, 9, req.ts_init.ns);
    bind_state(s, 10, rec);
    bind_value(s, 10 + state_column_count, req.account.value);
    bind_value(s, 11 + state_column_count, req.venue.value);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_CONSTRAINT && sqlite3_extended_errcode(db_) == SQLITE_CONSTRAINT_PRIMARYKEY)
      return {journal_errc::duplicate_order, "client order id " + req.id.value + " already journaled"};
    if (rc != SQLITE_DONE)
      return fail(journal_errc::write_failed, db_, "insert order " + req.id.value);
    return insert_event(rec, nullptr, qty{}, price{}, ctx);
  });
}

journal_error order_journal::record_update(const order_record& rec, const order_update& upd) {
  return record_update(rec, upd.previous, upd.fill_qty, upd.fill_price);
}

journal_error order_journal::record_update(const order_record& rec, order_status previous,
                                           qty fill_qty, price fill_price,
                                           const event_context& ctx) {
  return transaction([&]() -> journal_error {
    auto* s = st_->update_order.get();
    sqlite3_reset(s);
    bind_state(s, 1, rec);
    bind_value(s, state_column_count + 1, rec.request.id.value);
    if (sqlite3_step(s) != SQLITE_DONE)
      return fail(journal_errc::write_failed, db_, "update order " + rec.request.id.value);
    if (sqlite3_changes(db_) != 1)
      return {journal_errc::unknown_order, "order " + rec.request.id.value + " was never journaled"};
    return insert_event(rec, &previous, fill_qty, fill_price, ctx);
  });
}

journal_error order_journal::record_reject(const order_request& req, const event_context& ctx,
                                           const std::string& detail, timestamp_ns at) {
  return transaction([&]() -> journal_error {
    auto* s = st_->insert_reject.get();
    sqlite3_reset(s);
    int i = 1;
    bind_value(s, i++, req.id.value);
    bind_value(s, i++, req.strategy.value);
    bind_value(s, i++, req.account.value);
    bind_value(s, i++, req.venue.value);
    bind_value(s, i++, req.sym.str());
    bind_value(s, i++, to_string(req.order_side));
    bind_value(s, i++, to_string(req.type));
    bind_value(s, i++, to_string(req.tif));
    bind_value(s, i++, req.limit_price.raw);
    bind_value(s, i++, req.quantity.raw);
    bind_value(s, i++, req.ts_init.ns);
    bind_value(s, i++, ctx.related.value);
    bind_value(s, i++, ctx.reject_rule);
    bind_value(s, i++, detail);
    bind_value(s, i++, ctx.initiator);
    bind_value(s, i++, at.ns);
    bind_value(s, i++, clock_source_);
    bind_value(s, i++, node_.value);
    bind_value(s, i++, wall_clock_now().ns);
    if (sqlite3_step(s) != SQLITE_DONE)
      return fail(journal_errc::write_failed, db_, "append reject of " + req.id.value);
    return {};
  });
}

journal_error order_journal::insert_event(const order_record& rec, const order_status* previous,
                                          qty fill_qty, price fill_price,
                                          const event_context& ctx) {
  auto* s = st_->insert_event.get();
  sqlite3_reset(s);
  sqlite3_clear_bindings(s); // from_status stays NULL for a submission
  bind_value(s, 1, rec.request.id.value);
  if (previous)
    bind_value(s, 2, to_string(*previous));
  bind_value(s, 3, to_string(rec.status));
  bind_value(s, 4, fill_qty.raw);
  bind_value(s, 5, fill_price.raw);
  bind_value(s, 6, rec.cum_qty.raw);
  bind_value(s, 7, rec.venue_id.value);
  bind_value(s, 8, ctx.text.empty() ? rec.last_text : ctx.text);
  bind_value(s, 9, rec.last_update.ns);
  bind_value(s, 10, wall_clock_now().ns);
  bind_value(s, 11, ctx.initiator);
  bind_value(s, 12, ctx.issuer.value);
  bind_value(s, 13, ctx.reject_rule);
  bind_value(s, 14, ctx.related.value);
  bind_value(s, 15, ctx.clock.empty() ? clock_source_ : ctx.clock);
  bind_value(s, 16, node_.value);
  bind_value(s, 17, ctx.venue_time.ns);
  if (sqlite3_step(s) != SQLITE_DONE)
    return fail(journal_errc::write_failed, db_, "append event for " + rec.request.id.value);
  return {};
}

journal_error order_journal::load(std::vector<order_record>& live) const {
  if (!db_)
    return {journal_errc::not_open, path_.empty() ? "no journal path" : "'" + path_ + "' not open"};
  auto* s = st_->select_live.get();
  sqlite3_reset(s);
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    order_record r;
    if (auto err = read_row(s, r)) {
      sqlite3_reset(s);
      return err;
    }
    if (r.request.venue.empty())
      r.request.venue = legacy_venue_;
    live.push_back(std::move(r));
  }
  journal_error err;
  if (rc != SQLITE_DONE)
    err = fail(journal_errc::read_failed, db_, "load live orders");
  sqlite3_reset(s); // ends the read transaction so the WAL can checkpoint
  return err;
}

journal_error order_journal::count(journal_counts& out) const {
  if (!db_)
    return {journal_errc::not_open, path_.empty() ? "no journal path" : "'" + path_ + "' not open"};
  out.orders = count_of(st_->count_orders.get());
  out.live_orders = count_of(st_->count_live.get());
  out.events = count_of(st_->count_events.get());
  for (auto* s : {st_->count_orders.get(), st_->count_live.get(), st_->count_events.get()})
    sqlite3_reset(s);
  if (out.orders < 0 || out.live_orders < 0 || out.events < 0)
    return fail(journal_errc::read_failed, db_, "count");
  return {};
}

} // namespace cwts::oms
