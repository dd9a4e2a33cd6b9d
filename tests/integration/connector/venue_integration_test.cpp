#define CAF_SUITE connector_venue_integration
#include "tests/support/unit_test.hpp"

#include <csignal>
#include <cstdio>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include "actors/connector/binance_rest_gateway.hpp"
#include "tests/integration/connector/demo_venue.hpp"
#include "tests/integration/support/venue_child.hpp"

using namespace cwts;
using namespace cwts::connector;
using namespace std::chrono_literals;

namespace {

// cwts-venue on --port 0 with the demo config.
struct venue_process : itest::venue_child {
  venue_process() : venue_child(CWTS_VENUE_BIN, {"--config", CWTS_VENUE_CONFIG, "--port", "0"}) {}
};

order_request resting_buy(const std::string& id) {
  order_request req;
  req.id = client_order_id{id};
  req.sym = *symbol::parse("USDCHF");
  req.order_side = side::buy;
  req.type = order_type::limit;
  req.tif = time_in_force::gtc;
  // Far below the replayed market (~0.9): rests on the book.
  req.limit_price = *price::parse("0.5");
  req.quantity = *qty::parse("10");
  return req;
}

} // namespace

CAF_TEST(place_cancel_and_cancel_all_against_cwts_venue) {
  venue_process venue;
  CAF_REQUIRE(venue.port != 0);
  auto gateway = itest::synced_gateway(venue.port, itest::demo);
  auto& gw = *gateway;

  auto placed = gw.place_order(resting_buy("itest-1"));
  CAF_MESSAGE("place: " << to_string(placed.kind) << " " << placed.detail);
  CAF_REQUIRE(placed.ok());
  CAF_CHECK_EQUAL(placed.value.client_id.value, "itest-1");
  CAF_CHECK(placed.value.status == order_status::accepted);

  auto canceled = gw.cancel_order(*symbol::parse("USDCHF"), client_order_id{"itest-1"});
  CAF_MESSAGE("cancel: " << to_string(canceled.kind) << " " << canceled.detail);
  CAF_REQUIRE(canceled.ok());
  CAF_CHECK(canceled.value.status == order_status::canceled);

  // Canceling it again: the venue refuses with a code.
  auto again = gw.cancel_order(*symbol::parse("USDCHF"), client_order_id{"itest-1"});
  CAF_CHECK_EQUAL(std::string(to_string(again.kind)), "rejected");

  CAF_REQUIRE(gw.place_order(resting_buy("itest-2")).ok());
  CAF_REQUIRE(gw.place_order(resting_buy("itest-3")).ok());
  auto open = gw.open_orders(*symbol::parse("USDCHF"));
  CAF_REQUIRE(open.ok());
  CAF_CHECK_EQUAL(open.value.size(), 2u);

  auto all = gw.cancel_all(*symbol::parse("USDCHF"), std::chrono::steady_clock::now() + 10s);
  CAF_MESSAGE("cancel_all: canceled=" << all.canceled << " error=" << all.error);
  CAF_CHECK_EQUAL(all.canceled, 2);
  CAF_CHECK(all.verified_empty());
  CAF_CHECK_EQUAL(all.error, "");

  // Nothing open any more: -2011 counts as zero canceled.
  all = gw.cancel_all(*symbol::parse("USDCHF"), std::chrono::steady_clock::now() + 10s);
  CAF_CHECK_EQUAL(all.canceled, 0);
  CAF_CHECK(all.verified_empty());
  CAF_CHECK_EQUAL(all.error, "");
}
