// The connector over TLS against a real cwts-venue with TLS on (certificates
// from scripts/gen-certs). REST over https: with the venue's CA configured
// the clock sync, an order and its cancel succeed; with another CA the
// handshake fails, nothing is sent, and the reason says the certificate did
// not verify; a CA file that cannot be read is a config error naming the key.
// wss: the market stream receives trades (its book synced from an https
// snapshot), the user-data stream subscribes and receives the
// executionReport of an order placed over the WebSocket API; with another
// CA each of the three is refused in the TLS handshake (counted, nothing
// sent). Asserts outcomes, never timings; every loop is bounded.
#define CAF_SUITE connector_tls_integration
#include "tests/support/unit_test.hpp"

#include <cstdlib>
#include <mutex>
#include <thread>

#include "actors/connector/binance_rest_gateway.hpp"
#include "actors/connector/market_stream.hpp"
#include "actors/connector/user_data_stream.hpp"
#include "actors/connector/ws_api_orders.hpp"
#include "tests/integration/support/wait_until.hpp"
#include "tests/integration/venue/venue_client.hpp"

using namespace cwts;
using namespace cwts::connector;

namespace {

struct cert_dirs {
  std::string base, good, other; // two CAs; the venue's leaf is signed by `good`
  cert_dirs() {
    char tmpl[] = "/tmp/cwts-connector-tls-XXXXXX";
    CAF_REQUIRE(mkdtemp(tmpl) != nullptr);
    base = tmpl;
    good = base + "/ca1";
    other = base + "/ca2";
    std::string script = CWTS_SOURCE_DIR "/scripts/gen-certs";
    CAF_REQUIRE(std::system((script + " " + good + " server >/dev/null").c_str()) == 0);
    CAF_REQUIRE(std::system((script + " " + other + " server >/dev/null").c_str()) == 0);
  }
  ~cert_dirs() { std::system(("rm -rf " + base).c_str()); }
};

gateway_config tls_config(int port, const std::string& ca_file) {
  gateway_config g;
  g.port = static_cast<uint16_t>(port);
  g.api_key = api_key;
  g.secret = secret;
  g.tls = true;
  g.ca_file = ca_file;
  return g;
}

symbol usdchf() {
  return *symbol::parse("USDCHF");
}

template <class Pred>
bool eventually(Pred pred, int tries = 400) {
  return itest::wait_until(pred, std::chrono::milliseconds(25) * tries, std::chrono::milliseconds(25));
}

bool says_unverified(const std::string& why) {
  return why.find("certificate verify failed") != std::string::npos;
}

market_stream_config stream_config(int port, const std::string& ca_file) {
  market_stream_config m;
  m.port = static_cast<uint16_t>(port);
  m.symbols = {usdchf()};
  m.tls = true;
  m.ca_file = ca_file;
  m.depth_limit = 100;
  m.jitter_seed = 5;
  return m;
}

user_data_stream_config uds_config(int port, const std::string& ca_file) {
  user_data_stream_config u;
  u.port = static_cast<uint16_t>(port);
  u.api_key = api_key;
  u.secret = secret;
  u.tls = true;
  u.ca_file = ca_file;
  u.jitter_seed = 5;
  return u;
}

ws_api_config ws_config(int port, const std::string& ca_file) {
  ws_api_config w;
  w.port = static_cast<uint16_t>(port);
  w.api_key = api_key;
  w.secret = secret;
  w.tls = true;
  w.ca_file = ca_file;
  return w;
}

order_request resting_buy(const std::string& id) {
  order_request req;
  req.id = client_order_id{id};
  req.sym = usdchf();
  req.order_side = side::buy;
  req.type = order_type::limit;
  req.tif = time_in_force::gtc;
  req.limit_price = *price::parse("0.5");
  req.quantity = *qty::parse("7");
  return req;
}

} // namespace

CAF_TEST(rest_over_tls_verifies_the_venue_certificate) {
  cert_dirs certs;
  venue_process venue(CWTS_VENUE_BIN, CWTS_VENUE_CONFIG, "1",
                      {"--tls-cert", certs.good + "/server.pem", "--tls-key", certs.good + "/server.key"});
  CAF_REQUIRE(contains(venue.listening_line, " tls=on"));

  auto good = tls_config(venue.port, certs.good + "/ca.pem");
  CAF_REQUIRE_EQUAL(validate(good), "");
  binance_rest_gateway gw(good);
  auto t = gw.server_time();
  CAF_REQUIRE(t.ok());
  gw.set_time_offset_ms(t.value.offset_ms);
  order_request req;
  req.id = client_order_id{"tls1"};
  req.sym = *symbol::parse("USDCHF");
  req.order_side = side::buy;
  req.type = order_type::limit;
  req.tif = time_in_force::gtc;
  req.limit_price = *price::parse("0.5");
  req.quantity = *qty::parse("7"); // NOTIONAL filter: above the minimum
  auto placed = gw.place_order(req);
  CAF_MESSAGE("place over https: " << to_string(placed.kind) << " " << placed.detail << " "
                                     << placed.error.code << " " << placed.error.msg);
  CAF_REQUIRE(placed.ok());
  CAF_CHECK(gw.cancel_order(req.sym, req.id).ok());

  // Another CA: the handshake fails, so the request surely was not sent.
  binance_rest_gateway wrong(tls_config(venue.port, certs.other + "/ca.pem"));
  auto refused = wrong.server_time();
  CAF_CHECK(refused.kind == reply_kind::not_sent);
  CAF_MESSAGE("wrong CA: " << refused.detail);
  CAF_CHECK(refused.detail.find("certificate verify failed") != std::string::npos);
  req.id = client_order_id{"tls2"};
  auto not_placed = wrong.place_order(req);
  CAF_CHECK(not_placed.kind == reply_kind::not_sent);

  // Plain HTTP to a TLS listener is not an answer either.
  gateway_config plain = good;
  plain.tls = false;
  binance_rest_gateway cleartext(plain);
  CAF_CHECK(!cleartext.server_time().ok());

  CAF_CHECK(validate(tls_config(venue.port, certs.base + "/missing.pem")).find("ca_file: ") == 0);
}

CAF_TEST(websockets_over_tls_verify_the_venue_certificate) {
  cert_dirs certs;
  venue_process venue(CWTS_VENUE_BIN, CWTS_VENUE_CONFIG, "1",
                      {"--tls-cert", certs.good + "/server.pem", "--tls-key", certs.good + "/server.key"});
  CAF_REQUIRE(contains(venue.listening_line, " tls=on"));
  auto good_ca = certs.good + "/ca.pem";
  auto other_ca = certs.other + "/ca.pem";

  // Market stream over wss: trades arrive, the book syncs from an https snapshot.
  CAF_REQUIRE_EQUAL(validate(stream_config(venue.port, good_ca)), "");
  std::atomic<uint64_t> trades{0};
  market_stream stream(stream_config(venue.port, good_ca),
                       [&](market_batch&& b) { trades += b.trades.size(); });
  stream.start();

  // User-data stream over wss.
  CAF_REQUIRE_EQUAL(validate(uds_config(venue.port, good_ca)), "");
  std::mutex mtx;
  std::vector<execution_event> events;
  user_data_stream::callbacks cbs;
  cbs.on_execution = [&](const execution_event& e) {
    std::lock_guard<std::mutex> guard(mtx);
    events.push_back(e);
  };
  user_data_stream uds(uds_config(venue.port, good_ca), cbs);
  uds.start();
  CAF_REQUIRE(eventually([&] { return uds.subscribed(); }));
  CAF_CHECK_EQUAL(uds.tls_failures(), 0u);

  // Order entry over wss; its executionReport comes on the user-data stream.
  binance_rest_gateway rest(tls_config(venue.port, good_ca));
  auto t = rest.server_time();
  CAF_REQUIRE(t.ok());
  CAF_REQUIRE_EQUAL(validate(ws_config(venue.port, good_ca)), "");
  ws_api_orders ws(ws_config(venue.port, good_ca));
  ws.set_time_offset_ms(t.value.offset_ms);
  auto placed = ws.place_order(resting_buy("wss1"));
  CAF_MESSAGE("place over wss: " << to_string(placed.kind) << " " << placed.detail);
  CAF_REQUIRE(placed.ok());
  CAF_CHECK(placed.value.client_id == client_order_id{"wss1"});
  auto has_event = [&](execution_type x) {
    std::lock_guard<std::mutex> guard(mtx);
    for (auto& e : events)
      if (e.client_id == client_order_id{"wss1"} && e.exec == x)
        return true;
    return false;
  };
  CAF_CHECK(eventually([&] { return has_event(execution_type::new_order); }));
  auto canceled = ws.cancel_order(usdchf(), client_order_id{"wss1"});
  CAF_REQUIRE(canceled.ok());
  CAF_CHECK(canceled.value.status == order_status::canceled);
  CAF_CHECK(eventually([&] { return has_event(execution_type::canceled); }));
  CAF_CHECK_EQUAL(ws.tls_failures(), 0u);
  CAF_CHECK_EQUAL(uds.frame_errors(), 0u);

  CAF_CHECK(eventually([&] { return trades.load() > 0 && stream.book_synced(0); }));
  CAF_MESSAGE("wss market stream: frames=" << stream.frames() << " trades=" << trades.load()
                                           << " snapshots=" << stream.snapshots()
                                           << " parse_errors=" << stream.parse_errors());
  CAF_CHECK(stream.connected());
  CAF_CHECK_EQUAL(stream.tls_failures(), 0u);
  CAF_CHECK_EQUAL(stream.parse_errors(), 0u);
  stream.stop();
  uds.stop();

  // Another CA: every WebSocket is refused in the TLS handshake, before the
  // upgrade request (let alone a subscription or an order) is written.
  market_stream wrong_stream(stream_config(venue.port, other_ca), [](market_batch&&) {});
  wrong_stream.start();
  user_data_stream wrong_uds(uds_config(venue.port, other_ca), {});
  wrong_uds.start();
  ws_api_orders wrong_ws(ws_config(venue.port, other_ca));
  auto refused = wrong_ws.place_order(resting_buy("wss2"));
  CAF_MESSAGE("wrong CA, order entry: " << refused.detail);
  CAF_CHECK(refused.kind == reply_kind::not_sent);
  CAF_CHECK(says_unverified(refused.detail));
  CAF_CHECK_EQUAL(wrong_ws.tls_failures(), 1u);
  CAF_CHECK_EQUAL(wrong_ws.requests(), 0u);
  CAF_CHECK(eventually([&] { return wrong_stream.tls_failures() >= 2 && wrong_uds.tls_failures() >= 2; }));
  CAF_MESSAGE("wrong CA, market stream: " << wrong_stream.last_connect_error());
  CAF_MESSAGE("wrong CA, user-data stream: " << wrong_uds.last_error());
  CAF_CHECK(says_unverified(wrong_stream.last_connect_error()));
  CAF_CHECK(says_unverified(wrong_uds.last_error()));
  CAF_CHECK(!wrong_stream.connected());
  CAF_CHECK_EQUAL(wrong_stream.frames(), 0u);
  CAF_CHECK_EQUAL(wrong_uds.subscriptions(), 0u);
  CAF_CHECK_EQUAL(wrong_uds.frames(), 0u);
  wrong_stream.stop();
  wrong_uds.stop();
  // The order the refused connection carried never reached the venue.
  CAF_CHECK(rest.query_order(usdchf(), client_order_id{"wss2"}).kind == reply_kind::rejected);

  // Plain ws to the TLS listener is no connection either.
  auto plain = ws_config(venue.port, good_ca);
  plain.tls = false;
  ws_api_orders cleartext(plain);
  CAF_CHECK(!cleartext.place_order(resting_buy("wss3")).ok());

  CAF_CHECK(validate(stream_config(venue.port, certs.base + "/missing.pem")).find("ca_file: ") == 0);
  CAF_CHECK(validate(uds_config(venue.port, certs.base + "/missing.pem")).find("ca_file: ") == 0);
  CAF_CHECK(validate(ws_config(venue.port, certs.base + "/missing.pem")).find("ca_file: ") == 0);
}
