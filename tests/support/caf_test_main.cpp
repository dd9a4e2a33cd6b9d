// The test runner's main, apart from the engine so that a test binary with
// its own main (a process the integration tests launch) never pulls it in.
//
// CAF 0.17 prints a failed check only at verbosity 4, with every passed one:
// at the default 3 a failing test says "checks: 78 (76/2)" and not which.
// So the engine also logs everything at 4 to a file, and when the test fails
// its failed checks (the "!!" lines) are printed from it at the end, where
// ctest --output-on-failure shows them. An explicit --log-file/-l is left
// alone.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "caf/test/unit_test.hpp"

namespace {

bool asks_for_log_file(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--")
      return false;
    if (a == "-l" || a.rfind("--log-file", 0) == 0)
      return true;
  }
  return false;
}

// Without the terminal's color codes (ESC [ ... m).
std::string plain(const std::string& line) {
  std::string out;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\x1b') {
      while (i < line.size() && line[i] != 'm')
        ++i;
      continue;
    }
    out += line[i];
  }
  return out;
}

// Run at exit, after the engine's logger (constructed later, so destroyed
// earlier) has flushed and closed the file.
std::string log_path;
bool test_failed = false;
pid_t owner = 0; // a forked child that calls exit() leaves the file alone

void print_failed_checks() {
  if (::getpid() != owner)
    return;
  if (test_failed) {
    std::ifstream in(log_path);
    std::string line;
    std::vector<std::string> failed;
    while (std::getline(in, line))
      if (line.find("!! ") != std::string::npos)
        failed.push_back(plain(line));
    if (!failed.empty()) {
      std::printf("\nfailed checks (%zu):\n", failed.size());
      for (auto& f : failed)
        std::printf("%s\n", f.c_str());
    }
  }
  std::remove(log_path.c_str());
}

} // namespace

int main(int argc, char** argv) {
  // CAF's watchdog aborts a test past 30 s unless told otherwise: a timed
  // assertion that failed a correct but slow test on a loaded machine
  // (node_audit_proof_test, flaky-check in stop 39). CTest's TIMEOUT of each
  // test is the one bound; an explicit --max-runtime/-r still wins.
  caf::test::engine::max_runtime(0);
  if (asks_for_log_file(argc, argv))
    return caf::test::main(argc, argv);
  // A fresh file of our own (CAF appends to an existing one).
  char name[] = "/tmp/cwts-caf-test-XXXXXX";
  int fd = ::mkstemp(name);
  if (fd < 0)
    return caf::test::main(argc, argv); // no file: the console alone, as CAF does
  ::close(fd);
  log_path = name;
  owner = ::getpid();
  std::atexit(print_failed_checks); // before the logger exists: runs after it is gone
  std::vector<char*> args(argv, argv + argc);
  // The short forms: CAF 0.17 takes --log-file=x but not --file-verbosity=4.
  std::string v_flag = "-V", v_level = "4", l_flag = "-l", log_file = log_path;
  // Before a "--" (what follows it is the test's own).
  size_t at = 1;
  while (at < args.size() && std::string(args[at]) != "--")
    ++at;
  args.insert(args.begin() + static_cast<long>(at),
              {v_flag.data(), v_level.data(), l_flag.data(), log_file.data()});
  args.push_back(nullptr);
  int rc = caf::test::main(static_cast<int>(args.size()) - 1, args.data());
  test_failed = rc != 0;
  return rc;
}
