#pragma once
// What the `cwts report orders` tests share: the exported JSONL read back
// into records, and one venue order checked against its records.

#include <functional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "tests/support/unit_test.hpp"

#include "actors/connector/venue_order.hpp"
#include "tests/integration/support/process.hpp"

namespace cwts::report_test {

// One exported record, the fields the checks read.
struct record {
  std::string type, id, venue_id, related, initiator, op, rejected_by, rule, fill_qty, fill_price;
  std::string price, quantity, side, order_type, tif, node;
};

// Every line of a JSONL export; empty with `error` on a line that is not a
// cwts.order_event.v1 record.
inline std::vector<record> parse_jsonl(const std::string& text, std::string& error) {
  std::vector<record> out;
  for (auto& line : itest::split_lines(text)) {
    if (line.empty())
      continue;
    rapidjson::Document d;
    d.Parse(line.c_str());
    if (d.HasParseError() || !d.IsObject()) {
      error = "not JSON: " + line;
      return {};
    }
    auto s = [&](const char* k) { return std::string(d[k].GetString()); };
    if (s("schema") != "cwts.order_event.v1") {
      error = "schema " + s("schema");
      return {};
    }
    out.push_back({s("event_type"), s("client_order_id"), s("venue_order_id"), s("related_order_id"),
                   s("initiator"), s("operator"), s("rejected_by"), s("reject_rule"), s("fill_qty"),
                   s("fill_price"), s("price"), s("quantity"), s("side"), s("order_type"),
                   s("time_in_force"), s("node")});
  }
  return out;
}

// The venue's order `v` (client id `cid`) against its exported records
// `evs`: exported once as new (an amend's replacement is new at the venue),
// one end, the venue's id, its final state and its filled quantity.
// `each` sees every record for a test's own checks.
inline void check_against_venue(const std::string& cid, const connector::venue_order& v,
                                const std::vector<record>& evs,
                                const std::function<void(const record&)>& each = {}) {
  int news = 0, ends = 0;
  qty filled;
  std::string final_type;
  for (auto& e : evs) {
    news += e.type == "new" || e.type == "replaced";
    bool end = e.type == "filled" || e.type == "canceled" || e.type == "expired" || e.type == "rejected";
    ends += end;
    if (end)
      final_type = e.type;
    if (!e.fill_qty.empty())
      filled = filled + *qty::parse(e.fill_qty);
    if (!e.venue_id.empty())
      CAF_CHECK_EQUAL(e.venue_id, std::to_string(v.order_id.value));
    if (each)
      each(e);
  }
  CAF_CHECK_EQUAL(news, 1);
  CAF_CHECK_EQUAL(ends, 1);
  std::string expected = v.status == order_status::filled     ? "filled"
                         : v.status == order_status::canceled ? "canceled"
                         : v.status == order_status::expired  ? "expired"
                                                               : to_string(v.status);
  CAF_CHECK_EQUAL(final_type + " " + cid, expected + " " + cid);
  CAF_CHECK_EQUAL(filled.to_string() + " " + cid, v.executed_qty.to_string() + " " + cid);
}

} // namespace cwts::report_test
