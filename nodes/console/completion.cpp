#include "nodes/console/completion.hpp"

#include <algorithm>
#include <set>

#include <rapidjson/document.h>

#include "nodes/console/command_line.hpp"

namespace cwts::console {

namespace {

std::vector<std::string> matching(const std::vector<std::string>& words, const std::string& prefix) {
  std::set<std::string> out;
  for (auto& w : words)
    if (w.compare(0, prefix.size(), prefix) == 0)
      out.insert(w);
  return {out.begin(), out.end()};
}

std::vector<std::string> command_names() {
  std::vector<std::string> out;
  for (auto& s : command_specs())
    out.push_back(s.name);
  out.push_back("exit");
  return out;
}

// What the `n`th argument (0-based) of `command` can be, given the ones before.
std::vector<std::string> argument_words(const std::string& command,
                                        const std::vector<std::string>& args, std::size_t n,
                                        const completion_context& ctx) {
  if (command == "help" && n == 0)
    return command_names();
  if (command == "inspect" && n == 0)
    return ctx.roles;
  if (command == "book" && n == 0)
    return ctx.symbols;
  if (command == "drill") {
    if (n == 0)
      return {"crash"};
    if (n == 1 && args[0] == "crash")
      return ctx.roles;
  }
  if (command == "kill") {
    if (n == 0)
      return {"1", "2", "3", "4"};
    if (n == 1)
      return {"cluster", "node", "strategy", "symbol", "account"};
    if (n == 2 && args[1] == "symbol")
      return ctx.symbols;
  }
  return {};
}

} // namespace

std::vector<std::string> complete(const std::string& before_cursor, const completion_context& ctx) {
  // Words so far (quotes are not completed: split at blanks only).
  std::vector<std::string> words;
  std::string cur;
  for (char c : before_cursor) {
    if (c == ' ' || c == '\t') {
      if (!cur.empty())
        words.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  const std::string prefix = cur; // the word under the cursor ("" after a blank)
  if (words.empty())
    return matching(command_names(), prefix);
  const auto* spec = find_spec(words[0]);
  if (!spec)
    return {};
  if (prefix.compare(0, 2, "--") == 0) {
    std::vector<std::string> opts{"--json"};
    for (auto& o : spec->options)
      opts.push_back("--" + o);
    return matching(opts, prefix);
  }
  // The arguments typed so far: words after the command that are neither
  // options nor an option's value.
  std::vector<std::string> args;
  for (std::size_t i = 1; i < words.size(); ++i) {
    auto& w = words[i];
    if (w.compare(0, 2, "--") == 0) {
      auto name = w.substr(2);
      bool takes_value = name.find('=') == std::string::npos
                         && std::find(spec->options.begin(), spec->options.end(), name)
                              != spec->options.end();
      if (takes_value)
        ++i; // its value
      continue;
    }
    args.push_back(w);
  }
  // Just after an option that takes a value: free text.
  if (!words.empty() && words.back().compare(0, 2, "--") == 0) {
    auto name = words.back().substr(2);
    if (std::find(spec->options.begin(), spec->options.end(), name) != spec->options.end())
      return {};
  }
  return matching(argument_words(spec->name, args, args.size(), ctx), prefix);
}

completion_context completion_context_from_actors(const std::string& json) {
  completion_context ctx;
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("actors") || !doc["actors"].IsArray())
    return ctx;
  std::set<std::string> roles, symbols;
  for (auto& a : doc["actors"].GetArray()) {
    if (!a.IsObject())
      continue;
    if (a.HasMember("role") && a["role"].IsString())
      roles.insert(a["role"].GetString());
    if (!a.HasMember("counters") || !a["counters"].IsObject())
      continue;
    for (auto& m : a["counters"].GetObject()) {
      std::string key = m.name.GetString();
      for (const char* p : {"book.synced.", "md.feed_age_ms.", "last_trade_age_ms."}) {
        std::string prefix = p;
        if (key.compare(0, prefix.size(), prefix) == 0 && key.size() > prefix.size())
          symbols.insert(key.substr(prefix.size()));
      }
    }
  }
  ctx.roles.assign(roles.begin(), roles.end());
  ctx.symbols.assign(symbols.begin(), symbols.end());
  return ctx;
}

} // namespace cwts::console
