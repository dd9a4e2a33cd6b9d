// node_config validated in-process (issue 26): INI text read through the
// code path cwts-node uses (node_config::parse, then settings()), without
// launching a node. Defaults come from the actors' own structs, duration
// keys take units or bare milliseconds, a bad value's error names the key
// and the reason, and the actor configs built from the settings carry the
// values.
#define CAF_SUITE node_config
#include "tests/support/unit_test.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "common/operator_auth.hpp"
#include "nodes/node/cluster_link.hpp"
#include "nodes/node/node_config.hpp"
#include "nodes/node/node_roles.hpp"

using namespace cwts;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

void write(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file);
  out << text;
}

struct fixture {
  std::filesystem::path dir;

  // A trading node's minimal config: its own node key listed in its own
  // operators file, every file it writes inside `dir`. The venue and risk
  // keys are those settings() requires; nothing else is set, so whatever
  // the test does not write keeps its default.
  fixture() {
    auto base = std::filesystem::temp_directory_path() / "cwts-node-config-test";
    std::filesystem::create_directories(base);
    char tmpl[] = "run-XXXXXX";
    auto made = (base / tmpl).string();
    dir = ::mkdtemp(made.data());
    auto key = ed25519_signer::generate();
    write(dir / "node.pem", key.private_pem());
    write(dir / "node.pub.pem", key.public_pem());
    write(dir / "operators.ini", "[operator.node-solo]\npublic-key-file = \"node.pub.pem\"\n"
                                 "roles = \"kill\"\nnode = \"solo\"\n");
  }

  ~fixture() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  std::string base_ini() const {
    auto d = dir.string();
    return "[cwts]\nnode-id=\"solo\"\nroles=[\"trading\"]\n"
           "[venue]\nport=8090\nsymbols=[\"USDCHF\"]\n"
           "[risk]\nmax-order-qty=\"100\"\nmax-order-notional=\"200\"\nmax-position=\"200\"\n"
           "tick-size=\"0.0001\"\nlot-step=\"1\"\nmin-notional=\"1\"\ncredit-limit=\"1000\"\n"
           "loss-limit=\"50\"\ndrawdown-limit=\"50\"\nprice-collar-bps=100\n"
           "max-messages-per-second=50\nmax-fills-per-window=200\nfill-window-ms=1000\n"
           "decisions-path=\""
           + d + "/risk.log\"\n"
           "[strategy]\norder-qty=\"10\"\nmax-inventory=\"100\"\n"
           "[oms]\njournal-path=\"" + d + "/oms.sqlite\"\n"
           "[operators]\nfile=\"operators.ini\"\n"
           "[kill]\nnode-key-name=\"node-solo\"\nnode-key-file=\"node.pem\"\n"
           "audit-path=\"" + d + "/audit.log\"\nstate-path=\"" + d + "/halt.state\"\n"
           "[lease]\nstate-path=\"" + d + "/lease.state\"\n"
           "[trace]\ndir=\"" + d + "/trace\"\n";
  }

  // The node's settings from base_ini() + `more` (INI text; a section
  // repeated later adds to it) and `args` (--section.key=value), read as
  // run_node reads them. nullopt with `error`: the command line's or
  // settings()'s.
  std::optional<node_settings> load(const std::string& more,
                                    const std::vector<std::string>& args = {}) {
    write(dir / "node.ini", base_ini() + more);
    std::vector<std::string> words{"node_config_test", "--config-file=" + (dir / "node.ini").string()};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& w : words)
      argv.push_back(w.data());
    cfg.emplace();
    if (auto err = cfg->parse(static_cast<int>(argv.size()), argv.data())) {
      error = caf::actor_system_config::render(err);
      return std::nullopt;
    }
    error.clear();
    return cfg->settings(error);
  }

  std::optional<node_config> cfg;
  std::string error;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(node_config_tests, fixture)

CAF_TEST(the_base_config_is_accepted) {
  auto s = load("");
  CAF_MESSAGE(error);
  CAF_REQUIRE(s.has_value());
  CAF_CHECK_EQUAL(s->self.value, "solo");
  CAF_CHECK(s->has_role("trading"));
}

// One default per setting, in the struct the actor reads: a key the file
// does not set has exactly that value.
CAF_TEST(unset_keys_take_the_actor_structs_defaults) {
  auto s = load("");
  CAF_REQUIRE(s.has_value());
  const kill_tuning kill_defaults;
  CAF_CHECK(s->kill.min_halt == kill_defaults.min_halt);
  CAF_CHECK(s->kill.heartbeat_interval == kill_defaults.heartbeat_interval);
  CAF_CHECK(s->kill.quorum_timeout == kill_defaults.quorum_timeout);
  CAF_CHECK(s->kill.role_lost_halt == kill_defaults.role_lost_halt);
  CAF_CHECK_EQUAL(s->kill.fanout_realtime_priority, kill_defaults.fanout_realtime_priority);
  CAF_CHECK_EQUAL(s->kill.fanout_realtime_priority, 10); // docs/kill-switch.md
  CAF_CHECK_EQUAL(s->kill.caf_echo, kill_defaults.caf_echo);
  const admin::health_settings health_defaults;
  const auto& h = s->admin.health;
  CAF_CHECK(h.interval == health_defaults.interval);
  CAF_CHECK(h.reject_window == health_defaults.reject_window);
  CAF_CHECK_EQUAL(h.reject_min_orders, health_defaults.reject_min_orders);
  CAF_CHECK_EQUAL(h.order_latency_min_count, health_defaults.order_latency_min_count);
  CAF_CHECK_EQUAL(h.venue_kill_level, health_defaults.venue_kill_level);
  const venue_settings venue_defaults;
  CAF_CHECK(s->venue.lost_halt == venue_defaults.lost_halt);
  CAF_CHECK(s->venue.lost_halt == 5s);
  CAF_CHECK(s->venue.poll_interval == venue_defaults.poll_interval);
  CAF_CHECK(s->venue.request_timeout == venue_defaults.request_timeout);
  CAF_CHECK_EQUAL(s->venue.lost_rest_failures, venue_defaults.lost_rest_failures);
  CAF_CHECK(s->strategy.min_action_interval == 100ms);
  CAF_CHECK_EQUAL(s->strategy.half_spread_ticks, 2);
  CAF_CHECK(s->stale_halt == node_settings{}.stale_halt);
}

// The connector, market maker and risk structs are the ones the node's
// settings are made of: a connector or maker built directly (tests, benches)
// starts from the same defaults an operator's node does.
CAF_TEST(actor_structs_and_node_settings_share_defaults) {
  const connector_tuning tuning;
  const connector_actor_config connector;
  const venue_settings venue;
  CAF_CHECK(connector.lost_halt == 5s); // docs/connector.md: lost-halt-ms 5000
  CAF_CHECK(venue.lost_halt == tuning.lost_halt);
  CAF_CHECK(connector.lost_halt == tuning.lost_halt);
  CAF_CHECK(connector.poll_interval == venue.poll_interval);
  CAF_CHECK(connector.poll_interval_streaming == venue.poll_interval_streaming);
  CAF_CHECK_EQUAL(connector.lost_rest_failures, venue.lost_rest_failures);
  const strategy::market_maker_config maker;
  const strategy_settings strategy;
  CAF_CHECK_EQUAL(maker.half_spread_ticks, 2); // was 1 for a maker built directly, 2 for a node
  CAF_CHECK_EQUAL(maker.half_spread_ticks, strategy.half_spread_ticks);
  CAF_CHECK_EQUAL(maker.requote_threshold_ticks, strategy.requote_threshold_ticks);
  CAF_CHECK(maker.min_action_interval == strategy.min_action_interval);
  CAF_CHECK(maker.requote == strategy.requote);
  const risk::strategy_limits throttle;
  const risk_settings risk;
  CAF_CHECK_EQUAL(risk.max_messages_per_second, throttle.max_messages_per_second);
  CAF_CHECK_EQUAL(risk.max_fills_per_window, throttle.max_fills_per_window);
  CAF_CHECK_EQUAL(risk.fill_window_ms, throttle.fill_window_ms);
  CAF_CHECK_EQUAL(risk.price_collar_bps, risk::symbol_limits{}.price_collar_bps);
}

// Bare integers keep meaning milliseconds (every config written before
// units); a unit is CAF's timespan syntax, in the file or on the command line.
CAF_TEST(duration_keys_take_bare_milliseconds_and_units) {
  auto s = load("[kill]\nheartbeat-interval-ms=250\nquorum-timeout-ms=5s\n"
                "[venue]\nlost-halt-ms=1500ms\n[health]\ninterval-ms=2s\n",
                {"--kill.role-lost-halt-ms=2min", "--cluster.connect-timeout-ms=700"});
  CAF_MESSAGE(error);
  CAF_REQUIRE(s.has_value());
  CAF_CHECK(s->kill.heartbeat_interval == 250ms);
  CAF_CHECK(s->kill.quorum_timeout == 5000ms);
  CAF_CHECK(s->kill.role_lost_halt == 120000ms);
  CAF_CHECK(s->connect_timeout == 700ms);
  CAF_CHECK(s->venue.lost_halt == 1500ms);
  CAF_CHECK(s->admin.health.interval == 2s);
}

CAF_TEST(a_value_finer_than_a_millisecond_is_refused_on_the_command_line) {
  CAF_CHECK(!load("", {"--kill.heartbeat-interval-ms=1500us"}));
  CAF_CHECK(contains(error, "heartbeat-interval-ms"));
  CAF_CHECK(!load("", {"--kill.heartbeat-interval-ms=soon"}));
  CAF_CHECK(contains(error, "heartbeat-interval-ms"));
}

// CAF's INI reader would drop these silently (the key keeping its default).
CAF_TEST(a_value_of_the_wrong_type_in_the_file_names_the_key) {
  CAF_CHECK(!load("[kill]\nheartbeat-interval-ms=\"5s\"\n"));
  CAF_CHECK(contains(error, "kill.heartbeat-interval-ms: \"5s\" is not a duration"));
  CAF_CHECK(!load("[kill]\nheartbeat-interval-ms=1500us\n"));
  CAF_CHECK(contains(error, "kill.heartbeat-interval-ms: 1500us is not a duration"));
  CAF_CHECK(!load("[health]\nreject-min-orders=\"many\"\n"));
  CAF_CHECK(contains(error, "health.reject-min-orders: \"many\" is not a"));
}

// Numbers written bare or quoted are both read (bare ones were dropped
// before issue 26: the rules stayed off).
CAF_TEST(health_limits_take_bare_and_quoted_numbers) {
  auto s = load("[health]\nstale-data-s=10\nreject-ratio=0.5\norder-latency-p99-ms=\"250\"\n"
                "venue-disconnected-s=5\n[risk]\nmax-reject-ratio=0.25\n");
  CAF_MESSAGE(error);
  CAF_REQUIRE(s.has_value());
  CAF_CHECK_EQUAL(s->admin.health.stale_data_s, 10.0);
  CAF_CHECK_EQUAL(s->admin.health.reject_ratio, 0.5);
  CAF_CHECK_EQUAL(s->admin.health.order_latency_p99_s, 0.25);
  CAF_CHECK_EQUAL(s->admin.health.venue_disconnected_s, 5.0);
  CAF_CHECK_EQUAL(s->risk.max_reject_ratio, 0.25);
  CAF_CHECK(!load("", {"--health.reject-ratio=lots"}));
  CAF_CHECK_EQUAL(error, "health.reject-ratio: 'lots' is not a non-negative number");
}

// The shipped node configs pass the type check (their other errors here:
// keys and files this test does not have).
CAF_TEST(the_shipped_node_configs_have_no_dropped_value) {
  for (auto name : {"node.ini", "node-gateway.ini", "node-trading.ini"}) {
    auto file = std::string(CWTS_CONFIG_DIR) + "/" + name;
    auto d = dir.string(); // whatever the node would write goes there
    std::vector<std::string> words{"node_config_test", "--config-file=" + file,
                                   "--oms.journal-path=" + d + "/oms.sqlite",
                                   "--risk.decisions-path=" + d + "/risk.log",
                                   "--kill.audit-path=" + d + "/audit.log",
                                   "--kill.state-path=" + d + "/halt.state",
                                   "--lease.state-path=" + d + "/lease.state"};
    std::vector<char*> argv;
    for (auto& w : words)
      argv.push_back(w.data());
    node_config c;
    CAF_REQUIRE(!c.parse(static_cast<int>(argv.size()), argv.data()));
    std::string err;
    c.settings(err);
    CAF_MESSAGE(name << ": " << err);
    CAF_CHECK(!contains(err, "(" + file + ")"));
  }
}

// The error names the key and the reason, in the key's unit.
CAF_TEST(a_duration_out_of_range_names_the_key_and_its_range) {
  CAF_CHECK(!load("[kill]\nheartbeat-interval-ms=5\n"));
  CAF_CHECK_EQUAL(error, "kill.heartbeat-interval-ms: 5 is outside 10..60000");
  CAF_CHECK(!load("", {"--kill.heartbeat-interval-ms=2min"}));
  CAF_CHECK_EQUAL(error, "kill.heartbeat-interval-ms: 120000 is outside 10..60000");
  CAF_CHECK(!load("[kill]\nheartbeat-interval-ms=1s\nquorum-timeout-ms=4s\n"));
  CAF_CHECK_EQUAL(error, "kill.quorum-timeout-ms: 4000 is less than 5 x "
                         "kill.heartbeat-interval-ms (1000)");
  CAF_CHECK(!load("[market-data]\nstale-halt-ms=50\n"));
  CAF_CHECK_EQUAL(error, "market-data.stale-halt-ms: 50 is outside 100..86400000 (or 0: off)");
  CAF_CHECK(!load("", {"--venue.lost-halt-ms=-1"}));
  CAF_CHECK_EQUAL(error, "venue.lost-halt-ms: -1 is outside 100..86400000 (or 0: off)");
  CAF_CHECK(!load("", {"--venue.poll-interval-ms=500", "--venue.poll-interval-when-streaming-ms=400"}));
  CAF_CHECK_EQUAL(error, "venue.poll-interval-when-streaming-ms: 400 is outside 500..600000");
}

CAF_TEST(other_bad_values_name_the_key_and_the_reason) {
  CAF_CHECK(!load("[health]\nreject-kill-level=7\n"));
  CAF_CHECK_EQUAL(error, "health.reject-kill-level: 7 is outside 0..4");
  CAF_CHECK(!load("", {"--kill.fanout-realtime-priority=100"}));
  CAF_CHECK_EQUAL(error, "kill.fanout-realtime-priority: 100 is outside 0..99");
  // The command line overrides the file's "100" (the type check of the
  // file must not write the file's values back over it).
  CAF_CHECK(!load("", {"--risk.max-order-qty=abc"}));
  CAF_CHECK(contains(error, "risk.max-order-qty: 'abc' is not a decimal"));
  CAF_CHECK(!load("", {"--kill.required-roles=[\"bogus\"]"}));
  CAF_CHECK(contains(error, "kill.required-roles: 'bogus' is not a role"));
}

// cluster.peers: each peer a named member, listed once; the names decide
// which of two members dials their link (cluster_link.hpp: two nodes
// dialling each other at once left CAF routing each side's messages over a
// different connection, and every one arrived without a sender).
CAF_TEST(peers_are_named_members_listed_once) {
  std::string operators = "[operator.node-solo]\npublic-key-file = \"node.pub.pem\"\n"
                          "roles = \"kill\"\nnode = \"solo\"\n";
  for (std::string id : {"tr1", "w1"}) {
    auto key = ed25519_signer::generate();
    write(dir / (id + ".pub.pem"), key.public_pem());
    operators += "[operator.node-" + id + "]\npublic-key-file = \"" + id
                 + ".pub.pem\"\nroles = \"kill\"\nnode = \"" + id + "\"\n";
  }
  write(dir / "operators.ini", operators);
  std::string members = "--cluster.members=[\"solo\",\"tr1\",\"w1\"]";
  auto ok = load("", {members, "--cluster.peers=[\"tr1@127.0.0.1:47012\",\"w1@127.0.0.1:47013\"]"});
  CAF_CHECK_EQUAL(error, "");
  CAF_REQUIRE(ok.has_value());
  CAF_REQUIRE_EQUAL(ok->peers.size(), 2u);
  CAF_CHECK_EQUAL(ok->peers[0].id, "tr1");
  CAF_CHECK_EQUAL(ok->peers[1].port, 47013);
  CAF_CHECK(!load("", {members, "--cluster.peers=[\"127.0.0.1:47012\"]"}));
  CAF_CHECK(contains(error, "cluster.peers: '127.0.0.1:47012' names no node id (write "
                            "id@127.0.0.1:47012): of two members the one whose id sorts first "
                            "dials the other"));
  CAF_CHECK(!load("", {members, "--cluster.peers=[\"tr1@127.0.0.1:47012\",\"tr1@127.0.0.1:47013\"]"}));
  CAF_CHECK_EQUAL(error, "cluster.peers: 'tr1' is listed more than once");
}

// Of two distinct members exactly one dials their link, whichever asks.
CAF_TEST(exactly_one_of_two_members_dials_their_link) {
  std::vector<std::string> ids{"gw1", "gw2", "n5", "solo", "tr1", "tr2", "w1", "a", "ab"};
  for (auto& a : ids)
    for (auto& b : ids)
      if (a != b)
        CAF_CHECK_NOT_EQUAL(dials_link(a, b), dials_link(b, a));
  CAF_CHECK(dials_link("gw1", "w1"));
  CAF_CHECK(!dials_link("w1", "gw1"));
}

// [trace] (docs/tracing.md): a collector, the sampling and the batching;
// without a collector the span files' folder; bad values name the key.
CAF_TEST(trace_settings_are_read_and_bad_ones_name_the_key) {
  auto s = load("[trace]\ncollector=\"http://127.0.0.1:4318/v1/traces\"\nsample-ratio=0.25\n"
                "flush-interval-ms=50\nbatch-spans=100\n");
  CAF_REQUIRE(s.has_value());
  CAF_CHECK(s->trace.enabled);
  CAF_CHECK_EQUAL(s->trace.sample_ratio, 0.25);
  CAF_REQUIRE(s->trace.exporter.collector.has_value());
  CAF_CHECK_EQUAL(s->trace.exporter.collector->port, 4318);
  CAF_CHECK_EQUAL(s->trace.exporter.collector->target, "/v1/traces");
  CAF_CHECK_EQUAL(s->trace.exporter.interval.count(), 50);
  CAF_CHECK_EQUAL(s->trace.exporter.batch_max, 100u);
  CAF_CHECK_EQUAL(s->trace.exporter.node, "solo");
  s = load("");
  CAF_REQUIRE(s.has_value());
  CAF_CHECK(!s->trace.exporter.collector);
  CAF_CHECK_EQUAL(s->trace.exporter.dir, (dir / "trace").string());
  CAF_CHECK_EQUAL(s->trace.sample_ratio, 1.0);
  s = load("", {"--trace.enabled=off"});
  CAF_REQUIRE(s.has_value());
  CAF_CHECK(!s->trace.enabled);
  CAF_CHECK(!load("[trace]\nsample-ratio=1.5\n"));
  CAF_CHECK_EQUAL(error, "trace.sample-ratio: '1.5' is not a number within 0..1");
  CAF_CHECK(!load("[trace]\ncollector=\"ftp://x\"\n"));
  CAF_CHECK(contains(error, "trace.collector: 'ftp://x' is not an http:// or https:// URL"));
  CAF_CHECK(!load("[trace]\nenabled=\"maybe\"\n"));
  CAF_CHECK_EQUAL(error, "trace.enabled: 'maybe' is not on or off");
  CAF_CHECK(!load("[trace]\nring-spans=10\n"));
  CAF_CHECK(contains(error, "trace.ring-spans: 10 is outside 64.."));
}

// What node_roles.cpp and node_main hand the actors is what the file says:
// the kill coordinator's tuning and the health rules as whole structs.
CAF_TEST(the_actor_configs_carry_the_values) {
  auto s = load("[kill]\nheartbeat-interval-ms=300\nquorum-timeout-ms=4s\nreset-min-halt-ms=10s\n"
                "required-roles=[\"oms\"]\nrole-lost-halt-ms=3s\nfanout-realtime-priority=0\n"
                "caf-echo=0\n"
                "[health]\ninterval-ms=500\nreject-window-ms=30s\nreject-kill-level=2\n"
                "order-latency-p99-ms=250\nmax-resident-mb=2\n"
                "[venue]\nlost-halt-ms=2s\nlost-rest-failures=4\npoll-interval-ms=300\n");
  CAF_MESSAGE(error);
  CAF_REQUIRE(s.has_value());
  kill_gate gate;
  auto k = make_kill_config(*s, gate);
  CAF_CHECK(k.heartbeat_interval == 300ms);
  CAF_CHECK(k.quorum_timeout == 4s);
  CAF_CHECK(k.min_halt == 10s);
  CAF_REQUIRE_EQUAL(k.required_roles.size(), 1u);
  CAF_CHECK_EQUAL(k.required_roles.front(), "oms");
  CAF_CHECK(k.role_lost_halt == 3s);
  CAF_CHECK_EQUAL(k.fanout_realtime_priority, 0);
  CAF_CHECK_EQUAL(k.caf_echo, false);
  CAF_CHECK_EQUAL(k.node_key_name, "node-solo");
  CAF_CHECK(k.gate == &gate);
  auto a = make_admin_config(*s);
  CAF_CHECK(a.health.interval == 500ms);
  CAF_CHECK(a.health.reject_window == 30s);
  CAF_CHECK_EQUAL(a.health.reject_kill_level, 2);
  CAF_CHECK_EQUAL(a.health.order_latency_p99_s, 0.25);
  CAF_CHECK_EQUAL(a.health.max_resident_bytes, 2 * 1024 * 1024);
  lease_gate lease;
  auto c = make_connector_config(*s, s->venue, gate, lease);
  CAF_CHECK(c.lost_halt == 2s);
  CAF_CHECK_EQUAL(c.lost_rest_failures, 4);
  CAF_CHECK(c.poll_interval == 300ms);
  CAF_CHECK(c.poll_interval_streaming == 5s); // unset: connector_tuning's
}

// Risk gets [risk]'s limit structs whole, per symbol and per market maker;
// each maker gets [strategy]'s quoting whole. Values differ from every
// default, so a field left uncopied shows.
CAF_TEST(risk_and_strategy_configs_carry_the_values) {
  // Keys base_ini() sets are overridden on the command line.
  auto s = load("[strategy]\nhalf-spread-ticks=5\nrequote-ticks=4\nrequote=\"amend\"\n"
                "min-action-interval-ms=250\n",
                {"--risk.price-collar-bps=250", "--risk.max-messages-per-second=7",
                 "--risk.max-fills-per-window=9", "--risk.fill-window-ms=3000",
                 "--risk.max-order-qty=42", "--risk.loss-limit=77", "--strategy.order-qty=3",
                 "--strategy.max-inventory=12"});
  CAF_MESSAGE(error);
  CAF_REQUIRE(s.has_value());
  kill_gate gate;
  auto r = make_risk_config(*s, gate);
  auto usdchf = *symbol::parse("USDCHF");
  CAF_REQUIRE_EQUAL(r.limits.per_symbol.count(usdchf), 1u);
  const auto& l = r.limits.per_symbol.at(usdchf);
  CAF_CHECK_EQUAL(l.price_collar_bps, 250);
  CAF_CHECK(l.max_order_qty == *qty::parse("42"));
  CAF_CHECK(l.max_order_notional == *notional::parse("200"));
  CAF_CHECK(r.rules.at(usdchf).tick_size == *price::parse("0.0001"));
  CAF_CHECK(r.limits.pnl.loss_limit == *notional::parse("77"));
  CAF_CHECK(r.limits.pnl.drawdown_limit == *notional::parse("50"));
  const auto& t = r.limits.default_strategy;
  CAF_CHECK_EQUAL(t.max_messages_per_second, 7);
  CAF_CHECK_EQUAL(t.max_fills_per_window, 9);
  CAF_CHECK_EQUAL(t.fill_window_ms, 3000);
  CAF_REQUIRE_EQUAL(r.limits.per_strategy.count(strategy_id{"mm-USDCHF"}), 1u);
  CAF_CHECK_EQUAL(r.limits.per_strategy.at(strategy_id{"mm-USDCHF"}).max_messages_per_second, 7);
  auto g = make_strategy_config(*s);
  CAF_REQUIRE_EQUAL(g.makers.size(), 1u);
  const auto& m = g.makers.front();
  CAF_CHECK_EQUAL(m.id.value, "mm-USDCHF");
  CAF_CHECK(m.quote_qty == *qty::parse("3"));
  CAF_CHECK_EQUAL(m.half_spread_ticks, 5);
  CAF_CHECK_EQUAL(m.requote_threshold_ticks, 4);
  CAF_CHECK(m.requote == strategy::requote_mode::amend);
  CAF_CHECK(m.max_inventory == *qty::parse("12"));
  CAF_CHECK(m.min_action_interval == 250ms);
  CAF_CHECK(m.tick_size == *price::parse("0.0001"));
}

CAF_TEST_FIXTURE_SCOPE_END()
