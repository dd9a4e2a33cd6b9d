# Sanitizer builds (issue 26): -DCWTS_SANITIZE=address,undefined or
# -DCWTS_SANITIZE=thread, in a build directory of their own. scripts/sanitize
# configures one, builds it and runs the suite with the runtime options and
# the suppressions in tests/sanitize/ (docs/testing.md, "Sanitizers").
#
# The flags go on every target this project compiles (set at the top-level
# directory before any add_subdirectory, so each library, binary and test
# inherits them); Debian's prebuilt libraries (CAF, OpenSSL, RapidJSON's
# users are ours, it is header-only) are not instrumented.
#
# UBSan is left recoverable on purpose: its runtime honours a suppression
# only in the recoverable handlers (the _abort ones die even on a suppressed
# report), so scripts/sanitize stops at the first report with
# UBSAN_OPTIONS=halt_on_error=1 instead of -fno-sanitize-recover=undefined.
# The effect is the same for every report that is not suppressed.
set(CWTS_SANITIZE "" CACHE STRING
    "Sanitizers on every target of ours: address,undefined | address | undefined | thread (empty: off)")

if(CWTS_SANITIZE)
  if(CWTS_SANITIZE MATCHES "thread" AND CWTS_SANITIZE MATCHES "address")
    message(FATAL_ERROR "CWTS_SANITIZE: thread cannot be combined with address (${CWTS_SANITIZE})")
  endif()
  if(NOT CWTS_SANITIZE MATCHES "^(address|undefined|thread|leak)(,(address|undefined|leak))*$")
    message(FATAL_ERROR "CWTS_SANITIZE=${CWTS_SANITIZE}: expected address,undefined or thread")
  endif()
  if(CWTS_FUZZ)
    message(FATAL_ERROR "CWTS_SANITIZE and CWTS_FUZZ: the fuzz build sets its own sanitizers")
  endif()
  # -O1 after CMAKE_CXX_FLAGS_<CONFIG>'s level (directory options come later
  # on the command line, the last -O wins): fast enough for the integration
  # tests' deadlines, with readable stacks.
  add_compile_options(-fsanitize=${CWTS_SANITIZE} -fno-omit-frame-pointer -g -O1)
  add_link_options(-fsanitize=${CWTS_SANITIZE})
  message(STATUS "CWTS_SANITIZE=${CWTS_SANITIZE}: every target of ours instrumented")
endif()
