#pragma once
// The venue asked directly, not through our own state: a REST client on the
// demo account (config/venue-demo-keys.ini) and its open USDCHF orders. Any
// failure to reach the venue fails the test with the venue's error. Use
// inside a CAF_TEST.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/unit_test.hpp"
#include "tests/integration/support/cluster.hpp"

namespace cwts::itest {

struct venue_view {
  std::string error; // the last gateway / venue error
  std::unique_ptr<connector::binance_rest_gateway> gw;

  // REQUIREs the gateway (logging why it could not be built).
  venue_view(const cluster_paths& paths, uint16_t venue_port)
    : gw(demo_gateway(paths, venue_port, error)) {
    if (!gw)
      CAF_MESSAGE("gateway: " << error);
    CAF_REQUIRE(gw != nullptr);
  }

  // Open USDCHF orders; nullopt (and `error`) when the venue did not answer.
  std::optional<std::vector<connector::venue_order>> try_open_orders() {
    return open_usdchf_orders(*gw, error);
  }

  // Open USDCHF orders; REQUIREs an answer (logging the venue's error).
  std::vector<connector::venue_order> open_orders() {
    auto open = try_open_orders();
    if (!open)
      CAF_MESSAGE("venue: " << error);
    CAF_REQUIRE(open.has_value());
    return std::move(*open);
  }
};

} // namespace cwts::itest
