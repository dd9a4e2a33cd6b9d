// The controls report's JSON and HTML: every string from a record escaped
// (an account or reason text cannot inject markup or end the embedded
// JSON's script element), empty sections said in words, the JSON parseable
// with its schema version.
#define CAF_SUITE report_controls_render
#include "tests/support/unit_test.hpp"

#include <rapidjson/document.h>

#include "reporting/controls/controls_html.hpp"
#include "reporting/controls/controls_json.hpp"
#include "reporting/controls/risk_evidence.hpp"

using namespace cwts::report;

namespace {

const std::string attack = "</script><script>alert('x')</script><img src=x onerror=alert(1)>";

controls_report hostile() {
  controls_report r;
  r.day = "2026-12-06";
  r.from_ns = 1796515200LL * 1'000'000'000LL;
  r.to_ns = r.from_ns + 86'400'000'000'000LL;
  r.node = "n1";
  r.controls = build_controls({{"max-order-qty", "100"}}, {}, {}, r.from_ns, r.to_ns);
  r.orders_known = true;
  r.orders_checked = 1;
  r.rejected_by_us = 1;
  r.rejects_hourly["max_qty_exceeded"] = std::vector<int64_t>(24, 0);
  r.rejects_hourly["max_qty_exceeded"][3] = 1;
  r.rejects.push_back({r.from_ns + 1, "o-1", "max_qty_exceeded", attack, "USDCHF", attack, "mm", "binance"});
  r.audit_verified = true;
  r.audit_verdict = "verified: 3 records";
  kill_row k;
  k.id = "k-1";
  k.ts_ns = r.from_ns + 2;
  k.issuer = attack;
  k.reason = attack;
  k.channels.push_back({"n1", "oms", "", true, 1'500'000, r.from_ns + 3'000'000, 0, 0, -1, "", 4});
  r.kills.push_back(k);
  return r;
}

} // namespace

CAF_TEST(record_text_cannot_inject_markup) {
  auto html = to_html(hostile());
  CAF_CHECK(html.find(attack) == std::string::npos);
  CAF_CHECK(html.find("<img") == std::string::npos);
  CAF_CHECK(html.find("&lt;/script&gt;&lt;script&gt;alert(&#39;x&#39;)") != std::string::npos);
  // Exactly the page's own two script elements end.
  size_t ends = 0;
  for (auto at = html.find("</script>"); at != std::string::npos; at = html.find("</script>", at + 1))
    ++ends;
  CAF_CHECK_EQUAL(ends, 2u);
  CAF_CHECK(html.find("\\u003c/script\\u003e") != std::string::npos); // inside the JSON
  CAF_CHECK_EQUAL(html_escape("a&b\"c'<>"), "a&amp;b&quot;c&#39;&lt;&gt;");
}

CAF_TEST(json_has_the_schema_and_every_figure_of_the_page) {
  auto r = hostile();
  rapidjson::Document d;
  auto json = to_json(r);
  d.Parse(json.c_str());
  CAF_REQUIRE(!d.HasParseError());
  CAF_CHECK_EQUAL(std::string(d["schema"].GetString()), controls_report_schema);
  CAF_CHECK_EQUAL(d["orders"]["rejects_per_hour"]["max_qty_exceeded"][3].GetInt64(), 1);
  CAF_CHECK_EQUAL(std::string(d["orders"]["rejects"][0]["account"].GetString()), attack);
  CAF_REQUIRE_EQUAL(d["kills"].Size(), 1u);
  auto& ch = d["kills"][0]["channels"][0];
  CAF_CHECK_EQUAL(ch["duration_ns"].GetInt64(), 1'500'000);
  // Recorded 3 ms after the day began, measured 1.5 ms, kill accepted at +2 ns.
  CAF_CHECK_EQUAL(ch["start_offset_ns"].GetInt64(), 3'000'000 - 1'500'000 - 2);
  CAF_CHECK_EQUAL(std::string(d["kills"][0]["ts_ns_utc"].GetString()), "2026-12-06T00:00:00.000000002Z");
  // The JSON embedded in the page parses back to the same document.
  auto html = to_html(r);
  auto start = html.find("id=\"report-data\">") + 17;
  auto embedded = html.substr(start, html.find("</script>", start) - start);
  rapidjson::Document e;
  e.Parse(embedded.c_str());
  CAF_REQUIRE(!e.HasParseError());
  CAF_CHECK_EQUAL(std::string(e["kills"][0]["reason"].GetString()), attack);
}

CAF_TEST(empty_sections_say_so) {
  controls_report r;
  r.day = "2026-12-06";
  r.audit_verified = true;
  r.audit_verdict = "verified: 1 records";
  r.drills_known = true;
  r.clock_known = true;
  auto html = to_html(r);
  CAF_CHECK(html.find("No kills on this day.") != std::string::npos);
  CAF_CHECK(html.find("No drills on this day.") != std::string::npos);
  CAF_CHECK(html.find("No clock measurement in the node log on this day.") != std::string::npos);
  CAF_CHECK(html.find("No order records were given") != std::string::npos);
  r.audit_verified = false;
  r.audit_verdict = "FAILED at record 3";
  html = to_html(r);
  CAF_CHECK(html.find("not verified: no kill is reported from it") != std::string::npos);
}

CAF_TEST(a_day_is_a_whole_utc_date) {
  int64_t from = 0, to = 0;
  std::string why;
  CAF_REQUIRE(utc_day_range("2026-12-06", from, to, why));
  CAF_CHECK_EQUAL(from, 1796515200LL * 1'000'000'000LL);
  CAF_CHECK_EQUAL(to - from, 86'400'000'000'000LL);
  CAF_CHECK(!utc_day_range("2026-12-06T10:00:00Z", from, to, why));
  CAF_CHECK(!utc_day_range("2026-13-01", from, to, why));
  CAF_CHECK(!utc_day_range("yesterday", from, to, why));
}
