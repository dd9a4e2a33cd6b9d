#pragma once
// The dead-man's-switch tests of node_okx_test and node_kraken_test: what
// proves the venue cancelled for a SIGKILLed node. Before the kill the
// account must have something open at the venue (else the venue's timer
// firing proves nothing), and after it the venue's own log line must report
// orders cancelled, with nothing of the account left open.

#include <cstdint>
#include <sstream>
#include <string>

#include "tests/integration/node/venue_view.hpp"
#include "tests/integration/support/cluster.hpp"

namespace cwts::itest {

// Polls the venue until the demo account has at least one open USDCHF order;
// the count seen, 0 when none appeared within `timeout`.
inline size_t wait_for_open_orders(venue_view& venue, millis timeout) {
  size_t open = 0;
  wait_until(
    [&] {
      auto orders = venue.try_open_orders();
      open = orders ? orders->size() : 0;
      return open > 0;
    },
    timeout, millis{50});
  return open;
}

// The orders the venue's dead-man's switch cancelled: the sum of
// "canceled=N" over its log lines "event=<event> account=.. canceled=N ..".
inline int64_t dead_man_canceled(const std::string& venue_log, const std::string& event) {
  int64_t total = 0;
  std::istringstream lines(venue_log);
  for (std::string line; std::getline(lines, line);) {
    if (!has(line, "event=" + event + " "))
      continue;
    auto fields = parse_fields(line);
    auto it = fields.find("canceled");
    if (it != fields.end() && !it->second.empty()
        && it->second.find_first_not_of("0123456789") == std::string::npos)
      total += std::stoll(it->second);
  }
  return total;
}

} // namespace cwts::itest
