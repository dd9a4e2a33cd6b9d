#pragma once
// Tab completion of the console (line editing in console_main.cpp):
// command names, then per command what its next word can be — actor roles
// (inspect, drill crash), symbols (book, kill … symbol), kill levels and
// scopes, options (--reason, --json). Roles and symbols come from the node
// (/api/actors, completion_context_from_actors). CAF-free, terminal-free.

#include <string>
#include <vector>

namespace cwts::console {

struct completion_context {
  std::vector<std::string> roles;   // "connector.binance", "kill", "oms", ...
  std::vector<std::string> symbols; // "USDCHF", ...
};

// The words that can replace the word being typed: `before_cursor` is the
// line up to the cursor; its last word (possibly empty) is the prefix.
// Sorted, each starting with the prefix.
std::vector<std::string> complete(const std::string& before_cursor, const completion_context& ctx);

// Roles and symbols from a /api/actors answer: every role, and the symbols
// named by the counters that carry one (each connector.<venue>'s book.synced.<SYM> and
// md.feed_age_ms.<SYM>, validator last_trade_age_ms.<SYM>). Empty lists when
// `json` is not such an answer.
completion_context completion_context_from_actors(const std::string& json);

} // namespace cwts::console
