// The grantor's durable epochs (lease_store.hpp) and the [lease] settings'
// validation (lease_settings.hpp).
#define CAF_SUITE lease_store
#include "tests/support/unit_test.hpp"

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "actors/supervisor/lease_settings.hpp"
#include "actors/supervisor/lease_store.hpp"

using namespace cwts;

namespace {

std::string temp_path(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path()
             / ("cwts-lease-store-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

} // namespace

CAF_TEST(epochs_survive_a_save_and_load_and_a_missing_file_is_empty) {
  auto path = temp_path("epochs.state");
  std::filesystem::remove(path);
  std::string error;
  auto none = load_lease_epochs(path, error);
  CAF_REQUIRE(none.has_value());
  CAF_CHECK(none->empty());
  CAF_REQUIRE(save_lease_epochs(path, {{"oms", {12, "tr1"}}, {"connector.binance", {4, "gw1"}}},
                                error));
  auto back = load_lease_epochs(path, error);
  CAF_REQUIRE(back.has_value());
  CAF_CHECK_EQUAL((*back)["oms"].epoch, 12);
  CAF_CHECK_EQUAL((*back)["oms"].holder, "tr1");
  CAF_CHECK_EQUAL((*back)["connector.binance"].epoch, 4);
  CAF_CHECK_EQUAL((*back)["connector.binance"].holder, "gw1");
  CAF_CHECK(!std::filesystem::exists(path + ".tmp"));
}

CAF_TEST(a_version_1_file_without_holders_is_still_read) {
  auto path = temp_path("v1.state");
  std::string error;
  std::ofstream(path) << "cwts-lease-epochs/1\noms=7\n";
  auto back = load_lease_epochs(path, error);
  CAF_REQUIRE(back.has_value());
  CAF_CHECK_EQUAL((*back)["oms"].epoch, 7);
  CAF_CHECK_EQUAL((*back)["oms"].holder, "");
  std::ofstream(path) << "cwts-lease-epochs/2\noms=7 tr1 extra\n";
  CAF_CHECK(!load_lease_epochs(path, error).has_value());
  CAF_CHECK(error.find("bad holder") != std::string::npos);
}

CAF_TEST(a_damaged_file_is_an_error_naming_the_path) {
  auto path = temp_path("bad.state");
  std::string error;
  std::ofstream(path) << "cwts-lease-epochs/1\noms=twelve\n";
  CAF_CHECK(!load_lease_epochs(path, error).has_value());
  CAF_CHECK(error.find(path) != std::string::npos);
  CAF_CHECK(error.find("bad epoch") != std::string::npos);
  std::ofstream(path) << "something else\n";
  CAF_CHECK(!load_lease_epochs(path, error).has_value());
  CAF_CHECK(error.find("not a lease epochs file") != std::string::npos);
}

CAF_TEST(lease_settings_are_validated_naming_the_key) {
  lease_settings ok;
  CAF_CHECK_EQUAL(validate_lease_settings(ok), "");
  lease_settings s;
  s.renew_ms = 400;
  CAF_CHECK(validate_lease_settings(s).find("lease.renew-ms: 400 is not well under") == 0);
  s = {};
  s.duration_ms = 50;
  CAF_CHECK(validate_lease_settings(s).find("lease.duration-ms: 50 is outside") == 0);
  s = {};
  s.drift_ppm = -1;
  CAF_CHECK(validate_lease_settings(s).find("lease.drift-ppm") == 0);
  auto roles = lease_roles({"binance", "okx"});
  CAF_CHECK_EQUAL(roles.size(), 3u);
  CAF_CHECK_EQUAL(roles[1], "connector.binance");
  auto own = leased_among({"oms", "risk", "strategy"}, roles);
  CAF_CHECK_EQUAL(own.size(), 1u);
  CAF_CHECK_EQUAL(own.count("oms"), 1u);
}
