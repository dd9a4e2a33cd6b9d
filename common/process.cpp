#include "common/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
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

// A source fd for the child moved above 2 (close-on-exec kept): a parent
// running with 0, 1 or 2 closed gets those numbers from open/pipe, and the
// child's dup2 onto 0..2 would then clobber one source with another.
bool lift_above_stdio(int& fd, std::string& error) {
  if (fd < 0 || fd > STDERR_FILENO)
    return true;
  int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
  if (moved < 0) {
    error = "fcntl(F_DUPFD_CLOEXEC): " + errno_text();
    return false;
  }
  ::close(fd);
  fd = moved;
  return true;
}

// What the child reports on the status pipe when a step before execve
// fails: the step and its errno. End of file instead: execve succeeded (the
// pipe is close-on-exec).
enum class child_step : int { parent_gone = 1, setns, dup2, chdir, execve };
struct child_report {
  int step = 0;
  int err = 0;
};

const char* step_name(int step) {
  switch (static_cast<child_step>(step)) {
    case child_step::parent_gone: return "the parent exited before the child was set up";
    case child_step::setns: return "setns (entering the network namespace)";
    case child_step::dup2: return "dup2 (stdin/stdout/stderr)";
    case child_step::chdir: return "chdir";
    case child_step::execve: return "execve";
  }
  return "an unknown step";
}

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#if !defined(SYS_close_range) && defined(__NR_close_range)
#define SYS_close_range __NR_close_range
#endif

// In the child only: async-signal-safe calls (write, _exit, dup2, ...).
[[noreturn]] void child_fail(int status_fd, child_step step, int exit_code) {
  child_report rep{static_cast<int>(step), errno};
  ssize_t n;
  do
    n = ::write(status_fd, &rep, sizeof rep);
  while (n < 0 && errno == EINTR);
  ::_exit(exit_code);
}

// In the child only: `src` onto `dst`; when they are the same fd, dup2 is a
// no-op that would keep close-on-exec set, so clear it instead.
bool child_dup(int src, int dst) {
  if (src == dst)
    return ::fcntl(dst, F_SETFD, 0) == 0;
  int r;
  do
    r = ::dup2(src, dst);
  while (r < 0 && errno == EINTR);
  return r >= 0;
}

// In the child only: no fd of the parent's above 2 reaches the program. All
// are marked close-on-exec (the status pipe is anyway: it must stay open
// until execve). Kernels before 5.11 lack close_range: close them one by
// one up to `fd_limit` (taken before the fork: getrlimit is not on the
// async-signal-safe list), sparing the status pipe.
void child_close_inherited(int status_fd, int fd_limit) {
#ifdef SYS_close_range
  if (::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
    return;
#endif
  for (int fd = STDERR_FILENO + 1; fd < fd_limit; ++fd)
    if (fd != status_fd)
      ::close(fd);
}

int open_fd_limit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
    return 1 << 20;
  return static_cast<int>(std::min<rlim_t>(rl.rlim_cur, INT_MAX));
}

// execve does not search PATH: a relative argv[0] is taken against the cwd
// at exec, which is spec.cwd after chdir. Made absolute against this
// process's cwd, so the access() check here and execve agree.
std::string absolute_program(const std::string& program) {
  if (program.empty() || program[0] == '/')
    return program;
  char buf[PATH_MAX];
  if (!::getcwd(buf, sizeof buf))
    return program;
  return std::string(buf) + "/" + program;
}

} // namespace

spawned spawn(const spawn_spec& spec) {
  spawned r;
  const std::string program = spec.argv.empty() ? std::string() : absolute_program(spec.argv[0]);
  if (spec.argv.empty() || ::access(program.c_str(), X_OK) != 0) {
    r.error = "cannot execute '" + program
              + "': " + (spec.argv.empty() ? std::string("no program") : errno_text());
    return r;
  }
  stream_fds out, err;
  int null_in = -1;
  int ns = -1;
  int status[2] = {-1, -1};
  auto fail = [&](std::string why) {
    close_all({out.write_fd, out.read_fd, err.write_fd, err.read_fd, null_in, ns, status[0],
               status[1]});
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
  if (::pipe2(status, O_CLOEXEC) != 0)
    return fail("pipe: " + errno_text());
  for (int* fd : {&out.write_fd, &out.read_fd, &err.write_fd, &err.read_fd, &null_in, &ns,
                  &status[0], &status[1]})
    if (!lift_above_stdio(*fd, why))
      return fail(why);
  std::vector<std::string> argv_copy = spec.argv;
  argv_copy[0] = program;
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
  const int fd_limit = open_fd_limit();
  const int status_fd = status[1];
  pid_t parent = ::getpid();

  pid_t pid = ::fork();
  if (pid < 0)
    return fail("fork failed: " + errno_text());
  if (pid == 0) {
    if (spec.die_with_parent) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) { // the parent died before the line above
        errno = 0;
        child_fail(status_fd, child_step::parent_gone, exit_no_setup);
      }
    }
    if (ns >= 0 && ::setns(ns, CLONE_NEWNET) != 0)
      child_fail(status_fd, child_step::setns, exit_no_netns);
    if (spec.new_session)
      ::setsid();
    if (null_in >= 0 && !child_dup(null_in, STDIN_FILENO))
      child_fail(status_fd, child_step::dup2, exit_no_setup);
    if (out.write_fd >= 0 && !child_dup(out.write_fd, STDOUT_FILENO))
      child_fail(status_fd, child_step::dup2, exit_no_setup);
    if (err_as_out) {
      // stdout may itself be closed (inherited from a parent without one).
      if (!child_dup(STDOUT_FILENO, STDERR_FILENO) && errno != EBADF)
        child_fail(status_fd, child_step::dup2, exit_no_setup);
    } else if (err.write_fd >= 0 && !child_dup(err.write_fd, STDERR_FILENO)) {
      child_fail(status_fd, child_step::dup2, exit_no_setup);
    }
    child_close_inherited(status_fd, fd_limit);
    if (cwd && ::chdir(cwd) != 0)
      child_fail(status_fd, child_step::chdir, exit_no_setup);
    ::execve(args[0], args.data(), envp.data());
    child_fail(status_fd, child_step::execve, exit_no_exec);
  }
  close_all({out.write_fd, err.write_fd, null_in, ns, status[1]});
  // End of file: execve closed the child's copy (close-on-exec). A report:
  // a step failed and the child has exited (or is about to).
  child_report rep;
  ssize_t n;
  do
    n = ::read(status[0], &rep, sizeof rep);
  while (n < 0 && errno == EINTR);
  ::close(status[0]);
  if (n > 0) {
    int ignored = 0;
    while (::waitpid(pid, &ignored, 0) < 0 && errno == EINTR) {
    }
    close_all({out.read_fd, err.read_fd});
    r.error = "cannot start '" + program + "': "
              + (n == static_cast<ssize_t>(sizeof rep)
                   ? std::string(step_name(rep.step))
                       + (rep.err ? std::string(" failed: ") + std::strerror(rep.err) : "")
                   : std::string("a short status report from the child"));
    return r;
  }
  r.pid = pid;
  r.out_pipe = out.read_fd;
  r.err_pipe = err.read_fd;
  return r;
}

std::optional<int> poll_exit(pid_t pid, owner who) {
  if (pid <= 0)
    return -1;
  int status = 0;
  pid_t r;
  do
    r = ::waitpid(pid, &status, WNOHANG);
  while (r < 0 && errno == EINTR);
  if (r == pid) {
    if (WIFEXITED(status))
      return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
      return -WTERMSIG(status);
    return -1;
  }
  if (r == 0)
    return std::nullopt; // our child, running
  // Our child already reaped: gone. Its pid may be another process's by now,
  // so kill(pid, 0) would lie.
  if (who == owner::child)
    return -1;
  // Not our child (a pid from a pid file): only a signal probe can tell.
  if (::kill(pid, 0) == 0 || errno == EPERM)
    return std::nullopt;
  return -1;
}

std::optional<int> wait_exit(pid_t pid, millis timeout, owner who) {
  auto deadline = clock_type::now() + timeout;
  for (;;) {
    if (auto rc = poll_exit(pid, who))
      return rc;
    if (clock_type::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(millis{20});
  }
}

namespace {

// A new_session child leads its own process group: the signal goes to the
// group (what it started goes with it). A pid that leads no group (ESRCH
// for -pid): to the process alone.
void send(pid_t pid, int sig, bool group) {
  if (group && ::kill(-pid, sig) == 0)
    return;
  ::kill(pid, sig);
}

} // namespace

stop_outcome terminate(pid_t pid, millis grace, millis after_kill, owner who, bool group) {
  stop_outcome s;
  if (auto rc = poll_exit(pid, who)) {
    s.exit_code = rc;
    return s;
  }
  s.was_running = true;
  send(pid, SIGCONT, group); // a stopped (drilled) process must run to handle SIGTERM
  send(pid, SIGTERM, group);
  if ((s.exit_code = wait_exit(pid, grace, who))) {
    s.exited_on_term = true;
    return s;
  }
  send(pid, SIGKILL, group);
  s.exit_code = wait_exit(pid, after_kill, who);
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
