// Issue 22 "Done when": a trading run with amends, rejects (by us and by the
// venue), fills and a level-2 kill exports records that match the venue's
// own order history one to one. A real cwts-venue; the real Binance
// connector and OMS (journal on disk) in this process, the test playing the
// strategy and risk (risk's own forwarding of its rejects is
// report_orders_oms_records_test); the export by the real `cwts report
// orders`; the venue's history read back from its allOrders endpoint.
#define CAF_SUITE report_orders_venue
#include "tests/support/unit_test.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include <rapidjson/document.h>

#include "caf/all.hpp"

#include "actors/connector/connector_actor.hpp"
#include "actors/oms/oms_actor.hpp"
#include "common/ini_file.hpp"
#include "messages/registry.hpp"
#include "tests/integration/report_orders/exported_records.hpp"
#include "tests/integration/support/cluster.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;
using report_test::parse_jsonl;
using report_test::record;

namespace {

struct host_config : caf::actor_system_config {
  host_config() { register_message_types(*this); }
};

const symbol usdchf = *symbol::parse("USDCHF");
const venue_name binance{"binance"};

order_request make(const std::string& id, side s, order_type t, time_in_force tif,
                   const std::string& px, const std::string& q) {
  order_request o;
  o.id.value = id;
  o.strategy = strategy_id{"rep"};
  o.account = account_id{"demo"};
  o.sym = usdchf;
  o.venue = binance;
  o.order_side = s;
  o.type = t;
  o.tif = tif;
  if (!px.empty())
    o.limit_price = *price::parse(px);
  o.quantity = *qty::parse(q);
  o.ts_init = wall_clock_now();
  return o;
}

struct fixture {
  cluster_paths paths = cluster_paths::from_env();
  std::string dir = make_test_dir("report_orders_venue");
  std::string journal = dir + "/oms.sqlite";
  kill_gate gate;
  host_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<caf::scoped_actor> self;
  caf::actor connector, oms;
  std::map<std::string, order_status> last; // the newest state the OMS told the strategy
  std::map<std::string, std::string> refused;

  int64_t counter(const std::string& key) {
    int64_t n = -1;
    (*self)->request(oms, 5s, stats_atom::value)
      .receive([&](const actor_stats& s) { n = s.counters.count(key) ? s.counters.at(key) : -1; },
               [](caf::error&) {});
    return n;
  }

  void start(uint16_t venue_port) {
    std::string error;
    auto keys = ini_file::load(paths.config("venue-demo-keys.ini"), error);
    CAF_REQUIRE_EQUAL(error, "");
    sys = std::make_unique<caf::actor_system>(cfg);
    self = std::make_unique<caf::scoped_actor>(*sys);
    connector_actor_config c;
    c.self = node_id{"rep"};
    c.venue = binance;
    c.gate = &gate;
    c.symbols = {usdchf};
    // Lost-venue probe off (connector_tuning defaults it on, 5 s): only the
    // reports are tested, and a kill would close the gate under them.
    c.lost_halt = std::chrono::milliseconds(0);
    c.gateway.host = "127.0.0.1";
    c.gateway.port = venue_port;
    c.gateway.api_key = keys->get("account.demo.api-key").value_or("");
    c.gateway.secret = keys->get("account.demo.secret").value_or("");
    c.stream.port = venue_port;
    c.stream.symbols = {usdchf};
    connector = spawn_connector(*sys, c);
    oms_actor_config o;
    o.self = node_id{"rep"};
    o.gate = &gate;
    o.journal_path = journal;
    oms = spawn_oms(*sys, o);
    caf::actor me = *self;
    role_directory roles{{connector_role(binance), connector}, {"oms", oms}, {"strategy", me},
                         {"risk", me}};
    (*self)->send(connector, wire_atom::value, roles);
    (*self)->send(oms, wire_atom::value, roles);
    CAF_REQUIRE(wait_until([&] { return counter("reconcile.phase_running") == 1; }, 30s, 50ms));
  }

  // Takes what the OMS tells the strategy until `id` is in a state `done`
  // accepts (or `limit` passed).
  bool await(const std::string& id, const std::function<bool(order_status)>& done,
             std::chrono::milliseconds limit = 15000ms) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      if (auto it = last.find(id); it != last.end() && done(it->second))
        return true;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0)
        return false;
      (*self)->receive(
        [&](const execution_report& r) { last[r.id.value] = r.status; },
        [&](const order_reject& r) {
          last[r.id.value] = order_status::rejected;
          refused[r.id.value] = std::string(to_string(r.reason)) + ": " + r.detail;
        },
        caf::after(left) >> [] {});
    }
  }

  bool await_status(const std::string& id, order_status s) {
    bool ok = await(id, [s](order_status now) { return now == s; });
    if (!ok)
      CAF_MESSAGE(id << " never reached " << to_string(s) << " (last "
                     << (last.count(id) ? to_string(last[id]) : "none") << ")");
    return ok;
  }

  void stop(const caf::actor& a) {
    (*self)->monitor(a);
    (*self)->send_exit(a, caf::exit_reason::user_shutdown);
    (*self)->receive([](const caf::down_msg&) {}, caf::after(10s) >> [] { CAF_FAIL("did not stop"); });
  }

  ~fixture() {
    self.reset();
    sys.reset();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(report_orders_venue_tests, fixture)

CAF_TEST(the_export_matches_the_venues_order_history_one_to_one) {
  CAF_REQUIRE_EQUAL(paths.missing(), "");
  CAF_REQUIRE(!dir.empty());
  CAF_MESSAGE("logs in " << dir);
  venue_process venue(paths, dir);
  CAF_REQUIRE(venue.port() != 0);
  auto from = wall_clock_now();
  start(venue.port());
  auto stem = "ro" + std::to_string(::getpid()) + "-";
  auto id = [&](const char* n) { return stem + n; };

  // A resting order, amended (cancel/replace) to a new price and quantity.
  (*self)->send(oms, make(id("rest1"), side::buy, order_type::limit, time_in_force::gtc, "0.5000", "10"));
  CAF_REQUIRE(await_status(id("rest1"), order_status::accepted));
  auto replacement = make(id("rest1r"), side::buy, order_type::limit, time_in_force::gtc, "0.5100", "20");
  (*self)->send(oms, amend_request{client_order_id{id("rest1")}, replacement});
  CAF_REQUIRE(await_status(id("rest1"), order_status::canceled));
  CAF_REQUIRE(await_status(id("rest1r"), order_status::accepted));
  // A market order that fills; an IOC far from the market that does not.
  (*self)->send(oms, make(id("mkt1"), side::buy, order_type::market, time_in_force::gtc, "", "10"));
  CAF_REQUIRE(await(id("mkt1"), [](order_status s) { return is_terminal(s); }));
  CAF_CHECK_EQUAL(to_string(last[id("mkt1")]), std::string("FILLED"));
  (*self)->send(oms, make(id("ioc1"), side::buy, order_type::limit, time_in_force::ioc, "0.5000", "10"));
  CAF_REQUIRE(await(id("ioc1"), [](order_status s) { return is_terminal(s); }));
  // The venue refuses a quantity off its LOT_SIZE step.
  (*self)->send(oms, make(id("bad1"), side::buy, order_type::limit, time_in_force::gtc, "0.5000", "0.5"));
  CAF_REQUIRE(await_status(id("bad1"), order_status::rejected));
  CAF_MESSAGE("bad1 refused: " << refused[id("bad1")]);
  // Risk refuses one (as risk_actor forwards it).
  auto big = make(id("risk1"), side::buy, order_type::limit, time_in_force::gtc, "0.5000", "999999");
  (*self)->send(oms, risk_rejected_atom::value, big,
                order_reject{big.id, usdchf, reject_reason::max_qty_exceeded,
                             "qty 999999 > max-order-qty 1000", wall_clock_now(), binance});
  // A second resting order, then a level-2 kill of the strategy by alice.
  (*self)->send(oms, make(id("rest2"), side::buy, order_type::limit, time_in_force::gtc, "0.5200", "10"));
  CAF_REQUIRE(await_status(id("rest2"), order_status::accepted));
  kill_command kill;
  kill.id = kill_id{"kill-" + stem};
  kill.level = kill_level::cancel_all;
  kill.scope = kill_scope::strategy;
  kill.scope_value = "rep";
  kill.issuer = operator_id{"alice"};
  kill.origin = node_id{"rep"};
  (*self)->request(oms, 15s, cancel_all_atom::value, kill)
    .receive([](const channel_result& r) { CAF_CHECK(r.ok); CAF_CHECK_EQUAL(r.orders_canceled, 2); },
             [](caf::error& e) { CAF_FAIL("cancel_all: " << caf::to_string(e)); });
  CAF_REQUIRE(await_status(id("rest2"), order_status::canceled));
  CAF_REQUIRE(await_status(id("rest1r"), order_status::canceled));
  // The risk reject is committed once a record after it is: wait for the stats.
  CAF_REQUIRE(wait_until([&] { return counter("journal.rejects_journaled") >= 1; }, 10s, 20ms));
  stop(oms);
  stop(connector);

  // The export, by the real CLI.
  auto to = timestamp_ns{wall_clock_now().ns + 1'000'000'000};
  auto out = dir + "/orders.jsonl";
  auto res = run_command("cwts-report", {paths.cli_bin, "report", "orders", "--from=" + std::to_string(from.ns),
                                         "--to=" + std::to_string(to.ns), "--format=jsonl",
                                         "--journal=" + journal, "--out=" + out}, dir);
  CAF_REQUIRE_EQUAL(res.exit_code, 0);
  CAF_MESSAGE(res.err);
  std::string error;
  auto records = parse_jsonl(read_file(out), error);
  CAF_REQUIRE_EQUAL(error, "");
  std::map<std::string, std::vector<record>> by_order;
  for (auto& r : records)
    if (r.id.rfind(stem, 0) == 0)
      by_order[r.id].push_back(r);
  auto csv = run_command("cwts-report-csv", {paths.cli_bin, "report", "orders", "--from=" + std::to_string(from.ns),
                                             "--to=" + std::to_string(to.ns), "--format=csv",
                                             "--journal=" + journal}, dir);
  CAF_REQUIRE_EQUAL(csv.exit_code, 0);
  CAF_CHECK_EQUAL(split_lines(csv.out).size(), records.size() + 1); // + header
  // --cluster finds the journal of the trading node (its [oms] journal-path
  // given in its args, as a cluster config may) and skips the gateway.
  {
    std::ofstream cl(dir + "/cluster.ini");
    cl << "[cluster]\nname = \"rep\"\nrun-dir = \"" << dir << "\"\nnodes = \"gw9,tr9\"\n"
       << "[venue]\nconfig = \"" << paths.config("venue.ini") << "\"\n"
       << "[node.gw9]\nconfig = \"" << paths.config("node-gateway.ini") << "\"\n"
       << "cluster-port = 47991\nadmin-port = 47992\n"
       << "[node.tr9]\nconfig = \"" << paths.config("node-trading.ini") << "\"\n"
       << "cluster-port = 47993\nadmin-port = 47994\nargs = --oms.journal-path=" << journal << "\n";
  }
  auto by_cluster = run_command("cwts-report-cluster", {paths.cli_bin, "report", "orders",
                                "--from=" + std::to_string(from.ns), "--to=" + std::to_string(to.ns),
                                "--format=csv", "--cluster=" + dir + "/cluster.ini"}, dir);
  CAF_CHECK_EQUAL(by_cluster.exit_code, 0);
  CAF_CHECK_EQUAL(by_cluster.out, csv.out);
  if (by_cluster.exit_code != 0)
    CAF_MESSAGE(by_cluster.err);

  // The venue's own history of the demo account.
  auto gw = demo_gateway(paths, venue.port(), error);
  CAF_REQUIRE(gw != nullptr);
  auto all = gw->all_orders(usdchf);
  CAF_REQUIRE(all.ok());
  std::map<std::string, connector::venue_order> at_venue;
  for (auto& v : all.value)
    if (v.client_id.value.rfind(stem, 0) == 0)
      CAF_CHECK(at_venue.emplace(v.client_id.value, v).second); // once each at the venue

  // Every order that reached the venue: exported once as new, with the
  // venue's id, its final state and its fills.
  CAF_CHECK_EQUAL(at_venue.size(), 5u); // rest1, rest1r, mkt1, ioc1, rest2
  for (auto& [cid, v] : at_venue) {
    auto it = by_order.find(cid);
    CAF_REQUIRE(it != by_order.end());
    double quote = 0;
    report_test::check_against_venue(cid, v, it->second, [&](const record& e) {
      // The order as the venue holds it (review R1 M5): price, quantity,
      // side, type and time in force on every record of it.
      if (v.has_details) {
        auto px = v.limit_price.raw == 0 ? std::string() : v.limit_price.to_string();
        CAF_CHECK_EQUAL(cid + " " + e.price, cid + " " + px);
        CAF_CHECK_EQUAL(cid + " " + e.quantity, cid + " " + v.orig_qty.to_string());
        CAF_CHECK_EQUAL(cid + " " + e.side, cid + " " + to_string(v.order_side));
        CAF_CHECK_EQUAL(cid + " " + e.order_type, cid + " " + to_string(v.type));
        CAF_CHECK_EQUAL(cid + " " + e.tif, cid + " " + to_string(v.tif));
      }
      if (!e.fill_qty.empty())
        quote += std::stod(e.fill_qty) * std::stod(e.fill_price);
    });
    CAF_CHECK(std::abs(quote - std::stod(v.cumulative_quote_qty.to_string())) < 1e-6);
  }
  CAF_CHECK(at_venue[id("mkt1")].executed_qty == *qty::parse("10"));
  for (auto& [cid, v] : at_venue)
    CAF_CHECK(v.has_details); // else the field checks above did not run
  // Every exported order that is not at the venue was refused before it.
  for (auto& [cid, evs] : by_order)
    if (!at_venue.count(cid))
      CAF_CHECK_EQUAL(cid + " " + evs.back().type, cid + " rejected");
  CAF_CHECK_EQUAL(by_order.size(), 7u);

  auto one = [&](const std::string& cid, const std::string& type) -> const record* {
    const record* found = nullptr;
    for (auto& e : by_order[cid])
      if (e.type == type) {
        CAF_CHECK(found == nullptr); // nothing twice
        found = &e;
      }
    return found;
  };
  auto* amend_cancel = one(id("rest1"), "cancel_requested");
  CAF_REQUIRE(amend_cancel != nullptr);
  CAF_CHECK_EQUAL(amend_cancel->initiator, "amend");
  CAF_CHECK_EQUAL(amend_cancel->related, id("rest1r"));
  auto* replaced = one(id("rest1r"), "replaced");
  CAF_REQUIRE(replaced != nullptr);
  CAF_CHECK_EQUAL(replaced->related, id("rest1"));
  for (auto* killed : {one(id("rest1r"), "cancel_requested"), one(id("rest2"), "cancel_requested")}) {
    CAF_REQUIRE(killed != nullptr);
    CAF_CHECK_EQUAL(killed->initiator, "kill");
    CAF_CHECK_EQUAL(killed->op, "alice");
  }
  auto* by_risk = one(id("risk1"), "rejected");
  CAF_REQUIRE(by_risk != nullptr);
  CAF_CHECK_EQUAL(by_risk->rejected_by, "cwts");
  CAF_CHECK_EQUAL(by_risk->rule, "max_qty_exceeded");
  auto* by_venue = one(id("bad1"), "rejected");
  CAF_REQUIRE(by_venue != nullptr);
  CAF_MESSAGE("bad1 exported as rejected_by=" << by_venue->rejected_by << " rule=" << by_venue->rule);
  CAF_CHECK(!by_venue->rule.empty());
  CAF_CHECK_EQUAL(by_venue->rejected_by, "venue");
}

CAF_TEST_FIXTURE_SCOPE_END()
