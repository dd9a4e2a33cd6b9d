#pragma once
// CSV (RFC 4180, CRLF lines) and JSONL writers of order events. Both name
// the schema version (order_event_schema) on every row: the CSV in its
// first column "schema" (after a header line of column names), the JSONL in
// a "schema" member, so a file cut into pieces still says what it holds.

#include <ostream>
#include <string>
#include <vector>

#include "reporting/orders/order_event.hpp"

namespace cwts::report {

// The CSV header line (column names, in the record's order).
std::string csv_header();
std::string to_csv_row(const order_event& e);
std::string to_json_line(const order_event& e);

// RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled.
std::string csv_field(const std::string& s);
// A text column (ids, strategy, account, the venue's or a reject's text):
// one starting with = + - @ TAB or CR gets a leading ' first, so a
// spreadsheet shows it as text instead of evaluating it as a formula (CSV
// injection; quoting alone does not stop it). Numeric columns never start so.
std::string csv_text_field(const std::string& s);

void write_csv(std::ostream& out, const std::vector<order_event>& events);
void write_jsonl(std::ostream& out, const std::vector<order_event>& events);

} // namespace cwts::report
