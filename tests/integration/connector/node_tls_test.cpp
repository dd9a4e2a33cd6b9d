// A cwts-node with `--venue.tls` (a CAF flag; `tls=true` in the INI) and the
// venue's CA against a cwts-venue serving https and wss (scripts/gen-certs):
// REST, the market
// stream, the user-data stream and WebSocket API order entry all go over
// TLS with the certificate verified, and the strategy's orders are filled.
// With another CA every connection is refused and the node logs
// event=venue_tls_refused with the reason; a CA file that cannot be read
// stops the node with a message naming venue.ca-file. Asserts outcomes, never timings; every wait is bounded.
#define CAF_SUITE connector_node_tls
#include "tests/support/unit_test.hpp"

#include <cstdlib>

#include "tests/integration/support/cluster.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

struct fixture {
  cluster_paths paths = cluster_paths::from_env();
  std::string dir = make_test_dir("connector_node_tls");
  std::string certs = dir + "/certs";

  fixture() {
    ::unsetenv("CWTS_VENUE_API_KEY"); // the demo credentials file is used
    ::unsetenv("CWTS_VENUE_SECRET");
  }

  bool make_certs() {
    std::string cmd = CWTS_SOURCE_DIR "/scripts/gen-certs " + certs + " server >/dev/null";
    return std::system(cmd.c_str()) == 0;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(connector_node_tls_tests, fixture)

CAF_TEST(a_node_trades_over_tls_with_the_venue_verified) {
  CAF_REQUIRE_EQUAL(paths.missing(), "");
  CAF_REQUIRE(!dir.empty());
  CAF_REQUIRE(make_certs());
  child_process venue("venue",
                      {paths.venue_bin, "--config", paths.config("venue.ini"), "--port", "0",
                       "--speed", "300", "--tls-cert", certs + "/server.pem", "--tls-key",
                       certs + "/server.key"},
                      dir);
  const std::string marker = "cwts-venue listening host=127.0.0.1 port=";
  auto line = venue.wait_for_line(
    stream::out, [&](const std::string& l) { return l.rfind(marker, 0) == 0; }, 30s);
  CAF_REQUIRE(line.has_value());
  CAF_REQUIRE(line->find(" tls=on") != std::string::npos);
  auto venue_port = static_cast<uint16_t>(std::strtol(line->c_str() + marker.size(), nullptr, 10));
  CAF_REQUIRE(venue_port != 0);
  auto cluster_port = free_port();
  CAF_REQUIRE(cluster_port != 0);

  child_process node("node",
                     node_argv(paths, "node.ini", venue_port, cluster_port,
                               {"--venue.tls", "--venue.ca-file=" + certs + "/ca.pem",
                                "--venue.ws-api-orders"}),
                     dir, dir);
  CAF_REQUIRE(node.started());
  auto st = wait_for_status(
    paths, dir, cluster_port,
    [](const node_status_view& s) {
      // A fill can reach the OMS (user data stream) before the connector
      // has counted how the order went out (its WebSocket API completion):
      // wait for that count too, either way, so the checks below judge it.
      return s.counter_or_zero("oms", "status.FILLED") >= 1
             && s.counter_or_zero("connector.binance", "uds_subscribed") == 1
             && s.counter_or_zero("connector.binance", "md.frames.trade") >= 1
             && s.counter_or_zero("connector.binance", "orders.ws_api")
                    + s.counter_or_zero("connector.binance", "orders.ws_api_fallbacks") >= 1;
    },
    45s);
  if (!st.met)
    CAF_MESSAGE("last status:\n" << st.last.text << "node stderr:\n" << tail(node.err()));
  CAF_REQUIRE(st.met);
  auto& s = st.last;
  CAF_MESSAGE("over TLS: orders.ws_api=" << s.counter_or_zero("connector.binance", "orders.ws_api")
              << " stream_frames=" << s.counter_or_zero("connector.binance", "stream_frames")
              << " uds_events=" << s.counter_or_zero("connector.binance", "uds_events")
              << " filled=" << s.counter_or_zero("oms", "status.FILLED"));
  CAF_CHECK_GREATER_OR_EQUAL(s.counter_or_zero("connector.binance", "orders.ws_api"), 1);
  CAF_CHECK_EQUAL(s.counter_or_zero("connector.binance", "orders.ws_api_fallbacks"), 0);
  CAF_CHECK_EQUAL(s.counter_or_zero("connector.binance", "md.tls_failures"), 0);
  CAF_CHECK_EQUAL(s.counter_or_zero("connector.binance", "uds_tls_failures"), 0);
  CAF_CHECK_EQUAL(s.counter_or_zero("connector.binance", "stream_parse_errors"), 0);
  CAF_CHECK_EQUAL(s.mode, "ACTIVE");
  node.stop();
}

CAF_TEST(a_node_with_another_ca_refuses_the_venue_and_says_so) {
  CAF_REQUIRE_EQUAL(paths.missing(), "");
  CAF_REQUIRE(make_certs());
  std::string other = dir + "/other";
  CAF_REQUIRE(std::system((CWTS_SOURCE_DIR "/scripts/gen-certs " + other + " server >/dev/null").c_str())
              == 0);
  child_process venue("venue",
                      {paths.venue_bin, "--config", paths.config("venue.ini"), "--port", "0",
                       "--speed", "300", "--tls-cert", certs + "/server.pem", "--tls-key",
                       certs + "/server.key"},
                      dir);
  const std::string marker = "cwts-venue listening host=127.0.0.1 port=";
  auto line = venue.wait_for_line(
    stream::out, [&](const std::string& l) { return l.rfind(marker, 0) == 0; }, 30s);
  CAF_REQUIRE(line.has_value());
  auto venue_port = static_cast<uint16_t>(std::strtol(line->c_str() + marker.size(), nullptr, 10));
  child_process node("node",
                     node_argv(paths, "node.ini", venue_port, free_port(),
                               {"--venue.tls", "--venue.ca-file=" + other + "/ca.pem",
                                "--oms.journal-path=" + dir + "/oms-other.sqlite"}),
                     dir, dir);
  CAF_REQUIRE(node.started());
  auto refused = node.wait_for_line(
    stream::err,
    [](const std::string& l) {
      return l.find("event=venue_tls_refused stream=market") != std::string::npos
             && l.find("certificate verify failed") != std::string::npos;
    },
    30s);
  if (!refused)
    CAF_MESSAGE("node stderr:\n" << tail(node.err()));
  CAF_CHECK(refused.has_value());
  node.stop();
}

CAF_TEST(an_unreadable_ca_file_stops_the_node) {
  auto argv = node_argv(paths, "node.ini", 1, free_port(),
                        {"--cwts.duration=3", "--oms.journal-path=" + dir + "/oms.sqlite",
                         "--venue.tls", "--venue.ca-file=" + dir + "/no-such-ca.pem"});
  auto res = run_command("node", std::move(argv), dir, 30s);
  CAF_MESSAGE("rc=" << res.exit_code << " stderr: " << tail(res.err, 600));
  CAF_CHECK(!res.timed_out);
  CAF_CHECK_NOT_EQUAL(res.exit_code, 0);
  CAF_CHECK(res.err.find("venue.ca-file") != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
