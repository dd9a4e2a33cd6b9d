// The reconciliation side of the journal: baselines of the account's holdings
// and the fills that moved them. Statements are prepared per call: these run
// at start and on an operator's decision, never per order.

#include "actors/oms/order_journal.hpp"

#include <sqlite3.h>

#include <memory>

namespace cwts::oms {

namespace {

struct stmt_deleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using stmt_ptr = std::unique_ptr<sqlite3_stmt, stmt_deleter>;

journal_error prepare(sqlite3* db, const char* sql, stmt_ptr& out) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK)
    return {journal_errc::read_failed, std::string("prepare '") + sql + "': " + sqlite3_errmsg(db)};
  out.reset(s);
  return {};
}

void bind_text(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

std::string text_at(sqlite3_stmt* s, int i) {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s, i))) : std::string();
}

journal_error not_open(const std::string& path) {
  return {journal_errc::not_open, path.empty() ? "no journal path" : "'" + path + "' not open"};
}

journal_error exec(sqlite3* db, const char* sql, const char* what) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK)
    return {};
  return {journal_errc::write_failed, std::string(what) + ": " + sqlite3_errmsg(db)};
}

} // namespace

journal_error order_journal::contains(const client_order_id& id, bool& out) const {
  if (!db_)
    return not_open(path_);
  stmt_ptr s;
  if (auto err = prepare(db_, "SELECT 1 FROM orders WHERE client_order_id = ?", s))
    return err;
  sqlite3_bind_text(s.get(), 1, id.value.data(), static_cast<int>(id.value.size()), SQLITE_TRANSIENT);
  int rc = sqlite3_step(s.get());
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return {journal_errc::read_failed, "look up " + id.value + ": " + sqlite3_errmsg(db_)};
  out = rc == SQLITE_ROW;
  return {};
}

journal_error order_journal::last_event_at(timestamp_ns& out) const {
  if (!db_)
    return not_open(path_);
  stmt_ptr s;
  if (auto err = prepare(db_, "SELECT COALESCE(MAX(ts_written), 0) FROM events", s))
    return err;
  if (sqlite3_step(s.get()) != SQLITE_ROW)
    return {journal_errc::read_failed, std::string("last event: ") + sqlite3_errmsg(db_)};
  out = timestamp_ns{sqlite3_column_int64(s.get(), 0)};
  return {};
}

journal_error order_journal::record_baseline(const venue_name& venue,
                                             const std::vector<asset_balance>& holdings,
                                             const std::string& issuer, const std::string& reason,
                                             timestamp_ns now, position_baseline& out) {
  if (!db_)
    return not_open(path_);
  if (in_batch_)
    return {journal_errc::write_failed, "baseline inside an open batch: commit the batch first"};
  if (auto err = exec(db_, "BEGIN IMMEDIATE", "begin baseline"))
    return err;
  auto fail = [this](const std::string& what) -> journal_error {
    journal_error err{journal_errc::write_failed, what + ": " + sqlite3_errmsg(db_)};
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    ship_rolled_back();
    return err;
  };
  stmt_ptr ins;
  if (prepare(db_,
              "INSERT INTO baselines (event_seq, taken_at, issuer, reason, venue) "
              "VALUES ((SELECT COALESCE(MAX(seq), 0) FROM events), ?, ?, ?, ?)",
              ins))
    return fail("prepare baseline");
  sqlite3_bind_int64(ins.get(), 1, now.ns);
  sqlite3_bind_text(ins.get(), 2, issuer.data(), static_cast<int>(issuer.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(ins.get(), 3, reason.data(), static_cast<int>(reason.size()), SQLITE_TRANSIENT);
  bind_text(ins.get(), 4, venue.value);
  if (sqlite3_step(ins.get()) != SQLITE_DONE)
    return fail("insert baseline");
  auto seq = sqlite3_last_insert_rowid(db_);
  stmt_ptr bal;
  if (prepare(db_, "INSERT INTO baseline_balances (baseline_seq, asset, amount) VALUES (?, ?, ?)", bal))
    return fail("prepare baseline balance");
  for (auto& h : holdings) {
    sqlite3_reset(bal.get());
    sqlite3_bind_int64(bal.get(), 1, seq);
    sqlite3_bind_text(bal.get(), 2, h.asset.data(), static_cast<int>(h.asset.size()),
                      SQLITE_TRANSIENT);
    sqlite3_bind_int64(bal.get(), 3, (h.free + h.locked).raw);
    if (sqlite3_step(bal.get()) != SQLITE_DONE)
      return fail("insert baseline balance " + h.asset);
  }
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
    return fail("commit baseline");
  ship_committed();
  return load_baseline(venue, out);
}

journal_error order_journal::load_baseline(const venue_name& venue, position_baseline& out) const {
  if (!db_)
    return not_open(path_);
  out = position_baseline{};
  stmt_ptr s;
  if (auto err = prepare(db_,
                         "SELECT seq, event_seq, taken_at, issuer, reason FROM baselines "
                         "WHERE COALESCE(NULLIF(venue, ''), ?1) = ?2 ORDER BY seq DESC LIMIT 1",
                         s))
    return err;
  bind_text(s.get(), 1, legacy_venue_.value);
  bind_text(s.get(), 2, venue.value);
  int rc = sqlite3_step(s.get());
  if (rc == SQLITE_DONE)
    return {};
  if (rc != SQLITE_ROW)
    return {journal_errc::read_failed, std::string("load baseline: ") + sqlite3_errmsg(db_)};
  out.seq = sqlite3_column_int64(s.get(), 0);
  out.event_seq = sqlite3_column_int64(s.get(), 1);
  out.taken_at = timestamp_ns{sqlite3_column_int64(s.get(), 2)};
  out.issuer = text_at(s.get(), 3);
  out.reason = text_at(s.get(), 4);
  stmt_ptr b;
  if (auto err = prepare(db_,
                         "SELECT asset, amount FROM baseline_balances WHERE baseline_seq = ? "
                         "ORDER BY asset",
                         b))
    return err;
  sqlite3_bind_int64(b.get(), 1, out.seq);
  while ((rc = sqlite3_step(b.get())) == SQLITE_ROW)
    out.amounts.push_back(asset_balance{text_at(b.get(), 0), qty::from_raw(sqlite3_column_int64(b.get(), 1)), qty{}});
  if (rc != SQLITE_DONE)
    return {journal_errc::read_failed, std::string("load baseline balances: ") + sqlite3_errmsg(db_)};
  return {};
}

journal_error order_journal::fills_since(int64_t after_event_seq, const venue_name& venue,
                                         std::vector<journaled_fill>& out) const {
  return read_fills(after_event_seq, &venue, out);
}

journal_error order_journal::all_fills(std::vector<journaled_fill>& out) const {
  return read_fills(0, nullptr, out);
}

journal_error order_journal::read_fills(int64_t after_event_seq, const venue_name* venue,
                                        std::vector<journaled_fill>& out) const {
  if (!db_)
    return not_open(path_);
  stmt_ptr s;
  if (auto err = prepare(db_,
                         "SELECT e.client_order_id, o.symbol, o.side, e.fill_qty, e.fill_price, "
                         "COALESCE(NULLIF(o.venue, ''), ?2) "
                         "FROM events e JOIN orders o ON o.client_order_id = e.client_order_id "
                         "WHERE e.fill_qty > 0 AND e.seq > ?1 "
                         "AND (?3 IS NULL OR COALESCE(NULLIF(o.venue, ''), ?2) = ?3) ORDER BY e.seq",
                         s))
    return err;
  sqlite3_bind_int64(s.get(), 1, after_event_seq);
  bind_text(s.get(), 2, legacy_venue_.value);
  if (venue)
    bind_text(s.get(), 3, venue->value);
  else
    sqlite3_bind_null(s.get(), 3);
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    auto sym = symbol::parse(text_at(s.get(), 1));
    auto side_text = text_at(s.get(), 2);
    if (!sym || (side_text != to_string(side::buy) && side_text != to_string(side::sell)))
      return {journal_errc::corrupt_row, "fill of " + text_at(s.get(), 0)
                                           + ": symbol or side does not parse"};
    out.push_back(journaled_fill{client_order_id{text_at(s.get(), 0)}, *sym,
                                 side_text == to_string(side::buy) ? side::buy : side::sell,
                                 qty::from_raw(sqlite3_column_int64(s.get(), 3)),
                                 price::from_raw(sqlite3_column_int64(s.get(), 4)),
                                 venue_name{text_at(s.get(), 5)}});
  }
  if (rc != SQLITE_DONE)
    return {journal_errc::read_failed, std::string("load fills: ") + sqlite3_errmsg(db_)};
  return {};
}

} // namespace cwts::oms
