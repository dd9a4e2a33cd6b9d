#pragma once
// After a kill: no order is sent over a quiet period. Shared by the kill
// tests. Use inside a CAF_TEST.

#include <string>
#include <thread>

#include "tests/support/unit_test.hpp"
#include "tests/integration/support/cluster.hpp"

namespace cwts::itest {

// REQUIREs two `cwts status` answers `quiet` apart, both with an
// oms orders_sent counter, and CHECKs that it did not move. Returns the
// second status.
inline node_status_view expect_no_orders_sent(const cluster_paths& paths, const std::string& dir,
                                              uint16_t port, millis quiet) {
  auto first = query_status(paths, dir, port);
  CAF_REQUIRE(first.ok());
  std::this_thread::sleep_for(quiet);
  auto second = query_status(paths, dir, port);
  CAF_REQUIRE(second.ok());
  auto sent_first = first.counter("oms", "orders_sent");
  auto sent_second = second.counter("oms", "orders_sent");
  CAF_REQUIRE(sent_first.has_value());
  CAF_REQUIRE(sent_second.has_value());
  CAF_CHECK_EQUAL(*sent_first, *sent_second);
  return second;
}

} // namespace cwts::itest
