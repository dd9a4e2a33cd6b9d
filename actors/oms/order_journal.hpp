#pragma once
// Durable OMS journal (DESIGN.md §3: "durable journal written before anything
// is sent"; issue 5). SQLite in WAL mode, one file per node:
//   orders : one row per order: the full order_request and its current state
//            (status, venue id, cum, leaves, average price, when each state
//            was entered); money as int64 raw fixed point (8 decimals).
//   events : append-only (triggers refuse UPDATE and DELETE), one row per
//            state change: submission, venue reports, rejects, cancels.
// Every write is one transaction on prepared statements made once at open,
// or, between begin_batch() and commit_batch(), one savepoint of the batch's
// transaction (group commit, issue 21: the events the OMS handled together
// share one commit; nothing of the batch is durable before commit_batch()).
// Single-threaded, CAF-free: owned by the OMS actor, tested directly.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "actors/oms/order_journal_schema.hpp"
#include "actors/oms/order_record.hpp"
#include "actors/oms/order_store.hpp"
#include "messages/journal_ship.hpp"
#include "messages/orders.hpp"
#include "messages/reconciliation.hpp"

struct sqlite3;
struct sqlite3_stmt;
struct sqlite3_session;

namespace cwts::oms {

enum class journal_errc : uint8_t {
  none,
  not_open,        // open() was never called or failed
  open_failed,     // the file cannot be opened or created
  schema_failed,   // pragmas, tables or statements could not be set up
  schema_mismatch, // the file was written by a newer schema version
  write_failed,    // an insert/update/commit failed (disk full, read-only, I/O)
  duplicate_order, // record_submitted for a client order id already journaled
  unknown_order,   // record_update for an order never journaled
  read_failed,
  corrupt_row, // a stored value does not parse back (enum text, symbol)
};

const char* to_string(journal_errc e);

// An error value: `code` says what failed, `detail` carries SQLite's message.
struct journal_error {
  journal_errc code = journal_errc::none;
  std::string detail;

  explicit operator bool() const { return code != journal_errc::none; }
  std::string message() const;
};

// How much a committed write survives (PRAGMA synchronous in WAL mode).
enum class journal_durability : uint8_t {
  // synchronous=NORMAL: a commit survives a process crash (SIGKILL: the WAL
  // is in the OS page cache) but the last commits may be lost on power loss
  // or a kernel crash; fsync happens at checkpoints only, so a write costs
  // microseconds. The default: the crash issue 5 asks to survive is SIGKILL,
  // and an order lost with power is found by venue reconciliation (adoption
  // of unknown orders), which a restart needs anyway.
  process_crash,
  // synchronous=FULL: every commit fsyncs the WAL, so it also survives power
  // loss, at the cost of one fsync (0.1..10 ms on common disks) per order.
  power_loss,
};

// Who copies the WAL back into the database file (a checkpoint). SQLite's
// default runs it inside the commit that crosses 1000 pages, so an order now
// and then waits for a whole checkpoint (the p99 of a write). Off the order
// path, a thread with its own connection runs passive checkpoints, which
// never block a writer.
enum class checkpoint_mode : uint8_t {
  background, // the default: a checkpoint thread, woken by the WAL size
  in_commit,  // SQLite's automatic checkpoint (kept for the bench baseline)
};

// Measured cost of journal writes, monotonic clock, whole transaction.
struct journal_counters {
  uint64_t writes = 0;   // committed transactions (a batch counts once)
  uint64_t records = 0;  // records written (submissions, updates), batched or not
  uint64_t failures = 0; // transactions that failed and were rolled back
  int64_t last_write_ns = 0;
  int64_t max_write_ns = 0;
  int64_t total_write_ns = 0; // a batch: from begin_batch() to its commit
  int64_t total_commit_ns = 0; // the COMMIT statements alone
  uint64_t ship_failures = 0;  // commits whose patchset could not be made (shipping)
};

// Measured by the checkpoint thread (atomics: read from the OMS thread).
struct checkpoint_counters {
  std::atomic<uint64_t> runs{0};
  std::atomic<uint64_t> failures{0};
  std::atomic<int64_t> last_ns{0};
  std::atomic<int64_t> max_ns{0};
  std::atomic<int64_t> pages_copied{0};
};

// Test hook (null in production): makes the next writes fail the way a full
// disk or an I/O error does, so the OMS's handling of a failed commit is
// tested deterministically. Atomics: set from a test thread while the OMS
// actor writes.
struct journal_faults {
  std::atomic<int> commits{0}; // the next batch COMMITs fail (the batch is rolled back)
  // The next records written in their own transaction (outside a batch:
  // what a replay after a failed commit writes) fail before they are written.
  std::atomic<int> single_writes{0};
  // The next record of a batch fails and SQLite ends the whole transaction, as it may
  // on SQLITE_FULL, SQLITE_IOERR or SQLITE_NOMEM.
  std::atomic<int> aborts{0};
};

struct journal_counts {
  int64_t orders = 0;
  int64_t live_orders = 0;
  int64_t events = 0;
};

// The account's holdings at a point of the event log, against which later
// reconciliations explain positions (DESIGN.md: "a missing report is not
// flat"): holding(asset) now must equal amount(asset) plus the journaled
// fills after `event_seq`.
struct position_baseline {
  int64_t seq = 0;       // 0: no baseline yet
  int64_t event_seq = 0; // last events.seq counted in the amounts
  timestamp_ns taken_at;
  std::string issuer;
  std::string reason;
  std::vector<asset_balance> amounts; // free = free + locked at the time; locked zero
};

// What a regulator asks of an event besides the order's state (issue 22,
// docs/reporting.md), written with it (schema 4): who caused it, the
// operator where one acted, the rule of a reject, an amend's other order,
// and the venue's own time of a report.
struct event_context {
  std::string initiator; // strategy, risk, oms, venue, kill, amend, reconciliation
  operator_id issuer;    // a signed command's issuer (a kill)
  std::string reject_rule; // reject_reason name of a reject
  client_order_id related; // amend: the replacement's original, the original's replacement
  timestamp_ns venue_time;
  std::string text; // replaces the record's last venue text in this event when set
  // Whose clock the event time is on when not the writer's (set_writer): a
  // venue report's time is its connector's ts_init, "connector_clock@<node>".
  std::string clock{};
};

// The journal_ship row of a journal (issue 24, order_journal_ship.cpp): what
// shipping wrote into it as a replica, and which OMS has claimed it.
struct ship_state {
  std::string origin;     // the node whose journal this file replicates ('' : none)
  int64_t stream = 0;     // that node's journal session last applied
  int64_t seq = 0;        // the stream's last batch applied
  journal_marks start;    // the stream's start marks
  std::string incomplete; // why the replica cannot be trusted whole ('' : complete)
  std::string sealed_by;  // the node whose OMS opened this file as its journal ('' : none)
  timestamp_ns sealed_at;
  bool sealed() const { return !sealed_by.empty(); }
};

class order_journal {
public:
  // Schema version kept in PRAGMA user_version; a newer file is refused.
  // 4: regulatory columns of events and the rejects table (issue 22).
  static constexpr int schema_version = journal_sql::schema_version;

  order_journal();
  ~order_journal();
  order_journal(const order_journal&) = delete;
  order_journal& operator=(const order_journal&) = delete;

  // Opens or creates the journal at `path`; on failure the journal stays
  // closed and every later call returns not_open.
  journal_error open(const std::string& path,
                     journal_durability durability = journal_durability::process_crash,
                     checkpoint_mode checkpoints = checkpoint_mode::background);
  bool is_open() const { return db_ != nullptr; }
  const std::string& path() const { return path_; }
  void close();

  // Before the order is sent: the order as order_store::submit registers it
  // (pending_new, leaves = quantity, entered at `now`). A client order id
  // already in the journal (even from an earlier run) is duplicate_order.
  journal_error record_submitted(const order_request& req, timestamp_ns now,
                                 const event_context& ctx = {});

  // After the store applied a change: the order's row takes `rec`'s state
  // and one event (previous -> rec.status, the fill if any) is appended.
  journal_error record_update(const order_record& rec, const order_update& upd);
  // A local change without a report (request_cancel, kill cancel-all).
  journal_error record_update(const order_record& rec, order_status previous, qty fill_qty = {},
                              price fill_price = {}, const event_context& ctx = {});
  // An order refused before it was journaled (risk's pre-trade checks, the
  // OMS's gate, a duplicate id): the request, the rule, why, and when, in
  // the append-only rejects table. Group-committed like the rest.
  journal_error record_reject(const order_request& req, const event_context& ctx,
                              const std::string& detail, timestamp_ns at);

  // Written into every event and reject: the node and the clock event times
  // are read from ("system_realtime": CLOCK_REALTIME, UTC).
  void set_writer(node_id node, std::string clock_source) {
    node_ = std::move(node);
    clock_source_ = std::move(clock_source);
  }

  // Live (non-terminal) orders with their full state, oldest first: what
  // order_store::restore needs after a crash.
  journal_error load(std::vector<order_record>& live) const;

  journal_error count(journal_counts& out) const;

  // Group commit: every record written until commit_batch() goes into one
  // transaction, each record in its own savepoint (a refused record, e.g. a
  // duplicate id, rolls back alone and reports its error as before). Only
  // commit_batch() makes them durable; when it fails the whole batch is
  // rolled back and the caller must treat every record of it as unwritten.
  // When SQLite itself ends the batch's transaction (a full disk, an I/O
  // error), every later record of the batch fails at once and commit_batch()
  // fails: nothing is written outside the batch meanwhile.
  // Baselines (record_baseline) are refused inside a batch: commit first.
  journal_error begin_batch();
  journal_error commit_batch();
  bool in_batch() const { return in_batch_; }
  // Records written into the open batch so far.
  uint64_t batch_records() const { return batch_records_; }

  // Reconciliation (order_journal_reconcile.cpp). Not on the order path.
  // True in `out` when `id` was ever journaled (live or ended).
  journal_error contains(const client_order_id& id, bool& out) const;
  // The wall clock of the last event written (0: none): a takeover's
  // catch-up window starts there (the replica's last shipped event).
  journal_error last_event_at(timestamp_ns& out) const;
  // Appends a baseline of `venue`'s account at the current end of the event log.
  journal_error record_baseline(const venue_name& venue, const std::vector<asset_balance>& holdings,
                                const std::string& issuer, const std::string& reason,
                                timestamp_ns now, position_baseline& out);
  // The newest baseline of `venue`; out.seq == 0 when none was ever taken.
  journal_error load_baseline(const venue_name& venue, position_baseline& out) const;
  // Every fill of an order at `venue` with events.seq > after_event_seq, oldest first.
  journal_error fills_since(int64_t after_event_seq, const venue_name& venue,
                            std::vector<journaled_fill>& out) const;
  // Every fill at any venue, oldest first (risk's positions after a restart).
  journal_error all_fills(std::vector<journaled_fill>& out) const;
  // Rows written before journals knew venues (schema 1 and 2) read as `v`:
  // that deployment traded only its one venue.
  void set_legacy_venue(venue_name v) { legacy_venue_ = std::move(v); }
  // Journal shipping (issue 24, order_journal_ship.cpp). Capture: after
  // every commit from now on (a single write, a batch, a baseline), the rows
  // it changed go to `sink` as one SQLite session patchset, in commit order;
  // a rolled-back write gives nothing. The journal_ship row is never shipped.
  using ship_sink = std::function<void(std::string&& patchset)>;
  journal_error start_capture(ship_sink sink);
  void stop_capture();
  bool capturing() const { return session_ != nullptr; }
  journal_error marks(journal_marks& out) const;
  journal_error load_ship_state(ship_state& out) const;
  // The replica: applies batch `seq` of `origin`'s `stream` in one
  // transaction with the journal_ship row, refused when an OMS has sealed
  // the file (the takeover's OMS owns it from then on) or when any row
  // conflicts (the replica diverged: it is then marked incomplete).
  journal_error apply_shipped(const node_id& origin, int64_t stream, int64_t seq,
                              const journal_marks& start, const std::string& patchset);
  // The replica starts following `origin`'s `stream` at `seq` (a new stream
  // whose start marks equal this file's), or records why it is incomplete.
  journal_error follow_stream(const node_id& origin, int64_t stream, const journal_marks& start);
  journal_error mark_incomplete(const node_id& origin, const std::string& why);
  // The OMS claims the file as its journal: a replica refuses it from now
  // on. `before`: the row as it was (a replica's file: a takeover).
  journal_error seal(const node_id& by, timestamp_ns now, ship_state& before);
  const journal_counters& counters() const { return counters_; }
  const checkpoint_counters& checkpoints() const;
  void set_faults(std::shared_ptr<journal_faults> f) { faults_ = std::move(f); }

private:
  journal_error read_fills(int64_t after_event_seq, const venue_name* venue,
                           std::vector<journaled_fill>& out) const;

  struct statements;

  template <class Body>
  journal_error transaction(Body&& body);
  journal_error prepare_all();
  bool migrate(int version, const std::string& set_version);
  void note_commit(int64_t took_ns);
  void rollback_open_transaction();
  journal_error injected(std::atomic<int> journal_faults::*which, const char* what);
  void start_checkpointer(checkpoint_mode mode);
  void stop_checkpointer();
  journal_error insert_event(const order_record& rec, const order_status* previous, qty fill_qty,
                             price fill_price, const event_context& ctx);

  class checkpointer;
  // Shipping hooks: every transaction end calls one (order_journal_ship.cpp).
  void ship_committed();
  void ship_rolled_back();
  journal_error write_ship_row(const ship_state& st);

  sqlite3* db_ = nullptr;
  sqlite3_session* session_ = nullptr;
  ship_sink sink_;
  std::unique_ptr<statements> st_;
  std::unique_ptr<checkpointer> checkpointer_;
  std::string path_;
  venue_name legacy_venue_;
  node_id node_;
  std::string clock_source_ = "system_realtime";
  journal_counters counters_;
  bool in_batch_ = false;
  int64_t batch_started_ns_ = 0;
  uint64_t batch_records_ = 0;
  // SQLite rolled the batch's transaction back (why); the batch only fails now.
  std::string batch_aborted_;
  std::shared_ptr<journal_faults> faults_;
};

} // namespace cwts::oms
