#pragma once
// Reads order events out of OMS journals (actors/oms/order_journal.cpp's
// SQLite file) without the OMS: opened read-only (SQLite URI mode=ro), so it
// works on a journal a running node is writing in WAL mode, and on journals
// of every schema version (older rows give empty new fields). CAF-free.

#include <cstdint>
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

// Appends the events of the journal at `path` with event_time in `range` to
// `out`, in the journal's own order. Empty `why` on success; else one line
// saying what failed (no such file, not a journal, a newer schema, a row
// that does not parse) and `out` is left as it was.
std::string read_journal(const std::string& path, const time_range& range,
                         std::vector<order_event>& out, read_stats* stats = nullptr);

} // namespace cwts::report
