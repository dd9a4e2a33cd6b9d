#pragma once
// One console session against one node's admin port (`connect` switches):
// runs parsed commands through admin_client and renders the answers.
// CAF-free and terminal-free: console_main.cpp adds line editing around it,
// the unit tests drive it directly.
//
// Exit codes, as `cwts` (nodes/cwts/main.cpp) uses them:
//   0 done, 2 usage (bad command, missing key), 3 kill incomplete or a
//   channel failed, 4 refused (bad signature, role, replay, no quorum, a drill
//   the node does not allow, nothing of that name), 5 node unreachable or no
//   answer.

#include <chrono>
#include <memory>
#include <string>

#include "common/operator_auth.hpp"
#include "nodes/console/admin_client.hpp"
#include "nodes/console/command_line.hpp"
#include "nodes/console/completion.hpp"
#include "nodes/console/views.hpp"

namespace cwts::console {

namespace exit_code {
inline constexpr int ok = 0;
inline constexpr int usage = 2;
inline constexpr int incomplete = 3;
inline constexpr int refused = 4;
inline constexpr int unreachable = 5;
} // namespace exit_code

struct console_options {
  bool json = false; // every command prints the node's raw JSON
  std::string operator_name;
  std::shared_ptr<const ed25519_signer> key; // null: kill and reset are refused (usage)
  std::chrono::milliseconds timeout{20'000};
};

struct outcome {
  int code = exit_code::ok;
  std::string out; // for stdout
  std::string err; // for stderr
  bool quit = false;
};

// The exit code an admin answer means (2xx 0, 400/405/413 usage, 403/404/409
// refused, 5xx or no answer unreachable).
int exit_code_of(const admin_response& r);

class console_session {
public:
  console_session(admin_address address, console_options options);

  // Parses and runs one line; an empty line does nothing.
  outcome run_line(const std::string& line);
  outcome execute(const parsed_command& cmd);

  const admin_address& address() const { return client_.address(); }
  // Roles and symbols of the node for tab completion, fetched once per node
  // (and again after `actors`); empty lists when the node does not answer.
  const completion_context& completion();

private:
  outcome get_view(const std::string& target, const parsed_command& cmd);
  outcome load(const parsed_command& cmd);
  outcome kill(const parsed_command& cmd);
  outcome reset(const parsed_command& cmd);
  outcome drill(const parsed_command& cmd);
  outcome connect(const parsed_command& cmd);
  outcome trace(const parsed_command& cmd);
  outcome command_answer(const admin_response& r, const parsed_command& cmd);

  admin_client client_;
  console_options options_;
  actor_rates rates_;
  completion_context completion_;
  bool completion_known_ = false;
};

} // namespace cwts::console
