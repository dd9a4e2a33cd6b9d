// The connector's REST gateway over https against a real cwts-venue with TLS
// on (certificates from scripts/gen-certs): with the venue's CA configured
// the clock sync, an order and its cancel succeed; with another CA the
// handshake fails, nothing is sent, and the reason says the certificate did
// not verify; a CA file that cannot be read is a config error naming the key.
#define CAF_SUITE connector_tls_integration
#include "caf/test/unit_test_impl.hpp"

#include <cstdlib>

#include "actors/connector/binance_rest_gateway.hpp"
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
