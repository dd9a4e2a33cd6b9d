#define CAF_SUITE connector_user_data_integration
#include "tests/support/unit_test.hpp"

// The connector actor against a real cwts-venue on loopback, with the REST
// poll interval set far beyond the test's length: a fill can only reach the
// "OMS" (this test's scoped actor) through the WebSocket API user-data
// stream. Then the venue is restarted on the same port: the stream
// reconnects, subscribes again and asks the OMS for a reconciliation.

#include <csignal>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include "caf/all.hpp"

#include "actors/connector/binance_rest_gateway.hpp"
#include "actors/connector/connector_actor.hpp"
#include "actors/connector/http_client.hpp"
#include "messages/registry.hpp"
#include "tests/integration/connector/demo_venue.hpp"
#include "tests/integration/support/venue_child.hpp"
#include "tests/integration/support/wait_until.hpp"

using namespace cwts;
using namespace cwts::connector;
using namespace std::chrono_literals;

namespace {

// The connector trades as itest::demo, the counterparty as itest::demo2.
constexpr const char* demo_key = itest::demo.key;
constexpr const char* demo_secret = itest::demo.secret;

// config/venue.ini with a slow replay (few tape prints while the test runs)
// and absolute paths, written next to the build's temporary files.
std::string quiet_venue_config() {
  std::ifstream in(CWTS_VENUE_CONFIG);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto set = [&](const std::string& key, const std::string& value) {
    auto at = text.find("\n" + key + " =");
    CAF_REQUIRE(at != std::string::npos);
    auto end = text.find('\n', at + 1);
    text.replace(at + 1, end - at - 1, key + " = " + value);
  };
  std::string dir = CWTS_CONFIG_DIR;
  set("speed", "0.01");
  set("data", dir + "/../data/usdchf_trades_generated.csv");
  set("keys-file", dir + "/venue-demo-keys.ini");
  auto path = "/tmp/cwts-uds-itest-" + std::to_string(::getpid()) + ".ini";
  std::ofstream(path) << text;
  return path;
}

// cwts-venue with `config` on `want_port` (0: any); stop() and a new one
// restart it on the same port.
struct venue_process : itest::venue_child {
  venue_process(const std::string& config, uint16_t want_port)
    : venue_child(CWTS_VENUE_BIN, {"--config", config, "--port", std::to_string(want_port)}) {}
};

const symbol usdchf = *symbol::parse("USDCHF");

// "bidPrice":"0.91230000" -> 0.91230000 (the venue's bookTicker).
std::string json_string_field(const std::string& body, const std::string& key) {
  auto at = body.find("\"" + key + "\":\"");
  if (at == std::string::npos)
    return {};
  at += key.size() + 4;
  return body.substr(at, body.find('"', at) - at);
}

struct book_top {
  price bid;
  qty bid_qty;
};

book_top best_bid(uint16_t port) {
  http_client http("127.0.0.1", port, 2s);
  http_request req;
  req.target = "/api/v3/ticker/bookTicker?symbol=USDCHF";
  auto r = http.send(req);
  CAF_REQUIRE(r.ok());
  auto px = price::parse(json_string_field(r.value().body, "bidPrice"));
  auto q = qty::parse(json_string_field(r.value().body, "bidQty"));
  CAF_REQUIRE(px && q);
  return {*px, *q};
}

connector_actor_config connector_config(uint16_t port, const kill_gate& gate) {
  connector_actor_config cfg;
  cfg.self = node_id{"itest"};
  cfg.gate = &gate;
  cfg.symbols = {usdchf};
  // Longer than the test: every fill it sees comes from the stream.
  cfg.poll_interval = 600s;
  cfg.poll_interval_streaming = 600s;
  // Lost-venue probe off (connector_tuning defaults it on, 5 s): the test
  // drops the stream on purpose; the fallback to REST is tested, not the kill.
  cfg.lost_halt = 0s;
  cfg.gateway.port = port;
  cfg.gateway.api_key = demo_key;
  cfg.gateway.secret = demo_secret;
  cfg.stream.port = port;
  cfg.stream.symbols = {usdchf};
  cfg.stream.backoff_initial = 20ms;
  cfg.stream.backoff_max = 200ms;
  cfg.use_user_data_stream = true;
  cfg.user_data.port = port;
  cfg.user_data.api_key = demo_key;
  cfg.user_data.secret = demo_secret;
  cfg.user_data.backoff_initial = 20ms;
  cfg.user_data.backoff_max = 200ms;
  return cfg;
}

struct fixture {
  kill_gate gate; // outlives the actor system, which the connector reads it in
  std::string venue_config = quiet_venue_config();
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;

  fixture() {
    register_message_types(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
  }
  ~fixture() { std::remove(venue_config.c_str()); }

  actor_stats stats_of(caf::scoped_actor& self, const caf::actor& connector) {
    actor_stats out;
    self->request(connector, 10s, stats_atom::value)
      .receive([&](const actor_stats& s) { out = s; },
               [&](const caf::error& e) { CAF_FAIL("stats: " << sys->render(e)); });
    return out;
  }

  // Asks for stats until `pred` holds; bounded, not a timing assertion.
  template <class Pred>
  actor_stats stats_when(caf::scoped_actor& self, const caf::actor& connector, Pred pred) {
    actor_stats s;
    itest::wait_until(
      [&] {
        s = stats_of(self, connector);
        return pred(s);
      },
      10s, 20ms);
    return s;
  }
};

order_request limit_order(const std::string& id, side s, time_in_force tif, price px, qty q) {
  order_request req;
  req.id = client_order_id{id};
  req.sym = usdchf;
  req.order_side = s;
  req.type = order_type::limit;
  req.tif = tif;
  req.limit_price = px;
  req.quantity = q;
  return req;
}

order_request buy(const std::string& id, price px, const char* quantity) {
  return limit_order(id, side::buy, time_in_force::gtc, px, *qty::parse(quantity));
}

// Waits for the first report of `id` matching `pred`; reports of other
// orders and other messages are skipped. Bounded.
template <class Pred>
std::optional<execution_report> await_report(caf::scoped_actor& self, const std::string& id,
                                             Pred pred) {
  std::optional<execution_report> found;
  bool timed_out = false;
  while (!found && !timed_out) {
    self->receive([&](const execution_report& r) {
                    if (r.id.value == id && pred(r))
                      found = r;
                  },
                  [&](const order_reject& r) { CAF_FAIL("rejected: " << r.detail); },
                  [](retry_atom) {}, caf::after(20s) >> [&] { timed_out = true; });
  }
  return found;
}

// The connector closes its connections while the venue is still there.
void stop_connector(caf::scoped_actor& self, const caf::actor& connector) {
  self->send_exit(connector, caf::exit_reason::user_shutdown);
  self->wait_for(connector);
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(user_data_tests, fixture)

CAF_TEST(a_fill_reaches_the_oms_through_the_user_data_stream) {
  venue_process venue(venue_config, 0);
  CAF_REQUIRE(venue.port != 0);
  caf::scoped_actor self{*sys};
  auto connector = spawn_connector(*sys, connector_config(venue.port, gate));
  self->send(connector, wire_atom::value,
             role_directory{{"oms", caf::actor_cast<caf::actor>(self)}});
  auto s = stats_when(self, connector, [](const actor_stats& st) {
    return st.counters.at("uds_subscribed") == 1;
  });
  CAF_REQUIRE_EQUAL(s.counters.at("uds_subscribed"), 1);

  // Our BUY joins (or improves) the best bid and rests.
  auto top = best_bid(venue.port);
  auto px = top.bid.is_positive() ? top.bid : *price::parse("0.9");
  self->send(connector, buy("uds-itest-1", px, "10"));
  auto accepted = await_report(self, "uds-itest-1", [](const execution_report& r) {
    return r.status == order_status::accepted;
  });
  CAF_REQUIRE(accepted.has_value());

  // The counterparty sells the whole best bid level (IOC), ours included.
  auto level = best_bid(venue.port);
  CAF_REQUIRE(level.bid == px);
  auto counterparty = itest::synced_gateway(venue.port, itest::demo2);
  auto sell = limit_order("uds-itest-cp", side::sell, time_in_force::ioc, px, level.bid_qty);
  auto crossed = counterparty->place_order(sell);
  CAF_REQUIRE(crossed.ok());

  auto filled = await_report(self, "uds-itest-1", [](const execution_report& r) {
    return r.status == order_status::filled;
  });
  CAF_REQUIRE(filled.has_value());
  CAF_CHECK_EQUAL(filled->cum_qty.to_string(), "10.00000000");
  CAF_CHECK_EQUAL(filled->leaves_qty.to_string(), "0.00000000");
  CAF_CHECK_EQUAL(filled->last_price, px);
  CAF_CHECK(filled->last_qty.is_positive());

  s = stats_when(self, connector, [](const actor_stats& st) {
    return st.counters.at("balance_updates") > 0;
  });
  CAF_MESSAGE("stream_reports=" << s.counters.at("stream_reports")
                                << " poll_reports=" << s.counters.at("poll_reports"));
  CAF_CHECK_GREATER_OR_EQUAL(s.counters.at("stream_reports"), 1);
  CAF_CHECK_EQUAL(s.counters.at("poll_reports"), 0);
  CAF_CHECK_EQUAL(s.counters.at("polls"), 0);
  CAF_CHECK_GREATER_OR_EQUAL(s.counters.at("uds_events"), 2);
  CAF_CHECK_GREATER(s.counters.at("balance_updates"), 0);
  CAF_CHECK_GREATER_OR_EQUAL(s.counters.at("balance_assets"), 2);
  CAF_CHECK_EQUAL(s.counters.at("uds_frame_errors.malformed_json"), 0);
  CAF_CHECK_EQUAL(s.counters.at("uds_events_unknown_order"), 0);
  stop_connector(self, connector);
}

CAF_TEST(a_venue_restart_leads_to_resubscription_and_a_reconciliation_request) {
  auto venue = std::make_unique<venue_process>(venue_config, 0);
  auto port = venue->port;
  CAF_REQUIRE(port != 0);
  caf::scoped_actor self{*sys};
  auto connector = spawn_connector(*sys, connector_config(port, gate));
  self->send(connector, wire_atom::value,
             role_directory{{"oms", caf::actor_cast<caf::actor>(self)}});
  // Wired to an OMS it did not know, the connector asks it for a round at
  // once (a round asked before the directory arrived was refused).
  bool greeted = false;
  self->receive([&](retry_atom) { greeted = true; }, caf::after(30s) >> [] {});
  CAF_CHECK(greeted);
  auto s = stats_when(self, connector, [](const actor_stats& st) {
    return st.counters.at("uds_subscriptions") == 1;
  });
  CAF_REQUIRE_EQUAL(s.counters.at("uds_subscriptions"), 1);
  CAF_CHECK_EQUAL(s.counters.at("reconcile_requests"), 0);

  venue->stop();
  s = stats_when(self, connector, [](const actor_stats& st) {
    return st.counters.at("uds_subscribed") == 0;
  });
  CAF_REQUIRE_EQUAL(s.counters.at("uds_subscribed"), 0);
  venue = std::make_unique<venue_process>(venue_config, port);
  CAF_REQUIRE_EQUAL(venue->port, port);

  // The stream comes back, subscribes again, and asks the OMS to reconcile.
  bool asked = false;
  self->receive([&](retry_atom) { asked = true; }, caf::after(30s) >> [] {});
  CAF_CHECK(asked);
  s = stats_of(self, connector);
  CAF_CHECK_EQUAL(s.counters.at("uds_subscriptions"), 2);
  CAF_CHECK_EQUAL(s.counters.at("uds_subscribed"), 1);
  CAF_CHECK_GREATER_OR_EQUAL(s.counters.at("uds_reconnects"), 1);
  CAF_CHECK_EQUAL(s.counters.at("reconcile_requests"), 1);

  // Fills still arrive through the new subscription.
  auto top = best_bid(port);
  auto px = top.bid.is_positive() ? top.bid : *price::parse("0.9");
  self->send(connector, buy("uds-itest-2", px, "3"));
  auto accepted = await_report(self, "uds-itest-2", [](const execution_report& r) {
    return r.status == order_status::accepted;
  });
  CAF_REQUIRE(accepted.has_value());
  auto counterparty = itest::synced_gateway(port, itest::demo2);
  auto level = best_bid(port);
  CAF_REQUIRE(level.bid == px);
  auto sell = limit_order("uds-itest-cp2", side::sell, time_in_force::ioc, px, level.bid_qty);
  CAF_REQUIRE(counterparty->place_order(sell).ok());
  auto filled = await_report(self, "uds-itest-2", [](const execution_report& r) {
    return r.status == order_status::filled;
  });
  CAF_REQUIRE(filled.has_value());
  CAF_CHECK_EQUAL(filled->cum_qty.to_string(), "3.00000000");
  s = stats_of(self, connector);
  CAF_CHECK_EQUAL(s.counters.at("poll_reports"), 0);
  CAF_CHECK_GREATER_OR_EQUAL(s.counters.at("stream_reports"), 1);
  stop_connector(self, connector);
}

CAF_TEST_FIXTURE_SCOPE_END()
