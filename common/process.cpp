#include "common/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;

namespace cwts::proc {

namespace {

using clock_type = std::chrono::steady_clock;

std::string errno_text() { return std::strerror(errno); }

void close_all(std::initializer_list<int> fds) {
  for (int fd : fds)
    if (fd >= 0)
      ::close(fd);
}

// This process's environment with `overrides` (NAME=VALUE) set over it.
std::vector<std::string> child_environment(const std::vector<std::string>& overrides) {
  auto name_of = [](const std::string& entry) { return entry.substr(0, entry.find('=')); };
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    bool replaced = false;
    for (auto& o : overrides)
      replaced = replaced || name_of(o) == name_of(entry);
    if (!replaced)
      env.push_back(std::move(entry));
  }
  env.insert(env.end(), overrides.begin(), overrides.end());
  return env;
}

// The fds a child's stream is set up from: `write_fd` for the child (dup2'd,
// closed at exec: O_CLOEXEC), `read_fd` kept by the parent (pipes only).
struct stream_fds {
  int write_fd = -1;
  int read_fd = -1;
};

bool open_output(const output& o, stream_fds& fds, std::string& error) {
  switch (o.to) {
    case output::kind::inherit:
    case output::kind::as_stdout:
      return true;
    case output::kind::null:
      fds.write_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
      if (fds.write_fd < 0)
        error = "cannot open /dev/null: " + errno_text();
      return fds.write_fd >= 0;
    case output::kind::file: {
      int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (o.append ? O_APPEND : O_TRUNC);
      fds.write_fd = ::open(o.path.c_str(), flags, 0644);
      if (fds.write_fd < 0)
        error = "cannot open '" + o.path + "': " + errno_text();
      return fds.write_fd >= 0;
    }
    case output::kind::pipe: {
      int p[2];
      if (::pipe2(p, O_CLOEXEC) != 0) {
        error = "pipe: " + errno_text();
        return false;
      }
      fds.read_fd = p[0];
      fds.write_fd = p[1];
      return true;
    }
  }
  return true;
}

} // namespace

spawned spawn(const spawn_spec& spec) {
  spawned r;
  if (spec.argv.empty() || ::access(spec.argv[0].c_str(), X_OK) != 0) {
    r.error = "cannot execute '" + (spec.argv.empty() ? std::string() : spec.argv[0])
              + "': " + (spec.argv.empty() ? std::string("no program") : errno_text());
    return r;
  }
  stream_fds out, err;
  int null_in = -1;
  int ns = -1;
  auto fail = [&](std::string why) {
    close_all({out.write_fd, out.read_fd, err.write_fd, err.read_fd, null_in, ns});
    r.error = std::move(why);
    return r;
  };
  std::string why;
  if (!open_output(spec.out, out, why))
    return fail(why);
  if (spec.err.to == output::kind::as_stdout)
    err.write_fd = -1; // dup2'd from stdout in the child
  else if (!open_output(spec.err, err, why))
    return fail(why);
  if (spec.stdin_null && (null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0)
    return fail("cannot open /dev/null: " + errno_text());
  // Opened here, entered in the child: the child then is the process (its
  // pid the one recorded), not an `ip netns exec` in front of it.
  if (!spec.netns.empty()) {
    auto path = "/var/run/netns/" + spec.netns;
    ns = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (ns < 0)
      return fail("cannot open network namespace " + path + ": " + errno_text());
  }
  std::vector<std::string> argv_copy = spec.argv;
  std::vector<char*> args;
  for (auto& a : argv_copy)
    args.push_back(a.data());
  args.push_back(nullptr);
  auto env_entries = child_environment(spec.env);
  std::vector<char*> envp;
  for (auto& e : env_entries)
    envp.push_back(e.data());
  envp.push_back(nullptr);
  const bool err_as_out = spec.err.to == output::kind::as_stdout;
  const char* cwd = spec.cwd.empty() ? nullptr : spec.cwd.c_str();
  pid_t parent = ::getpid();

  pid_t pid = ::fork();
  if (pid < 0)
    return fail("fork failed: " + errno_text());
  if (pid == 0) {
    if (spec.die_with_parent) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) // the parent died before the line above
        ::_exit(exit_no_setup);
    }
    if (ns >= 0 && ::setns(ns, CLONE_NEWNET) != 0)
      ::_exit(exit_no_netns);
    if (spec.new_session)
      ::setsid();
    if (null_in >= 0)
      ::dup2(null_in, STDIN_FILENO);
    if (out.write_fd >= 0)
      ::dup2(out.write_fd, STDOUT_FILENO);
    if (err_as_out)
      ::dup2(STDOUT_FILENO, STDERR_FILENO);
    else if (err.write_fd >= 0)
      ::dup2(err.write_fd, STDERR_FILENO);
    if (cwd && ::chdir(cwd) != 0)
      ::_exit(exit_no_setup);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(exit_no_exec);
  }
  close_all({out.write_fd, err.write_fd, null_in, ns});
  r.pid = pid;
  r.out_pipe = out.read_fd;
  r.err_pipe = err.read_fd;
  return r;
}

std::optional<int> poll_exit(pid_t pid) {
  if (pid <= 0)
    return -1;
  int status = 0;
  pid_t r = ::waitpid(pid, &status, WNOHANG);
  if (r == pid) {
    if (WIFEXITED(status))
      return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
      return -WTERMSIG(status);
    return -1;
  }
  if (r == 0)
    return std::nullopt; // our child, running
  // Not our child (a pid from a pid file), or already reaped elsewhere.
  if (::kill(pid, 0) == 0 || errno == EPERM)
    return std::nullopt;
  return -1;
}

std::optional<int> wait_exit(pid_t pid, millis timeout) {
  auto deadline = clock_type::now() + timeout;
  for (;;) {
    if (auto rc = poll_exit(pid))
      return rc;
    if (clock_type::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(millis{20});
  }
}

stop_outcome terminate(pid_t pid, millis grace, millis after_kill) {
  stop_outcome s;
  if (auto rc = poll_exit(pid)) {
    s.exit_code = rc;
    return s;
  }
  s.was_running = true;
  ::kill(pid, SIGCONT); // a stopped (drilled) process must run to handle SIGTERM
  ::kill(pid, SIGTERM);
  if ((s.exit_code = wait_exit(pid, grace))) {
    s.exited_on_term = true;
    return s;
  }
  ::kill(pid, SIGKILL);
  s.exit_code = wait_exit(pid, after_kill);
  return s;
}

std::optional<std::string> read_line(int fd, millis timeout) {
  auto deadline = clock_type::now() + timeout;
  std::string line;
  for (;;) {
    auto left = std::chrono::duration_cast<millis>(deadline - clock_type::now());
    if (left.count() <= 0)
      return std::nullopt;
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR)
      return std::nullopt;
    if (ready <= 0)
      continue;
    char c = 0;
    auto n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return std::nullopt; // end of file (or error) before the newline
    if (c == '\n')
      return line;
    line += c;
  }
}

int run_in_child(const std::function<int()>& fn) {
  pid_t pid = ::fork();
  if (pid < 0)
    return -1;
  if (pid == 0)
    ::_exit(fn() & 0xff);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? -WTERMSIG(status) : -1;
}

} // namespace cwts::proc
