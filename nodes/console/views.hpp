#pragma once
// The node's JSON answers (docs/monitoring.md "JSON API", docs/console.md)
// as the console's human-readable text. Each returns nullopt when the body
// is not the JSON it expects (the caller says so and shows the body).
// CAF-free, terminal-free.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace cwts::console {

// Messages handled per actor at the previous `actors` (or `inspect`) call,
// for the rate column: (handled, wall ns).
struct actor_rates {
  std::map<std::string, std::pair<int64_t, int64_t>> last;
};

std::optional<std::string> render_nodes(const std::string& json);
// Table: role, mailbox (now/max), rate (messages/s since the previous call
// in `rates`, "-" the first time), handled, restarts, handler p50/p99 (us).
std::optional<std::string> render_actors(const std::string& json, actor_rates& rates,
                                         int64_t now_ns);
// One actor: the fields above and every counter.
std::optional<std::string> render_inspect(const std::string& json, actor_rates& rates,
                                          int64_t now_ns);
std::optional<std::string> render_orders(const std::string& json);
std::optional<std::string> render_positions(const std::string& json);
std::optional<std::string> render_risk(const std::string& json);
std::optional<std::string> render_status(const std::string& json); // GET /api/kill
std::optional<std::string> render_book(const std::string& json);
// The coordinator's reports (POST /api/kill, /api/reset), as `cwts kill`
// and `cwts reset` print them.
std::optional<std::string> render_kill_report(const std::string& json);
std::optional<std::string> render_reset_report(const std::string& json);

} // namespace cwts::console
