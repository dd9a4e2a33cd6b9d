#pragma once
// The controls report as one self-contained HTML page: inline CSS and
// JavaScript, no network, printable. Tables are written here, every string
// from a record HTML-escaped; the charts (rejects per hour by reason, one
// timeline per kill, clock offsets) are drawn as SVG by the page's script
// (controls_html_script.cpp) from the report's JSON embedded in the page,
// with text set through textContent only, so no record can inject markup.
// CAF-free.

#include <string>

#include "reporting/controls/controls_report.hpp"

namespace cwts::report {

std::string to_html(const controls_report& r);

// & < > " ' as entities.
std::string html_escape(const std::string& text);

// JSON safe inside a <script> element: every < > & as \u003c \u003e \u0026
// (they occur only inside JSON strings, where the escape means the same).
std::string script_safe_json(const std::string& json);

// The page's script (controls_html_script.cpp).
const char* controls_report_script();

} // namespace cwts::report
