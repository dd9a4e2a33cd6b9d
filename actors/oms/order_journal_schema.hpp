#pragma once
// The OMS journal's SQL (order_journal.cpp): tables, migrations from older
// schema versions, and the statements prepared once at open. Internal to
// actors/oms; reporting/orders/journal_reader.cpp reads the same file format.

namespace cwts::oms::journal_sql {

// The schema this build writes (PRAGMA user_version), and the newest the
// report's reader knows: one number for both.
inline constexpr int schema_version = 4;

// Enums are stored as their FIX/Binance names, not their numeric values, so
// reordering an enum can never change what an old journal means.
inline constexpr const char* schema_sql = R"sql(
CREATE TABLE IF NOT EXISTS orders (
  client_order_id TEXT PRIMARY KEY,
  strategy TEXT NOT NULL,
  account TEXT NOT NULL DEFAULT '',
  venue TEXT NOT NULL DEFAULT '', -- '' in rows from before venues (the legacy venue)
  symbol TEXT NOT NULL,
  side TEXT NOT NULL,
  order_type TEXT NOT NULL,
  tif TEXT NOT NULL,
  limit_price INTEGER NOT NULL,   -- raw fixed point, 8 decimals
  quantity INTEGER NOT NULL,      -- raw fixed point, 8 decimals
  request_ts INTEGER NOT NULL,    -- order_request.ts_init, ns since epoch
  status TEXT NOT NULL,
  venue_status TEXT NOT NULL,
  acknowledged INTEGER NOT NULL,
  venue_order_id INTEGER NOT NULL,
  cum_qty INTEGER NOT NULL,
  leaves_qty INTEGER NOT NULL,
  avg_price INTEGER NOT NULL,
  filled_notional INTEGER NOT NULL,
  ts_pending_new INTEGER NOT NULL, ts_accepted INTEGER NOT NULL,
  ts_partially_filled INTEGER NOT NULL, ts_filled INTEGER NOT NULL,
  ts_pending_cancel INTEGER NOT NULL, ts_canceled INTEGER NOT NULL,
  ts_rejected INTEGER NOT NULL, ts_expired INTEGER NOT NULL,
  last_update INTEGER NOT NULL,
  last_text TEXT NOT NULL,
  live INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_live ON orders(live) WHERE live = 1;
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  client_order_id TEXT NOT NULL,
  from_status TEXT,               -- NULL for the submission
  to_status TEXT NOT NULL,
  fill_qty INTEGER NOT NULL,
  fill_price INTEGER NOT NULL,
  cum_qty INTEGER NOT NULL,
  venue_order_id INTEGER NOT NULL,
  venue_text TEXT NOT NULL,
  ts_event INTEGER NOT NULL,      -- when the order entered to_status
  ts_written INTEGER NOT NULL,    -- wall clock of the journal write
  -- Schema 4, regulatory records (issue 22, docs/reporting.md); '' / 0 in older rows:
  initiator TEXT NOT NULL DEFAULT '',    -- strategy, risk, oms, venue, kill, amend, reconciliation
  operator TEXT NOT NULL DEFAULT '',     -- a signed command's issuer (a kill's)
  reject_rule TEXT NOT NULL DEFAULT '',  -- reject_reason name of a reject
  related_id TEXT NOT NULL DEFAULT '',   -- amend: the original / the replacement
  clock_source TEXT NOT NULL DEFAULT '', -- whose clock ts_event is on
  node TEXT NOT NULL DEFAULT '',         -- the node that wrote the row
  ts_venue INTEGER NOT NULL DEFAULT 0    -- the venue's own time of a report
);
CREATE INDEX IF NOT EXISTS events_order ON events(client_order_id);
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TABLE IF NOT EXISTS baselines (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_seq INTEGER NOT NULL,     -- fills with a larger events.seq move positions from here
  taken_at INTEGER NOT NULL,
  issuer TEXT NOT NULL,           -- "reconciliation" or the operator who accepted
  reason TEXT NOT NULL,
  venue TEXT NOT NULL DEFAULT ''  -- whose account's holdings; '' from before venues
);
CREATE TABLE IF NOT EXISTS baseline_balances (
  baseline_seq INTEGER NOT NULL,
  asset TEXT NOT NULL,
  amount INTEGER NOT NULL,        -- free + locked, raw fixed point
  PRIMARY KEY (baseline_seq, asset)
);
CREATE TRIGGER IF NOT EXISTS baselines_no_update BEFORE UPDATE ON baselines
  BEGIN SELECT RAISE(ABORT, 'baselines are append-only'); END;
CREATE TRIGGER IF NOT EXISTS baselines_no_delete BEFORE DELETE ON baselines
  BEGIN SELECT RAISE(ABORT, 'baselines are append-only'); END;
-- Schema 4: orders refused before they were journaled (by risk's pre-trade
-- checks, or by the OMS: kill gate, duplicate id, not reconciled, a refused
-- amend), with the whole request, the rule and the reason.
CREATE TABLE IF NOT EXISTS rejects (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  client_order_id TEXT NOT NULL,
  strategy TEXT NOT NULL, account TEXT NOT NULL, venue TEXT NOT NULL,
  symbol TEXT NOT NULL, side TEXT NOT NULL, order_type TEXT NOT NULL, tif TEXT NOT NULL,
  limit_price INTEGER NOT NULL, quantity INTEGER NOT NULL, request_ts INTEGER NOT NULL,
  related_id TEXT NOT NULL,       -- an amend's original
  reject_rule TEXT NOT NULL,      -- reject_reason name
  detail TEXT NOT NULL,
  initiator TEXT NOT NULL,        -- risk or oms
  ts_event INTEGER NOT NULL,
  clock_source TEXT NOT NULL,
  node TEXT NOT NULL,
  ts_written INTEGER NOT NULL
);
CREATE TRIGGER IF NOT EXISTS rejects_no_update BEFORE UPDATE ON rejects
  BEGIN SELECT RAISE(ABORT, 'rejects are append-only'); END;
CREATE TRIGGER IF NOT EXISTS rejects_no_delete BEFORE DELETE ON rejects
  BEGIN SELECT RAISE(ABORT, 'rejects are append-only'); END;
-- Journal shipping (issue 24): one row, never shipped. A standby's replica
-- records whose journal it follows and how far; the OMS that opens the file
-- as its journal seals it, and a replica refuses a sealed file.
CREATE TABLE IF NOT EXISTS journal_ship (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  origin TEXT NOT NULL DEFAULT '',
  stream INTEGER NOT NULL DEFAULT 0,
  seq INTEGER NOT NULL DEFAULT 0,
  start_marks TEXT NOT NULL DEFAULT '',
  incomplete TEXT NOT NULL DEFAULT '',
  sealed_by TEXT NOT NULL DEFAULT '',
  sealed_at INTEGER NOT NULL DEFAULT 0
);
)sql";

// Version 1 journals lack the account column, versions 1 and 2 the venue
// columns (their rows read as the legacy venue, order_journal::set_legacy_venue).
inline constexpr const char* migrate_v1_sql = "ALTER TABLE orders ADD COLUMN account TEXT NOT NULL DEFAULT ''";
// Versions 1 to 3 lack the regulatory columns of events (the rejects table is
// created by schema_sql); their rows read as '' and 0. ALTER TABLE keeps the
// append-only triggers.
inline constexpr const char* migrate_v3_sql =
  "ALTER TABLE events ADD COLUMN initiator TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE events ADD COLUMN operator TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE events ADD COLUMN reject_rule TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE events ADD COLUMN related_id TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE events ADD COLUMN clock_source TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE events ADD COLUMN node TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE events ADD COLUMN ts_venue INTEGER NOT NULL DEFAULT 0;";
inline constexpr const char* migrate_v2_sql =
  "ALTER TABLE orders ADD COLUMN venue TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE baselines ADD COLUMN venue TEXT NOT NULL DEFAULT '';";

// Mutable state columns, in the order bind_state() binds them.
#define CWTS_STATE_COLUMNS                                                                         \
  "status, venue_status, acknowledged, venue_order_id, cum_qty, leaves_qty, avg_price, "          \
  "filled_notional, ts_pending_new, ts_accepted, ts_partially_filled, ts_filled, "                \
  "ts_pending_cancel, ts_canceled, ts_rejected, ts_expired, last_update, last_text, live"

inline constexpr int state_column_count = 19;

inline constexpr const char* insert_order_sql =
  "INSERT INTO orders (client_order_id, strategy, symbol, side, order_type, tif, limit_price, "
  "quantity, request_ts, " CWTS_STATE_COLUMNS ", account, venue) VALUES (?,?,?,?,?,?,?,?,?,"
  "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

inline constexpr const char* update_order_sql =
  "UPDATE orders SET status=?1, venue_status=?2, acknowledged=?3, venue_order_id=?4, "
  "cum_qty=?5, leaves_qty=?6, avg_price=?7, filled_notional=?8, ts_pending_new=?9, "
  "ts_accepted=?10, ts_partially_filled=?11, ts_filled=?12, ts_pending_cancel=?13, "
  "ts_canceled=?14, ts_rejected=?15, ts_expired=?16, last_update=?17, last_text=?18, live=?19 "
  "WHERE client_order_id=?20";

inline constexpr const char* insert_event_sql =
  "INSERT INTO events (client_order_id, from_status, to_status, fill_qty, fill_price, cum_qty, "
  "venue_order_id, venue_text, ts_event, ts_written, initiator, operator, reject_rule, "
  "related_id, clock_source, node, ts_venue) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

inline constexpr const char* insert_reject_sql =
  "INSERT INTO rejects (client_order_id, strategy, account, venue, symbol, side, order_type, tif, "
  "limit_price, quantity, request_ts, related_id, reject_rule, detail, initiator, ts_event, "
  "clock_source, node, ts_written) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

inline constexpr const char* select_live_sql =
  "SELECT client_order_id, strategy, symbol, side, order_type, tif, limit_price, quantity, "
  "request_ts, " CWTS_STATE_COLUMNS ", account, venue FROM orders WHERE live = 1 "
  "ORDER BY ts_pending_new, client_order_id";

#undef CWTS_STATE_COLUMNS

} // namespace cwts::oms::journal_sql
