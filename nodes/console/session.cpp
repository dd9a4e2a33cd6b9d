#include "nodes/console/session.hpp"

#include <rapidjson/document.h>

#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "messages/time.hpp"
#include "nodes/console/load_view.hpp"
#include "nodes/console/signed_command.hpp"
#include "nodes/console/trace_view.hpp"

namespace cwts::console {

int exit_code_of(const admin_response& r) {
  if (!r.reached() || r.status >= 500)
    return exit_code::unreachable;
  if (r.ok())
    return exit_code::ok;
  if (r.status == 403 || r.status == 404 || r.status == 409)
    return exit_code::refused;
  return exit_code::usage;
}

namespace {

outcome failure(int code, std::string why) {
  outcome o;
  o.code = code;
  o.err = std::move(why) + "\n";
  return o;
}

// 3 when a kill that was applied did not complete or a channel failed.
int kill_code(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject())
    return exit_code::incomplete;
  bool ok = doc.HasMember("complete") && doc["complete"].IsBool() && doc["complete"].GetBool();
  if (doc.HasMember("channels") && doc["channels"].IsArray())
    for (auto& c : doc["channels"].GetArray())
      ok = ok && c.IsObject() && c.HasMember("ok") && c["ok"].IsBool() && c["ok"].GetBool();
  return ok ? exit_code::ok : exit_code::incomplete;
}

} // namespace

console_session::console_session(admin_address address, console_options options)
  : client_(std::move(address), options.timeout), options_(std::move(options)) {}

outcome console_session::run_line(const std::string& line) {
  std::string error;
  auto cmd = parse_command(line, error);
  if (!cmd)
    return failure(exit_code::usage, error);
  if (cmd->name.empty())
    return {};
  return execute(*cmd);
}

outcome console_session::execute(const parsed_command& cmd) {
  const auto& n = cmd.name;
  if (n == "help") {
    outcome o;
    o.out = help_text(cmd.args.empty() ? "" : cmd.args[0]);
    return o;
  }
  if (n == "quit") {
    outcome o;
    o.quit = true;
    return o;
  }
  if (n == "nodes")
    return get_view("/api/nodes", cmd);
  if (n == "actors")
    return get_view("/api/actors", cmd);
  if (n == "inspect")
    return get_view("/api/actors/" + cmd.args[0], cmd);
  if (n == "load")
    return load(cmd);
  if (n == "orders")
    return get_view("/api/orders", cmd);
  if (n == "positions")
    return get_view("/api/positions", cmd);
  if (n == "risk")
    return get_view("/api/risk", cmd);
  if (n == "status")
    return get_view("/api/kill", cmd);
  if (n == "book") {
    std::string query;
    if (cmd.args.size() > 1)
      query += "depth=" + cmd.args[1];
    if (auto v = cmd.options.find("venue"); v != cmd.options.end() && !v->second.empty())
      query += (query.empty() ? "" : "&") + std::string("venue=") + v->second;
    return get_view("/api/book/" + cmd.args[0] + (query.empty() ? "" : "?" + query), cmd);
  }
  if (n == "kill")
    return kill(cmd);
  if (n == "reset")
    return reset(cmd);
  if (n == "drill")
    return drill(cmd);
  if (n == "connect")
    return connect(cmd);
  if (n == "trace")
    return trace(cmd);
  return failure(exit_code::usage, "unknown command '" + n + "' (try: help)");
}

// The order's spans from this node and the admin ports named after it.
outcome console_session::trace(const parsed_command& cmd) {
  std::vector<admin_address> nodes{client_.address()};
  for (size_t i = 1; i < cmd.args.size(); ++i) {
    std::string error;
    auto a = parse_admin_address(cmd.args[i], error);
    if (!a)
      return failure(exit_code::usage, "trace: " + error);
    nodes.push_back(*a);
  }
  auto got = gather_trace(nodes, cmd.args[0], client_.timeout());
  if (got.reached == 0)
    return failure(exit_code::unreachable, "trace: no node answered: " + got.notes.front());
  outcome o;
  o.out = options_.json || cmd.json ? trace_json(cmd.args[0], got.spans)
                                    : render_trace(cmd.args[0], got.spans);
  for (auto& n : got.notes)
    o.out += "note: " + n + "\n";
  return o;
}

// Two /api/actors answers `seconds` apart: the interval is the measurement
// window of the rates, not a wait for something to happen.
outcome console_session::load(const parsed_command& cmd) {
  double seconds = 1.0;
  if (!cmd.args.empty()) {
    char* end = nullptr;
    seconds = std::strtod(cmd.args[0].c_str(), &end);
    if (*end != '\0' || !(seconds >= 0.1 && seconds <= 60))
      return failure(exit_code::usage, "load: seconds must be a number in [0.1, 60], not '"
                                         + cmd.args[0] + "'");
  }
  auto first = client_.get("/api/actors");
  if (!first.ok())
    return failure(exit_code_of(first), "load: " + first.error_text());
  auto t0 = wall_clock_now().ns;
  std::this_thread::sleep_for(std::chrono::nanoseconds(static_cast<int64_t>(seconds * 1e9)));
  auto second = client_.get("/api/actors");
  if (!second.ok())
    return failure(exit_code_of(second), "load: " + second.error_text());
  auto t1 = wall_clock_now().ns;
  auto text = render_load(first.body, second.body, t1 - t0);
  if (!text)
    return failure(exit_code::unreachable,
                   "load: the node answered something else than expected: " + second.body);
  outcome o;
  o.out = options_.json || cmd.json ? second.body + "\n" : *text;
  return o;
}

outcome console_session::get_view(const std::string& target, const parsed_command& cmd) {
  auto r = client_.get(target);
  if (!r.ok())
    return failure(exit_code_of(r), cmd.name + ": " + r.error_text());
  outcome o;
  if (options_.json || cmd.json) {
    o.out = r.body + "\n";
    return o;
  }
  auto now = wall_clock_now().ns;
  std::optional<std::string> text;
  const auto& n = cmd.name;
  if (n == "nodes")
    text = render_nodes(r.body);
  else if (n == "actors") {
    text = render_actors(r.body, rates_, now);
    completion_ = completion_context_from_actors(r.body);
    completion_known_ = true;
  } else if (n == "inspect")
    text = render_inspect(r.body, rates_, now);
  else if (n == "orders")
    text = render_orders(r.body);
  else if (n == "positions")
    text = render_positions(r.body);
  else if (n == "risk")
    text = render_risk(r.body);
  else if (n == "status")
    text = render_status(r.body);
  else if (n == "book")
    text = render_book(r.body);
  if (!text)
    return failure(exit_code::unreachable,
                   n + ": the node answered something else than expected: " + r.body);
  o.out = *text;
  return o;
}

// The node's answer to a command (kill, reset, drill): its JSON with --json,
// else `rendered`; the code from the HTTP status (and for a kill its
// completeness).
outcome console_session::command_answer(const admin_response& r, const parsed_command& cmd) {
  outcome o;
  o.code = exit_code_of(r);
  if (!r.reached() || r.status >= 500 || (r.status != 403 && r.status != 409 && !r.ok())) {
    // No report to show: no answer, or the node refused the request itself.
    return failure(o.code, cmd.name + ": " + r.error_text());
  }
  std::optional<std::string> text;
  if (cmd.name == "kill") {
    text = render_kill_report(r.body);
    if (r.ok())
      o.code = kill_code(r.body);
  } else if (cmd.name == "reset") {
    text = render_reset_report(r.body);
  }
  if (options_.json || cmd.json)
    o.out = r.body + "\n";
  else if (text)
    o.out = *text;
  else
    o.out = r.body + "\n";
  if (o.code != exit_code::ok)
    o.err = cmd.name + ": " + (r.ok() ? "incomplete (see the report)" : "refused: " + r.error_text())
            + "\n";
  return o;
}

outcome console_session::kill(const parsed_command& cmd) {
  if (!options_.key || options_.operator_name.empty())
    return failure(exit_code::usage,
                   "kill: signed with the operator key: start the console with --operator=NAME "
                   "--key-file=PEM");
  auto level = *parse_kill_level(cmd.args[0]); // checked by parse_command
  auto scope = *parse_kill_scope(cmd.args[1]);
  std::string why;
  auto target = fetch_target(client_, why);
  if (!target)
    return failure(exit_code::unreachable, "kill: " + why);
  std::string body;
  try {
    body = kill_body(options_.operator_name, *options_.key, level, scope,
                     cmd.args.size() > 2 ? cmd.args[2] : "", cmd.options.at("reason"), *target);
  } catch (const std::invalid_argument& e) { // a kill the nodes would refuse: never sent
    return failure(exit_code::usage, std::string("kill: ") + e.what());
  }
  return command_answer(client_.post("/api/kill", body), cmd);
}

outcome console_session::reset(const parsed_command& cmd) {
  if (!options_.key || options_.operator_name.empty())
    return failure(exit_code::usage,
                   "reset: signed with the operator key: start the console with --operator=NAME "
                   "--key-file=PEM");
  // Signed for the epoch and the halt the node reports now.
  std::string why;
  auto target = fetch_target(client_, why);
  if (!target)
    return failure(exit_code::unreachable, "reset: " + why);
  auto body = reset_body(options_.operator_name, *options_.key, cmd.options.at("reason"), *target);
  return command_answer(client_.post("/api/reset", body), cmd);
}

outcome console_session::drill(const parsed_command& cmd) {
  auto r = client_.post("/api/drill/crash/" + cmd.args[1], "{}");
  if (!r.ok())
    return failure(exit_code_of(r), "drill crash " + cmd.args[1] + ": " + r.error_text());
  outcome o;
  o.out = options_.json || cmd.json ? r.body + "\n"
                                    : "crashed " + cmd.args[1] + " (its supervisor restarts it)\n";
  return o;
}

outcome console_session::connect(const parsed_command& cmd) {
  std::string error;
  auto address = parse_admin_address(cmd.args[0], error);
  if (!address)
    return failure(exit_code::usage, "connect: " + error);
  admin_client next(*address, options_.timeout);
  auto r = next.get("/healthz");
  if (!r.ok())
    return failure(exit_code_of(r), "connect: " + r.error_text() + " (still on "
                                      + client_.address().str() + ")");
  client_ = std::move(next);
  rates_ = {};
  completion_known_ = false;
  outcome o;
  o.out = "connected to " + address->str() + ": " + r.body + "\n";
  return o;
}

const completion_context& console_session::completion() {
  if (!completion_known_) {
    auto r = client_.get("/api/actors");
    completion_ = r.ok() ? completion_context_from_actors(r.body) : completion_context{};
    completion_known_ = r.ok();
  }
  return completion_;
}

} // namespace cwts::console
