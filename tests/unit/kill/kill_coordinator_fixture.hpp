#pragma once
// Shared by the kill coordinator actor tests (kill_coordinator_test: channels,
// authentication, restarts; kill_coordinator_quorum_test: two-node resets, votes,
// heartbeats, the fail-safe): test doubles of the connector and the OMS, and a
// fixture that spawns coordinators over a temporary folder.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <atomic>
#include <functional>
#include <optional>
#include <sstream>
#include <thread>

#include "caf/all.hpp"

#include "actors/kill/audit_chain.hpp"
#include "actors/kill/halt_state.hpp"
#include "actors/kill/kill_coordinator_actor.hpp"
#include "actors/kill/reset_quorum.hpp"
#include "actors/supervisor/supervisor_actor.hpp"
#include "messages/registry.hpp"
#include "tests/unit/actor_test_system.hpp"
#include "tests/unit/kill/test_keys.hpp"
#include "tests/integration/support/wait_until.hpp"

namespace cwts::kill_coordinator_testing {

// Test double of a venue connector: answers cancel-all with `open_after`
// open orders left on each call, in turn, and records the gate it saw.
struct probe {
  std::atomic<bool> gate_was_closed{false};
  std::atomic<int> cancel_all_calls{0};
};

inline caf::behavior fake_connector(caf::stateful_actor<std::vector<int64_t>>* self,
                             std::vector<int64_t> open_after, const kill_gate* gate,
                             std::shared_ptr<probe> seen) {
  self->state = std::move(open_after);
  auto cancel_all = [=](const kill_id& id) {
      seen->gate_was_closed.store(!gate->is_open());
      ++seen->cancel_all_calls;
      int64_t left = self->state.empty() ? 0 : self->state.front();
      if (self->state.size() > 1)
        self->state.erase(self->state.begin());
      channel_result r;
      r.id = id;
      r.node = node_id{"n1"};
      r.channel = "venue_cancel_all";
      r.ok = left == 0;
      r.duration_ns = 1000;
      r.orders_canceled = 3;
      r.open_orders_after = left;
      r.error = left == 0 ? "" : "open orders remain";
      return r;
  };
  // The channel is asked with the kill id or with the whole kill command.
  return {
    [=](cancel_all_atom, const kill_id& id) { return cancel_all(id); },
    [=](cancel_all_atom, const kill_command& cmd) { return cancel_all(cmd.id); },
    [](const trading_state&) {},
  };
}

// Test double of an OMS: answers cancel-all, and stats with its
// reconciliation phase (a reset precondition).
inline caf::behavior fake_oms(caf::event_based_actor*, bool reconciled) {
  auto cancel_all = [](const kill_id& id) {
    channel_result r;
    r.id = id;
    r.node = node_id{"n1"};
    r.channel = "oms";
    r.ok = true;
    r.duration_ns = 500;
    r.orders_canceled = 2;
    return r;
  };
  return {
    [=](cancel_all_atom, const kill_id& id) { return cancel_all(id); },
    [=](cancel_all_atom, const kill_command& cmd) { return cancel_all(cmd.id); },
    [reconciled](stats_atom) {
      return actor_stats{"oms", {{"reconcile.phase_running", reconciled ? 1 : 0}}};
    },
    [reconciled](precond_atom) { return reset_precondition{"oms", reconciled, ""}; },
    [](const trading_state&) {},
  };
}

// An OMS whose metrics say "reconciled" (or a counter renamed) while its
// typed answer says not: the vote must follow the typed answer (issue 17 #11).
inline caf::behavior oms_metrics_disagree(caf::event_based_actor*) {
  return {
    [](cancel_all_atom, const kill_command& cmd) {
      return channel_result{cmd.id, node_id{"n1"}, "oms", true, 1, 0, 0, -1, ""};
    },
    [](stats_atom) {
      return actor_stats{"oms", {{"reconcile.phase_running", 1}, {"breach_now", 0}}};
    },
    [](precond_atom) { return reset_precondition{"oms", false, ""}; },
    [](const trading_state&) {},
  };
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

inline const std::string binance = connector_role(venue_name{"binance"});

// Test double of one venue's connector for the many-venues cases: answers
// cancel-all with nothing open, except the first call when `hang_first`:
// that one it holds and never answers. Counts its calls.
struct venue_probe {
  std::atomic<int> cancel_all_calls{0};
};

struct standin_state {
  std::vector<caf::response_promise> held;
};

inline caf::behavior standin_connector(caf::stateful_actor<standin_state>* self, bool hang_first,
                                std::shared_ptr<venue_probe> seen) {
  return {
    [=](cancel_all_atom, const kill_command& cmd) -> caf::result<channel_result> {
      if (++seen->cancel_all_calls == 1 && hang_first) {
        self->state.held.push_back(self->make_response_promise());
        return caf::delegated<channel_result>{};
      }
      // The venue is left to the coordinator, which knows whom it asked.
      return channel_result{cmd.id, node_id{"n1"}, "venue_cancel_all", true, 1000, 0, 1, 0, ""};
    },
    [](const trading_state&) {},
  };
}

struct fixture : testing::actor_test_system {
  kill_test::test_keys keys;
  kill_gate gate1;
  kill_gate gate2;
  std::shared_ptr<probe> seen = std::make_shared<probe>();
  std::string dir;
  // Fail-safe timing of the coordinators spawned next (defaults: the config's).
  kill_coordinator_config timing;

  fixture() {
    dir = (std::filesystem::temp_directory_path()
           / ("cwts-kill-coord-" + std::to_string(::getpid())))
            .string();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }

  ~fixture() {
    shutdown();
    std::filesystem::remove_all(dir);
  }

  caf::actor coordinator(const std::string& node, kill_gate& gate, int32_t cluster_size = 1,
                         std::chrono::milliseconds slow_retry = std::chrono::seconds(5)) {
    kill_coordinator_config c;
    c.venue_channel_slow_retry = slow_retry;
    c.core.self = node_id{node};
    c.core.operators = keys.registry;
    c.gate = &gate;
    c.report_deadline = std::chrono::seconds(3);
    c.reset_deadline = std::chrono::seconds(3);
    c.audit_path = dir + "/" + node + "-audit.log";
    c.state_path = dir + "/" + node + "-halt.state";
    c.cluster_size = cluster_size;
    c.heartbeat_interval = timing.heartbeat_interval;
    c.quorum_timeout = timing.quorum_timeout;
    c.quorum_start_grace = timing.quorum_start_grace;
    c.channel_timeout = timing.channel_timeout;
    c.node_key = keys.node_key(node);
    return spawn_kill_coordinator(*sys, c);
  }

  // A coordinator that calls itself `node` but signs with `key` (not the
  // one the operators file lists for `node`).
  caf::actor impostor(const std::string& node, kill_gate& gate, int32_t cluster_size,
                      std::shared_ptr<const ed25519_signer> key) {
    kill_coordinator_config c;
    c.core.self = node_id{node};
    c.core.operators = keys.registry;
    c.gate = &gate;
    c.reset_deadline = std::chrono::seconds(2);
    c.cluster_size = cluster_size;
    c.heartbeat_interval = timing.heartbeat_interval;
    c.quorum_timeout = timing.quorum_timeout;
    c.quorum_start_grace = timing.quorum_start_grace;
    c.node_key = std::move(key);
    return spawn_kill_coordinator(*sys, c);
  }

  int64_t counter(const caf::actor& kill, const std::string& key) {
    auto s = stats_of(kill);
    auto i = s.counters.find(key);
    return i == s.counters.end() ? int64_t{-1} : i->second;
  }

  kill_command command(kill_level level, const std::string& reason = "test") {
    auto c = keys.kill("k-" + reason + std::to_string(static_cast<int>(level)), level);
    c.reason = reason;
    sign(c, keys.alice);
    return c;
  }

  reset_report reset(const caf::actor& kill, const reset_command& cmd) {
    reset_report out;
    (*self)->request(kill, std::chrono::seconds(10), cmd)
      .receive([&](reset_report& r) { out = std::move(r); },
               [](caf::error&) { CAF_FAIL("no reset report"); });
    return out;
  }

  // Waits (bounded) for the actor's mailbox to have been worked through.
  trading_state gate_of(const caf::actor& kill) {
    trading_state out;
    (*self)->request(kill, std::chrono::seconds(5), gate_atom::value)
      .receive([&](trading_state& s) { out = s; }, [](caf::error&) { CAF_FAIL("no state"); });
    return out;
  }

  void stop(const caf::actor& a) {
    (*self)->monitor(a);
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    (*self)->receive([](const caf::down_msg&) {});
  }

  actor_stats stats_of(const caf::actor& kill) {
    actor_stats out;
    (*self)->request(kill, std::chrono::seconds(5), stats_atom::value)
      .receive([&](actor_stats& s) { out = std::move(s); }, [](caf::error&) { CAF_FAIL("no stats"); });
    return out;
  }

  // Polls (bounded) until `pred` holds for `kill`'s stats.
  bool stats_until(const caf::actor& kill, const std::function<bool(const actor_stats&)>& pred) {
    return itest::wait_until([&] { return pred(stats_of(kill)); }, std::chrono::seconds(5),
                             std::chrono::milliseconds(25));
  }

  kill_report issue(const caf::actor& kill, const kill_command& cmd) {
    kill_report out;
    (*self)->request(kill, std::chrono::seconds(10), cmd)
      .receive([&](kill_report& r) { out = std::move(r); },
               [](caf::error&) { CAF_FAIL("no kill report"); });
    return out;
  }
};

} // namespace cwts::kill_coordinator_testing
