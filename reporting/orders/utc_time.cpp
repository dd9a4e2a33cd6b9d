// ISO-8601 UTC times of the report commands (journal_reader.hpp).
#include "reporting/orders/journal_reader.hpp"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <limits>

namespace cwts::report {

namespace {

bool all_digits(const std::string& s, size_t from, size_t n) {
  if (from + n > s.size())
    return false;
  for (size_t i = from; i < from + n; ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i])))
      return false;
  return true;
}

int number(const std::string& s, size_t from, size_t n) { return std::stoi(s.substr(from, n)); }

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil): no time zone and no locale involved.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

unsigned days_in_month(int y, unsigned m) {
  static constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

} // namespace

bool parse_utc_time(const std::string& text, timestamp_ns& out, std::string& why) {
  if (!text.empty() && all_digits(text, 0, text.size())) {
    // from_chars: a value past INT64_MAX is an error here, never a wrap or
    // an exception (std::stoll's out_of_range would end the process).
    int64_t ns = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ns);
    if (ec != std::errc{} || end != text.data() + text.size()) {
      why = "'" + text + "' is too large for ns since the epoch (at most "
            + std::to_string(std::numeric_limits<int64_t>::max()) + ", 2262-04-11T23:47:16Z)";
      return false;
    }
    out = timestamp_ns{ns};
    return true;
  }
  why = "'" + text + "' is neither ns since the epoch nor an ISO-8601 UTC time "
        "(2026-12-06, 2026-12-06T21:00:00Z, 2026-12-06T21:00:00.5Z)";
  if (!all_digits(text, 0, 4) || text.size() < 10 || text[4] != '-' || !all_digits(text, 5, 2)
      || text[7] != '-' || !all_digits(text, 8, 2))
    return false;
  int y = number(text, 0, 4);
  auto m = static_cast<unsigned>(number(text, 5, 2));
  auto d = static_cast<unsigned>(number(text, 8, 2));
  if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
    return false;
  int64_t secs = days_from_civil(y, m, d) * 86400;
  int64_t frac_ns = 0;
  if (text.size() > 10) {
    if ((text[10] != 'T' && text[10] != ' ') || !all_digits(text, 11, 2) || text.size() < 20
        || text[13] != ':' || !all_digits(text, 14, 2) || text[16] != ':'
        || !all_digits(text, 17, 2))
      return false;
    int hh = number(text, 11, 2), mm = number(text, 14, 2), ss = number(text, 17, 2);
    if (hh > 23 || mm > 59 || ss > 59)
      return false;
    secs += hh * 3600 + mm * 60 + ss;
    size_t i = 19;
    if (i < text.size() && text[i] == '.') {
      size_t digits = 0;
      for (++i; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i, ++digits) {
        if (digits >= 9)
          return false; // finer than ns
        frac_ns = frac_ns * 10 + (text[i] - '0');
      }
      if (digits == 0)
        return false;
      for (; digits < 9; ++digits)
        frac_ns *= 10;
    }
    // UTC only: a local time or another offset would shift the range silently.
    if (i + 1 != text.size() || text[i] != 'Z')
      return false;
  }
  // ns since the epoch fit an int64 from 1677-09-21 to 2262-04-11: past
  // them the product would wrap (undefined behaviour) to an unrelated time.
  constexpr int64_t billion = 1'000'000'000;
  if (secs > (std::numeric_limits<int64_t>::max() - frac_ns) / billion
      || secs < std::numeric_limits<int64_t>::min() / billion + 1) {
    why = "'" + text + "' is outside the times ns since the epoch can hold "
          "(1677-09-22 to 2262-04-11T23:47:16Z)";
    return false;
  }
  out = timestamp_ns{secs * billion + frac_ns};
  why.clear();
  return true;
}

std::string format_utc_time(timestamp_ns t) {
  int64_t secs = t.ns / 1'000'000'000;
  int64_t frac = t.ns % 1'000'000'000;
  if (frac < 0) {
    frac += 1'000'000'000;
    --secs;
  }
  std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(frac));
  return buf;
}

} // namespace cwts::report
