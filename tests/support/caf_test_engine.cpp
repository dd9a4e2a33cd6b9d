// CAF's unit-test engine, compiled once for every test binary. Each test
// includes caf/test/unit_test.hpp (the macros); including
// caf/test/unit_test_impl.hpp in every test instead cost about four seconds
// of compile time per test, over two hundred times in a CI build.
#define CAF_TEST_NO_MAIN
#include "caf/test/unit_test_impl.hpp"
