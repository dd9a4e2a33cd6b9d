#include "nodes/console/command_line.hpp"

#include <algorithm>

#include "nodes/console/signed_command.hpp"

namespace cwts::console {

const std::vector<command_spec>& command_specs() {
  static const std::vector<command_spec> specs = {
    {"help", "help [command]", "list the commands, or how to use one", 0, 1},
    {"nodes", "nodes", "this node, its trading state, quorum and peers (/api/nodes)", 0, 0},
    {"actors", "actors", "every actor: mailbox, message rate, restarts, handler time (/api/actors)",
     0, 0},
    {"load", "load [seconds]",
     "the node under load: validated ticks/s, each actor's mailbox, drops (two /api/actors "
     "samples, 1 s apart by default)",
     0, 1},
    {"inspect", "inspect <role>", "one actor with all its counters (/api/actors/<role>)", 1, 1},
    {"orders", "orders", "the OMS's live orders (/api/orders)", 0, 0},
    {"positions", "positions", "risk's positions and PnL (/api/positions)", 0, 0},
    {"risk", "risk", "trading state, risk counters and health rules (/api/risk)", 0, 0},
    {"book", "book <symbol> [depth] [--venue NAME]",
     "a connector's local order book (/api/book/<symbol>): venue NAME's, else the node's first",
     1, 2, {"venue"}},
    {"kill", "kill <level> <scope> [scope-value] --reason TEXT",
     "signed kill: level 1-4 (halt, cancel-all, flatten, full-stop), scope cluster, node, "
     "strategy, symbol or account",
     2, 3, {"reason"}, {"reason"}},
    {"reset", "reset --reason TEXT", "signed reset: every node votes, trading resumes on a quorum",
     0, 0, {"reason"}, {"reason"}},
    {"drill", "drill crash <role>", "crash a supervised actor on purpose (nodes with [drill] enabled)",
     2, 2},
    {"status", "status", "the kill coordinator's view: trading state and counters (/api/kill)", 0,
     0},
    {"trace", "trace <order-id> [HOST:PORT ...]",
     "one order's hops from tick to fill across nodes: this node's spans and those of the "
     "admin ports named (/api/trace)",
     1, 9},
    {"connect", "connect HOST:PORT", "switch to another node's admin port", 1, 1},
    {"quit", "quit", "leave the console (also: exit, Ctrl-D)", 0, 0},
  };
  return specs;
}

const command_spec* find_spec(const std::string& name) {
  auto& specs = command_specs();
  auto n = name == "exit" ? std::string("quit") : name;
  auto it = std::find_if(specs.begin(), specs.end(), [&](const command_spec& s) { return s.name == n; });
  return it == specs.end() ? nullptr : &*it;
}

namespace {

// Words at blanks; a quoted part ('…' or "…") keeps its blanks and the
// other quote character, and loses its quotes.
std::optional<std::vector<std::string>> words_of(const std::string& text, std::string& error) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      if (c == quote)
        quote = 0;
      else
        cur += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_word)
        out.push_back(cur);
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (quote) {
    error = std::string("unclosed quote ") + quote;
    return std::nullopt;
  }
  if (in_word)
    out.push_back(cur);
  return out;
}

// Pieces at `;` outside quotes, unchanged otherwise.
std::optional<std::vector<std::string>> statements_of(const std::string& text, std::string& error) {
  std::vector<std::string> out(1);
  char quote = 0;
  for (char c : text) {
    if (quote && c == quote)
      quote = 0;
    else if (!quote && (c == '\'' || c == '"'))
      quote = c;
    if (!quote && c == ';')
      out.emplace_back();
    else
      out.back() += c;
  }
  if (quote) {
    error = std::string("unclosed quote ") + quote;
    return std::nullopt;
  }
  return out;
}

bool blank(const std::string& s) {
  return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

std::string usage_of(const command_spec& s) {
  return "usage: " + s.usage;
}

// The arguments a command's spec cannot express.
std::string check_args(const parsed_command& c) {
  if (c.name == "kill") {
    if (!parse_kill_level(c.args[0]))
      return "kill: level '" + c.args[0] + "' is not 1-4 (halt, cancel-all, flatten, full-stop)";
    auto scope = parse_kill_scope(c.args[1]);
    if (!scope)
      return "kill: scope '" + c.args[1] + "' is not cluster, node, strategy, symbol or account";
    if (*scope == kill_scope::cluster && c.args.size() == 3)
      return "kill: scope cluster takes no scope value";
    if (*scope != kill_scope::cluster && c.args.size() != 3)
      return "kill: scope " + c.args[1] + " needs the " + c.args[1] + " name as scope value";
    if (c.options.at("reason").empty())
      return "kill: --reason must not be empty (it is audited)";
  }
  if (c.name == "reset" && c.options.at("reason").empty())
    return "reset: --reason must not be empty (it is audited)";
  if (c.name == "drill" && c.args[0] != "crash")
    return "drill: unknown drill '" + c.args[0] + "' (drills: crash)";
  if (c.name == "book" && c.args.size() == 2) {
    auto& d = c.args[1];
    bool digits = !d.empty() && d.size() <= 4
                  && std::all_of(d.begin(), d.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    if (!digits || std::stoi(d) < 1 || std::stoi(d) > 1000)
      return "book: depth '" + d + "' is not 1..1000";
  }
  return "";
}

} // namespace

std::optional<std::vector<std::string>> split_words(const std::string& line, std::string& error) {
  return words_of(line, error);
}

std::optional<std::vector<std::string>> split_script(const std::string& text, std::string& error) {
  auto parts = statements_of(text, error);
  if (!parts)
    return std::nullopt;
  std::vector<std::string> out;
  for (auto& p : *parts)
    if (!blank(p))
      out.push_back(p);
  return out;
}

std::optional<parsed_command> parse_command(const std::string& line, std::string& error) {
  auto words = split_words(line, error);
  if (!words)
    return std::nullopt;
  parsed_command c;
  if (words->empty())
    return c;
  const auto* spec = find_spec((*words)[0]);
  if (!spec) {
    error = "unknown command '" + (*words)[0] + "' (try: help)";
    return std::nullopt;
  }
  c.name = spec->name;
  for (std::size_t i = 1; i < words->size(); ++i) {
    const auto& w = (*words)[i];
    if (w.size() > 2 && w.compare(0, 2, "--") == 0) {
      auto eq = w.find('=');
      auto name = w.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      if (name == "json" && eq == std::string::npos) {
        c.json = true;
        continue;
      }
      if (std::find(spec->options.begin(), spec->options.end(), name) == spec->options.end()) {
        error = c.name + ": unknown option --" + name + " (" + usage_of(*spec) + ")";
        return std::nullopt;
      }
      if (eq != std::string::npos) {
        c.options[name] = w.substr(eq + 1);
      } else if (i + 1 < words->size()) {
        c.options[name] = (*words)[++i];
      } else {
        error = c.name + ": --" + name + " needs a value (" + usage_of(*spec) + ")";
        return std::nullopt;
      }
      continue;
    }
    c.args.push_back(w);
  }
  if (c.args.size() < spec->min_args || c.args.size() > spec->max_args) {
    error = usage_of(*spec);
    return std::nullopt;
  }
  for (auto& r : spec->required)
    if (!c.options.count(r)) {
      error = c.name + ": --" + r + " is required (" + usage_of(*spec) + ")";
      return std::nullopt;
    }
  if (c.name == "help" && !c.args.empty() && !find_spec(c.args[0])) {
    error = "help: unknown command '" + c.args[0] + "'";
    return std::nullopt;
  }
  if (auto why = check_args(c); !why.empty()) {
    error = why;
    return std::nullopt;
  }
  return c;
}

std::string help_text(const std::string& command) {
  if (!command.empty()) {
    const auto* s = find_spec(command);
    return s ? s->usage + "\n  " + s->summary + "\n" : "unknown command '" + command + "'\n";
  }
  std::string out = "commands (any command takes --json for the node's raw JSON):\n";
  for (auto& s : command_specs()) {
    std::string u = "  " + s.usage;
    if (u.size() < 52)
      u += std::string(52 - u.size(), ' ');
    else
      u += "\n" + std::string(52, ' ');
    out += u + s.summary + "\n";
  }
  return out;
}

} // namespace cwts::console
