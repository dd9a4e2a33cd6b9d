// Issue 17 finding 6, "the actor layer is open", as an attacker tries it:
// this test process is an unauthenticated client of a real node's CAF port
// (remote_actor, no certificate, no key). It reads the directory (reading is
// allowed) and sends, with the handles it got:
//   - a replaced directory to the kill coordinator,
//   - a forged kill_ack and channel_result (complete, nothing open),
//   - cancel_all and disconnect to the connector, freeze/flatten to risk,
//   - an unsigned announce naming failover-for/<node> and a drill crash to
//     the supervisor,
//   - a forged fill, a forged reject and forged venue snapshots to the OMS
//     (which would end our orders, adopt the attacker's and unexplain the
//     positions),
//   - after a real level-4 kill, trading_state{none} to the connector and
//     the strategy (which would reconnect the venue and restart trading).
// Each is refused and counted (refused_remote.<kind>); the node stays ACTIVE
// (then HALTED at level 4), nothing is cancelled, disconnected or restarted
// wrongly. Every wait is on a counter or a state, none on time alone.
#define CAF_SUITE node_actor_layer
#include "tests/support/unit_test.hpp"

#include <fstream>
#include <optional>
#include <string>

#include "caf/all.hpp"
#include "caf/io/all.hpp"

#include "messages/registry.hpp"
#include "tests/integration/node/single_node.hpp"
#include "tests/integration/node/stop_node.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

std::string write_operators(const cluster_paths& paths, const std::string& dir) {
  auto file = dir + "/operators.ini";
  std::ofstream out(file);
  out << "[operators]\nwindow-seconds = 30\n"
      << "[operator.alice]\npublic-key-file = \"" << paths.operator_public_key("alice") << "\"\n"
      << "roles = \"risk-officer,operations,kill,kill-full,reset\"\n"
      << "[operator.node-solo]\npublic-key-file = \"" << paths.node_public_key("solo") << "\"\n"
      << "roles = \"kill\"\nnode = \"solo\"\n";
  return file;
}

struct client_config : caf::actor_system_config {
  client_config() {
    register_message_types(*this);
    load<caf::io::middleman>();
  }
};

// The attacker: a CAF system in this process, connected to the node's port.
struct attacker {
  client_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  caf::actor supervisor;
  std::string node;
  role_directory dir;

  bool connect(uint16_t port) {
    auto remote = sys.middleman().remote_actor("127.0.0.1", port);
    if (!remote) {
      CAF_MESSAGE("remote_actor: " << sys.render(remote.error()));
      return false;
    }
    supervisor = *remote;
    bool ok = false;
    self->request(supervisor, 5s, directory_atom::value)
      .receive(
        [&](const std::string& n, const role_directory& d) {
          node = n;
          dir = d;
          ok = true;
        },
        [&](caf::error& e) { CAF_MESSAGE("directory: " << sys.render(e)); });
    return ok;
  }

  caf::actor role(const std::string& r) { return find_role(dir, r); }
};

// A fill the venue never sent.
execution_report forged_fill(const client_order_id& id, const symbol& sym, qty q) {
  execution_report r;
  r.id = id;
  r.sym = sym;
  r.venue_id.value = 666;
  r.status = order_status::filled;
  r.cum_qty = q;
  r.last_qty = q;
  r.last_price = *price::parse("0.0001");
  r.ts_init = wall_clock_now();
  return r;
}

// The venue "never saw" any of `ours` and holds the attacker's order: applied
// in the OMS's round, every order of ours would end while open at the venue,
// mallory's be adopted and the positions go unexplained.
venue_snapshot forged_snapshot(int64_t round, const std::vector<restored_order>& ours) {
  venue_snapshot snap;
  snap.round = round;
  snap.complete = true;
  for (auto& o : ours)
    snap.unknown_at_venue.push_back(o.request.id);
  venue_order_state theirs;
  theirs.id.value = "mallory-adopted";
  theirs.sym = *symbol::parse("USDCHF");
  theirs.limit_price = *price::parse("0.9");
  theirs.orig_qty = *qty::parse("100000");
  snap.open_orders.push_back(theirs);
  snap.assets.push_back(symbol_assets{theirs.sym, "USD", "CHF"});
  snap.balances.push_back(asset_balance{"USD", *qty::parse("99999999"), qty{}});
  return snap;
}

kill_command some_kill(const std::string& id, kill_level level) {
  // Unsigned: the attacker holds no key. The actors it is sent to do not
  // verify kills (the coordinator does); they must not act on it at all.
  return kill_command{kill_id{id}, level, kill_scope::cluster, "", operator_id{"alice"},
                      node_id{"solo"}, "attack", wall_clock_now(), {}};
}

bool reached(const node_status_view& s, const std::string& role, const std::string& key,
             int64_t n) {
  return s.counter(role, "refused_remote." + key).value_or(0) >= n;
}

} // namespace

CAF_TEST(an_unauthenticated_caf_client_reads_but_changes_nothing) {
  auto paths = cluster_paths::from_env();
  auto ops_dir = make_test_dir("node_actor_layer_ops");
  auto operators = write_operators(paths, ops_dir);
  single_node n("node_actor_layer", {"--operators.file=" + operators,
                                     "--kill.node-key-file=" + paths.node_key("solo")});
  auto trading = n.wait_for(
    [](const node_status_view& s) {
      return s.mode == "ACTIVE" && s.counter("oms", "reconcile.phase_running").value_or(0) == 1;
    },
    90s);
  CAF_REQUIRE(trading.met);

  attacker a;
  CAF_REQUIRE(a.connect(n.cluster_port));
  CAF_CHECK_EQUAL(a.node, "solo");
  auto kill = a.role("kill");
  auto connector = a.role("connector.binance");
  auto risk = a.role("risk");
  auto strategy = a.role("strategy");
  auto oms = a.role("oms");
  CAF_REQUIRE(kill && connector && risk && strategy && oms);
  // Reading is allowed: the OMS's live orders, the targets of the forgeries.
  std::vector<restored_order> ours;
  a.self->request(oms, 5s, open_orders_atom::value)
    .receive([&](std::vector<restored_order>& o) { ours = std::move(o); },
             [&](caf::error& e) { CAF_FAIL("open orders: " << a.sys.render(e)); });
  auto before = n.status();
  CAF_REQUIRE(before.ok());

  // 1. A directory that makes the attacker the node's only "peer".
  auto decoy = a.sys.spawn([](caf::event_based_actor*) -> caf::behavior {
    return {[](const caf::message&) {}};
  });
  a.self->send(kill, wire_atom::value, role_directory{{"peer-kill/mallory", decoy}});
  // 2. Forged reports: node solo's own ack and a venue channel "nothing open".
  auto fake = some_kill("k-forged", kill_level::cancel_all);
  a.self->send(kill, kill_ack{fake.id, node_id{"solo"}, true, 1, 1, wall_clock_now(),
                              wall_clock_now(), 0, "", fake.issuer});
  channel_result nothing_open{fake.id, node_id{"solo"}, "venue_cancel_all", true, 1, 0, 0, 0, ""};
  nothing_open.issuer = fake.issuer;
  a.self->send(kill, nothing_open);
  // 3. Kill channels straight to the actors.
  a.self->send(connector, cancel_all_atom::value, fake);
  a.self->send(connector, disconnect_atom::value, some_kill("k-cut", kill_level::full_stop));
  a.self->send(risk, freeze_atom::value, fake);
  a.self->send(risk, flatten_atom::value, fake);
  // 4. The supervisor: an unsigned announce of a node that "took over" solo,
  //    and a drill crash of the OMS.
  a.self->send(a.supervisor, peer_atom::value, std::string("w9"), caf::actor_cast<caf::actor>(decoy),
               role_directory{{"failover-for/solo", decoy}});
  a.self->send(a.supervisor, crash_atom::value, std::string("oms"));
  // 5. The order path around pre-trade risk: an order, a cancel and a
  //    reconcile straight to the connector (only the directory's OMS may).
  order_request bypass;
  bypass.id = client_order_id{"mallory-1"};
  bypass.sym = *symbol::parse("USDCHF");
  a.self->send(connector, bypass);
  a.self->send(connector, cancel_request{bypass.id, bypass.sym, wall_clock_now()});
  a.self->send(connector, reconcile_orders{});
  //    The same order, a cancel of one of ours and an amend, straight to the
  //    OMS (only the risk actor of the directory may: pre-trade checks).
  auto into_oms = bypass;
  into_oms.id = client_order_id{"mallory-2"};
  a.self->send(oms, into_oms);
  if (!ours.empty()) {
    a.self->send(oms, cancel_request{ours.front().request.id, ours.front().request.sym,
                                     wall_clock_now()});
    auto replacement = ours.front().request;
    replacement.id = client_order_id{"mallory-3"};
    a.self->send(oms, amend_request{ours.front().request.id, replacement});
  } else {
    a.self->send(oms, cancel_request{into_oms.id, into_oms.sym, wall_clock_now()});
    a.self->send(oms, amend_request{into_oms.id, into_oms});
  }
  // 6. What the venue said, forged, straight to the OMS (only the connector
  //    of the directory may): a fill of each live order of ours and of one
  //    it never had, a reject, and snapshots for the first rounds.
  auto usdchf = *symbol::parse("USDCHF");
  for (auto& o : ours)
    a.self->send(oms, forged_fill(o.request.id, o.request.sym, o.request.quantity));
  a.self->send(oms, forged_fill(client_order_id{"mallory-fill"}, usdchf, *qty::parse("1")));
  a.self->send(oms, order_reject{client_order_id{"mallory-fill"}, usdchf,
                                 reject_reason::unknown_order, "forged", wall_clock_now()});
  const int64_t rounds = 20;
  for (int64_t round = 0; round < rounds; ++round)
    a.self->send(oms, forged_snapshot(round, ours));
  const auto forged_fills = static_cast<int64_t>(ours.size()) + 1;

  auto refused = n.wait_for(
    [&](const node_status_view& s) {
      return reached(s, "kill", "wire", 1) && reached(s, "kill", "kill_ack", 1)
             && reached(s, "kill", "channel_result", 1) && reached(s, "connector.binance", "cancel_all", 1)
             && reached(s, "connector.binance", "disconnect", 1) && reached(s, "risk", "freeze", 1)
             && reached(s, "risk", "flatten", 1)
             && reached(s, "supervisor", "unsigned_announce", 1)
             && reached(s, "supervisor", "crash", 1)
             && reached(s, "connector.binance", "order_request", 1)
             && reached(s, "connector.binance", "cancel_request", 1)
             && reached(s, "connector.binance", "reconcile_orders", 1)
             && reached(s, "oms", "order_request", 1) && reached(s, "oms", "cancel_request", 1)
             && reached(s, "oms", "amend_request", 1)
             && reached(s, "oms", "execution_report", forged_fills)
             && reached(s, "oms", "order_reject", 1)
             && reached(s, "oms", "venue_snapshot", rounds);
    },
    30s);
  CAF_CHECK(refused.met);
  auto& s = refused.last;
  CAF_CHECK_EQUAL(s.mode, "ACTIVE");
  CAF_CHECK_EQUAL(s.counter("kill", "peers").value_or(-1), 0);
  CAF_CHECK_EQUAL(s.counter("kill", "applied").value_or(-1), 0);
  CAF_CHECK_EQUAL(s.counter("connector.binance", "venue_disconnected").value_or(-1), 0);
  CAF_CHECK_EQUAL(s.counter("supervisor", "peers").value_or(-1), 0);
  CAF_CHECK_EQUAL(s.counter("supervisor", "failover.demotions").value_or(0), 0);
  CAF_CHECK_EQUAL(s.counter("supervisor", "drills.crashed").value_or(-1), 0);
  CAF_CHECK_EQUAL(s.counter("supervisor", "held.oms").value_or(0), 0);
  // Nothing forged reached the OMS's orders: no order adopted or ended by a
  // snapshot, no report of an unknown order, positions still explained.
  auto same = [&](const char* key) {
    return s.counter("oms", key).value_or(-1) == before.counter("oms", key).value_or(-2);
  };
  CAF_CHECK(same("reconcile.adopted"));
  CAF_CHECK(same("reconcile.never_reached"));
  CAF_CHECK(same("illegal_reports"));
  CAF_CHECK_EQUAL(s.counter("oms", "reconcile.phase_running").value_or(0), 1);
  CAF_CHECK_EQUAL(s.counter("oms", "reconcile.phase_unexplained").value_or(-1), 0);
  std::vector<restored_order> after_forgery;
  a.self->request(oms, 5s, open_orders_atom::value)
    .receive([&](std::vector<restored_order>& o) { after_forgery = std::move(o); },
             [&](caf::error& e) { CAF_FAIL("open orders: " << a.sys.render(e)); });
  for (auto& o : after_forgery)
    CAF_CHECK(o.request.id.value.rfind("mallory", 0) != 0);

  // 5. A real level-4 kill (alice, through the CLI), then the attacker tries
  //    to undo it with trading_state{none}.
  auto full = n.kill({"--level=4", "--reason=itest full stop"});
  CAF_MESSAGE(full.raw.out << full.raw.err);
  CAF_REQUIRE_EQUAL(full.raw.exit_code, 0);
  auto stopped = n.wait_for(
    [](const node_status_view& st) {
      return st.counter("connector.binance", "venue_disconnected").value_or(0) == 1
             && st.counter("strategy", "stopped_full_stop").value_or(0) == 1;
    },
    30s);
  CAF_REQUIRE(stopped.met);
  trading_state resume;
  resume.level = kill_level::none;
  resume.mode = trading_mode::active;
  a.self->send(connector, resume);
  a.self->send(strategy, resume);
  a.self->send(risk, resume);
  auto undone = n.wait_for(
    [](const node_status_view& st) {
      return reached(st, "connector.binance", "trading_state", 1)
             && reached(st, "strategy", "trading_state", 1)
             && reached(st, "risk", "trading_state", 1);
    },
    30s);
  CAF_CHECK(undone.met);
  auto& after = undone.last;
  CAF_CHECK_EQUAL(after.mode, "HALTED");
  CAF_CHECK_EQUAL(after.counter("connector.binance", "venue_disconnected").value_or(0), 1);
  CAF_CHECK_EQUAL(after.counter("strategy", "stopped_full_stop").value_or(0), 1);
  CAF_CHECK_EQUAL(after.counter("kill", "gate_level").value_or(0), 4);
  caf::anon_send_exit(decoy, caf::exit_reason::user_shutdown);
  CWTS_STOP_NODE(n.node);
}
