#pragma once
// Reading the channel lines of a `cwts kill` answer (kill_view), for the
// node tests with more than one venue.

#include <map>
#include <string>

#include "tests/integration/support/cluster.hpp"

namespace cwts::itest {

// The `cwts kill` channel line of `name` at `venue`; empty when absent.
inline std::map<std::string, std::string> venue_channel(const kill_view& k, const std::string& name,
                                                        const std::string& venue) {
  for (auto& c : k.channels) {
    auto n = c.find("name");
    auto v = c.find("venue");
    if (n != c.end() && n->second == name && v != c.end() && v->second == venue)
      return c;
  }
  return {};
}

// A field of a channel line; "<absent>" when it has none.
inline std::string field(const std::map<std::string, std::string>& m, const std::string& key) {
  auto i = m.find(key);
  return i == m.end() ? "<absent>" : i->second;
}

// A numeric field of a channel line; -1 when it has none.
inline double number(const std::map<std::string, std::string>& m, const std::string& key) {
  auto i = m.find(key);
  return i == m.end() ? -1.0 : std::stod(i->second);
}

} // namespace cwts::itest
