#pragma once
// A node option holding a number as text (issue 26): [health]
// stale-data-s, reject-ratio, order-latency-p99-ms, venue-disconnected-s and
// [risk] max-reject-ratio are read with strtod by their readers, which name
// the key in any error. Declared as plain strings, CAF 0.17's INI reader
// silently dropped an unquoted `reject-ratio=0.5` (a number is not a string)
// and the rule stayed off. This type takes a quoted string, an integer or a
// real, in the file and on the command line.

#include <charconv>
#include <string>

#include "caf/config_value.hpp"
#include "caf/detail/parse.hpp"
#include "caf/optional.hpp"
#include "caf/parser_state.hpp"

#include "nodes/node/config_value_read.hpp"

namespace cwts::config_detail {

struct number_text {
  std::string text;
};

// The value as text strtod reads back to the same number; none for any
// other type (a list, a duration).
inline caf::optional<number_text> as_number_text(const caf::config_value& x) {
  if (auto s = caf::get_if<std::string>(&x.get_data()))
    return number_text{*s};
  if (auto n = caf::get_if<caf::config_value::integer>(&x.get_data()))
    return number_text{std::to_string(*n)};
  if (auto d = caf::get_if<double>(&x.get_data())) {
    // The shortest text that reads back to the same double: 0.1 stays "0.1"
    // in an error message, not "0.10000000000000001".
    char buf[32];
    auto end = std::to_chars(buf, buf + sizeof(buf), *d).ptr;
    return number_text{std::string(buf, end)};
  }
  return caf::none;
}

} // namespace cwts::config_detail

namespace caf {

template <>
struct config_value_access<cwts::config_detail::number_text>
  : cwts::config_detail::config_value_read<cwts::config_detail::number_text,
                                           &cwts::config_detail::as_number_text> {
  using T = cwts::config_detail::number_text;

  static std::string type_name() {
    return "number";
  }

  static std::string convert(const T& x) {
    return x.text;
  }

  // --section.key=value: the text as given; its reader checks it.
  template <class Nested>
  static void parse_cli(string_parser_state& ps, T& x, Nested) {
    x.text.clear();
    detail::parse(ps, x.text);
  }
};

} // namespace caf
