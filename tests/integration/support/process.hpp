#pragma once
// Child processes for multi-process integration tests: start a binary with
// its output captured to files in a per-test folder, wait for a line, stop it
// (SIGTERM, then SIGKILL as a last resort), run a command to completion.
// The spawning, reaping and stopping are common/process.hpp's (the CLI's
// launcher); this adds the per-test files and the waits tests need.
// A child_process always kills its child in the destructor, and every child
// dies with the test (PR_SET_PDEATHSIG), so a failing test leaves nothing behind.
// No CAF here: the tests decide what a failure means.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "tests/integration/support/wait_until.hpp"

namespace cwts::itest {

using millis = std::chrono::milliseconds;

// A fresh folder under $TMPDIR (or /tmp) named after the test; kept after the
// run so its logs can be read when a test fails.
std::string make_test_dir(const std::string& test_name);

// A port that was free on 127.0.0.1 a moment ago, never one this process was
// given before, below the ephemeral range; its kill fan-out partner (port +
// fanout_port_offset) was free too, is below the range and is reserved with
// it. 0 when none is left.
constexpr int fanout_port_offset = 1000; // [kill] fanout-port-offset's default
uint16_t free_port();

// Claims `port` for this process against every other test process on the
// machine (free_port claims each port and partner it hands out): an
// exclusive flock on /tmp/cwts-itest-ports/<port>, held until this process
// ends, when the kernel drops it (a crash included). False when another
// process holds it; true too when the shared folder cannot be used.
bool claim_port(uint16_t port);

// The value of an environment variable; empty when unset.
std::string env(const char* name);

// The whole content of a file; empty when it cannot be read.
std::string read_file(const std::string& path);

// The last `n` characters of `text` (for failure messages).
std::string tail(const std::string& text, std::size_t n = 3000);

// Lines of `text` (without the newline); a last line without '\n' counts.
std::vector<std::string> split_lines(const std::string& text);

enum class stream { out, err };

class child_process {
public:
  // Starts argv[0] (a path) with the rest as arguments, stdout/stderr going
  // to <dir>/<name>.out / <name>.err, stdin from /dev/null, in `cwd` when set.
  child_process(std::string name, std::vector<std::string> argv, const std::string& dir,
                const std::string& cwd = {});
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  const std::string& name() const { return name_; }
  pid_t pid() const { return pid_; }
  bool started() const { return pid_ > 0; }
  // True while the child has not exited (reaps it when it has).
  bool running();
  // Exit code once exited normally; -signal when killed; nullopt while running.
  std::optional<int> exit_code() const { return exit_code_; }

  std::string out() const { return read_file(out_path_); }
  std::string err() const { return read_file(err_path_); }
  const std::string& out_path() const { return out_path_; }
  const std::string& err_path() const { return err_path_; }

  // The first line of the stream for which `pred` holds, polling until
  // `timeout` passes or the child exits without printing it.
  std::optional<std::string> wait_for_line(stream s, const std::function<bool(const std::string&)>& pred,
                                           millis timeout);

  // Waits for the child to exit; its exit code, or nullopt at the deadline.
  std::optional<int> wait_exit(millis timeout);

  // SIGTERM, wait up to `grace`, then SIGKILL. The exit code (as exit_code()).
  std::optional<int> stop(millis grace = millis{10000});

private:
  std::string name_;
  std::string out_path_;
  std::string err_path_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

struct command_result {
  int exit_code = -1; // -signal when killed; -1000 when it ran past the timeout
  std::string out;
  std::string err;
  bool timed_out = false;
};

// Runs a command to completion (killed at `timeout`), capturing its output.
command_result run_command(const std::string& name, std::vector<std::string> argv,
                           const std::string& dir, millis timeout = millis{30000});

// Whether `text` (a log, a command's output) contains `part`.
inline bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace cwts::itest
