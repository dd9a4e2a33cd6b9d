#define CAF_SUITE halt_state
#include "tests/support/unit_test.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "actors/kill/halt_state.hpp"

using namespace cwts;

namespace {

struct fixture {
  std::string path = (std::filesystem::temp_directory_path()
                      / ("cwts-halt-test-" + std::to_string(::getpid()) + ".state"))
                       .string();
  fixture() { std::filesystem::remove(path); }
  ~fixture() { std::filesystem::remove(path); }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(halt_state_tests, fixture)

CAF_TEST(a_missing_file_is_an_open_gate_at_epoch_zero) {
  std::string error;
  auto s = load_halt_state(path, error);
  CAF_REQUIRE(s);
  CAF_CHECK(!s->halted());
  CAF_CHECK_EQUAL(s->epoch, 0);
}

CAF_TEST(a_saved_halt_reads_back) {
  std::string error;
  halt_state in{kill_level::cancel_all, kill_id{"k-1"}, timestamp_ns{1234}, 7, "drill\nsecond"};
  CAF_REQUIRE(save_halt_state(path, in, error));
  auto out = load_halt_state(path, error);
  CAF_REQUIRE(out);
  CAF_CHECK(out->level == kill_level::cancel_all);
  CAF_CHECK_EQUAL(out->cause.value, "k-1");
  CAF_CHECK_EQUAL(out->since.ns, 1234);
  CAF_CHECK_EQUAL(out->epoch, 7);
  CAF_CHECK_EQUAL(out->reason, "drill second");
  CAF_CHECK(!std::filesystem::exists(path + ".tmp"));
}

CAF_TEST(a_damaged_file_is_an_error_not_an_open_gate) {
  std::ofstream(path) << "cwts-halt-state/1\nlevel=2\n"; // epoch missing: cut short
  std::string error;
  CAF_CHECK(!load_halt_state(path, error));
  CAF_CHECK(error.find("truncated") != std::string::npos);
  std::ofstream(path, std::ios::trunc) << "garbage\n";
  CAF_CHECK(!load_halt_state(path, error));
}

CAF_TEST(scoped_halts_read_back_and_a_bad_one_is_refused) {
  std::string error;
  halt_state in;
  in.epoch = 2;
  in.scoped.push_back(scoped_halt{kill_scope::symbol, "USDCHF", kill_level::cancel_all, kill_id{"k-a"}});
  in.scoped.push_back(scoped_halt{kill_scope::strategy, "mm:x", kill_level::halt_new_orders, kill_id{"k-b"}});
  CAF_REQUIRE(save_halt_state(path, in, error));
  auto out = load_halt_state(path, error);
  CAF_REQUIRE(out);
  CAF_CHECK(!out->halted());
  CAF_CHECK(!out->scoped.empty());
  CAF_REQUIRE_EQUAL(out->scoped.size(), 2u);
  CAF_CHECK_EQUAL(out->scoped[0].value, "USDCHF");
  CAF_CHECK(out->scoped[0].level == kill_level::cancel_all);
  CAF_CHECK_EQUAL(out->scoped[1].value, "mm:x"); // the value may hold ':'
  CAF_CHECK_EQUAL(out->scoped[1].cause.value, "k-b");
  kill_gate g;
  apply_halt(*out, g);
  CAF_CHECK_EQUAL(g.level_for("mm:x", "USDCHF", "demo"), 2);
  CAF_CHECK(g.is_open());
  {
    std::ofstream f(path, std::ios::app);
    f << "scoped=planet:2:k-c:MARS\n";
  }
  CAF_CHECK(!load_halt_state(path, error));
  CAF_CHECK(error.find("bad scoped halt") != std::string::npos);
}

CAF_TEST(seen_commands_read_back_and_a_bad_one_is_refused) {
  std::string error;
  halt_state in;
  auto digest = content_digest("payload", {1, 2, 3});
  CAF_CHECK_EQUAL(digest.size(), 64u);
  CAF_CHECK(digest != content_digest("payload", {1, 2, 4}));
  in.seen.push_back(seen_command{"kill", "alice/k:1", digest, timestamp_ns{42}});
  in.seen.push_back(seen_command{"reset", "r-1", digest, timestamp_ns{43}});
  CAF_REQUIRE(save_halt_state(path, in, error));
  auto out = load_halt_state(path, error);
  CAF_REQUIRE(out);
  CAF_REQUIRE_EQUAL(out->seen.size(), 2u);
  CAF_CHECK_EQUAL(out->seen[0].key, "alice/k:1"); // the key may hold ':'
  CAF_CHECK_EQUAL(out->seen[0].digest, digest);
  CAF_CHECK_EQUAL(out->seen[1].kind, "reset");
  CAF_CHECK_EQUAL(out->seen[1].issued_at.ns, 43);
  {
    std::ofstream f(path, std::ios::app);
    f << "seen=vote:1:abc:x\n";
  }
  CAF_CHECK(!load_halt_state(path, error));
  CAF_CHECK(error.find("bad seen command") != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
