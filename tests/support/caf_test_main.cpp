// The test runner's main, apart from the engine so that a test binary with
// its own main (a process the integration tests launch) never pulls it in.
#include "caf/test/unit_test.hpp"

int main(int argc, char** argv) {
  return caf::test::main(argc, argv);
}
