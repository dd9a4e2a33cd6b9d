// Kill levels and scopes on one node with every role, against cwts-venue:
//   - a symbol-scoped level 1 closes that symbol only: the node stays ACTIVE,
//     the strategy's orders on it are refused at the gate;
//   - level 3 (flatten) from an operator holding only `kill` is refused;
//   - level 3 from alice (kill-full) cancels every open order, sends market
//     orders that bring the position back to zero, and reports it flat;
//   - level 4 (full stop) cuts the venue connection and stops the strategy;
//     a restart comes back halted at level 4 with the scoped halt kept.
#define CAF_SUITE node_kill_levels
#include "tests/support/unit_test.hpp"

#include <fstream>
#include <string>

#include "tests/integration/node/single_node.hpp"
#include "tests/integration/node/stop_node.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

const std::map<std::string, std::string>* channel(const kill_view& k, const std::string& name) {
  for (auto& c : k.channels) {
    auto n = c.find("name");
    if (n != c.end() && n->second == name)
      return &c;
  }
  return nullptr;
}

std::string field(const std::map<std::string, std::string>* m, const std::string& key) {
  if (!m)
    return "<no channel>";
  auto i = m->find(key);
  return i == m->end() ? "<absent>" : i->second;
}

// An operators file with alice (every role) and carol, who may halt and
// cancel but not flatten (role kill only).
std::string write_operators(const cluster_paths& paths, const std::string& dir) {
  auto file = dir + "/operators.ini";
  std::ofstream out(file);
  out << "[operators]\nwindow-seconds = 30\n"
      << "[operator.alice]\npublic-key-file = \"" << paths.operator_public_key("alice") << "\"\n"
      << "roles = \"risk-officer,operations,kill,kill-full,reset\"\n"
      << "[operator.carol]\npublic-key-file = \"" << paths.operator_public_key("bob")
      << "\"\nroles = \"kill\"\n"
      << "[operator.node-solo]\npublic-key-file = \"" << paths.node_public_key("solo") << "\"\n"
      << "roles = \"kill\"\nnode = \"solo\"\n";
  return file;
}

} // namespace

CAF_TEST(scoped_halt_then_flatten_then_full_stop) {
  auto paths = cluster_paths::from_env();
  auto dir_for_ops = make_test_dir("node_kill_levels_ops");
  auto operators = write_operators(paths, dir_for_ops);
  single_node n("node_kill_levels",
                {"--operators.file=" + operators,
                 "--kill.node-key-file=" + paths.node_key("solo")});
  // Trading, with a position to flatten.
  auto trading = n.wait_for(
    [](const node_status_view& s) {
      return s.mode == "ACTIVE" && s.counter("risk", "position_raw.USDCHF").value_or(0) != 0;
    },
    90s);
  CAF_REQUIRE(trading.met);

  // Level 1 on one symbol: the node stays ACTIVE, the symbol is closed.
  auto scoped = n.kill({"--level=1", "--scope=symbol", "--scope-value=USDCHF",
                        "--reason=itest symbol halt"});
  CAF_MESSAGE(scoped.raw.out << scoped.raw.err);
  CAF_REQUIRE_EQUAL(scoped.raw.exit_code, 0);
  auto closed = n.wait_for(
    [](const node_status_view& s) {
      return s.counter("kill", "scoped_halts").value_or(0) == 1
             && s.counter("risk", "rejected.kill_gate_closed").value_or(0) > 0;
    },
    30s);
  CAF_CHECK(closed.met);
  CAF_CHECK_EQUAL(closed.last.mode, "ACTIVE");
  CAF_CHECK_EQUAL(closed.last.counter("kill", "gate_level").value_or(-1), 0);

  // Level 3 needs kill-full: carol (kill only) is refused, nothing changes.
  auto refused = n.kill({"--level=3", "--reason=itest flatten", "--operator=carol",
                         "--key-file=" + paths.operator_key("bob")});
  CAF_CHECK_EQUAL(refused.raw.exit_code, 4);
  CAF_CHECK(refused.raw.out.find("lacks role 'kill-full'") != std::string::npos);

  // Level 3 from alice: cancel everything, then flatten.
  auto flatten = n.kill({"--level=3", "--reason=itest flatten"});
  CAF_MESSAGE(flatten.raw.out << flatten.raw.err);
  CAF_REQUIRE_EQUAL(flatten.raw.exit_code, 0);
  auto* fl = channel(flatten, "flatten");
  CAF_CHECK_EQUAL(field(fl, "ok"), "1");
  CAF_CHECK_EQUAL(field(fl, "positions_open_after"), "0");
  CAF_CHECK_EQUAL(field(channel(flatten, "venue_cancel_all"), "open_after"), "0");
  auto flat = n.wait_for(
    [](const node_status_view& s) {
      return s.mode == "HALTED" && s.counter("risk", "position_raw.USDCHF").value_or(-1) == 0;
    },
    30s);
  CAF_CHECK(flat.met);

  // Level 4: the venue is cut and the strategy stopped.
  auto full = n.kill({"--level=4", "--reason=itest full stop"});
  CAF_MESSAGE(full.raw.out << full.raw.err);
  CAF_REQUIRE_EQUAL(full.raw.exit_code, 0);
  CAF_CHECK_EQUAL(field(channel(full, "venue_disconnect"), "ok"), "1");
  auto stopped = n.wait_for(
    [](const node_status_view& s) {
      return s.counter("connector.binance", "venue_disconnected").value_or(0) == 1
             && s.counter("strategy", "stopped_full_stop").value_or(0) == 1
             && s.counter("kill", "gate_level").value_or(0) == 4;
    },
    30s);
  CAF_CHECK(stopped.met);
  CWTS_STOP_NODE(n.node);

  // The halt state keeps the level and the scoped halt.
  auto state = read_file(n.dir + "/run/solo-halt.state");
  CAF_MESSAGE(state);
  CAF_CHECK(state.find("level=4") != std::string::npos);
  CAF_CHECK(state.find("scoped=symbol:1:") != std::string::npos);
  CAF_CHECK(state.find(":USDCHF") != std::string::npos);
}
