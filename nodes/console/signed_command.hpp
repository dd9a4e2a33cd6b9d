#pragma once
// The signed bodies of POST /api/kill and POST /api/reset
// (nodes/admin/operator_api.hpp): a fresh id (the nonce), issued now, signed
// with the operator's Ed25519 key over the same signing_payload() the CAF
// path (`cwts kill`) signs. Used by `cwts console` and `cwts drill`.
//
//   std::string error;
//   auto key = cwts::ed25519_signer::from_pem_file("run/keys/operators/alice.pem", error);
//   auto body = cwts::console::kill_body("alice", *key, cwts::kill_level::cancel_all,
//                                        cwts::kill_scope::cluster, "", "drill");
//   admin_client{{"127.0.0.1", 47110}}.post("/api/kill", body);

#include <optional>
#include <string>

#include "common/operator_auth.hpp"
#include "messages/kill.hpp"
#include "nodes/console/admin_client.hpp"

namespace cwts::console {

// What a command is signed for, as the node reports it (GET /api/nodes):
// its cluster id; for a reset, its epoch (the reset resumes at epoch + 1)
// and the halt it ends. A command signed for one cluster, epoch or halt is
// refused by every other (docs/kill-switch.md).
struct command_target {
  std::string cluster = "cwts-local";
  int64_t epoch = 0;
  std::string halt_cause;
};

// Reads the target off `node`; nullopt with `error` when it cannot.
std::optional<command_target> fetch_target(const admin_client& node, std::string& error);

// "<prefix><16 hex digits>": 64 random bits, so a replay guard keyed by id
// never confuses two commands.
std::string new_command_id(const std::string& prefix);

kill_command signed_kill(const std::string& operator_name, const ed25519_signer& key,
                         kill_level level, kill_scope scope, const std::string& scope_value,
                         const std::string& reason, const command_target& target);
reset_command signed_reset(const std::string& operator_name, const ed25519_signer& key,
                           const std::string& reason, const command_target& target);

// The JSON bodies of the two above.
std::string kill_body(const std::string& operator_name, const ed25519_signer& key, kill_level level,
                      kill_scope scope, const std::string& scope_value, const std::string& reason,
                      const command_target& target);
std::string reset_body(const std::string& operator_name, const ed25519_signer& key,
                       const std::string& reason, const command_target& target);

// "1".."4" or halt, cancel-all, flatten, full-stop; nullopt otherwise.
std::optional<kill_level> parse_kill_level(const std::string& text);
// cluster, node, strategy, symbol, account; nullopt otherwise.
std::optional<kill_scope> parse_kill_scope(const std::string& text);

} // namespace cwts::console
