#pragma once
// The console's command language (docs/console.md): words separated by
// blanks, quotes ('…' or "…") keep blanks inside a word, `--name VALUE` or
// `--name=VALUE` options, `;` separates commands in a `-c` script.
// CAF-free, terminal-free.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cwts::console {

struct command_spec {
  std::string name;
  std::string usage;   // "kill <level> <scope> [scope-value] --reason TEXT"
  std::string summary; // one line for `help`
  std::size_t min_args = 0;
  std::size_t max_args = 0;
  std::vector<std::string> options{}; // value options it takes ("reason"); --json is always allowed
  std::vector<std::string> required{}; // of `options`, those that must be given
};

// Every command, in `help` order.
const std::vector<command_spec>& command_specs();
const command_spec* find_spec(const std::string& name);

struct parsed_command {
  std::string name;
  std::vector<std::string> args;
  std::map<std::string, std::string> options; // "reason" -> "drill"
  bool json = false;                          // --json: print the node's raw JSON
};

// Words of one line; nullopt with `error` for an unclosed quote.
std::optional<std::vector<std::string>> split_words(const std::string& line, std::string& error);

// The commands of a script ("nodes; kill 2 cluster --reason 'a; b'"): split
// at `;` outside quotes, blank ones dropped. nullopt with `error` for an
// unclosed quote.
std::optional<std::vector<std::string>> split_script(const std::string& text, std::string& error);

// One command checked against its spec: known name, argument count, known
// and required options, and the arguments of kill (level, scope, the scope
// value a scope other than cluster needs), drill (crash <role>), book depth.
// nullopt with `error` (a usage message). An empty line gives a command
// with an empty name.
std::optional<parsed_command> parse_command(const std::string& line, std::string& error);

// `help` (every command) or `help <command>`.
std::string help_text(const std::string& command = "");

} // namespace cwts::console
