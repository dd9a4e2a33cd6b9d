#pragma once
// Stopping a cwts-node at the end of a test: SIGTERM must end it cleanly
// (exit 0) within the grace period; SIGKILL is only the last resort of
// stop(), and a node that needed it fails the test.

#include <chrono>

#include "tests/integration/support/process.hpp"

// Stops `node` (SIGTERM, SIGKILL after 6 s) and checks it exited 0.
#define CWTS_STOP_NODE(node)                                                                 \
  do {                                                                                       \
    auto stop_rc___ = (node).stop(std::chrono::seconds(6));                                  \
    CAF_REQUIRE(stop_rc___.has_value());                                                     \
    CAF_CHECK_EQUAL(*stop_rc___, 0);                                                         \
  } while (false)
