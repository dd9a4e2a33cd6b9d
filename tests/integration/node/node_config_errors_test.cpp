// cwts-node refuses a bad configuration: it exits non-zero and its stderr
// names the offending key. No venue is needed: validation comes first.
#define CAF_SUITE node_config_errors
#include "tests/support/unit_test.hpp"

#include <algorithm>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/integration/support/cluster.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

struct fixture {
  cluster_paths paths = cluster_paths::from_env();
  std::string dir = make_test_dir("node_config_errors");

  fixture() {
    // The environment would win over the credentials file.
    ::unsetenv("CWTS_VENUE_API_KEY");
    ::unsetenv("CWTS_VENUE_SECRET");
    ::unsetenv("CWTS_VENUE_PASSPHRASE");
  }

  // Runs cwts-node on config/node.ini with `bad` added; a node that accepted
  // the config anyway stops by itself after 3 s.
  command_result run_with(const std::string& bad) {
    return run_with(std::vector<std::string>{bad});
  }

  command_result run_with(const std::vector<std::string>& bad) {
    std::vector<std::string> extra{"--cwts.duration=3", "--oms.journal-path=" + dir + "/oms.sqlite"};
    extra.insert(extra.end(), bad.begin(), bad.end());
    auto argv = node_argv(paths, "node.ini", 1, free_port(), extra);
    return run_command("node", std::move(argv), dir, 30s);
  }

  void expect_refused(const std::string& bad, const std::string& key) {
    expect_refused(std::vector<std::string>{bad}, key);
  }

  void expect_refused(const std::vector<std::string>& bad_args, const std::string& key) {
    auto res = run_with(bad_args);
    auto bad = bad_args.front();
    CAF_MESSAGE(bad << " -> rc=" << res.exit_code << " stderr: " << tail(res.err, 600));
    CAF_CHECK(!res.timed_out);
    CAF_CHECK_NOT_EQUAL(res.exit_code, 0);
    if (res.err.find(key) == std::string::npos)
      CAF_FAIL("stderr does not name '" << key << "' for " << bad << ": " << res.err);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(node_config_errors_tests, fixture)

CAF_TEST(the_paths_are_set) {
  auto missing = paths.missing();
  CAF_REQUIRE_EQUAL(missing, "");
  CAF_REQUIRE(!dir.empty());
}

CAF_TEST(the_default_config_is_accepted) {
  // The baseline: without a bad value the node starts and stops cleanly
  // (venue port 1 is unreachable, which is not a config error).
  auto res = run_with("--cwts.summary-interval-ms=1000");
  CAF_MESSAGE("rc=" << res.exit_code << " stderr: " << tail(res.err, 600));
  CAF_CHECK(!res.timed_out);
  CAF_CHECK_EQUAL(res.exit_code, 0);
}

CAF_TEST(a_node_key_listed_for_another_node_is_refused) {
  // node-solo signs solo's votes and heartbeats; under another node id it
  // would sign in a name its peers do not check it against.
  // (The key is named explicitly: config/node.ini names node-<node-id>.)
  expect_refused({"--cwts.node-id=cfgok", "--kill.node-key-name=node-solo",
                  "--kill.node-key-file=" + paths.node_key("solo")},
                 "kill.node-key-name: 'node-solo' must be listed with node = \"cfgok\"");
}

CAF_TEST(non_decimal_max_order_qty_names_the_key) {
  expect_refused("--risk.max-order-qty=abc", "risk.max-order-qty");
}

CAF_TEST(unknown_role_names_the_key) {
  expect_refused("--cwts.roles=[\"bogus\"]", "cwts.roles");
}

CAF_TEST(malformed_symbol_names_the_key) {
  expect_refused("--venue.symbols=[\"usd chf\"]", "venue.symbols");
}

CAF_TEST(missing_credentials_file_names_the_key) {
  expect_refused("--venue.credentials-file=/nonexistent", "venue.credentials-file");
}

CAF_TEST(missing_operators_file_names_the_key) {
  expect_refused("--operators.file=/nonexistent/operators.ini", "operators.file");
}

CAF_TEST(operator_with_unknown_role_names_the_key_and_the_section) {
  // A valid key file (the demo's) under a role the node does not know.
  auto ini = dir + "/bad-operators.ini";
  std::ofstream(ini) << "[operator.alice]\npublic-key-file = \""
                     << paths.operator_public_key("alice") << "\"\nroles = \"admin\"\n";
  expect_refused("--operators.file=" + ini, "operators.file");
  expect_refused("--operators.file=" + ini, "[operator.alice] roles: unknown role 'admin'");
}

CAF_TEST(node_key_not_listed_with_role_kill_names_the_key) {
  expect_refused("--kill.node-key-name=alice-typo", "kill.node-key-name");
}

CAF_TEST(node_key_file_of_another_node_names_the_key) {
  expect_refused("--kill.node-key-file=" + paths.node_key("gw1"), "kill.node-key-file");
}

CAF_TEST(a_cluster_port_without_tls_is_refused_unless_plain_tcp_is_asked_for) {
  // node-trading.ini leaves plain-tcp at its default (false) and names no
  // certificate: its CAF port would take any local process unauthenticated.
  auto argv = node_argv(paths, "node-trading.ini", 1, free_port(),
                        {"--cwts.duration=3", "--oms.journal-path=" + dir + "/oms.sqlite"});
  argv.erase(std::remove(argv.begin(), argv.end(), std::string("--cluster.plain-tcp")), argv.end());
  auto res = run_command("node", argv, dir, 30s);
  CAF_MESSAGE("rc=" << res.exit_code << " stderr: " << tail(res.err, 600));
  CAF_CHECK_EQUAL(res.exit_code, 2);
  CAF_CHECK(res.err.find("without TLS: any local process could reach this node's actors "
                         "unauthenticated") != std::string::npos);
  CAF_CHECK(res.err.find("cluster.plain-tcp") != std::string::npos);
}

CAF_TEST(bad_kill_fanout_keys_name_the_key) {
  expect_refused("--kill.fanout=2", "kill.fanout: 2 is not 0 (off) or 1 (on)");
  expect_refused("--kill.caf-echo=7", "kill.caf-echo");
  expect_refused("--kill.fanout-port-offset=0", "kill.fanout-port-offset: 0 is outside 1..30000");
  expect_refused("--kill.fanout-host=", "kill.fanout-host");
}

CAF_TEST(a_cluster_host_that_is_not_an_ipv4_address_is_refused) {
  // Peers dial it and a TLS peer checks the certificate names it: a host
  // name or a wildcard would bind something nobody can verify.
  expect_refused("--cluster.host=gw1.example", "cluster.host: 'gw1.example' is not an IPv4 address");
  expect_refused("--cluster.host=0.0.0.0", "cluster.host: '0.0.0.0' is not an IPv4 address");
  expect_refused("--cluster.host=10.1.2", "cluster.host");
}

CAF_TEST(ws_api_pipeline_bounds_name_the_key) {
  expect_refused("--venue.ws-api-max-in-flight=0", "venue.ws-api-max-in-flight: must be 1..1024");
  expect_refused("--venue.ws-api-max-in-flight=5000", "venue.ws-api-max-in-flight");
  expect_refused("--venue.ws-api-max-queued=-1", "venue.ws-api-max-queued: must be 0..65536");
}

// A node that must notify its kills and cannot open its outbox does not
// start (docs/kill-switch.md "Compliance channel").
CAF_TEST(a_compliance_outbox_that_cannot_open_stops_the_node_naming_the_key) {
  expect_refused(std::vector<std::string>{"--compliance.endpoint=http://127.0.0.1:9/kills",
                                          // A folder, not a file: SQLite cannot open it.
                                          "--compliance.outbox=/tmp"},
                 "compliance.outbox: cannot open");
}

CAF_TEST(unknown_option_names_the_option) {
  expect_refused("--nonsense=1", "nonsense");
}

// [venue] protocol = okx (issue 19): its keys and the account's passphrase.
CAF_TEST(unknown_protocol_names_the_key) {
  expect_refused("--venue.protocol=okex", "venue.protocol: 'okex' is not binance, fix, okx or kraken");
}

CAF_TEST(okx_dead_mans_switch_outside_okx_range_names_the_key) {
  expect_refused(std::vector<std::string>{"--venue.protocol=okx", "--venue.dead-mans-switch-ms=5000"},
                 "venue.dead-mans-switch-ms: 5000 is outside 10000..120000");
  expect_refused(std::vector<std::string>{"--venue.protocol=okx", "--venue.dead-mans-switch-ms=120001"},
                 "venue.dead-mans-switch-ms: 120001 is outside 10000..120000");
  expect_refused(std::vector<std::string>{"--venue.protocol=okx", "--venue.dead-mans-switch-ms=15500"},
                 "venue.dead-mans-switch-ms: 15500 is not whole seconds");
}

CAF_TEST(dead_mans_switch_without_okx_names_the_key) {
  expect_refused("--venue.dead-mans-switch-ms=30000",
                 "venue.dead-mans-switch-ms: only protocol = okx or kraken has a venue dead-man's switch");
}

CAF_TEST(okx_ws_orders_must_be_on_or_off) {
  expect_refused(std::vector<std::string>{"--venue.protocol=okx", "--venue.okx-ws-orders=maybe"},
                 "venue.okx-ws-orders: 'maybe' is not on or off");
}

CAF_TEST(okx_without_passphrase_names_the_account) {
  auto keys = dir + "/keys-without-passphrase.ini";
  std::ofstream(keys) << "[account.demo]\napi-key = k\nsecret = s\n";
  expect_refused(std::vector<std::string>{"--venue.protocol=okx", "--venue.credentials-file=" + keys},
                 "venue.account: 'demo' has no passphrase");
  // Binance needs none: the same file is accepted there.
  auto res = run_with(std::vector<std::string>{"--venue.credentials-file=" + keys});
  CAF_CHECK_EQUAL(res.exit_code, 0);
}

CAF_TEST(okx_config_is_accepted) {
  // The demo keys carry a passphrase; the venue (port 1) is unreachable,
  // which is not a config error: the node starts and stops cleanly.
  auto res = run_with(std::vector<std::string>{"--venue.protocol=okx", "--venue.dead-mans-switch-ms=30000",
                       "--venue.okx-ws-orders=off"});
  CAF_MESSAGE("rc=" << res.exit_code << " stderr: " << tail(res.err, 600));
  CAF_CHECK(!res.timed_out);
  CAF_CHECK_EQUAL(res.exit_code, 0);
}

// [venue] protocol = kraken (issue 20): its keys and the base64 secret.
CAF_TEST(kraken_dead_mans_switch_outside_kraken_range_names_the_key) {
  expect_refused(std::vector<std::string>{"--venue.protocol=kraken", "--venue.dead-mans-switch-ms=500"},
                 "venue.dead-mans-switch-ms: 500 is outside 10000..86400000");
  // A 1 s switch refreshed every third of a second from the worker that also
  // runs 2 s REST calls would fire on a live node: 10 s is the floor.
  expect_refused(std::vector<std::string>{"--venue.protocol=kraken", "--venue.dead-mans-switch-ms=1000"},
                 "venue.dead-mans-switch-ms: 1000 is outside 10000..86400000 (Kraken's "
                 "CancelAllOrdersAfter takes up to 86400 s; under 10 s a refresh delayed by the "
                 "worker's REST calls lets it fire on a live node; or 0: off)");
  expect_refused(std::vector<std::string>{"--venue.protocol=kraken", "--venue.dead-mans-switch-ms=9000"},
                 "venue.dead-mans-switch-ms: 9000 is outside 10000..86400000");
  expect_refused(std::vector<std::string>{"--venue.protocol=kraken", "--venue.dead-mans-switch-ms=86401000"},
                 "venue.dead-mans-switch-ms: 86401000 is outside 10000..86400000");
  expect_refused(std::vector<std::string>{"--venue.protocol=kraken", "--venue.dead-mans-switch-ms=15500"},
                 "venue.dead-mans-switch-ms: 15500 is not whole seconds");
}

CAF_TEST(kraken_ws_orders_must_be_on_or_off) {
  expect_refused(std::vector<std::string>{"--venue.protocol=kraken", "--venue.kraken-ws-orders=yes"},
                 "venue.kraken-ws-orders: 'yes' is not on or off");
}

CAF_TEST(nonce_file_only_for_kraken) {
  expect_refused("--venue.nonce-file=" + dir + "/n.nonce",
                 "venue.nonce-file: only protocol = kraken keeps a nonce file");
  expect_refused(std::vector<std::string>{"--venue.protocol=kraken", "--venue.nonce-file=" + dir + "/"},
                 "venue.nonce-file:");
}

CAF_TEST(kraken_secret_must_be_base64) {
  auto keys = dir + "/keys-not-base64.ini";
  std::ofstream(keys) << "[account.demo]\napi-key = k\nsecret = not*base64!\n";
  expect_refused(std::vector<std::string>{"--venue.protocol=kraken", "--venue.credentials-file=" + keys},
                 "venue.account: the secret of 'demo' is not valid base64");
  // Binance signs with the text itself: the same file is accepted there.
  auto res = run_with(std::vector<std::string>{"--venue.credentials-file=" + keys});
  CAF_CHECK_EQUAL(res.exit_code, 0);
}

CAF_TEST(kraken_config_is_accepted) {
  // The demo secrets are base64; the venue (port 1) is unreachable, which is
  // not a config error: the node starts and stops cleanly, its nonce folder made.
  auto nonce = dir + "/kraken-run/<node-id>-<venue>.nonce";
  auto res = run_with(std::vector<std::string>{"--venue.protocol=kraken", "--venue.dead-mans-switch-ms=30000",
                       "--venue.kraken-ws-orders=off", "--venue.nonce-file=" + nonce});
  CAF_MESSAGE("rc=" << res.exit_code << " stderr: " << tail(res.err, 600));
  CAF_CHECK(!res.timed_out);
  CAF_CHECK_EQUAL(res.exit_code, 0);
  CAF_CHECK(std::filesystem::is_directory(dir + "/kraken-run"));
}

// [lease] (docs/supervision.md "Trading lease"): ranges, and a renewal that
// does not fit three times into one grant.
CAF_TEST(bad_lease_settings_name_the_key) {
  expect_refused("--lease.duration-ms=50", "lease.duration-ms: 50 is outside 100..60000");
  expect_refused("--lease.renew-ms=5", "lease.renew-ms: 5 is outside 10..20000");
  expect_refused("--lease.drift-ppm=200000", "lease.drift-ppm: 200000 is outside 0..100000");
  expect_refused(std::vector<std::string>{"--lease.duration-ms=900", "--lease.renew-ms=400"},
                 "lease.renew-ms: 400 is not well under lease.duration-ms (900)");
}

CAF_TEST_FIXTURE_SCOPE_END()
