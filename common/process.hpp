#pragma once
// The one process launcher: the `cwts` CLI (cluster nodes, `ip`/`nft` for
// the network-namespace lab), the integration tests' child processes and the
// venue started by tests and benches all spawn, watch and stop children
// through these calls. fork + execve with everything the child needs
// prepared before the fork (between fork and exec only async-signal-safe
// calls). CAF-free; callers decide what a failure means.

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cwts::proc {

using millis = std::chrono::milliseconds;

// Where a child's stdout or stderr goes.
struct output {
  enum class kind {
    inherit,   // this process's
    null,      // /dev/null
    file,      // `path`, created 0644; appended or truncated
    pipe,      // a pipe this process reads (spawned::out_pipe / err_pipe)
    as_stdout, // stderr only: wherever stdout goes (one file or pipe for both)
  };
  kind to = kind::inherit;
  std::string path;
  bool append = false;

  static output inherit() { return {}; }
  static output null() { return {kind::null, {}, false}; }
  static output file(std::string path, bool append = false) {
    return {kind::file, std::move(path), append};
  }
  static output pipe() { return {kind::pipe, {}, false}; }
  static output as_stdout() { return {kind::as_stdout, {}, false}; }
};

struct spawn_spec {
  std::vector<std::string> argv; // argv[0]: a path to an executable
  // NAME=VALUE entries set over this process's environment for the child.
  std::vector<std::string> env;
  std::string cwd;   // empty: this process's
  // A network namespace by name (under /var/run/netns, `ip netns add`),
  // entered by the child itself: the pid returned is the program's, not an
  // `ip netns exec` in front of it. Empty: this process's.
  std::string netns;
  output out;
  output err;
  bool stdin_null = true;      // false: this process's stdin
  bool new_session = false;    // setsid(): no terminal's Ctrl-C reaches it
  // PR_SET_PDEATHSIG SIGKILL: the child dies with us. The kernel ties it to
  // the *thread* that forked, not the process: a child spawned from a
  // thread that later exits (a std::thread, a CAF worker) is SIGKILLed then,
  // while this process still runs. Spawn such children from a thread that
  // lives as long as they should (the main thread, a test's body).
  bool die_with_parent = false;
};

// Exit codes of a child that failed before its program ran. spawn() reports
// such a failure itself (a close-on-exec status pipe: the step and errno,
// the child reaped), so callers see these only from a child whose parent
// died first.
constexpr int exit_no_netns = 125;  // setns failed
constexpr int exit_no_setup = 126;  // chdir failed, or the parent died first
constexpr int exit_no_exec = 127;   // execve failed

struct spawned {
  pid_t pid = -1;
  int out_pipe = -1; // read ends, owned by the caller (out::pipe / err::pipe)
  int err_pipe = -1;
  std::string error; // why it did not start (pid -1)

  bool ok() const { return pid > 0; }
};

// Starts the child; returns once it has exec'd the program. On failure
// nothing is left open, no child is left behind, and `error` names the
// step (open, pipe, fork, setns, dup2, chdir, execve) and errno's text.
// A relative argv[0] is made absolute against this process's cwd first
// (spec.cwd does not change which program runs). The child gets none of
// this process's fds above 2.
spawned spawn(const spawn_spec& spec);

// Whose pid it is: our own child (from spawn), or maybe not (a pid read
// from a pid file, written by another process).
enum class owner { child, any };

// `pid`: its exit code once it has exited (our child is reaped: a later call
// returns -1), -signal when a signal killed it, -1 when it is gone; nullopt
// while it runs. owner::child: a pid waitpid does not know (ECHILD) is gone,
// never probed with kill(pid, 0), which a reused pid would answer.
// owner::any: a pid that is not our child is probed with kill(pid, 0).
std::optional<int> poll_exit(pid_t pid, owner who = owner::child);

// Whether `pid` still runs (reaps it when it is our exited child).
inline bool alive(pid_t pid, owner who = owner::child) {
  return pid > 0 && !poll_exit(pid, who);
}

// Polls until `pid` exits; its exit code as poll_exit, nullopt at the deadline.
std::optional<int> wait_exit(pid_t pid, millis timeout, owner who = owner::child);

struct stop_outcome {
  bool was_running = false;
  bool exited_on_term = false;   // it exited within the grace period
  std::optional<int> exit_code;  // nullopt: still there even after SIGKILL
};

// SIGCONT (a stopped process must run to handle it), SIGTERM, up to `grace`
// for it to exit, then SIGKILL and up to `after_kill` more. `group`: for a
// child started with new_session (it leads its process group), the signals
// go to the whole group (kill(-pid)), so what it started stops with it; a
// pid that leads no group gets them alone.
stop_outcome terminate(pid_t pid, millis grace, millis after_kill = millis{1000},
                       owner who = owner::child, bool group = false);

// One line (without '\n') read from `fd`, waiting at most `timeout`; nullopt
// at the deadline or at end of file before a newline. Reads byte by byte:
// nothing after the line is consumed.
std::optional<std::string> read_line(int fd, millis timeout);

// Runs `fn` in a forked copy of this process (no exec) and waits for it: its
// return value as the exit code (0..255), -signal when killed, -1 when fork
// failed. For a check that must run under other credentials (setuid) without
// touching this process's. `fn` must not touch threads or locks held at fork.
int run_in_child(const std::function<int()>& fn);

} // namespace cwts::proc
