#pragma once
// Long-running processes of a local cluster: started detached (own session,
// output appended to a log file, stdin from /dev/null) so they outlive
// `cwts cluster up`, and stopped by pid (SIGTERM, then SIGKILL after a grace
// period) by `cwts cluster down` or a drill.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace cwts::cluster {

// Starts argv[0] (a path) in `cwd` with stdout and stderr appended to
// `log_path`; the pid, or -1 with `error` set. `netns`: the network
// namespace it runs in (a name under /var/run/netns, `ip netns add`);
// empty: this process's. `die_with_parent`: SIGKILLed when this process
// ends (spawn from the main thread: the kernel ties it to the forking thread).
pid_t spawn_detached(const std::vector<std::string>& argv, const std::string& cwd,
                     const std::string& log_path, std::string& error,
                     const std::string& netns = {}, bool die_with_parent = false);

// Whether `pid` still runs (reaps it first when it is our exited child).
bool process_alive(pid_t pid);

// SIGTERM, then SIGKILL when still alive after `grace`. True when it exited
// on SIGTERM, false when it had to be killed (or was already gone: `was_running`).
bool stop_process(pid_t pid, std::chrono::milliseconds grace, bool* was_running = nullptr);

// Sends `signal` (SIGKILL, SIGSTOP, SIGCONT) to `pid`; false with `error`.
bool signal_process(pid_t pid, int signal, std::string& error);

// Polls `log_path` until a line starting with `prefix` appears; the rest of
// that line. Nullopt when `pid` exits or `timeout` passes first.
std::optional<std::string> wait_for_log_line(const std::string& log_path, const std::string& prefix,
                                             pid_t pid, std::chrono::milliseconds timeout);

// The folder of the running executable (/proc/self/exe), for its siblings.
std::string executable_dir();

} // namespace cwts::cluster
