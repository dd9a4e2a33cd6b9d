#include "reporting/controls/controls_report.hpp"

#include "reporting/orders/journal_reader.hpp"

namespace cwts::report {

bool utc_day_range(const std::string& day, int64_t& from_ns, int64_t& to_ns, std::string& why) {
  timestamp_ns t;
  // Exactly a date: a time of day would silently shift the day.
  if (day.size() != 10 || !parse_utc_time(day, t, why)) {
    why = "--day: '" + day + "' is not a UTC date YYYY-MM-DD";
    return false;
  }
  from_ns = t.ns;
  to_ns = t.ns + 86'400'000'000'000LL;
  return true;
}

} // namespace cwts::report
