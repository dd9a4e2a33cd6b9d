#include "reporting/controls/controls_html.hpp"

#include <sstream>

#include "reporting/controls/controls_json.hpp"
#include "reporting/orders/journal_reader.hpp"

namespace cwts::report {

namespace {

constexpr const char* style = R"CSS(
body { font: 14px/1.45 "DejaVu Sans", Arial, sans-serif; color: #1a1a1a; margin: 24px auto;
       max-width: 920px; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; }
h2 { font-size: 18px; border-bottom: 2px solid #2b4c7e; padding-bottom: 3px; margin-top: 28px; }
h3 { font-size: 15px; margin-bottom: 4px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { border: 1px solid #c8c8c8; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eef2f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.meta { color: #555; }
.ok { color: #1e7b1e; font-weight: bold; }
.bad { color: #b00020; font-weight: bold; }
.none { color: #555; font-style: italic; }
.summary td:first-child { width: 45%; }
.legend { margin: 4px 0 10px; }
.legend-item { margin-right: 14px; white-space: nowrap; }
.swatch { display: inline-block; width: 11px; height: 11px; margin-right: 4px; vertical-align: -1px; }
svg.chart { display: block; max-width: 100%; height: auto; }
svg text { font: 11px "DejaVu Sans", Arial, sans-serif; fill: #333; }
.kill { border: 1px solid #d0d0d0; padding: 4px 12px 8px; margin: 10px 0; break-inside: avoid; }
@media print {
  body { margin: 0; max-width: none; }
  h2 { break-after: avoid; }
  table, svg.chart, .kill { break-inside: avoid; }
}
)CSS";

std::string e(const std::string& s) { return html_escape(s); }

std::string utc(int64_t ns) {
  return ns ? format_utc_time(timestamp_ns{ns}) : std::string("time not recorded");
}

std::string ms(int64_t ns) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(3);
  out << static_cast<double>(ns) / 1e6;
  return out.str();
}

void none(std::ostream& out, const std::string& text) {
  out << "<p class=\"none\">" << e(text) << "</p>\n";
}

void summary(std::ostream& out, const controls_report& r) {
  out << "<h2 id=\"summary\">Summary</h2>\n<table class=\"summary\">\n";
  auto row = [&](const std::string& k, const std::string& v) {
    out << "<tr><td>" << e(k) << "</td><td>" << e(v) << "</td></tr>\n";
  };
  row("Orders that reached the pre-trade checks",
      r.orders_known ? std::to_string(r.orders_checked) : "no order records given");
  row("Orders rejected by our checks", r.orders_known ? std::to_string(r.rejected_by_us) : "-");
  row("Kills", std::to_string(r.kills.size()));
  row("Resets", std::to_string(r.resets.size()));
  row("Drills", r.drills_known ? std::to_string(r.drills.size()) : "no drill records given");
  row("Clock measurements", r.clock_known ? std::to_string(r.clock.size()) : "no node log given");
  row("Kill audit chain", r.audit_verdict.empty() ? "not given" : r.audit_verdict);
  out << "</table>\n";
}

void sources(std::ostream& out, const controls_report& r) {
  out << "<h2 id=\"sources\">Records read</h2>\n<table class=\"sources\"><tr><th>Section</th>"
         "<th>Record</th><th>Status</th></tr>\n";
  for (auto& s : r.sources)
    out << "<tr><td>" << e(s.section) << "</td><td>" << e(s.record) << "</td><td>" << e(s.status)
        << "</td></tr>\n";
  out << "</table>\n";
}

void controls(std::ostream& out, const controls_report& r) {
  out << "<h2 id=\"controls\">Pre-trade controls</h2>\n"
         "<p class=\"meta\">Each order meets the controls in this order and stops at the first "
         "that refuses it: \"reached\" counts the orders that came to a control.</p>\n"
         "<table class=\"controls\"><tr><th>Control</th><th>Limits in effect</th>"
         "<th>Reached</th><th>Rejected, by reason</th></tr>\n";
  for (auto& c : r.controls) {
    out << "<tr class=\"control\"><td><b>" << e(c.name) << "</b><br><span class=\"meta\">"
        << e(c.rule) << "</span></td><td>";
    if (c.limits.empty())
      out << "<span class=\"none\">no configurable limit</span>";
    for (auto& [k, v] : c.limits)
      out << "<code>" << e(k) << "</code> = " << e(v) << "<br>";
    out << "</td><td class=\"num\">";
    if (c.reasons.empty())
      out << "acts through a kill";
    else
      out << (r.orders_known ? std::to_string(c.checked) : "-");
    out << "</td><td>";
    if (c.rejected.empty() && !c.reasons.empty())
      out << (r.orders_known ? "0" : "-");
    for (auto& [reason, n] : c.rejected)
      out << "<code>" << e(reason) << "</code>: " << n << "<br>";
    out << "</td></tr>\n";
  }
  out << "</table>\n";
  if (!r.other_rejects.empty()) {
    out << "<p>Other rejects by us (after the pre-trade checks, at the OMS): ";
    for (auto& [reason, n] : r.other_rejects)
      out << "<code>" << e(reason) << "</code> " << n << "; ";
    out << "</p>\n";
  }
  out << "<h3>Signed limit changes</h3>\n";
  bool any = false;
  for (auto& c : r.controls)
    for (auto& ch : c.changes) {
      if (!any)
        out << "<table class=\"limit-changes\"><tr><th>Time (UTC)</th><th>Control</th><th>Target</th>"
               "<th>Field</th><th>Value</th><th>Command</th><th>Signed by</th><th>This day</th></tr>\n";
      any = true;
      out << "<tr><td>" << e(utc(ch.ts_ns)) << "</td><td>" << e(c.name) << "</td><td>"
          << e(ch.target) << "</td><td>" << e(ch.field) << "</td><td>" << e(ch.value)
          << "</td><td>" << e(ch.command) << "</td><td>" << e(ch.issuer) << "</td><td>"
          << (ch.on_day ? "yes" : ch.ts_ns ? "before" : "time not recorded") << "</td></tr>\n";
    }
  if (any)
    out << "</table>\n";
  else
    none(out, "No signed limit changes in the risk decision log up to the end of this day.");
  out << "<h3>Execution throttle trips and re-enables</h3>\n";
  if (r.throttle_events.empty())
    none(out, "No execution throttle tripped or re-enabled on this day.");
  else {
    out << "<table class=\"throttles\"><tr><th>Time (UTC)</th><th>Event</th><th>Strategy</th>"
           "<th>Command</th><th>Signed by</th></tr>\n";
    for (auto& t : r.throttle_events)
      out << "<tr><td>" << e(utc(t.ts_ns)) << "</td><td>" << e(t.kind) << "</td><td>"
          << e(t.strategy) << "</td><td>" << e(t.command) << "</td><td>" << e(t.issuer)
          << "</td></tr>\n";
    out << "</table>\n";
  }
}

void rejects(std::ostream& out, const controls_report& r) {
  out << "<h2 id=\"rejects\">Rejects over time</h2>\n";
  if (!r.orders_known)
    return none(out, "No order records were given: rejects cannot be shown.");
  if (r.rejects.empty())
    return none(out, "No order was rejected by our checks on this day.");
  out << "<div id=\"rejects-chart\"></div>\n<p class=\"meta\">Every reject is listed under "
         "<a href=\"#reject-list\">Every reject</a>.</p>\n";
}

void reject_list(std::ostream& out, const controls_report& r) {
  if (r.rejects.empty())
    return;
  out << "<h2 id=\"reject-list\">Every reject</h2>\n<table class=\"rejects\"><tr><th>Time (UTC)</th>"
         "<th>Order</th><th>Rule</th><th>Reason</th><th>Instrument</th><th>Account</th>"
         "<th>Strategy</th></tr>\n";
  for (auto& x : r.rejects)
    out << "<tr class=\"reject\"><td>" << e(utc(x.ts_ns)) << "</td><td>" << e(x.id) << "</td><td>"
        << e(x.rule) << "</td><td>" << e(x.text) << "</td><td>" << e(x.venue) << ":"
        << e(x.symbol) << "</td><td>" << e(x.account) << "</td><td>" << e(x.strategy)
        << "</td></tr>\n";
  out << "</table>\n";
  if (static_cast<int64_t>(r.rejects.size()) < r.rejected_by_us)
    out << "<p class=\"meta\">The first " << r.rejects.size() << " of " << r.rejected_by_us
        << " rejects are listed; the chart and the counts include all.</p>\n";
}

void kill(std::ostream& out, const kill_row& k, size_t index) {
  out << "<div class=\"kill\" id=\"kill-" << index << "\"><h3>Kill " << e(k.id) << "</h3>\n"
      << "<table class=\"kill-facts\">"
      << "<tr><th>Accepted (UTC)</th><td>" << e(utc(k.ts_ns)) << "</td><th>Signed at</th><td>"
      << e(utc(k.issued_at_ns)) << "</td></tr>"
      << "<tr><th>Issuer</th><td>" << e(k.issuer) << "</td><th>Level</th><td>" << k.level
      << "</td></tr><tr><th>Scope</th><td>" << e(k.scope)
      << (k.scope_value.empty() ? "" : " " + e(k.scope_value)) << "</td><th>Origin</th><td>"
      << e(k.origin) << " (via " << e(k.via) << ")</td></tr><tr><th>Reason</th><td colspan=\"3\">"
      << e(k.reason) << "</td></tr>"
      << (k.audit_note.empty() ? std::string()
                               : "<tr><th>Audit note</th><td colspan=\"3\">" + e(k.audit_note)
                                   + "</td></tr>")
      << "<tr><th>Reset</th><td colspan=\"3\">"
      << (k.reset_id.empty() ? "not reset on this day" : e(k.reset_id)) << "</td></tr></table>\n";
  out << "<div class=\"kill-timeline\" data-kill-index=\"" << index << "\"></div>\n";
  if (k.channels.empty())
    none(out, "No channel results recorded for this kill in this node's audit chain.");
  else {
    out << "<table class=\"channels\"><tr><th>Node</th><th>Channel</th><th>Venue</th><th>Result</th>"
           "<th>Measured (ms)</th><th>Retries</th><th>Canceled</th><th>Open after</th></tr>\n";
    for (auto& c : k.channels)
      out << "<tr class=\"channel\"><td>" << e(c.node) << "</td><td>" << e(c.channel) << "</td><td>"
          << e(c.venue) << "</td><td class=\"" << (c.ok ? "ok\">ok" : "bad\">FAILED ")
          << (c.ok ? "" : e(c.error)) << "</td><td class=\"num\">" << ms(c.duration_ns)
          << "</td><td class=\"num\">" << c.retries << "</td><td class=\"num\">" << c.canceled
          << "</td><td class=\"num\">" << (c.open_after < 0 ? std::string("-") : std::to_string(c.open_after))
          << "</td></tr>\n";
    out << "</table>\n";
  }
  if (!k.acks.empty()) {
    out << "<table class=\"acks\"><tr><th>Node</th><th>Applied</th><th>Verify (ms)</th>"
           "<th>Gate closed in (ms)</th><th>Note</th></tr>\n";
    for (auto& a : k.acks)
      out << "<tr><td>" << e(a.node) << "</td><td>" << (a.applied ? "yes" : "no")
          << "</td><td class=\"num\">" << ms(a.verify_ns) << "</td><td class=\"num\">"
          << ms(a.gate_close_ns) << "</td><td>" << e(a.error) << "</td></tr>\n";
    out << "</table>\n";
  }
  for (auto& x : k.escalations)
    out << "<p class=\"bad\">" << e(x) << "</p>\n";
  out << "</div>\n";
}

void kills(std::ostream& out, const controls_report& r) {
  out << "<h2 id=\"kills\">Kills</h2>\n<p class=\"meta\">Audit chain: " << e(r.audit_verdict)
      << "</p>\n";
  if (!r.audit_verified)
    none(out, "The kill audit chain was not verified: no kill is reported from it.");
  else if (!r.audit_complete)
    none(out, "The chain's records from the start of this day are in no file read (see above): "
              "only the kills recorded after them are listed.");
  else if (r.kills.empty())
    none(out, "No kills on this day.");
  for (size_t i = 0; i < r.kills.size(); ++i)
    kill(out, r.kills[i], i);
  out << "<h3>Resets and their votes</h3>\n";
  if (r.resets.empty())
    return none(out, "No reset on this day.");
  out << "<table class=\"resets\"><tr><th>Time (UTC)</th><th>Reset</th><th>Signed by</th>"
         "<th>Reason</th><th>Votes</th><th>Outcome</th></tr>\n";
  for (auto& x : r.resets) {
    out << "<tr><td>" << e(utc(x.ts_ns)) << "</td><td>" << e(x.id) << "</td><td>" << e(x.issuer)
        << "</td><td>" << e(x.reason) << "</td><td>";
    for (auto& v : x.votes)
      out << e(v.node) << ": " << (v.yes ? "yes" : "no")
          << (v.why.empty() ? "" : " (" + e(v.why) + ")") << "<br>";
    out << "</td><td>"
        << (x.resumed ? "resumed (" + std::to_string(x.yes) + " yes, quorum "
                          + std::to_string(x.quorum) + ")"
                      : "not resumed (" + e(x.verdict) + ")")
        << "</td></tr>\n";
  }
  out << "</table>\n";
}

void drills(std::ostream& out, const controls_report& r) {
  out << "<h2 id=\"drills\">Drills</h2>\n";
  if (!r.drills_known)
    return none(out, "No drill records were given.");
  if (r.drills.empty())
    return none(out, "No drills on this day.");
  out << "<table class=\"drills\"><tr><th>Started (UTC)</th><th>Scenario</th><th>Result</th>"
         "<th>Measured</th><th>Expectations</th></tr>\n";
  for (auto& d : r.drills) {
    out << "<tr class=\"drill\"><td>" << e(utc(d.started_ms * 1'000'000)) << "</td><td>"
        << e(d.scenario) << "</td><td class=\"" << (d.result == "pass" ? "ok" : "bad") << "\">"
        << e(d.result) << (d.error.empty() ? "" : ": " + e(d.error)) << "</td><td>";
    for (auto& [k, v] : d.measured_ms)
      out << e(k) << " = " << v << " ms<br>";
    out << "</td><td>";
    for (auto& [name, pass] : d.expectations)
      out << (pass ? "held: " : "FAILED: ") << e(name) << "<br>";
    out << "</td></tr>\n";
  }
  out << "</table>\n";
}

void clock(std::ostream& out, const controls_report& r) {
  out << "<h2 id=\"clock\">Clock synchronisation</h2>\n"
         "<p class=\"meta\">Offset of the venue's clock from this node's clock (venue minus node, "
         "at the midpoint of the request) each time a connector measured it.</p>\n";
  if (!r.clock_known)
    return none(out, "No node log was given: no clock evidence.");
  if (r.clock.empty())
    return none(out, "No clock measurement in the node log on this day.");
  out << "<div id=\"clock-chart\"></div>\n<table class=\"clock\"><tr><th>Time (UTC)</th>"
         "<th>Venue</th><th>Offset (ms)</th><th>Round trip (us)</th><th>Log line</th></tr>\n";
  for (auto& c : r.clock)
    out << "<tr><td>" << e(utc(c.ts_ns)) << "</td><td>" << (c.venue.empty() ? "(not named)" : e(c.venue))
        << "</td><td class=\"num\">"
        << (c.failed ? "FAILED: " + e(c.detail) : std::to_string(c.offset_ms)) << "</td><td class=\"num\">"
        << (c.rtt_us < 0 ? std::string("-") : std::to_string(c.rtt_us)) << "</td><td class=\"num\">"
        << c.line << "</td></tr>\n";
  out << "</table>\n";
}

} // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string script_safe_json(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  for (char c : json) {
    if (c == '<')
      out += "\\u003c";
    else if (c == '>')
      out += "\\u003e";
    else if (c == '&')
      out += "\\u0026";
    else
      out += c;
  }
  return out;
}

std::string to_html(const controls_report& r) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
      << "<title>Pre-trade controls report " << e(r.day) << " " << e(r.node) << "</title>\n"
      << "<style>" << style << "</style></head>\n<body>\n"
      << "<h1>Pre-trade controls report</h1>\n<p class=\"meta\">Day " << e(r.day)
      << " (UTC) &middot; node " << e(r.node) << " &middot; generated " << e(utc(r.generated_ns))
      << " &middot; schema " << controls_report_schema << "</p>\n"
      << "<p class=\"meta\">Evidence for SEC Rule 15c3-5 and MiFID II RTS 6 Art. 15-17: each "
         "figure below is read from a record named under \"Records read\" at the end.</p>\n";
  summary(out, r);
  rejects(out, r);
  kills(out, r);
  controls(out, r);
  drills(out, r);
  clock(out, r);
  reject_list(out, r);
  sources(out, r);
  if (!r.problems.empty()) {
    out << "<h2 id=\"problems\">Records that could not be read</h2>\n<ul>\n";
    for (auto& p : r.problems)
      out << "<li>" << e(p) << "</li>\n";
    out << "</ul>\n";
  }
  out << "<script type=\"application/json\" id=\"report-data\">" << script_safe_json(to_json(r, false))
      << "</script>\n<script>" << controls_report_script() << "</script>\n</body></html>\n";
  return out.str();
}

} // namespace cwts::report
