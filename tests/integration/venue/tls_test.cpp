// TLS on the venue's listener (docs/venue.md "TLS"): certificates made by
// scripts/gen-certs into a temporary folder, the real cwts-venue started with
// --tls-cert/--tls-key, and clients that verify the peer: the CA loaded and
// the host name (127.0.0.1) checked. REST over https, a wss market stream and
// the WebSocket API over wss work; a client trusting another CA fails the
// handshake, and the venue counts it.
#define CAF_SUITE venue_tls
#include "tests/support/unit_test.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <climits>
#include <cstdlib>
#include <string>

#include "venue_client.hpp"

namespace {

namespace ssl = asio::ssl;
using https_stream = beast::ssl_stream<beast::tcp_stream>;
using wss_stream = beast::websocket::stream<https_stream>;

// The repository root, from the config path given after "--".
std::string source_dir(const std::string& config) {
  char full[PATH_MAX] = {0};
  CAF_REQUIRE(realpath(config.c_str(), full) != nullptr);
  std::string path = full;
  return path.substr(0, path.rfind("/config/"));
}

struct cert_dirs {
  std::string good, other; // two CAs; the venue's leaf is signed by `good`
  cert_dirs(const std::string& root) {
    char tmpl[] = "/tmp/cwts-venue-tls-XXXXXX";
    CAF_REQUIRE(mkdtemp(tmpl) != nullptr);
    good = std::string(tmpl) + "/ca1";
    other = std::string(tmpl) + "/ca2";
    auto script = root + "/scripts/gen-certs";
    CAF_REQUIRE(std::system((script + " " + good + " server >/dev/null").c_str()) == 0);
    CAF_REQUIRE(std::system((script + " " + other + " server >/dev/null").c_str()) == 0);
    base = tmpl;
  }
  ~cert_dirs() {
    if (!base.empty()) std::system(("rm -rf " + base).c_str());
  }
  std::string base;
};

// A client context that verifies the venue: this CA only, TLS 1.2+.
ssl::context client_context(const std::string& ca_file) {
  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file(ca_file);
  ctx.set_verify_mode(ssl::verify_peer);
  return ctx;
}

// TCP connect, SNI, host name check and the TLS handshake.
void connect_tls(https_stream& s, int port, beast::error_code& ec) {
  beast::get_lowest_layer(s).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(s).connect(
    tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)));
  SSL_set_tlsext_host_name(s.native_handle(), "127.0.0.1");
  s.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
  s.handshake(ssl::stream_base::client, ec);
}

reply https_get(ssl::context& ctx, int port, const std::string& target) {
  asio::io_context ioc;
  https_stream s(ioc, ctx);
  beast::error_code ec;
  connect_tls(s, port, ec);
  CAF_REQUIRE(!ec);
  http::request<http::string_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(s, req);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(s, buf, res);
  return {static_cast<int>(res.result_int()), res.body(), "", "", ""};
}

void open_wss(wss_stream& ws, int port, const std::string& target) {
  beast::error_code ec;
  connect_tls(ws.next_layer(), port, ec);
  CAF_REQUIRE(!ec);
  beast::get_lowest_layer(ws).expires_never();
  beast::websocket::stream_base::timeout t = beast::websocket::stream_base::timeout::suggested(
    beast::role_type::client);
  t.handshake_timeout = std::chrono::seconds(10);
  t.idle_timeout = std::chrono::seconds(10); // bounds every read below
  ws.set_option(t);
  ws.handshake("127.0.0.1", target);
}

std::string read_text(wss_stream& ws) {
  beast::flat_buffer buf;
  beast::error_code ec;
  ws.read(buf, ec);
  CAF_REQUIRE(!ec);
  return beast::buffers_to_string(buf.data());
}

} // namespace

CAF_TEST(venue_serves_https_and_wss_with_a_verified_certificate) {
  CAF_REQUIRE(caf::test::engine::argc() >= 3);
  std::string binary = caf::test::engine::argv()[1], config = caf::test::engine::argv()[2];
  cert_dirs certs(source_dir(config));
  venue_process venue(binary, config, "2000",
                      {"--tls-cert", certs.good + "/server.pem", "--tls-key",
                       certs.good + "/server.key"});
  CAF_CHECK(contains(venue.listening_line, " tls=on"));

  auto ctx = client_context(certs.good + "/ca.pem");
  auto time = https_get(ctx, venue.port, "/api/v3/time");
  CAF_CHECK_EQUAL(time.status, 200);
  CAF_CHECK(contains(time.body, "{\"serverTime\":"));
  auto info = https_get(ctx, venue.port, "/api/v3/exchangeInfo?symbol=USDCHF");
  CAF_CHECK_EQUAL(info.status, 200);
  CAF_CHECK(contains(info.body, "\"symbol\":\"USDCHF\""));
  auto bad = https_get(ctx, venue.port, "/api/v3/depth?symbol=NOPE");
  CAF_CHECK_EQUAL(bad.status, 400);
  CAF_CHECK_EQUAL(bad.body, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}");

  // A wss market stream: the replay prints trades at speed 2000.
  {
    asio::io_context ioc;
    wss_stream ws(ioc, ctx);
    open_wss(ws, venue.port, "/ws/usdchf@trade");
    auto frame = read_text(ws);
    CAF_CHECK(contains(frame, "\"e\":\"trade\""));
    CAF_CHECK(contains(frame, "\"s\":\"USDCHF\""));
  }
  // The WebSocket API over wss.
  {
    asio::io_context ioc;
    wss_stream ws(ioc, ctx);
    open_wss(ws, venue.port, "/ws-api/v3");
    ws.write(asio::buffer(std::string(R"({"id":7,"method":"ping"})")));
    auto frame = read_text(ws);
    CAF_CHECK(contains(frame, "\"id\":7,\"status\":200,\"result\":{}"));
  }
}

CAF_TEST(venue_tls_refuses_clients_that_trust_another_ca) {
  CAF_REQUIRE(caf::test::engine::argc() >= 3);
  std::string binary = caf::test::engine::argv()[1], config = caf::test::engine::argv()[2];
  cert_dirs certs(source_dir(config));
  venue_process venue(binary, config, "2000",
                      {"--tls-cert", certs.good + "/server.pem", "--tls-key",
                       certs.good + "/server.key"});

  // Verification on, the other CA loaded: the handshake fails on our side.
  auto wrong = client_context(certs.other + "/ca.pem");
  asio::io_context ioc;
  https_stream s(ioc, wrong);
  beast::error_code ec;
  connect_tls(s, venue.port, ec);
  CAF_CHECK(ec);
  CAF_MESSAGE("handshake with the wrong CA: " << ec.message());

  // A plain-HTTP client on the TLS port gets no HTTP answer.
  {
    asio::io_context plain_ioc;
    beast::tcp_stream plain(plain_ioc);
    plain.expires_after(std::chrono::seconds(10));
    plain.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                                static_cast<uint16_t>(venue.port)));
    http::request<http::string_body> req{http::verb::get, "/api/v3/ping", 11};
    req.set(http::field::host, "127.0.0.1");
    http::write(plain, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    beast::error_code read_ec;
    http::read(plain, buf, res, read_ec);
    CAF_CHECK(read_ec);
  }

  // The right CA still works after, and the venue counted both failures.
  auto ctx = client_context(certs.good + "/ca.pem");
  auto stats = https_get(ctx, venue.port, "/venue/stats");
  CAF_CHECK_EQUAL(stats.status, 200);
  CAF_CHECK_GREATER_OR_EQUAL(int_field(stats.body, "tlsHandshakeFailures"), 2);
}
