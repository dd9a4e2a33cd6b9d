#define CAF_SUITE reset_after_restart
#include "tests/support/unit_test.hpp"

// docs/model.md finding M1: the latest kill applied here lived in memory
// only. Halted by K, a reset R signed for K, then K2 (same level, signed
// after R) applied: the cause stays K. After a restart the node forgot K2,
// voted yes when R finally came and, with the others' yes votes, reopened:
// K2 undone. CAF-free: the kill switch, the halt state on disk and the
// vote and quorum rules (reset_quorum.hpp) as kill_reset.cpp uses them.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "actors/kill/halt_state.hpp"
#include "actors/kill/kill_switch.hpp"
#include "actors/kill/reset_quorum.hpp"
#include "tests/unit/kill/test_keys.hpp"

using namespace cwts;

namespace {

constexpr int64_t second = 1'000'000'000;
constexpr int32_t members = 4; // f = 1, quorum 3

struct fixture {
  kill_test::test_keys keys;
  std::string path = (std::filesystem::temp_directory_path()
                      / ("cwts-reset-restart-" + std::to_string(::getpid()) + ".state"))
                       .string();
  timestamp_ns now = wall_clock_now();
  kill_gate gate;
  std::unique_ptr<kill_switch> ks = make(gate);
  // After restart(): the new process's gate and core.
  kill_gate fresh;
  std::unique_ptr<kill_switch> again;

  fixture() { std::filesystem::remove(path); }
  ~fixture() { std::filesystem::remove(path); }

  std::unique_ptr<kill_switch> make(kill_gate& g) {
    return std::make_unique<kill_switch>(kill_switch_config{node_id{"n1"}, keys.registry}, g);
  }

  // At `ago` seconds before now; level 1, cluster-wide.
  kill_command kill(const std::string& id, int64_t ago) {
    return keys.kill(id, kill_level::halt_new_orders, timestamp_ns{now.ns - ago * second});
  }

  reset_command reset_for(const std::string& cause, int64_t ago) {
    auto r = keys.reset("r-1", timestamp_ns{now.ns - ago * second});
    r.halt_cause = kill_id{cause};
    sign(r, keys.alice);
    return r;
  }

  // A crash and restart: the halt state written as the coordinator writes
  // it, read back, a new core restored from it (kill_start.cpp).
  kill_switch& restart() {
    std::string error;
    CAF_REQUIRE(save_halt_state(path, ks->halt(), error));
    auto saved = load_halt_state(path, error);
    CAF_REQUIRE(saved);
    again = make(fresh);
    again->restore(*saved);
    return *again;
  }

  // This node's vote and, with yes votes from n2, n3 and n4 (the others,
  // none of which saw K2), kill_reset.cpp's decide: own yes, quorum, then
  // the compare-and-reopen on the vote's snapshot. True when it reopened.
  bool vote_and_decide(kill_switch& core, const reset_command& r, reset_vote& own) {
    uint64_t seen_seq = 0;
    auto p = core.vote_preconditions(r, seen_seq);
    own = decide_vote(r.id, node_id{"n1"}, p);
    reset_round round{r};
    CAF_REQUIRE_EQUAL(round.record(own), "");
    for (const char* other : {"n2", "n3", "n4"})
      CAF_REQUIRE_EQUAL(round.record(reset_vote{r.id, node_id{other}, true, "", r.epoch, {}}), "");
    CAF_REQUIRE_GREATER_OR_EQUAL(round.yes(), reset_quorum(members));
    if (!own.yes)
      return false;
    return core.reopen(r.id, r.reason, r.epoch, seen_seq);
  }
};

const std::string digest64(64, 'a');

} // namespace

CAF_TEST_FIXTURE_SCOPE(reset_after_restart_tests, fixture)

CAF_TEST(a_reset_signed_before_a_later_kill_cannot_undo_it_after_a_restart) {
  CAF_REQUIRE(ks->on_command(kill("k-1", 3), now).verdict == kill_verdict::applied);
  auto r = reset_for("k-1", 2); // signed, withheld by whoever carries it
  CAF_REQUIRE(ks->on_command(kill("k-2", 1), now).verdict == kill_verdict::applied);
  // Same level: the cause and its time are still K's.
  CAF_REQUIRE_EQUAL(ks->state().cause.value, "k-1");
  auto& core = restart();
  CAF_REQUIRE(!fresh.is_open());
  CAF_CHECK_EQUAL(core.last_applied().value, "k-2");
  reset_vote own;
  CAF_CHECK(!vote_and_decide(core, r, own));
  CAF_CHECK(!own.yes);
  CAF_CHECK_EQUAL(own.reason, "kill k-2 was applied here after the reset was signed for k-1");
  CAF_CHECK(!fresh.is_open());
  CAF_CHECK_EQUAL(fresh.level(), 1);
  CAF_CHECK_EQUAL(core.epoch(), 0);
}

// The same sequence without K2 reopens: the test above can fail.
CAF_TEST(without_the_later_kill_the_same_reset_reopens_after_a_restart) {
  CAF_REQUIRE(ks->on_command(kill("k-1", 3), now).verdict == kill_verdict::applied);
  auto r = reset_for("k-1", 2);
  auto& core = restart();
  CAF_REQUIRE(!fresh.is_open());
  reset_vote own;
  CAF_CHECK(vote_and_decide(core, r, own));
  CAF_CHECK(own.yes);
  CAF_CHECK(fresh.is_open());
  CAF_CHECK_EQUAL(core.epoch(), 1);
}

CAF_TEST(the_latest_kill_and_its_apply_time_are_in_the_halt_state) {
  CAF_REQUIRE(ks->on_command(kill("k-1", 3), now).verdict == kill_verdict::applied);
  CAF_REQUIRE(ks->on_command(kill("k-2", 1), now).verdict == kill_verdict::applied);
  std::string error;
  CAF_REQUIRE(save_halt_state(path, ks->halt(), error));
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CAF_CHECK(text.find("\nlast_kill=" + std::to_string(ks->last_applied_wall_ns()) + ":k-2\n")
            != std::string::npos);
  auto saved = load_halt_state(path, error);
  CAF_REQUIRE(saved);
  CAF_CHECK(saved->last_kill_known);
  CAF_CHECK_EQUAL(saved->last_kill.value, "k-2");
  CAF_CHECK_EQUAL(saved->last_kill_ns, ks->last_applied_wall_ns());
  // A node that never applied a kill writes `none`.
  kill_gate g;
  auto quiet = make(g);
  CAF_REQUIRE(save_halt_state(path, quiet->halt(), error));
  saved = load_halt_state(path, error);
  CAF_REQUIRE(saved);
  CAF_CHECK(saved->last_kill_known);
  CAF_CHECK(saved->last_kill.empty());
}

// A file written before the field: it loads; the newest kill in the replay
// guard stands in (by issued_at), so the old file still votes R down.
CAF_TEST(an_old_file_without_last_kill_loads_and_falls_back_on_the_seen_list) {
  auto write_old = [&](bool with_k2) {
    std::ofstream out(path, std::ios::trunc);
    out << "cwts-halt-state/1\nlevel=1\ncause=k-1\nsince_ns=" << now.ns - 3 * second
        << "\nepoch=0\nreason=drill\n"
        << "seen=kill:" << now.ns - 3 * second << ':' << digest64 << ":alice/k-1\n";
    if (with_k2)
      out << "seen=kill:" << now.ns - 1 * second << ':' << digest64 << ":alice/k-2\n";
  };
  auto r = reset_for("k-1", 2);
  for (bool with_k2 : {true, false}) {
    write_old(with_k2);
    std::string error;
    auto saved = load_halt_state(path, error);
    CAF_REQUIRE(saved);
    CAF_CHECK(!saved->last_kill_known);
    kill_gate g;
    auto core = make(g);
    core->restore(*saved);
    CAF_CHECK_EQUAL(core->last_applied().value, with_k2 ? "k-2" : "k-1");
    reset_vote own;
    CAF_CHECK_EQUAL(vote_and_decide(*core, r, own), !with_k2);
    CAF_CHECK_EQUAL(g.is_open(), !with_k2);
  }
}

CAF_TEST(a_malformed_last_kill_is_a_clear_error_and_counted) {
  auto write = [&](const std::string& lines) {
    std::ofstream out(path, std::ios::trunc);
    out << "cwts-halt-state/1\nlevel=1\ncause=k-1\nsince_ns=1\nepoch=0\nreason=drill\n" << lines;
  };
  for (const std::string& bad :
       {std::string("last_kill=k-2\n"), std::string("last_kill=-5:k-2\n"),
        std::string("last_kill=12:\n"), std::string("last_kill=x1:k-2\n"),
        "last_kill=12:" + std::string(kill_limits::max_name + 1, 'k') + "\n",
        std::string("last_kill=12:k\t2\n"), std::string("last_kill=none\nlast_kill=12:k-2\n")}) {
    write(bad);
    auto before = halt_state_load_errors();
    std::string error;
    CAF_CHECK(!load_halt_state(path, error));
    CAF_CHECK(error.find("last_kill") != std::string::npos);
    CAF_CHECK_EQUAL(halt_state_load_errors(), before + 1);
  }
  write("last_kill=12:k-2:with:colons\n");
  std::string error;
  auto ok = load_halt_state(path, error);
  CAF_REQUIRE(ok);
  CAF_CHECK_EQUAL(ok->last_kill.value, "k-2:with:colons");
  CAF_CHECK_EQUAL(ok->last_kill_ns, 12);
}

CAF_TEST_FIXTURE_SCOPE_END()
