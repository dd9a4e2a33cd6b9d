// free_port across test processes: a port one test process was handed (and
// its kill fan-out partner) is never handed to another while the first
// lives, and is free again once it has ended, however it ended.

#include "tests/integration/support/process.hpp"

#include "common/process.hpp"

#include <csignal>
#include <iostream>

#include <unistd.h>

using namespace cwts::itest;

namespace {

int failures = 0;

void check(bool ok, const std::string& what) {
  std::cout << (ok ? "ok    " : "FAIL  ") << what << "\n";
  failures += ok ? 0 : 1;
}

} // namespace

int main() {
  auto port = free_port();
  check(port != 0, "free_port hands out a port (" + std::to_string(port) + ")");
  auto partner = static_cast<uint16_t>(port + fanout_port_offset);
  check(cwts::proc::run_in_child([&] { return claim_port(port) ? 1 : 0; }) == 0,
        "another process cannot claim the handed-out port");
  check(cwts::proc::run_in_child([&] { return claim_port(partner) ? 1 : 0; }) == 0,
        "another process cannot claim its fan-out partner");
  // A claim ends with its process, a killed one included (no clean-up ran).
  uint16_t crashed = 0;
  {
    int fds[2];
    if (::pipe(fds) == 0) {
      cwts::proc::run_in_child([&] {
        auto p = free_port();
        if (::write(fds[1], &p, sizeof(p)) != sizeof(p))
          return 1;
        ::raise(SIGKILL);
        return 1;
      });
      if (::read(fds[0], &crashed, sizeof(crashed)) != sizeof(crashed))
        crashed = 0;
      ::close(fds[0]);
      ::close(fds[1]);
    }
  }
  check(crashed != 0 && claim_port(crashed)
          && claim_port(static_cast<uint16_t>(crashed + fanout_port_offset)),
        "a killed process's port and partner can be claimed again");
  std::cout << (failures ? "FAILED " : "PASSED ") << failures << " failure(s)\n";
  return failures ? 1 : 0;
}
