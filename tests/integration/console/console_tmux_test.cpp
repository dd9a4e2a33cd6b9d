// `cwts console` in a real terminal (tmux, its own server socket): the
// prompt, a Tab completion ("act" -> "actors"), the Up arrow recalling that
// line from the history, and ~/.cwts_history written. Every wait is bounded;
// the tmux server is killed whatever happens. Skipped (exit 77) with a
// message when tmux is not installed.
#define CAF_SUITE console_tmux
#include "tests/support/unit_test.hpp"

#include <unistd.h>

#include <cstdlib>

#include "tests/integration/admin/http_get.hpp"
#include "tests/integration/node/single_node.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
    ++n;
  return n;
}

// One tmux server of our own (-L), killed in the destructor.
struct tmux_server {
  std::string bin;
  std::string dir;
  std::string socket = "cwts-console-test-" + std::to_string(::getpid());

  tmux_server(std::string tmux_bin, std::string test_dir)
    : bin(std::move(tmux_bin)), dir(std::move(test_dir)) {}

  command_result run(std::vector<std::string> args) {
    std::vector<std::string> argv{bin, "-L", socket, "-f", "/dev/null"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command("tmux", argv, dir, 10s);
  }
  std::string pane() { return run({"capture-pane", "-p", "-J", "-t", "console"}).out; }
  // Polls the pane until `pred` holds (bounded); logs it either way.
  bool wait_pane(const std::function<bool(const std::string&)>& pred, millis timeout) {
    std::string last;
    bool met = wait_until(
      [&] {
        last = pane();
        return pred(last);
      },
      timeout, 100ms);
    if (!met)
      CAF_MESSAGE("pane:\n" << last);
    return met;
  }
  ~tmux_server() { run({"kill-server"}); }
};

} // namespace

CAF_TEST(tab_completes_and_up_recalls_history_in_a_real_terminal) {
  auto tmux_bin = env("CWTS_TMUX_BIN");
  if (tmux_bin.empty() || tmux_bin.find("NOTFOUND") != std::string::npos) {
    std::cout << "console_tmux_test SKIPPED: tmux is not installed (Debian package tmux)"
              << std::endl;
    std::exit(77);
  }
  auto admin = free_port();
  single_node n("console_tmux", {"--admin.port=" + std::to_string(admin)});
  // The node answers its admin API before the console is asked anything:
  // the first `actors` must show the table, not "connection refused" (a
  // node that started slowly, under ASan, failed the test that way).
  CAF_REQUIRE(wait_until([&] { return http_get(admin, "/api/actors/strategy").status == 200; }, 30s));
  tmux_server tmux(tmux_bin, n.dir);
  const auto address = "127.0.0.1:" + std::to_string(admin);
  // HOME: the history file goes to the test's folder; TERM: one every
  // Debian terminfo has.
  auto started = tmux.run({"new-session", "-d", "-s", "console", "-x", "160", "-y", "60",
                           "env HOME=" + n.dir + " TERM=screen " + n.paths.cli_bin
                             + " console --admin=" + address});
  CAF_REQUIRE_EQUAL(started.exit_code, 0);
  const auto prompt = "cwts " + address + "> ";
  CAF_REQUIRE(tmux.wait_pane([&](const std::string& p) { return count(p, prompt) >= 1; }, 15s));

  // "act" + Tab -> "actors ", then Enter.
  CAF_CHECK_EQUAL(tmux.run({"send-keys", "-t", "console", "act", "Tab"}).exit_code, 0);
  CAF_CHECK(tmux.wait_pane([&](const std::string& p) { return p.find(prompt + "actors") != std::string::npos; },
                           10s));
  tmux.run({"send-keys", "-t", "console", "Enter"});
  CAF_CHECK(tmux.wait_pane(
    [&](const std::string& p) { return count(p, "MAILBOX/MAX") == 1 && count(p, prompt) >= 2; },
    15s));

  // Up recalls "actors"; Enter runs it again.
  tmux.run({"send-keys", "-t", "console", "Up"});
  CAF_CHECK(tmux.wait_pane([&](const std::string& p) { return count(p, prompt + "actors") >= 2; },
                           10s));
  tmux.run({"send-keys", "-t", "console", "Enter"});
  CAF_CHECK(tmux.wait_pane([&](const std::string& p) { return count(p, "MAILBOX/MAX") == 2; }, 15s));
  auto screen = tmux.pane();
  CAF_MESSAGE("pane:\n" << screen);
  CAF_CHECK(count(screen, "connector") >= 2);

  tmux.run({"send-keys", "-t", "console", "quit", "Enter"});
  CAF_CHECK(wait_until([&] { return tmux.run({"has-session", "-t", "console"}).exit_code != 0; }, 10s));
  auto history = read_file(n.dir + "/.cwts_history");
  CAF_MESSAGE("history: " << history);
  CAF_CHECK(history.find("actors") != std::string::npos);
  n.node.stop(6s);
}
