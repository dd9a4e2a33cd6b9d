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

bool parse_int64(const std::string& text, int64_t& out) {
  try {
    size_t used = 0;
    auto v = std::stoll(text, &used);
    if (used != text.size())
      return false;
    out = v;
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

int64_t field_int(const std::map<std::string, std::string>& f, const char* key, int64_t fallback) {
  auto i = f.find(key);
  int64_t v = 0;
  return i != f.end() && parse_int64(i->second, v) ? v : fallback;
}

} // namespace cwts::report
