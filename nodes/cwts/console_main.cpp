// `cwts console`: the operator console against a node's admin HTTP port
// (docs/console.md). Line editing, history (~/.cwts_history) and tab
// completion come from libedit; everything else is nodes/console (CAF-free,
// unit-tested): this file only reads options and lines and prints outcomes.
//
//   cwts console --admin=127.0.0.1:47110 --operator=alice --key-file=run/keys/operators/alice.pem
//   cwts console --admin=127.0.0.1:47110 -c 'nodes; actors; book USDCHF'
//
// With -c (or lines on a stdin that is not a terminal) it runs the commands
// in order, prints to stdout and stops at the first failure with its exit
// code (2 usage, 3 kill incomplete, 4 refused, 5 unreachable).

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <editline/readline.h>

#include "nodes/console/session.hpp"

namespace {

namespace con = cwts::console;

constexpr const char* console_usage =
  "usage: cwts console [--admin=HOST:PORT] [--operator=NAME --key-file=PEM] [--json]\n"
  "                    [--timeout-ms=N] [-c 'command; command ...']\n"
  "  --admin       the node's admin HTTP port ([admin] port; default 127.0.0.1:47110)\n"
  "  --operator    the operator who signs kill and reset, with --key-file (Ed25519 PEM)\n"
  "  --json        print the node's raw JSON instead of tables\n"
  "  --timeout-ms  how long one request may take (default 20000)\n"
  "  -c SCRIPT     run the commands (separated by ';'), stop at the first failure\n"
  "examples:\n"
  "  cwts console --admin=127.0.0.1:47110 --operator=alice \\\n"
  "    --key-file=run/keys/operators/alice.pem\n"
  "  cwts console --admin=127.0.0.1:47110 -c 'nodes; actors; book USDCHF 5'\n"
  "  cwts console --admin=127.0.0.1:47110 --operator=alice --key-file=alice.pem \\\n"
  "    -c \"kill 2 cluster --reason 'drill'; status\"\n"
  "exit codes: 0 done, 2 usage, 3 kill incomplete or a channel failed, 4 refused,\n"
  "            5 node unreachable or no answer\n";

struct console_args {
  std::string admin = "127.0.0.1:47110";
  std::string operator_name;
  std::string key_file;
  std::optional<std::string> script;
  bool json = false;
  long timeout_ms = 20'000;
  bool help = false;
};

// Returns the usage error, empty when the arguments are fine.
std::string parse_args(int argc, char** argv, console_args& a) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char* name, std::string& out) {
      std::string prefix = std::string("--") + name + "=";
      if (arg.compare(0, prefix.size(), prefix) == 0) {
        out = arg.substr(prefix.size());
        return true;
      }
      return false;
    };
    std::string timeout;
    if (arg == "-h" || arg == "--help") {
      a.help = true;
    } else if (arg == "--json") {
      a.json = true;
    } else if (arg == "-c" || arg == "--command") {
      if (i + 1 >= argc)
        return arg + " needs the commands";
      a.script = argv[++i];
    } else if (std::string s; value("command", s)) {
      a.script = s;
    } else if (value("admin", a.admin) || value("operator", a.operator_name)
               || value("key-file", a.key_file)) {
    } else if (value("timeout-ms", timeout)) {
      char* end = nullptr;
      a.timeout_ms = std::strtol(timeout.c_str(), &end, 10);
      if (timeout.empty() || *end != '\0' || a.timeout_ms < 1 || a.timeout_ms > 600'000)
        return "--timeout-ms must be 1..600000";
    } else {
      return "unknown option '" + arg + "'";
    }
  }
  if (a.operator_name.empty() != a.key_file.empty())
    return "--operator and --key-file go together";
  return "";
}

// Prints an outcome the way both modes do.
void show(const con::outcome& o) {
  std::cout << o.out << std::flush;
  std::cerr << o.err << std::flush;
}

// -c, or lines from a stdin that is not a terminal: stop at the first failure.
int run_script(con::console_session& session, const std::vector<std::string>& commands) {
  for (auto& line : commands) {
    auto o = session.run_line(line);
    show(o);
    if (o.code != con::exit_code::ok)
      return o.code;
    if (o.quit)
      break;
  }
  return con::exit_code::ok;
}

// --- libedit: completion reads the session through these two globals (the
// readline interface takes plain function pointers).
con::console_session* g_session = nullptr;
std::vector<std::string> g_candidates;

char* next_candidate(const char*, int state) {
  static std::size_t i = 0;
  if (state == 0)
    i = 0;
  return i < g_candidates.size() ? strdup(g_candidates[i++].c_str()) : nullptr;
}

char** attempt_completion(const char* text, int, int end) {
  std::string before(rl_line_buffer, static_cast<std::size_t>(end));
  g_candidates = con::complete(before, g_session->completion());
  rl_attempted_completion_over = 1; // no file names when we have nothing
  return g_candidates.empty() ? nullptr : rl_completion_matches(text, next_candidate);
}

std::string history_path() {
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.cwts_history";
}

int run_interactive(con::console_session& session) {
  g_session = &session;
  rl_readline_name = "cwts";
  rl_attempted_completion_function = attempt_completion;
  using_history();
  stifle_history(1000);
  const auto history = history_path();
  read_history(history.c_str());
  std::cout << "cwts console: " << session.address().str()
            << " (help lists the commands; Tab completes; Ctrl-D quits)" << std::endl;
  while (true) {
    std::string prompt = "cwts " + session.address().str() + "> ";
    char* raw = readline(prompt.c_str());
    if (raw == nullptr) {
      std::cout << std::endl;
      break;
    }
    std::string line = raw;
    std::free(raw);
    // A completion leaves a blank after the word; history keeps the command.
    line.erase(line.find_last_not_of(" \t") + 1);
    if (line.empty())
      continue;
    add_history(line.c_str());
    write_history(history.c_str());
    auto o = session.run_line(line);
    show(o);
    if (o.quit)
      break;
  }
  return con::exit_code::ok;
}

} // namespace

// argv[0] is "console".
int run_console(int argc, char** argv) {
  console_args a;
  if (auto why = parse_args(argc, argv, a); !why.empty()) {
    std::cerr << "cwts console: " << why << "\n" << console_usage;
    return con::exit_code::usage;
  }
  if (a.help) {
    std::cout << console_usage << "\n" << con::help_text();
    return 0;
  }
  std::string error;
  auto address = con::parse_admin_address(a.admin, error);
  if (!address) {
    std::cerr << "cwts console: --admin: " << error << "\n";
    return con::exit_code::usage;
  }
  con::console_options opts;
  opts.json = a.json;
  opts.timeout = std::chrono::milliseconds(a.timeout_ms);
  opts.operator_name = a.operator_name;
  if (!a.key_file.empty()) {
    auto key = cwts::ed25519_signer::from_pem_file(a.key_file, error);
    if (!key) {
      std::cerr << "cwts console: --key-file: " << error << "\n";
      return con::exit_code::usage;
    }
    opts.key = std::make_shared<const cwts::ed25519_signer>(std::move(*key));
  }
  con::console_session session(*address, std::move(opts));
  if (a.script) {
    auto commands = con::split_script(*a.script, error);
    if (!commands) {
      std::cerr << "cwts console: -c: " << error << "\n";
      return con::exit_code::usage;
    }
    return run_script(session, *commands);
  }
  if (!isatty(STDIN_FILENO)) {
    std::vector<std::string> lines;
    for (std::string line; std::getline(std::cin, line);)
      lines.push_back(line);
    return run_script(session, lines);
  }
  return run_interactive(session);
}
