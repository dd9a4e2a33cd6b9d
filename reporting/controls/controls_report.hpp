#pragma once
// One UTC day of pre-trade controls evidence for one node (its own kill
// audit chain, across rotated and archived files; issue 22; SEC 15c3-5(c)/(e),
// MiFID II RTS 6 Art. 15-17 self-assessment): what `cwts report controls`
// renders as JSON (controls_json.hpp) and HTML (controls_html.hpp).
// Every figure is read from a record and names it (`source`); a section
// whose records hold nothing for the day stays empty and the renderers say
// so. CAF-free.
//
// Schema version rule (as reporting/orders/order_event.hpp): a member added
// that readers may ignore keeps the number; renaming, removing or changing
// the meaning of one bumps it.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cwts::report {

inline constexpr const char* controls_report_schema = "cwts.controls_report.v1";

// A signed limit change (actors/risk/risk_decision_log.hpp `limit` line),
// with its time: the line's own ts_ns, else (lines written before the
// decision log kept a time) the node log's operator_command line when that
// line is in the log given; 0 when neither has it.
struct limit_change {
  std::string target;
  std::string field;
  std::string value;
  std::string command; // the signed command's id
  std::string issuer;  // the operator who signed it
  int64_t ts_ns = 0;   // 0: time not recorded
  std::string time_source; // "risk decision log", "node log line N" or ""
  bool on_day = false;     // made during the report's day
};

// A throttle trip or re-enable (risk decision log `trip` / `reenable`).
struct throttle_event {
  std::string kind; // "trip" or "reenable"
  std::string strategy;
  std::string command; // reenable
  std::string issuer;  // reenable
  int64_t ts_ns = 0;   // the record's ts_ns; older reenable lines: node log, or 0
};

// One pre-trade control: its limits as configured and in effect, how many
// orders reached it and how many it refused, by reason.
struct control_row {
  std::string name;    // "Maximum order quantity"
  std::string rule;    // the regulation it evidences
  std::vector<std::pair<std::string, std::string>> limits; // config key -> value in effect
  std::vector<std::string> reasons; // reject_reason names it refuses with
  int64_t checked = -1; // orders that reached it; -1: no order records
  std::map<std::string, int64_t> rejected; // reason -> count
  std::vector<limit_change> changes;       // every change of one of its keys
};

// One channel of a kill as the audit chain recorded it.
struct kill_channel {
  std::string node;    // the node that ran it (`from`)
  std::string channel; // oms, venue, risk, audit, flatten, ...
  std::string venue;
  bool ok = false;
  int64_t duration_ns = 0; // measured by that node
  int64_t recorded_ns = 0; // when this node wrote the result (wall clock)
  int64_t retries = 0;
  int64_t canceled = 0;
  int64_t open_after = -1;
  std::string error;
  int64_t audit_seq = 0;
};

struct kill_ack_row {
  std::string node;
  bool applied = false;
  int64_t verify_ns = 0;
  int64_t gate_close_ns = 0;
  std::string error;
};

struct kill_row {
  std::string id;
  int64_t ts_ns = 0;        // when the audited node accepted it
  int64_t issued_at_ns = 0; // as signed by the issuer
  int64_t level = 0;
  std::string scope;
  std::string scope_value;
  std::string issuer;
  std::string origin;
  std::string via;
  std::string reason; // the command's text
  std::string audit_note; // the record's own reason ("equivocation: ...": two contents, one id)
  std::vector<kill_ack_row> acks;
  std::vector<kill_channel> channels;
  std::vector<std::string> escalations; // channel_escalated records, in words
  std::string reset_id; // the reset that resumed trading after it ("" none that day)
  int64_t audit_seq = 0;
};

struct reset_vote_row {
  std::string node;
  bool yes = false;
  int64_t epoch = 0;
  std::string why;
  std::string verdict;
};

struct reset_row {
  std::string id;
  int64_t ts_ns = 0;
  std::string issuer;
  std::string reason;
  std::string verdict; // the reset command's verdict on the audited node
  std::vector<reset_vote_row> votes;
  bool resumed = false;
  int64_t resumed_ns = 0;
  int64_t yes = 0;
  int64_t quorum = 0;
};

struct drill_row {
  std::string scenario;
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
  std::string result; // pass or fail
  std::string error;
  std::map<std::string, int64_t> measured_ms;
  std::vector<std::pair<std::string, bool>> expectations; // name -> held
  std::string report; // the full report's path
};

// A venue clock measurement (node log `event=venue_clock`), or a failed
// one (`event=venue_clock_failed`: no offset, `detail` says why).
struct clock_sample {
  int64_t ts_ns = 0;
  std::string venue; // "" when the line does not name it
  bool failed = false;
  std::string detail;
  int64_t offset_ms = 0;
  int64_t rtt_us = -1; // -1: not in the line
  int64_t line = 0;
};

// Per hour (0..23) and reason: rejects by us that day.
using rejects_by_hour = std::map<std::string, std::vector<int64_t>>;

// One reject listed in full (orders records, rejected_by = cwts).
struct reject_row {
  int64_t ts_ns = 0;
  std::string id;
  std::string rule;
  std::string text;
  std::string symbol;
  std::string account;
  std::string strategy;
  std::string venue;
};

// Where each section came from and what was checked, for the reader.
struct source_note {
  std::string section;
  std::string record;   // the file read
  std::string status;   // "read: 12 records", "verified: ...", "not given"
};

struct controls_report {
  std::string day;  // YYYY-MM-DD (UTC)
  int64_t from_ns = 0;
  int64_t to_ns = 0;
  std::string node;
  int64_t generated_ns = 0;
  std::vector<source_note> sources;
  bool orders_known = false; // order records were read
  int64_t orders_checked = 0; // distinct orders that reached the gate
  int64_t rejected_by_us = 0;
  std::vector<control_row> controls;
  std::map<std::string, int64_t> other_rejects; // our rejects no pre-trade control names
  rejects_by_hour rejects_hourly;
  std::vector<reject_row> rejects;
  std::vector<throttle_event> throttle_events;
  bool audit_verified = false;
  std::string audit_verdict; // what the verification said
  // False when no file holds the chain's records from the day's start
  // (rotated away and gone): the kills listed are those after them.
  bool audit_complete = true;
  std::vector<kill_row> kills;
  std::vector<reset_row> resets;
  bool drills_known = false;
  std::vector<drill_row> drills;
  bool clock_known = false;
  std::vector<clock_sample> clock;
  std::vector<std::string> problems; // bad lines met on the way (counted, named)
};

// The integer `text` exactly (no trailing bytes); false for anything else.
bool parse_int64(const std::string& text, int64_t& out);
// Field `key` of parsed key=value fields as an integer; `fallback` when it
// is absent or not one.
int64_t field_int(const std::map<std::string, std::string>& f, const char* key,
                  int64_t fallback = 0);

// [from, to) of a UTC day "YYYY-MM-DD"; false (with why) for anything else.
bool utc_day_range(const std::string& day, int64_t& from_ns, int64_t& to_ns, std::string& why);

} // namespace cwts::report
