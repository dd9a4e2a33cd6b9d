# How each Debian package is found: ../shared/STACK.md.
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(spdlog REQUIRED)
find_package(RapidJSON REQUIRED)

# CAF 0.17 ships neither a CMake config nor pkg-config files.
find_path(CAF_INCLUDE_DIR caf/all.hpp REQUIRED)
find_library(CAF_CORE_LIBRARY caf_core REQUIRED)
find_library(CAF_IO_LIBRARY caf_io REQUIRED)
find_library(CAF_OPENSSL_LIBRARY caf_openssl)

add_library(caf::core UNKNOWN IMPORTED)
set_target_properties(caf::core PROPERTIES
  IMPORTED_LOCATION ${CAF_CORE_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${CAF_INCLUDE_DIR}
  INTERFACE_LINK_LIBRARIES Threads::Threads)
add_library(caf::io UNKNOWN IMPORTED)
set_target_properties(caf::io PROPERTIES
  IMPORTED_LOCATION ${CAF_IO_LIBRARY}
  INTERFACE_LINK_LIBRARIES caf::core)

add_library(rapidjson INTERFACE IMPORTED)
set_target_properties(rapidjson PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${RAPIDJSON_INCLUDE_DIRS}")

# Line editing, history and tab completion of `cwts console` (libedit, BSD
# licence; Debian libedit-dev ships libedit.pc).
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBEDIT REQUIRED IMPORTED_TARGET libedit)

# Ed25519 verification of kills, resets, votes and heartbeats
# (common/operator_auth.cpp): libsodium, measured faster than OpenSSL's in
# the same run (bench/ed25519_verify_bench); signing stays with OpenSSL.
# Debian libsodium-dev ships libsodium.pc.
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
