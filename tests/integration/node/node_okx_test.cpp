// One node trading at Binance and OKX at once (issue 19): venue "binance" (a
// cwts-venue over its Binance API, which also feeds the validator) and venue
// "okx" (a second cwts-venue process, traded over its OKX v5 REST and
// private WebSocket, its books kept from the `books` channel, priced from
// the first venue's feed). The makers quote at both, each venue fills its
// own orders, and a level-2 kill cancels at both, each venue confirming by
// its own query. Then the venue's dead-man's switch: with
// dead-mans-switch-ms armed, the node is SIGKILLed and OKX itself cancels
// every order of the account when the timer runs out.
#define CAF_SUITE node_okx
#include "tests/support/unit_test.hpp"

#include "tests/integration/node/binance_and_second_venue.hpp"

using namespace cwts::itest;

namespace {

const second_protocol okx{"okx", false, "okx_cancel_all_after_fired"};

} // namespace

CAF_TEST(orders_route_to_binance_and_okx_and_a_kill_cancels_at_both) {
  // OKX's book is kept from its `books` channel, checksums verified.
  check_orders_route_to_both_and_a_kill_cancels_at_both(okx, "node_okx");
}

// The node arms OKX's cancel-all-after and refreshes it; SIGKILLed, it can
// no longer cancel anything, and the venue cancels for it when the timer
// runs out.
CAF_TEST(the_venue_cancels_everything_after_the_gateway_is_sigkilled) {
  check_the_venue_cancels_after_a_sigkill(okx, "node_okx_dead_man");
}
