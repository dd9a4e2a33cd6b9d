#define CAF_SUITE common_process
#include "tests/support/unit_test.hpp"

// The one process launcher (common/process.hpp) that the CLI, the
// integration tests and the benches start, watch and stop children with.

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "common/process.hpp"
#include "tests/integration/support/wait_until.hpp"

using namespace cwts;
using namespace std::chrono_literals;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string temp_dir() {
  char tmpl[] = "/tmp/cwts-process-test-XXXXXX";
  CAF_REQUIRE(::mkdtemp(tmpl) != nullptr);
  return tmpl;
}

proc::spawn_spec shell(const std::string& script) {
  proc::spawn_spec spec;
  spec.argv = {"/bin/sh", "-c", script};
  return spec;
}

// Inside run_in_child: `spec`'s exit code (waited up to 10 s), `failed` when
// it did not start, `failed + 1` when it did not exit in time.
int exit_code_in_child(const proc::spawn_spec& spec, int failed) {
  auto child = proc::spawn(spec);
  if (!child.ok())
    return failed;
  auto code = proc::wait_exit(child.pid, 10s);
  return code ? *code : failed + 1;
}

} // namespace

CAF_TEST(output_to_files_in_cwd_with_the_environment_set) {
  auto dir = temp_dir();
  auto spec = shell("echo \"out $CWTS_PROCESS_TEST\"; pwd; echo err >&2; exit 3");
  spec.env = {"CWTS_PROCESS_TEST=set-for-child"};
  spec.cwd = dir;
  spec.out = proc::output::file(dir + "/o.txt");
  spec.err = proc::output::file(dir + "/e.txt");
  auto child = proc::spawn(spec);
  CAF_REQUIRE(child.ok());
  CAF_CHECK_EQUAL(proc::wait_exit(child.pid, 10s), 3);
  CAF_CHECK_EQUAL(slurp(dir + "/o.txt"), "out set-for-child\n" + dir + "\n");
  CAF_CHECK_EQUAL(slurp(dir + "/e.txt"), "err\n");
  // The parent's environment is untouched.
  CAF_CHECK(std::getenv("CWTS_PROCESS_TEST") == nullptr);
  // Reaped: a second look says gone.
  CAF_CHECK_EQUAL(proc::poll_exit(child.pid), -1);
}

CAF_TEST(append_and_stderr_into_the_same_file) {
  auto dir = temp_dir();
  auto log = dir + "/log";
  for (int i = 0; i < 2; ++i) {
    auto spec = shell("echo out; echo err >&2");
    spec.out = proc::output::file(log, true);
    spec.err = proc::output::as_stdout();
    auto child = proc::spawn(spec);
    CAF_REQUIRE(child.ok());
    CAF_CHECK_EQUAL(proc::wait_exit(child.pid, 10s), 0);
  }
  CAF_CHECK_EQUAL(slurp(log), "out\nerr\nout\nerr\n");
}

CAF_TEST(a_pipe_is_read_line_by_line) {
  auto spec = shell("echo first; echo second; exec sleep 30");
  spec.out = proc::output::pipe();
  auto child = proc::spawn(spec);
  CAF_REQUIRE(child.ok());
  CAF_REQUIRE(child.out_pipe >= 0);
  CAF_CHECK_EQUAL(proc::read_line(child.out_pipe, 10s), std::string("first"));
  CAF_CHECK_EQUAL(proc::read_line(child.out_pipe, 10s), std::string("second"));
  // Nothing more arrives: the deadline answers.
  CAF_CHECK(!proc::read_line(child.out_pipe, 100ms));
  auto stopped = proc::terminate(child.pid, 10s);
  CAF_CHECK(stopped.was_running);
  CAF_CHECK(stopped.exited_on_term);
  CAF_CHECK_EQUAL(stopped.exit_code, -15);
  // The writer gone: end of file, not a wait.
  CAF_CHECK(!proc::read_line(child.out_pipe, 10s));
  ::close(child.out_pipe);
}

CAF_TEST(a_child_ignoring_sigterm_is_killed_after_the_grace) {
  auto spec = shell("trap '' TERM; echo ready; while :; do sleep 0.05; done");
  spec.out = proc::output::pipe();
  auto child = proc::spawn(spec);
  CAF_REQUIRE(child.ok());
  CAF_REQUIRE_EQUAL(proc::read_line(child.out_pipe, 10s), std::string("ready"));
  auto stopped = proc::terminate(child.pid, 200ms, 10s);
  CAF_CHECK(stopped.was_running);
  CAF_CHECK(!stopped.exited_on_term);
  CAF_CHECK_EQUAL(stopped.exit_code, -9);
  CAF_CHECK(!proc::alive(child.pid));
  ::close(child.out_pipe);
  // Stopping it again: it was not running.
  CAF_CHECK(!proc::terminate(child.pid, 10ms).was_running);
}

CAF_TEST(failures_say_why) {
  proc::spawn_spec none;
  none.argv = {"/nonexistent/cwts-binary"};
  auto r = proc::spawn(none);
  CAF_CHECK(!r.ok());
  CAF_CHECK_EQUAL(r.error, "cannot execute '/nonexistent/cwts-binary': No such file or directory");
  auto bad_dir = shell("true");
  bad_dir.out = proc::output::file("/nonexistent/dir/out");
  r = proc::spawn(bad_dir);
  CAF_CHECK(!r.ok());
  CAF_CHECK_EQUAL(r.error, "cannot open '/nonexistent/dir/out': No such file or directory");
  auto bad_ns = shell("true");
  bad_ns.netns = "cwts-no-such-namespace";
  r = proc::spawn(bad_ns);
  CAF_CHECK(!r.ok());
  CAF_CHECK(r.error.find("cannot open network namespace /var/run/netns/cwts-no-such-namespace")
            == 0);
  auto bad_cwd = shell("true");
  bad_cwd.cwd = "/nonexistent/dir";
  // Found only in the child, reported through the status pipe.
  r = proc::spawn(bad_cwd);
  CAF_CHECK(!r.ok());
  CAF_CHECK_EQUAL(r.error, "cannot start '/bin/sh': chdir failed: No such file or directory");
}

CAF_TEST(an_execve_failure_is_reported_by_spawn) {
  // Executable bits, no program in it: access() passes, execve says ENOEXEC.
  auto dir = temp_dir();
  auto path = dir + "/not-a-program";
  std::ofstream(path) << "\x01\x02 not an executable format\n";
  CAF_REQUIRE(::chmod(path.c_str(), 0755) == 0);
  proc::spawn_spec spec;
  spec.argv = {path};
  auto r = proc::spawn(spec);
  CAF_CHECK(!r.ok());
  CAF_CHECK_EQUAL(r.pid, -1);
  CAF_CHECK_EQUAL(r.error, "cannot start '" + path + "': execve failed: Exec format error");
  // The failed child was reaped: no child of ours is left.
  CAF_CHECK_EQUAL(::waitpid(-1, nullptr, WNOHANG), -1);
  CAF_CHECK_EQUAL(errno, ECHILD);
}

CAF_TEST(no_parent_fd_above_2_reaches_the_child) {
  // An fd opened without O_CLOEXEC (as a library might) at a known number.
  int fd = ::open("/dev/null", O_RDONLY);
  CAF_REQUIRE(fd >= 0);
  CAF_REQUIRE(::dup2(fd, 200) == 200);
  ::close(fd);
  auto child = proc::spawn(shell("[ -e /proc/$$/fd/200 ] && exit 1; exit 0"));
  CAF_REQUIRE(child.ok());
  CAF_CHECK_EQUAL(proc::wait_exit(child.pid, 10s), 0);
  ::close(200);
}

CAF_TEST(a_parent_with_stdin_and_stdout_closed_still_routes_output) {
  auto dir = temp_dir();
  auto out = dir + "/out.txt";
  // In a forked copy: closing this test's own stdout would lose its report.
  // There the output file's fd and /dev/null's for stdin are 0 and 1.
  int rc = proc::run_in_child([&] {
    ::close(STDIN_FILENO);
    ::close(STDOUT_FILENO);
    auto spec = shell("echo routed");
    spec.out = proc::output::file(out);
    spec.err = proc::output::null();
    return exit_code_in_child(spec, 10);
  });
  CAF_CHECK_EQUAL(rc, 0);
  CAF_CHECK_EQUAL(slurp(out), "routed\n");
}

CAF_TEST(a_relative_program_is_found_against_the_parents_cwd) {
  auto here = temp_dir();
  auto there = temp_dir();
  std::ofstream(here + "/prog") << "#!/bin/sh\npwd\n";
  CAF_REQUIRE(::chmod((here + "/prog").c_str(), 0755) == 0);
  // In a forked copy: this process's cwd stays as it is.
  int rc = proc::run_in_child([&] {
    if (::chdir(here.c_str()) != 0)
      return 10;
    proc::spawn_spec spec;
    spec.argv = {"./prog"};
    spec.cwd = there; // execve after chdir: "./prog" would be looked up here
    spec.out = proc::output::file(there + "/out.txt");
    return exit_code_in_child(spec, 11);
  });
  CAF_CHECK_EQUAL(rc, 0);
  CAF_CHECK_EQUAL(slurp(there + "/out.txt"), there + "\n");
}

CAF_TEST(a_new_session_child_is_stopped_with_its_process_group) {
  auto spec = shell("sleep 300 & echo $!; wait");
  spec.out = proc::output::pipe();
  spec.new_session = true;
  auto child = proc::spawn(spec);
  CAF_REQUIRE(child.ok());
  auto line = proc::read_line(child.out_pipe, 10s);
  CAF_REQUIRE(line.has_value());
  pid_t grandchild = std::stoi(*line);
  auto stopped = proc::terminate(child.pid, 10s, 1s, proc::owner::child, true);
  CAF_CHECK(stopped.exited_on_term);
  ::close(child.out_pipe);
  // The sleep got SIGTERM too: it ends (gone, or a zombie until its new
  // parent reaps it). A process signalled alone would leave it sleeping.
  auto state = [&] {
    std::ifstream stat("/proc/" + std::to_string(grandchild) + "/stat");
    std::string pid, comm, st;
    stat >> pid >> comm >> st;
    return st; // empty: gone
  };
  cwts::itest::wait_until([&] {
    auto now = state();
    return now.empty() || now == "Z";
  }, 10s, 10ms);
  auto st = state();
  CAF_CHECK(st.empty() || st == "Z");
  if (!st.empty() && st != "Z")
    ::kill(grandchild, SIGKILL);
}

CAF_TEST(run_in_child_returns_the_functions_result) {
  CAF_CHECK_EQUAL(proc::run_in_child([] { return 7; }), 7);
  CAF_CHECK_EQUAL(proc::run_in_child([]() -> int { ::abort(); }), -6);
  // A process that is not our child (a pid from a pid file): running while
  // it exists.
  CAF_CHECK_EQUAL(proc::poll_exit(::getpid(), proc::owner::any), std::nullopt);
  // Asked as our child, a pid waitpid does not know is gone: no kill(pid, 0)
  // probe, which a reused pid would answer.
  CAF_CHECK_EQUAL(proc::poll_exit(::getpid(), proc::owner::child), -1);
}
