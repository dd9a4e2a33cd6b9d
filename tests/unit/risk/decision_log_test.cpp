#define CAF_SUITE risk_decision_log
#include "tests/support/unit_test.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "actors/risk/risk_decision_log.hpp"

using namespace cwts::risk;

namespace {

struct temp_file {
  std::string path;
  temp_file() {
    char tmpl[] = "/tmp/cwts-decision-log-XXXXXX";
    auto fd = ::mkstemp(tmpl);
    if (fd >= 0)
      ::close(fd);
    path = tmpl;
  }
  ~temp_file() { std::remove(path.c_str()); }
};

} // namespace

CAF_TEST(records_read_back_in_order) {
  temp_file f;
  {
    risk_decision_log log;
    std::string error;
    CAF_REQUIRE(log.open(f.path, error));
    CAF_CHECK(log.append({risk_decision::kind::trip, "mm", {}, {}, {}, {}, 42}, error));
    CAF_CHECK(log.append({risk_decision::kind::limit, "BTCUSDT", "max-order-qty", "0.5", "c-1",
                          "alice", 0},
                         error));
    CAF_CHECK(log.append({risk_decision::kind::reenable, "mm", {}, {}, "c-2", "alice", 0}, error));
  }
  std::vector<risk_decision> back;
  std::string error;
  CAF_REQUIRE(risk_decision_log::read(f.path, back, error));
  CAF_REQUIRE_EQUAL(back.size(), 3u);
  CAF_CHECK(back[0].what == risk_decision::kind::trip);
  CAF_CHECK_EQUAL(back[0].ts_ns, 42);
  CAF_CHECK_EQUAL(back[1].field, "max-order-qty");
  CAF_CHECK_EQUAL(back[1].value, "0.5");
  CAF_CHECK_EQUAL(back[2].issuer, "alice");
}

CAF_TEST(limit_and_reenable_times_are_kept_and_older_lines_without_them_read_zero) {
  temp_file f;
  {
    risk_decision_log log;
    std::string error;
    CAF_REQUIRE(log.open(f.path, error));
    CAF_CHECK(log.append({risk_decision::kind::limit, "mm", "max-order-qty", "2", "c-1", "alice",
                          1'765'000'000'123'456'789},
                         error));
    CAF_CHECK(log.append({risk_decision::kind::reenable, "mm", {}, {}, "c-2", "bob", 99}, error));
  }
  {
    // Lines as risk wrote them before the time was recorded.
    std::ofstream(f.path, std::ios::app) << "limit\tmm\tmax-order-qty\t3\tc-3\talice\n"
                                            "reenable\tmm\tc-4\tbob\n";
  }
  std::vector<risk_decision> back;
  std::string error;
  CAF_REQUIRE(risk_decision_log::read(f.path, back, error));
  CAF_REQUIRE_EQUAL(back.size(), 4u);
  CAF_CHECK_EQUAL(back[0].ts_ns, 1'765'000'000'123'456'789);
  CAF_CHECK_EQUAL(back[0].command, "c-1");
  CAF_CHECK_EQUAL(back[1].ts_ns, 99);
  CAF_CHECK_EQUAL(back[1].issuer, "bob");
  CAF_CHECK_EQUAL(back[2].ts_ns, 0);
  CAF_CHECK_EQUAL(back[2].value, "3");
  CAF_CHECK_EQUAL(back[3].ts_ns, 0);
  CAF_CHECK_EQUAL(back[3].command, "c-4");
  // A time that is not a number is a bad line, not a zero.
  std::ofstream(f.path) << "limit\tmm\tmax-order-qty\t3\tc-3\talice\tsoon\n";
  back.clear();
  CAF_CHECK(!risk_decision_log::read(f.path, back, error));
}

CAF_TEST(a_torn_last_line_is_ignored_and_a_bad_line_refused) {
  temp_file f;
  std::ofstream(f.path) << "trip\tmm\t7\nreenable\tmm\tc-9"; // crash mid-write
  std::vector<risk_decision> back;
  std::string error;
  CAF_REQUIRE(risk_decision_log::read(f.path, back, error));
  CAF_CHECK_EQUAL(back.size(), 1u);
  std::ofstream(f.path) << "trip\tmm\t7\nlimit\tonly-two\n";
  back.clear();
  CAF_CHECK(!risk_decision_log::read(f.path, back, error));
  CAF_CHECK(error.find(":2: not a decision record") != std::string::npos);
}

CAF_TEST(fields_that_would_break_the_format_are_refused) {
  temp_file f;
  risk_decision_log log;
  std::string error;
  CAF_REQUIRE(log.open(f.path, error));
  CAF_CHECK(!log.append({risk_decision::kind::trip, "m\tm", {}, {}, {}, {}, 1}, error));
  CAF_CHECK(!log.append({risk_decision::kind::limit, "X", "f", "1\n", "c", "a", 0}, error));
  std::vector<risk_decision> back;
  CAF_REQUIRE(risk_decision_log::read(f.path, back, error));
  CAF_CHECK(back.empty());
}

CAF_TEST(a_missing_file_is_an_empty_log) {
  std::vector<risk_decision> back;
  std::string error;
  CAF_CHECK(risk_decision_log::read("/nonexistent/cwts/decisions.log", back, error));
  CAF_CHECK(back.empty());
}
