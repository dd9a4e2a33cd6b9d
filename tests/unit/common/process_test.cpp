#define CAF_SUITE common_process
#include "caf/test/unit_test.hpp"

// The one process launcher (common/process.hpp) that the CLI, the
// integration tests and the benches start, watch and stop children with.

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include "common/process.hpp"

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
  auto child = proc::spawn(bad_cwd);
  CAF_REQUIRE(child.ok()); // found only in the child
  CAF_CHECK_EQUAL(proc::wait_exit(child.pid, 10s), proc::exit_no_setup);
}

CAF_TEST(run_in_child_returns_the_functions_result) {
  CAF_CHECK_EQUAL(proc::run_in_child([] { return 7; }), 7);
  CAF_CHECK_EQUAL(proc::run_in_child([]() -> int { ::abort(); }), -6);
  // A process that is not our child: running while it exists.
  CAF_CHECK_EQUAL(proc::poll_exit(::getpid()), std::nullopt);
}
