#pragma once
// The controls report as JSON (schema controls_report_schema): every member
// the HTML page shows, times as UTC ns and ISO-8601 text. CAF-free.

#include <string>

#include "reporting/controls/controls_report.hpp"

namespace cwts::report {

std::string to_json(const controls_report& r, bool pretty = true);

} // namespace cwts::report
