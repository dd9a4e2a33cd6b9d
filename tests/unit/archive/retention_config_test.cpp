#define CAF_SUITE archive_retention_config
#include "tests/support/unit_test.hpp"

#include "reporting/archive/retention_config.hpp"

using namespace cwts::archive;

namespace {

std::string refused(retention_raw_options r) {
  std::optional<retention_settings> out;
  std::string error;
  CAF_CHECK(!parse_retention_config(r, "run/n1-archive", "", {}, out, error));
  CAF_CHECK(!out);
  return error;
}

} // namespace

CAF_TEST(defaults_keep_seven_years_and_rotate_the_audit_log_at_64_mib_and_daily) {
  retention_raw_options r;
  r.archive_dir = "run/<node-id>-archive";
  std::optional<retention_settings> out;
  std::string error;
  CAF_REQUIRE(parse_retention_config(r, "run/n1-archive", "", {}, out, error));
  CAF_REQUIRE(out);
  CAF_CHECK_EQUAL(out->days, 2557);
  CAF_CHECK_EQUAL(out->archive_dir, "run/n1-archive");
  CAF_CHECK_EQUAL(out->rotate_interval.count(), 3600);
  CAF_CHECK_EQUAL(out->audit.max_bytes, 64u << 20);
  CAF_CHECK(out->audit.daily);
}

CAF_TEST(no_archive_dir_is_off_but_a_bad_period_is_still_refused) {
  retention_raw_options r;
  std::optional<retention_settings> out;
  std::string error;
  CAF_CHECK(parse_retention_config(r, "", "", {}, out, error));
  CAF_CHECK(!out);
  r.days = 0;
  CAF_CHECK(refused(r).find("retention.days: 0 is not a retention period") == 0);
}

CAF_TEST(each_bad_value_is_refused_naming_its_key) {
  retention_raw_options r;
  r.archive_dir = "x";
  auto with = [&](auto set) {
    auto c = r;
    set(c);
    return refused(c);
  };
  CAF_CHECK(with([](auto& c) { c.days = -1; }).find("retention.days:") == 0);
  CAF_CHECK(with([](auto& c) { c.days = 40'000; }).find("retention.days:") == 0);
  CAF_CHECK(with([](auto& c) { c.rotate_interval_s = 0; }).find("retention.rotate-interval-s:") == 0);
  CAF_CHECK(with([](auto& c) { c.audit_rotate_bytes = 100; }).find("retention.audit-rotate-bytes:")
            == 0);
  CAF_CHECK(with([](auto& c) { c.audit_rotate_bytes = -1; }).find("retention.audit-rotate-bytes:")
            == 0);
  CAF_CHECK(with([](auto& c) { c.audit_rotate_daily = 2; }).find("retention.audit-rotate-daily:")
            == 0);
}
