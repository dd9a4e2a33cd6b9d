// Reads order events from an OMS journal, read-only (journal_reader.hpp).
// The file format is actors/oms/order_journal.cpp's: version 1 lacks
// orders.account, 1-2 orders.venue, 1-3 the regulatory columns of events
// and the rejects table (schema 4); their fields read as empty.
#include "reporting/orders/journal_reader.hpp"

#include "actors/oms/order_journal_schema.hpp"
#include "common/hex.hpp"

#include <sqlite3.h>

#include <array>
#include <memory>
#include <optional>
#include <tuple>
#include <sys/stat.h>

namespace cwts::report {

namespace {

// The newest journal schema this reader knows: the OMS journal's own.
constexpr int newest_schema = oms::journal_sql::schema_version;

struct db_closer {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct stmt_closer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using db_ptr = std::unique_ptr<sqlite3, db_closer>;
using stmt_ptr = std::unique_ptr<sqlite3_stmt, stmt_closer>;

std::string text(sqlite3_stmt* s, int i) {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s, i))) : std::string();
}

// A file: URI for mode=ro; '%', '?' and '#' in a path would end the path part.
std::string uri_of(const std::string& path) {
  auto keep = [](unsigned char c) { return c != '%' && c != '?' && c != '#'; };
  return "file:" + percent_encode_if(path, keep) + "?mode=ro";
}

template <class Enum, size_t N>
bool parse_enum(const std::string& t, const std::array<Enum, N>& values, Enum& out) {
  for (auto v : values)
    if (t == to_string(v)) {
      out = v;
      return true;
    }
  return false;
}

constexpr std::array<order_status, 8> statuses{
  order_status::pending_new, order_status::accepted, order_status::partially_filled,
  order_status::filled,      order_status::pending_cancel, order_status::canceled,
  order_status::rejected,    order_status::expired};

// The request columns shared by both queries, from column `c` on: strategy,
// account, venue, symbol, side, order_type, tif, limit_price, quantity.
bool read_request(sqlite3_stmt* s, int c, order_event& e) {
  e.strategy.value = text(s, c);
  e.account.value = text(s, c + 1);
  e.venue.value = text(s, c + 2);
  auto sym = symbol::parse(text(s, c + 3));
  if (!sym)
    return false;
  e.sym = *sym;
  e.limit_price = price::from_raw(sqlite3_column_int64(s, c + 7));
  e.quantity = qty::from_raw(sqlite3_column_int64(s, c + 8));
  return parse_enum(text(s, c + 4), std::array<side, 2>{side::buy, side::sell}, e.order_side)
         && parse_enum(text(s, c + 5), std::array<order_type, 2>{order_type::limit, order_type::market},
                       e.type_of_order)
         && parse_enum(text(s, c + 6),
                       std::array<time_in_force, 3>{time_in_force::gtc, time_in_force::ioc,
                                                    time_in_force::fok},
                       e.tif);
}

// The initiator of the rows a node writes when it adopts a live order at a
// takeover (actors/oms/oms_reconcile.cpp adopt()).
constexpr const char* adoption = "reconciliation";

// Who refused: the venue (its report, or its connector's venue_rejected), or us.
std::string rejected_by(const std::string& initiator, const std::string& rule) {
  if (rule == to_string(reject_reason::venue_rejected) || (rule.empty() && initiator == "venue"))
    return "venue";
  return rule.empty() ? std::string() : "cwts";
}

// What an events row means (its statuses, its fill, an amend's link).
order_event_type type_of(bool submission, order_status from, order_status to, const order_event& e) {
  if (submission && e.initiator == adoption)
    return order_event_type::adopted;
  if (submission)
    return e.initiator == "amend" || !e.related_id.value.empty() ? order_event_type::replaced
                                                                  : order_event_type::new_order;
  if (e.fill_qty.is_positive())
    return to == order_status::filled ? order_event_type::filled : order_event_type::partially_filled;
  switch (to) {
    case order_status::pending_new:
    case order_status::accepted: return order_event_type::accepted;
    case order_status::partially_filled: return order_event_type::partially_filled;
    case order_status::filled: return order_event_type::filled;
    case order_status::pending_cancel:
      // The venue's ack of an order we already asked to cancel keeps it pending_cancel.
      return from == order_status::pending_cancel ? order_event_type::accepted
                                                  : order_event_type::cancel_requested;
    case order_status::canceled: return order_event_type::canceled;
    case order_status::rejected: return order_event_type::rejected;
    case order_status::expired: return order_event_type::expired;
  }
  return order_event_type::accepted;
}

std::string events_sql(int version) {
  std::string account = version >= 2 ? "o.account" : "''";
  std::string venue = version >= 3 ? "o.venue" : "''";
  std::string extra = version >= 4
    ? "e.initiator, e.operator, e.reject_rule, e.related_id, e.clock_source, e.node, e.ts_venue"
    : "'', '', '', '', '', '', 0";
  return "SELECT e.seq, e.client_order_id, e.from_status, e.to_status, e.fill_qty, e.fill_price, "
         "e.cum_qty, e.venue_order_id, e.venue_text, e.ts_event, o.strategy, " + account + ", "
         + venue + ", o.symbol, o.side, o.order_type, o.tif, o.limit_price, o.quantity, " + extra
         + " FROM events e JOIN orders o ON o.client_order_id = e.client_order_id "
           "WHERE e.ts_event >= ?1 AND e.ts_event < ?2 ORDER BY e.ts_event, " + std::string(version >= 4 ? "e.node, " : "") + "e.seq";
}

constexpr const char* rejects_sql =
  "SELECT seq, client_order_id, related_id, reject_rule, detail, initiator, ts_event, "
  "clock_source, node, strategy, account, venue, symbol, side, order_type, tif, limit_price, "
  "quantity FROM rejects WHERE ts_event >= ?1 AND ts_event < ?2 ORDER BY ts_event, node, seq";

std::string sqlite_error(sqlite3* db, const std::string& path, const std::string& what) {
  return "journal '" + path + "': " + what + ": " + sqlite3_errmsg(db);
}

// Both tables' rows in one order: event time, node, table, row (the merge's
// key, merge.hpp, with the journal constant).
bool before(const order_event& a, const order_event& b) {
  return std::tie(a.event_time.ns, a.node, a.source, a.seq)
         < std::tie(b.event_time.ns, b.node, b.source, b.seq);
}

} // namespace

struct journal_cursor::impl {
  std::string path;
  int version = 0;
  db_ptr db;
  stmt_ptr events, rejects;
  std::optional<order_event> next_event, next_reject; // each table's next row
  read_stats stats;
  std::string error;

  std::string fail(const std::string& what) {
    error = sqlite_error(db.get(), path, what);
    return error;
  }

  bool prepare(const std::string& sql, stmt_ptr& s) {
    sqlite3_stmt* p = nullptr;
    bool ok = sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &p, nullptr) == SQLITE_OK;
    s.reset(p);
    return ok;
  }

  // The next row of events into next_event (nullopt at the end).
  bool step_events() {
    next_event.reset();
    int rc = sqlite3_step(events.get());
    if (rc == SQLITE_DONE)
      return true;
    if (rc != SQLITE_ROW)
      return fail("read events"), false;
    sqlite3_stmt* s = events.get();
    order_event e;
    e.journal = path;
    e.source = "events";
    e.seq = sqlite3_column_int64(s, 0);
    e.id.value = text(s, 1);
    bool submission = sqlite3_column_type(s, 2) == SQLITE_NULL;
    order_status from = order_status::pending_new, to = order_status::pending_new;
    if ((!submission && !parse_enum(text(s, 2), statuses, from)) || !parse_enum(text(s, 3), statuses, to)
        || !read_request(s, 10, e)) {
      error = "journal '" + path + "': events row " + std::to_string(e.seq) + " (order " + e.id.value
              + "): a status, symbol, side, type or tif does not parse";
      return false;
    }
    e.fill_qty = qty::from_raw(sqlite3_column_int64(s, 4));
    e.fill_price = price::from_raw(sqlite3_column_int64(s, 5));
    e.cum_qty = qty::from_raw(sqlite3_column_int64(s, 6));
    e.venue_id.value = sqlite3_column_int64(s, 7);
    e.text = text(s, 8);
    e.event_time = timestamp_ns{sqlite3_column_int64(s, 9)};
    e.initiator = text(s, 19);
    e.issuer.value = text(s, 20);
    e.reject_rule = text(s, 21);
    e.related_id.value = text(s, 22);
    e.clock_source = text(s, 23);
    e.node = text(s, 24);
    e.venue_time = timestamp_ns{sqlite3_column_int64(s, 25)};
    if (!submission && e.initiator == adoption) {
      // The venue's cum_qty at the takeover, journaled as one fill so the
      // node's positions count it (all_fills): the fills themselves are in
      // the old node's journal (or happened in the gap, and the venue's
      // trades show them), so the record gives the state, not a fill.
      e.fill_qty = qty{};
      e.fill_price = price{};
    }
    e.type = type_of(submission, from, to, e);
    if (e.type == order_event_type::rejected)
      e.rejected_by = rejected_by(e.initiator, e.reject_rule);
    next_event = std::move(e);
    ++stats.events;
    return true;
  }

  bool step_rejects() {
    next_reject.reset();
    if (!rejects)
      return true; // before schema 4
    int rc = sqlite3_step(rejects.get());
    if (rc == SQLITE_DONE)
      return true;
    if (rc != SQLITE_ROW)
      return fail("read rejects"), false;
    sqlite3_stmt* s = rejects.get();
    order_event e;
    e.type = order_event_type::rejected;
    e.journal = path;
    e.source = "rejects";
    e.seq = sqlite3_column_int64(s, 0);
    e.id.value = text(s, 1);
    e.related_id.value = text(s, 2);
    e.reject_rule = text(s, 3);
    e.text = text(s, 4);
    e.initiator = text(s, 5);
    e.event_time = timestamp_ns{sqlite3_column_int64(s, 6)};
    e.clock_source = text(s, 7);
    e.node = text(s, 8);
    if (!read_request(s, 9, e)) {
      error = "journal '" + path + "': rejects row " + std::to_string(e.seq) + " (order " + e.id.value
              + "): a symbol, side, type or tif does not parse";
      return false;
    }
    e.rejected_by = rejected_by(e.initiator, e.reject_rule);
    if (e.initiator == "risk_summary")
      e.type = order_event_type::rejects_suppressed;
    next_reject = std::move(e);
    ++stats.rejects;
    return true;
  }
};

journal_cursor::journal_cursor() : p_(std::make_unique<impl>()) {}
journal_cursor::~journal_cursor() = default;
journal_cursor::journal_cursor(journal_cursor&&) noexcept = default;

const std::string& journal_cursor::error() const { return p_->error; }
const read_stats& journal_cursor::stats() const { return p_->stats; }
const std::string& journal_cursor::path() const { return p_->path; }

std::string journal_cursor::open(const std::string& path, const time_range& range) {
  auto& c = *p_;
  c = impl{};
  c.path = path;
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0)
    return c.error = "journal '" + path + "': no such file";
  if (!S_ISREG(st.st_mode))
    return c.error = "journal '" + path + "': not a regular file";
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(uri_of(path).c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr);
  c.db.reset(raw);
  if (rc != SQLITE_OK)
    return c.error = "journal '" + path + "': cannot open: " + (raw ? sqlite3_errmsg(raw) : "out of memory");
  // A node writing the journal holds its lock only for a commit.
  sqlite3_busy_timeout(c.db.get(), 2000);
  stmt_ptr v;
  if (!c.prepare("PRAGMA user_version", v) || sqlite3_step(v.get()) != SQLITE_ROW)
    return c.fail("not an SQLite database");
  c.version = sqlite3_column_int(v.get(), 0);
  c.stats.schema_version = c.version;
  if (c.version > newest_schema)
    return c.error = "journal '" + path + "': schema version " + std::to_string(c.version)
                     + " is newer than this build knows (" + std::to_string(newest_schema) + ")";
  if (c.version < 1)
    return c.error = "journal '" + path + "': not an OMS journal (no schema version)";
  // One read transaction: both tables seen at the same commit.
  if (sqlite3_exec(c.db.get(), "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK)
    return c.fail("begin read");
  if (!c.prepare(events_sql(c.version), c.events))
    return c.fail("read events");
  sqlite3_bind_int64(c.events.get(), 1, range.from.ns);
  sqlite3_bind_int64(c.events.get(), 2, range.to.ns);
  if (c.version >= 4) {
    if (!c.prepare(rejects_sql, c.rejects))
      return c.fail("read rejects");
    sqlite3_bind_int64(c.rejects.get(), 1, range.from.ns);
    sqlite3_bind_int64(c.rejects.get(), 2, range.to.ns);
  }
  if (!c.step_events() || !c.step_rejects())
    return c.error;
  return {};
}

bool journal_cursor::next(order_event& out) {
  auto& c = *p_;
  if (!c.error.empty())
    return false;
  if (c.next_event && (!c.next_reject || !before(*c.next_reject, *c.next_event))) {
    out = std::move(*c.next_event);
    c.step_events(); // an error shows at the next call
    return true;
  }
  if (c.next_reject) {
    out = std::move(*c.next_reject);
    c.step_rejects();
    return true;
  }
  return false;
}

std::string read_journal(const std::string& path, const time_range& range,
                         std::vector<order_event>& out, read_stats* stats) {
  journal_cursor c;
  if (auto why = c.open(path, range); !why.empty())
    return why;
  std::vector<order_event> got;
  order_event e;
  while (c.next(e))
    got.push_back(std::move(e));
  if (!c.error().empty())
    return c.error();
  out.insert(out.end(), std::make_move_iterator(got.begin()), std::make_move_iterator(got.end()));
  if (stats)
    *stats = c.stats();
  return {};
}

} // namespace cwts::report
