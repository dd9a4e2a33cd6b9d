// Several symbols in one cwts-venue process (docs/venue.md "Several
// symbols"): config/venue.ini plus a [symbol.EURCHF] section whose prices are
// the USDCHF tape scaled by 0.95. Each symbol has its own book, filters,
// replay and streams; an order on one leaves the other's book alone.
#define CAF_SUITE venue_symbols
#include "tests/support/unit_test.hpp"

#include <climits>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "venue_client.hpp"

namespace {

std::string two_symbol_config(const std::string& config) {
  return venue_config_copy(
    config, {},
    "[symbol.EURCHF]\nname = EURCHF\nbase-asset = EUR\nquote-asset = CHF\n"
    "tick-size = 0.0001\nmin-price = 0.0001\nmax-price = 100\nstep-size = 1\n"
    "min-qty = 1\nmax-qty = 10000000\nmin-notional = 1\nmax-notional = 100000000\n"
    "price-scale = 0.95\n");
}

// The first bid price of a /depth body.
std::string best_bid(const std::string& depth) {
  auto at = depth.find("\"bids\":[[\"");
  if (at == std::string::npos) return {};
  at += 10;
  return depth.substr(at, depth.find('"', at) - at);
}

} // namespace

CAF_TEST(two_symbols_have_their_own_books_and_streams) {
  CAF_REQUIRE(caf::test::engine::argc() >= 3);
  auto config = two_symbol_config(caf::test::engine::argv()[2]);
  venue_process venue(caf::test::engine::argv()[1], config);
  unlink(config.c_str());

  auto info = request(venue.port, http::verb::get, "/api/v3/exchangeInfo");
  CAF_CHECK(contains(info.body, "\"symbol\":\"USDCHF\""));
  CAF_CHECK(contains(info.body, "\"symbol\":\"EURCHF\",\"status\":\"TRADING\",\"baseAsset\":\"EUR\""));
  auto usd = request(venue.port, http::verb::get, "/api/v3/depth?symbol=USDCHF&limit=1");
  auto eur = request(venue.port, http::verb::get, "/api/v3/depth?symbol=EURCHF&limit=1");
  CAF_REQUIRE_EQUAL(eur.status, 200);
  auto usd_bid = std::stod(best_bid(usd.body)), eur_bid = std::stod(best_bid(eur.body));
  CAF_MESSAGE("best bids USDCHF " << usd_bid << " EURCHF " << eur_bid);
  // The derived path trades near 0.95 x the USDCHF tape.
  CAF_CHECK(eur_bid > 0.9 * usd_bid && eur_bid < usd_bid);

  // Its own stream.
  {
    asio::io_context ioc;
    beast::websocket::stream<beast::tcp_stream> ws{ioc};
    beast::get_lowest_layer(ws).connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(venue.port)));
    ws.handshake("127.0.0.1", "/ws/eurchf@trade");
    beast::flat_buffer buf;
    ws.read(buf);
    auto frame = beast::buffers_to_string(buf.data());
    CAF_CHECK(contains(frame, "\"s\":\"EURCHF\""));
  }

  // An order on EURCHF fills there; the USDCHF book does not see it.
  auto resting = signed_request(venue.port, http::verb::post, "/api/v3/order",
                                "symbol=EURCHF&side=BUY&type=LIMIT&timeInForce=GTC"
                                "&quantity=10&price=0.5000");
  CAF_CHECK_EQUAL(resting.status, 200);
  auto open = signed_request(venue.port, http::verb::get, "/api/v3/openOrders", "symbol=USDCHF");
  CAF_CHECK_EQUAL(open.body, "[]");
  auto mine = signed_request(venue.port, http::verb::get, "/api/v3/openOrders", "symbol=EURCHF");
  CAF_CHECK(contains(mine.body, "\"symbol\":\"EURCHF\""));
  auto bad = request(venue.port, http::verb::get, "/api/v3/depth?symbol=GBPCHF");
  CAF_CHECK_EQUAL(bad.body, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}");
}
