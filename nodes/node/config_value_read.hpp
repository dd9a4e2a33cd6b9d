#pragma once
// The lookups CAF 0.17's config_value_access needs (is, get_if, get), from
// one function that reads a config value as T, or none when it is not one:
// the node's option types (duration_option.hpp, number_option.hpp) differ
// only in that function, their name and how the command line spells them.

#include "caf/config_value.hpp"
#include "caf/optional.hpp"

namespace cwts::config_detail {

template <class T, caf::optional<T> (*Read)(const caf::config_value&)>
struct config_value_read {
  static bool is(const caf::config_value& x) {
    return static_cast<bool>(Read(x));
  }

  static caf::optional<T> get_if(const caf::config_value* x) {
    return Read(*x);
  }

  static T get(const caf::config_value& x) {
    return *Read(x);
  }
};

} // namespace cwts::config_detail
