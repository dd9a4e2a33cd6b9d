#include "actors/connector/trade_scanner.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

namespace cwts::connector {

namespace {

// A cursor over the frame; every step checks bounds and answers false on
// anything unexpected.
struct cursor {
  const char* p;
  const char* end;

  template <std::size_t N>
  bool lit(const char (&s)[N]) {
    constexpr std::size_t n = N - 1;
    if (static_cast<std::size_t>(end - p) < n || std::memcmp(p, s, n) != 0)
      return false;
    p += n;
    return true;
  }

  // A JSON integer that fits int64 with room (at most 18 digits, no sign,
  // no leading zero unless it is 0). A 19th digit answers false before it is
  // accumulated: signed overflow is undefined behaviour (issue 26, found by
  // UBSan on a malformed frame), and the DOM path then names the reason.
  static constexpr std::ptrdiff_t max_integer_digits = 18;
  static_assert(999'999'999'999'999'999 <= std::numeric_limits<int64_t>::max(),
                "18 digits must fit int64 without overflow");

  bool integer(int64_t& out) {
    const char* start = p;
    int64_t v = 0;
    while (p < end && *p >= '0' && *p <= '9') {
      if (p - start == max_integer_digits)
        return false;
      v = v * 10 + (*p - '0');
      ++p;
    }
    auto digits = p - start;
    if (digits == 0 || (digits > 1 && *start == '0'))
      return false;
    out = v;
    return true;
  }

  // "<digits>[.<digits>]" as a fixed-point raw value with 8 decimals: at
  // most 10 integer digits, at most 8 significant fraction digits (more are
  // allowed only as zeros, as price::parse does). Anything else: DOM path.
  bool decimal(int64_t& raw) {
    if (p >= end || *p != '"')
      return false;
    ++p;
    const char* start = p;
    int64_t units = 0;
    while (p < end && *p >= '0' && *p <= '9') {
      units = units * 10 + (*p - '0');
      ++p;
      if (p - start > 10)
        return false;
    }
    bool int_part = p != start;
    int64_t frac = 0;
    int frac_digits = 0;
    if (p < end && *p == '.') {
      ++p;
      while (p < end && *p >= '0' && *p <= '9') {
        if (frac_digits < 8)
          frac = frac * 10 + (*p - '0');
        else if (*p != '0')
          return false;
        ++frac_digits;
        ++p;
      }
      if (frac_digits == 0 && !int_part)
        return false;
    }
    if (!int_part && frac_digits == 0)
      return false;
    if (p >= end || *p != '"')
      return false;
    ++p;
    static constexpr int64_t pow10[] = {100000000, 10000000, 1000000, 100000, 10000,
                                        1000,      100,      10,      1};
    raw = units * 100000000 + frac * pow10[frac_digits < 8 ? frac_digits : 8];
    return true;
  }

  bool boolean(bool& out) {
    if (lit("true"))
      return out = true, true;
    if (lit("false"))
      return out = false, true;
    return false;
  }

  // "<A-Z0-9>{1,15}" straight into a symbol.
  bool sym(symbol& out) {
    if (p >= end || *p != '"')
      return false;
    const char* start = ++p;
    while (p < end && ((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
      ++p;
    auto n = static_cast<std::size_t>(p - start);
    if (n == 0 || n > symbol::max_length || p >= end || *p != '"')
      return false;
    auto s = symbol::parse(std::string_view(start, n));
    if (!s)
      return false;
    out = *s;
    ++p;
    return true;
  }

  // The stream name: "<lower-case symbol>@trade".
  bool stream_name() {
    if (p >= end || *p != '"')
      return false;
    const char* start = ++p;
    while (p < end && ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
      ++p;
    if (p == start)
      return false;
    return lit("@trade\"");
  }
};

// Exchange times in ms beyond this (year 2255) would overflow int64 ns.
constexpr int64_t max_event_ms = 9'000'000'000'000;

bool scan_event(cursor& c, timestamp_ns received, trade& out) {
  int64_t event_time = 0, id = 0, trade_time = 0, px = 0, q = 0;
  bool maker = false, best = false;
  if (!(c.lit("{\"e\":\"trade\",\"E\":") && c.integer(event_time) && c.lit(",\"s\":")
        && c.sym(out.sym) && c.lit(",\"t\":") && c.integer(id) && c.lit(",\"p\":")
        && c.decimal(px) && c.lit(",\"q\":") && c.decimal(q) && c.lit(",\"T\":")
        && c.integer(trade_time) && c.lit(",\"m\":") && c.boolean(maker) && c.lit(",\"M\":")
        && c.boolean(best) && c.lit("}")))
    return false;
  if (trade_time > max_event_ms)
    return false; // let the DOM path name it
  out.id = trade_id{id};
  out.px = price::from_raw(px);
  out.quantity = qty::from_raw(q);
  out.ts_event = timestamp_ns{trade_time * 1'000'000};
  out.buyer_is_maker = maker;
  out.ts_init = received;
  return true;
}

} // namespace

bool scan_trade_frame(std::string_view text, timestamp_ns received, trade& out) {
  cursor c{text.data(), text.data() + text.size()};
  if (c.lit("{\"stream\":")) {
    if (!(c.stream_name() && c.lit(",\"data\":") && scan_event(c, received, out) && c.lit("}")))
      return false;
  } else if (!scan_event(c, received, out)) {
    return false;
  }
  return c.p == c.end;
}

} // namespace cwts::connector
