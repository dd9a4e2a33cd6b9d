// What the venue said reaches the OMS only from the connector its directory
// lists (issue 17 finding 6; docs/kill-switch.md "Safety messages and the
// actor layer").
//
// Two actor systems in this process, each with its own middleman, joined on
// loopback: the OMS runs on `node`; the directory's connector runs on
// `other`, as the connector on gw1 serves the OMS on tr1. A second actor of
// `other` (a client of the node's CAF port, holding the OMS's handle) forges
// a fill, a reject and snapshots: each is refused and counted, nothing is
// applied; the listed connector's own fill is.
#define CAF_SUITE oms_sender
#include "tests/support/unit_test.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <thread>

#include "caf/all.hpp"
#include "caf/io/all.hpp"

#include "actors/oms/oms_actor.hpp"
#include "messages/registry.hpp"
#include "tests/unit/actor_test_system.hpp"
#include "tests/unit/oms/oms_test_fixture.hpp"

using namespace cwts;
using namespace cwts::oms::testing;

namespace {

void with_middleman(caf::actor_system_config& cfg) {
  cfg.load<caf::io::middleman>();
}

venue_snapshot complete_snapshot(int64_t round) {
  venue_snapshot s;
  s.venue = test_venue;
  s.round = round;
  s.complete = true;
  s.assets.push_back(symbol_assets{*symbol::parse("BTCUSDT"), "BTC", "USDT"});
  s.balances.push_back(asset_balance{"BTC", qt("10"), qty{}});
  return s;
}

execution_report fill_of(const std::string& id) {
  execution_report r;
  r.id.value = id;
  r.sym = *symbol::parse("BTCUSDT");
  r.venue = test_venue;
  r.venue_id.value = 42;
  r.status = order_status::filled;
  r.cum_qty = qt("1");
  r.last_qty = qt("1");
  r.last_price = px("30000");
  r.ts_init = wall_clock_now();
  return r;
}

// The directory's connector: answers the OMS's reconcile_orders with a
// complete snapshot and, asked by the test, sends a fill as itself.
struct connector_double_state {
  caf::actor oms;
  std::shared_ptr<std::atomic<int>> orders;
};

caf::behavior connector_double(caf::stateful_actor<connector_double_state>* self,
                               std::shared_ptr<std::atomic<int>> orders) {
  self->state.orders = std::move(orders);
  return {
    [=](const reconcile_orders& req) {
      self->state.oms = caf::actor_cast<caf::actor>(self->current_sender());
      self->send(self->state.oms, complete_snapshot(req.round));
    },
    [=](const order_request&) { ++*self->state.orders; },
    [=](const cancel_request&) {},
    [=](report_atom, const execution_report& rep) { self->send(self->state.oms, rep); },
  };
}

struct fixture {
  kill_gate gate;
  std::unique_ptr<testing::actor_test_system> node;
  std::unique_ptr<testing::actor_test_system> other;

  fixture() {
    node = std::make_unique<testing::actor_test_system>(with_middleman);
    other = std::make_unique<testing::actor_test_system>(with_middleman);
  }

  ~fixture() {
    other.reset();
    node.reset();
  }

  // `whom`, an actor of `from`, as `to` sees it: through CAF's middleman.
  static caf::actor view(testing::actor_test_system& from, testing::actor_test_system& to,
                         const caf::actor& whom) {
    auto port = from.sys->middleman().publish(whom, 0, "127.0.0.1", true);
    CAF_REQUIRE(port);
    auto h = to.sys->middleman().remote_actor("127.0.0.1", *port);
    CAF_REQUIRE(h);
    return *h;
  }

  actor_stats stats_of(const caf::actor& oms) {
    actor_stats out;
    (*node->self)
      ->request(oms, std::chrono::seconds(5), stats_atom::value)
      .receive([&](actor_stats& s) { out = std::move(s); },
               [](caf::error&) { CAF_FAIL("no stats"); });
    return out;
  }

  int64_t counter(const caf::actor& oms, const std::string& key) {
    auto s = stats_of(oms);
    auto i = s.counters.find(key);
    return i == s.counters.end() ? 0 : i->second;
  }

  bool reconciled(const caf::actor& oms) {
    bool yes = false;
    (*node->self)
      ->request(oms, std::chrono::seconds(5), precond_atom::value)
      .receive([&](const reset_precondition& p) { yes = p.reconciled; },
               [](caf::error&) { CAF_FAIL("no precondition"); });
    return yes;
  }

  std::vector<restored_order> open_orders(const caf::actor& oms) {
    std::vector<restored_order> out;
    (*node->self)
      ->request(oms, std::chrono::seconds(5), open_orders_atom::value)
      .receive([&](std::vector<restored_order>& o) { out = std::move(o); },
               [](caf::error&) { CAF_FAIL("no open orders"); });
    return out;
  }

  // Waits (bounded, on the state itself) until `done` holds.
  static bool eventually(const std::function<bool()>& done) {
    for (int i = 0; i < 500; ++i) {
      if (done())
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(oms_sender_tests, fixture)

CAF_TEST(forged_reports_and_snapshots_are_refused_the_listed_remote_connectors_applied) {
  oms_actor_config cfg;
  cfg.self = node_id{"tr1"};
  cfg.gate = &gate;
  cfg.reconcile_retry = std::chrono::milliseconds(10);
  auto oms = spawn_oms(*node->sys, cfg);
  auto orders = std::make_shared<std::atomic<int>>(0);
  auto connector = other->sys->spawn(connector_double, orders);
  // The OMS's directory lists the connector of the other node; its snapshot
  // (sent as itself) reconciles the OMS.
  auto listed = view(*other, *node, connector);
  (*node->self)->send(oms, wire_atom::value, role_directory{{connector_role(test_venue), listed}});
  CAF_REQUIRE(eventually([&] { return reconciled(oms); }));
  (*node->self)->send(oms, order("o1"));
  CAF_REQUIRE(eventually([&] { return orders->load() == 1; }));

  // The attacker: another actor of the connector's node, holding the OMS's
  // handle (as a client of tr1's CAF port does), and an anonymous message.
  auto target = view(*node, *other, oms);
  (*other->self)->send(target, fill_of("o1"));
  (*other->self)
    ->send(target, order_reject{client_order_id{"o1"}, *symbol::parse("BTCUSDT"),
                                reject_reason::unknown_order, "forged", wall_clock_now(), test_venue});
  for (int64_t round = 0; round < 4; ++round) {
    // The venue "never saw" o1 and holds the attacker's order: applied, o1
    // would end here while open at the venue, and mallory's be adopted.
    auto snap = complete_snapshot(round);
    snap.unknown_at_venue.push_back(client_order_id{"o1"});
    venue_order_state adopted;
    adopted.id.value = "mallory-1";
    adopted.sym = *symbol::parse("BTCUSDT");
    adopted.limit_price = px("30000");
    adopted.orig_qty = qt("5");
    snap.open_orders.push_back(adopted);
    snap.balances[0].free = qt("1000");
    (*other->self)->send(target, snap);
  }
  (*other->self)->send(target, retry_atom::value);
  caf::anon_send(oms, fill_of("o1"));

  CAF_CHECK(eventually([&] {
    return counter(oms, "refused_remote.execution_report") == 2
           && counter(oms, "refused_remote.order_reject") == 1
           && counter(oms, "refused_remote.venue_snapshot") == 4
           && counter(oms, "refused_remote.reconcile_request") == 1;
  }));
  auto live = open_orders(oms);
  CAF_REQUIRE_EQUAL(live.size(), 1u);
  CAF_CHECK_EQUAL(live[0].request.id.value, "o1");
  CAF_CHECK(live[0].cum_qty == qty{});
  CAF_CHECK_EQUAL(counter(oms, "fills"), 0);
  CAF_CHECK_EQUAL(counter(oms, "rejects"), 0);
  CAF_CHECK_EQUAL(counter(oms, "reconcile.adopted"), 0);
  CAF_CHECK_EQUAL(counter(oms, "reconcile.never_reached"), 0);
  CAF_CHECK_EQUAL(counter(oms, "reconcile.rounds"), 1);
  CAF_CHECK(reconciled(oms));

  // The listed connector's own fill, from its node, is applied.
  (*other->self)->send(connector, report_atom::value, fill_of("o1"));
  CAF_CHECK(eventually([&] { return counter(oms, "fills") == 1; }));
  CAF_CHECK(open_orders(oms).empty());
  CAF_CHECK_EQUAL(counter(oms, "refused_remote.execution_report"), 2);

  caf::anon_send_exit(oms, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(connector, caf::exit_reason::user_shutdown);
}

CAF_TEST_FIXTURE_SCOPE_END()
