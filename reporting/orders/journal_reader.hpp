#pragma once
// Reads order events out of OMS journals (actors/oms/order_journal.cpp's
// SQLite file) without the OMS: opened read-only (SQLite URI mode=ro), so it
// works on a journal a running node is writing in WAL mode, and on journals
// of every schema version (older rows give empty new fields). CAF-free.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "reporting/orders/order_event.hpp"

namespace cwts::report {

// [from, to) in UTC ns since the epoch.
struct time_range {
  timestamp_ns from;
  timestamp_ns to;
  bool contains(timestamp_ns t) const { return t.ns >= from.ns && t.ns < to.ns; }
};

// Parses "2026-12-06T21:00:00Z", "2026-12-06T21:00:00.123456789Z",
// "2026-12-06" (midnight UTC) or a plain integer of ns since the epoch.
// False (with why) for anything else.
bool parse_utc_time(const std::string& text, timestamp_ns& out, std::string& why);
// "2026-12-06T21:00:00.123456789Z".
std::string format_utc_time(timestamp_ns t);

struct read_stats {
  int64_t events = 0;  // from the events table, in range
  int64_t rejects = 0; // from the rejects table, in range
  int schema_version = 0;
};

// One journal's events with event_time in a range, one at a time, in the
// order (event time, node, table, row): what the streaming merge
// (merge.hpp merge_cursors) reads, so an export holds one event per journal
// in memory, not the whole range. One read transaction: both tables are seen
// at the same commit.
class journal_cursor {
public:
  journal_cursor();
  ~journal_cursor();
  journal_cursor(journal_cursor&&) noexcept;
  journal_cursor(const journal_cursor&) = delete;
  journal_cursor& operator=(const journal_cursor&) = delete;

  // Empty on success; else one line saying what failed (no such file, not a
  // journal, a newer schema, a row that does not parse), also in error().
  std::string open(const std::string& path, const time_range& range);
  // The next event; false at the end or on an error (error() non-empty).
  bool next(order_event& out);
  const std::string& error() const;
  const read_stats& stats() const; // rows read so far
  const std::string& path() const;

private:
  struct impl;
  std::unique_ptr<impl> p_;
};

// Appends the events of the journal at `path` with event_time in `range` to
// `out`, in the cursor's order. Empty `why` on success; else one line
// saying what failed and `out` is left as it was.
std::string read_journal(const std::string& path, const time_range& range,
                         std::vector<order_event>& out, read_stats* stats = nullptr);

} // namespace cwts::report
