#pragma once
// Authorization of kill and reset commands (DESIGN.md §3 "Authorization"):
// the issuer is listed in the node's operators file, holds the role the
// command needs (`kill` for kills at levels 1-2, `kill-full` for levels 3-4,
// `reset` for resets), the Ed25519 signature
// verifies over signing_payload(), and issued_at is inside the registry's
// window. Replays inside the window are refused by kill id where the
// commands are kept (kill_switch, reset tally). CAF-free.

#include <string>

#include "common/operator_auth.hpp"
#include "messages/kill.hpp"

namespace cwts {

// Empty when authorized; otherwise the reason (unknown issuer, missing role,
// malformed or bad signature, outside the window). `registry` may be null:
// then nothing is authorized.
std::string authorize(const operator_registry* registry, const kill_command& cmd,
                      timestamp_ns now);
std::string authorize(const operator_registry* registry, const reset_command& cmd,
                      timestamp_ns now);

// Signs `cmd` in place with `key`.
void sign(kill_command& cmd, const ed25519_signer& key);
void sign(reset_command& cmd, const ed25519_signer& key);

} // namespace cwts
