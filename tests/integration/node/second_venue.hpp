#pragma once
// A second cwts-venue process for the node tests that trade two venues
// (node_okx_test as "okx", node_kraken_test as "kraken"): its own engine and
// book, every protocol on one HTTP port; `port` is 0 when it did not start.

#include <string>

#include "tests/integration/support/cluster.hpp"

namespace cwts::itest {

struct second_venue {
  child_process process;
  uint16_t port = 0;

  second_venue(const cluster_paths& paths, const std::string& dir, const std::string& name)
    : process(name,
              {paths.venue_bin, "--config", paths.config("venue.ini"), "--port", "0", "--speed",
               "300"},
              dir) {
    auto line = process.wait_for_line(
      stream::out, [](const std::string& l) { return l.find("listening") != std::string::npos; },
      millis{30000});
    if (line)
      port = static_cast<uint16_t>(std::stoi(parse_fields(*line)["port"]));
  }
};

} // namespace cwts::itest
