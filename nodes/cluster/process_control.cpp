#include "nodes/cluster/process_control.hpp"

#include "common/process.hpp"

#include <signal.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

namespace cwts::cluster {

pid_t spawn_detached(const std::vector<std::string>& argv, const std::string& cwd,
                     const std::string& log_path, std::string& error, const std::string& netns,
                     bool die_with_parent) {
  proc::spawn_spec spec;
  spec.argv = argv;
  spec.cwd = cwd;
  spec.netns = netns;
  spec.out = proc::output::file(log_path, true);
  spec.err = proc::output::as_stdout();
  // Own session: Ctrl-C in the operator's terminal does not reach the
  // cluster; `cwts cluster down` stops it.
  spec.new_session = true;
  spec.die_with_parent = die_with_parent;
  auto child = proc::spawn(spec);
  if (!child.ok())
    error = child.error;
  return child.pid;
}

// Pids here come from the cluster's pid files as often as from our own
// spawn (`cwts cluster down` runs in another process than `up`): owner::any.
bool process_alive(pid_t pid) {
  return proc::alive(pid, proc::owner::any);
}

// Cluster nodes run in their own session (spawn_detached): the whole
// process group is signalled, so whatever a node started stops with it.
bool stop_process(pid_t pid, std::chrono::milliseconds grace, bool* was_running) {
  auto stopped = proc::terminate(pid, grace, std::chrono::milliseconds{1000}, proc::owner::any,
                                 true);
  if (was_running)
    *was_running = stopped.was_running;
  return stopped.exited_on_term;
}

bool signal_process(pid_t pid, int signal, std::string& error) {
  if (pid <= 0 || kill(pid, signal) != 0) {
    error = "cannot signal pid " + std::to_string(pid) + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

std::optional<std::string> wait_for_log_line(const std::string& log_path, const std::string& prefix,
                                             pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    std::ifstream in(log_path);
    std::string line;
    while (std::getline(in, line))
      if (line.rfind(prefix, 0) == 0)
        return line.substr(prefix.size());
    if (!process_alive(pid) || std::chrono::steady_clock::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::string executable_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : exe.parent_path().string();
}

} // namespace cwts::cluster
