# Warnings for the project's own code; -Werror where CI asks for it.
function(cwts_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(CWTS_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# cwts_library(name SOURCES a.cpp b.cpp LIBS x y [CAF_PCH])
# One library per folder; CAF users share one precompiled header.
function(cwts_library name)
  cmake_parse_arguments(ARG "CAF_PCH" "" "SOURCES;LIBS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_LIBS})
  cwts_warnings(${name})
  if(ARG_CAF_PCH)
    cwts_use_caf_pch(${name})
  endif()
endfunction()

# A single precompiled CAF header, built once and reused by every target.
function(cwts_use_caf_pch target)
  if(NOT TARGET cwts_caf_pch)
    add_library(cwts_caf_pch STATIC ${PROJECT_SOURCE_DIR}/cmake/caf_pch.cpp)
    target_link_libraries(cwts_caf_pch PUBLIC caf::core caf::io)
    target_precompile_headers(cwts_caf_pch PRIVATE <caf/all.hpp> <caf/io/all.hpp>)
    cwts_warnings(cwts_caf_pch)
  endif()
  target_precompile_headers(${target} REUSE_FROM cwts_caf_pch)
endfunction()

# cwts_test(name SOURCES a.cpp LIBS x [LABELS l])
# One line per unit test in CMake (the Seastar habit). How test code is
# compiled is set for all of tests/ at once: cmake/cwts_test_settings.cmake.
function(cwts_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} caf::core)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  cwts_warnings(${name})
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES TIMEOUT 120 LABELS "${ARG_LABELS};unit")
endfunction()
