#include "nodes/cluster/process_control.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

namespace cwts::cluster {

pid_t spawn_detached(const std::vector<std::string>& argv, const std::string& cwd,
                     const std::string& log_path, std::string& error, const std::string& netns) {
  if (argv.empty() || access(argv[0].c_str(), X_OK) != 0) {
    error = "cannot execute '" + (argv.empty() ? std::string() : argv[0])
            + "': " + std::strerror(errno);
    return -1;
  }
  int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) {
    error = "cannot open log '" + log_path + "': " + std::strerror(errno);
    return -1;
  }
  // Opened here, entered in the child: the child then is the process
  // (its pid the one recorded), not an `ip netns exec` in front of it.
  int ns = -1;
  if (!netns.empty()) {
    auto path = "/var/run/netns/" + netns;
    ns = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (ns < 0) {
      error = "cannot open network namespace " + path + ": " + std::strerror(errno);
      close(log);
      return -1;
    }
  }
  std::vector<char*> args;
  for (auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    error = std::string("fork failed: ") + std::strerror(errno);
    close(log);
    if (ns >= 0)
      close(ns);
    return -1;
  }
  if (pid == 0) {
    if (ns >= 0 && setns(ns, CLONE_NEWNET) != 0)
      _exit(125);
    // Own session: Ctrl-C in the operator's terminal does not reach the
    // cluster; `cwts cluster down` stops it.
    setsid();
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0)
      dup2(null, 0);
    dup2(log, 1);
    dup2(log, 2);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0)
      _exit(126);
    execv(args[0], args.data());
    _exit(127);
  }
  close(log);
  if (ns >= 0)
    close(ns);
  return pid;
}

bool process_alive(pid_t pid) {
  if (pid <= 0)
    return false;
  int status = 0;
  auto r = waitpid(pid, &status, WNOHANG);
  if (r == pid)
    return false; // our child, now reaped
  return kill(pid, 0) == 0 || errno == EPERM;
}

bool stop_process(pid_t pid, std::chrono::milliseconds grace, bool* was_running) {
  bool running = process_alive(pid);
  if (was_running)
    *was_running = running;
  if (!running)
    return false;
  kill(pid, SIGCONT); // a stopped (drilled) process must run to handle SIGTERM
  kill(pid, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!process_alive(pid))
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  for (int i = 0; i < 100 && process_alive(pid); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return false;
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
