#pragma once
// A node option that is a duration (issue 26): the [section] key binds a
// std::chrono::milliseconds setting directly, so the setting is declared
// once (in its settings struct) and the option only names it.
//
// The value is CAF's timespan syntax with a unit (`200ms`, `5s`, `2min`,
// `1h`; CAF 0.17 read_timespan: ns, us, ms, s, min, h) or a bare integer,
// which counts milliseconds: every key here ends in `-ms`, and every config
// file, test and script written before units were accepted keeps its
// meaning. A value finer than a millisecond (`1500us`) is refused, not
// rounded.

#include <chrono>
#include <cstdint>
#include <string>

#include "caf/config_value.hpp"
#include "caf/detail/parser/read_number_or_timespan.hpp"
#include "caf/optional.hpp"
#include "caf/parser_state.hpp"
#include "caf/pec.hpp"

#include "nodes/node/config_value_read.hpp"

namespace cwts::config_detail {

// A config value read as milliseconds; none for any other type or a
// timespan that is not whole milliseconds.
inline caf::optional<std::chrono::milliseconds> as_milliseconds(const caf::config_value& x) {
  if (auto n = caf::get_if<caf::config_value::integer>(&x.get_data()))
    return std::chrono::milliseconds{*n};
  if (auto t = caf::get_if<caf::timespan>(&x.get_data())) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*t);
    if (ms == *t)
      return ms;
  }
  return caf::none;
}

} // namespace cwts::config_detail

namespace caf {

template <>
struct config_value_access<std::chrono::milliseconds>
  : cwts::config_detail::config_value_read<std::chrono::milliseconds,
                                           &cwts::config_detail::as_milliseconds> {
  using ms = std::chrono::milliseconds;

  // Shown by --help and in CAF's type-mismatch errors.
  static std::string type_name() {
    return "duration (e.g. 250ms, 5s; a bare number: ms)";
  }

  static timespan convert(ms x) {
    return x;
  }

  // --section.key=value on the command line: the INI file's syntax.
  template <class Nested>
  static void parse_cli(string_parser_state& ps, ms& x, Nested) {
    struct consumer {
      config_value got;
      void value(int64_t v) {
        got = config_value{v};
      }
      void value(double v) {
        got = config_value{v};
      }
      void value(timespan v) {
        got = config_value{v};
      }
    } c;
    detail::parser::read_number_or_timespan(ps, c);
    if (ps.code != pec::success)
      return;
    if (auto v = cwts::config_detail::as_milliseconds(c.got))
      x = *v;
    else
      ps.code = pec::type_mismatch;
  }
};

} // namespace caf
