#pragma once
// Shared by the OMS actor tests (oms_actor_test: journal, amends, reconciliation,
// venues, halts; oms_actor_commit_test: group commit and the order of sends):
// a fixture that plays connector, risk and strategy against one OMS.

#include <sqlite3.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <thread>

#include "caf/all.hpp"

#include "actors/oms/oms_actor.hpp"
#include "actors/oms/order_journal.hpp"
#include "messages/registry.hpp"
#include "tests/unit/actor_test_system.hpp"
#include "tests/unit/oms/oms_test_fixture.hpp"
#include "tests/unit/oms/temp_dir.hpp"

namespace cwts::oms_actor_testing {

using namespace cwts::oms::testing;


// The test plays connector, risk and strategy at once: whatever the OMS
// sends to any of them arrives at the scoped actor.
struct fixture : testing::actor_test_system {
  kill_gate gate;
  temp_dir dir;
  // Journal failures on demand (the journal's test hook).
  std::shared_ptr<oms::journal_faults> faults = std::make_shared<oms::journal_faults>();

  fixture() = default;
  explicit fixture(std::function<void(caf::actor_system_config&)> extra)
    : actor_test_system(std::move(extra)) {}

  ~fixture() { shutdown(); }

  // Starts an OMS wired to the test and answers its reconciliation with
  // `venue` (an empty, complete snapshot unless told otherwise).
  caf::actor start(const std::string& journal_path, venue_snapshot venue = complete_snapshot()) {
    auto oms = start_unreconciled(journal_path);
    reconcile(oms, std::move(venue));
    return oms;
  }

  caf::actor start_unreconciled(const std::string& journal_path,
                                std::shared_ptr<const operator_registry> operators = nullptr) {
    oms_actor_config cfg;
    cfg.self = node_id{"t"};
    cfg.gate = &gate;
    cfg.journal_path = journal_path;
    cfg.operators = std::move(operators);
    cfg.reconcile_retry = std::chrono::milliseconds(10);
    cfg.journal_faults = faults;
    auto oms = spawn_oms(*sys, cfg);
    caf::actor me = *self;
    role_directory roles{{connector_role(test_venue), me}, {"risk", me}};
    (*self)->send(oms, wire_atom::value, roles);
    return oms;
  }

  static venue_order_state open_at_venue(const std::string& id, const std::string& executed) {
    venue_order_state v;
    v.id.value = id;
    v.venue_id.value = 42;
    v.sym = *symbol::parse("BTCUSDT");
    v.status = *qty::parse(executed) == qty{} ? order_status::accepted
                                               : order_status::partially_filled;
    v.limit_price = *price::parse("30000");
    v.orig_qty = *qty::parse("1");
    v.executed_qty = *qty::parse(executed);
    v.cum_quote = *notional_of(v.limit_price, v.executed_qty);
    return v;
  }

  static venue_snapshot complete_snapshot() {
    venue_snapshot s;
    s.venue = test_venue;
    s.complete = true;
    s.assets.push_back(symbol_assets{*symbol::parse("BTCUSDT"), "BTC", "USDT"});
    s.balances.push_back(asset_balance{"BTC", *qty::parse("10"), qty{}});
    return s;
  }

  // Plays the connector: waits for the OMS's reconcile_orders, answers
  // `venue` for that round, and returns what the OMS asked about.
  reconcile_orders reconcile(const caf::actor& oms, venue_snapshot venue) {
    reconcile_orders got;
    (*self)->receive([&](const reconcile_orders& req) { got = req; },
                     caf::after(std::chrono::seconds(5)) >> [] { CAF_FAIL("no reconcile_orders"); });
    venue.round = got.round;
    (*self)->send(oms, venue);
    return got;
  }

  void stop(const caf::actor& oms) {
    (*self)->monitor(oms);
    (*self)->send_exit(oms, caf::exit_reason::kill);
    (*self)->receive([](const caf::down_msg&) {},
                     caf::after(std::chrono::seconds(5)) >> [] { CAF_FAIL("oms did not stop"); });
  }

  int64_t counter(const caf::actor& oms, const std::string& key) {
    int64_t n = -1;
    (*self)->request(oms, std::chrono::seconds(5), stats_atom::value)
      .receive([&](const actor_stats& s) { n = s.counters.count(key) ? s.counters.at(key) : -2; },
               [](caf::error&) { CAF_FAIL("no stats"); });
    return n;
  }

  // The reject the OMS sends for `id`; fails the test if the order is sent.
  order_reject expect_reject() {
    order_reject got;
    (*self)->receive([&](const order_reject& rej) { got = rej; },
                     [](const order_request& req) { CAF_FAIL("order sent: " << req.id.value); },
                     caf::after(std::chrono::seconds(5)) >> [] { CAF_FAIL("no reject"); });
    return got;
  }

  // The status of `id` as another connection sees it: committed rows only.
  static std::string committed_status(const std::string& path, const std::string& id) {
    sqlite3* reader = nullptr;
    sqlite3_open_v2(path.c_str(), &reader, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(reader, "SELECT status FROM orders WHERE client_order_id = ?", -1, &q,
                       nullptr);
    sqlite3_bind_text(q, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    std::string status = "absent";
    if (sqlite3_step(q) == SQLITE_ROW)
      status = reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    sqlite3_close(reader);
    return status;
  }

  order_request expect_sent() {
    order_request got;
    (*self)->receive([&](const order_request& req) { got = req; },
                     [](const order_reject& rej) { CAF_FAIL("rejected: " << rej.detail); },
                     caf::after(std::chrono::seconds(5)) >> [] { CAF_FAIL("order not sent"); });
    return got;
  }
};

} // namespace cwts::oms_actor_testing
