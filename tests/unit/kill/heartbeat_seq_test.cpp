// The heartbeat seq high-water mark (actors/kill/heartbeat_seq.hpp): a
// restart numbers above every seq sent before, whatever the wall clock did.
#define CAF_SUITE heartbeat_seq
#include "tests/support/unit_test.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "actors/kill/heartbeat_seq.hpp"

using namespace cwts;

namespace {

struct folder {
  std::string dir;
  folder() {
    dir = (std::filesystem::temp_directory_path()
           / ("cwts-heartbeat-seq-" + std::to_string(::getpid())))
            .string();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  ~folder() { std::filesystem::remove_all(dir); }
  std::string file() const { return dir + "/n1-halt.state.heartbeat-seq"; }
};

constexpr uint64_t wall = 1'800'000'000'000'000'000; // ns, late 2027

uint64_t send(heartbeat_seq_store& s) {
  uint64_t seq = 0;
  std::string error;
  CAF_CHECK(s.next(seq, error));
  CAF_CHECK_EQUAL(error, "");
  return seq;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(heartbeat_seq_tests, folder)

// The code before numbered from the wall clock only: a clock stepped back
// 10 s across a restart started 10^10 below the last seq sent (peers then
// refused every heartbeat as stale_seq until the clock caught up).
CAF_TEST(a_restart_with_the_clock_stepped_back_numbers_above_every_seq_sent) {
  uint64_t last = 0;
  {
    heartbeat_seq_store s(file(), 100);
    std::string error;
    CAF_REQUIRE(s.start(wall, error));
    CAF_CHECK_EQUAL(s.last(), wall);
    CAF_CHECK_EQUAL(s.reserved(), wall + 100);
    for (int i = 0; i < 250; ++i) // past two reservations
      last = send(s);
    CAF_CHECK_EQUAL(last, wall + 250);
    CAF_CHECK_GREATER_OR_EQUAL(s.reserved(), last);
    std::string why;
    auto saved = heartbeat_seq_store::load(file(), why);
    CAF_REQUIRE(saved);
    uint64_t mark = *saved;
    CAF_CHECK_GREATER_OR_EQUAL(mark, last);
  }
  heartbeat_seq_store again(file(), 100);
  std::string error;
  CAF_REQUIRE(again.start(wall - 10'000'000'000, error)); // 10 s back
  auto first = send(again);
  CAF_CHECK_GREATER(first, last);
  // The new life reserved its own block before its first seq.
  std::string why;
  auto saved = heartbeat_seq_store::load(file(), why);
  CAF_REQUIRE(saved);
  uint64_t mark = *saved;
  CAF_CHECK_GREATER_OR_EQUAL(mark, first);
}

CAF_TEST(a_clock_ahead_of_the_mark_is_the_base_as_before) {
  {
    heartbeat_seq_store s(file(), 100);
    std::string error;
    CAF_REQUIRE(s.start(wall, error));
    send(s);
  }
  heartbeat_seq_store again(file(), 100);
  std::string error;
  CAF_REQUIRE(again.start(wall + 5'000'000'000, error));
  CAF_CHECK_EQUAL(send(again), wall + 5'000'000'001);
}

CAF_TEST(a_first_start_and_no_path_number_from_the_wall_clock) {
  heartbeat_seq_store s(file());
  std::string error;
  CAF_REQUIRE(s.start(wall, error));
  CAF_CHECK_EQUAL(send(s), wall + 1);
  CAF_CHECK_EQUAL(s.reserved(), wall + heartbeat_seq_store::default_block);
  heartbeat_seq_store none("");
  CAF_REQUIRE(none.start(wall, error));
  CAF_CHECK_EQUAL(send(none), wall + 1);
  CAF_CHECK(!std::filesystem::exists(dir + "/.heartbeat-seq"));
}

CAF_TEST(a_malformed_file_is_reported_and_overwritten) {
  for (auto text : {"garbage\n", "cwts-heartbeat-seq/1 12x\n", "cwts-heartbeat-seq/1\n",
                    "cwts-heartbeat-seq/1 18446744073709551615\n",
                    "cwts-heartbeat-seq/1 5 6\n"}) {
    std::ofstream(file()) << text;
    std::string why;
    auto loaded = heartbeat_seq_store::load(file(), why);
    CAF_CHECK(!loaded.has_value());
    CAF_CHECK(why.find("malformed") == 0);
    heartbeat_seq_store s(file());
    std::string error;
    CAF_CHECK(!s.start(wall, error));
    CAF_CHECK(error.find("malformed") == 0);
    CAF_CHECK_EQUAL(send(s), wall + 1);
    auto rewritten = heartbeat_seq_store::load(file(), why);
    CAF_CHECK(rewritten.has_value()); // rewritten, readable
  }
}

CAF_TEST(a_reservation_that_cannot_be_written_fails_and_is_tried_again) {
  heartbeat_seq_store s(dir + "/no-such-folder/seq", 10);
  std::string error;
  CAF_CHECK(!s.start(wall, error));
  CAF_CHECK(error.find("cannot create") != std::string::npos);
  uint64_t seq = 0;
  CAF_CHECK(!s.next(seq, error)); // still numbered, still rising
  CAF_CHECK_EQUAL(seq, wall + 1);
  std::filesystem::create_directories(dir + "/no-such-folder");
  CAF_CHECK(s.next(seq, error));
  CAF_CHECK_EQUAL(seq, wall + 2);
  CAF_CHECK_EQUAL(s.reserved(), wall + 12);
}

CAF_TEST_FIXTURE_SCOPE_END()
