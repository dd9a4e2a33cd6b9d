#pragma once
// For the venue_session tests: the reports, or the rejects, among what a
// session put out, in their order.

#include <variant>
#include <vector>

#include "actors/connector/venue_session.hpp"

namespace cwts::test {

template <class T>
std::vector<T> only(const std::vector<connector::session_output>& out) {
  std::vector<T> v;
  for (auto& o : out)
    if (auto* x = std::get_if<T>(&o))
      v.push_back(*x);
  return v;
}

} // namespace cwts::test
