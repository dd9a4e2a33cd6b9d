#pragma once
// The operator commands of the admin port as JSON (docs/console.md): the
// bodies of POST /api/kill and POST /api/reset, and the coordinator's answers.
// Shared by the node (parse a body, render a report) and by clients (the
// console and `cwts drill` build bodies, read reports). CAF-free.
//
//   POST /api/kill   {"id":"k-…","operator":"alice","level":2,"scope":"cluster",
//                     "scope_value":"","reason":"drill","issued_at_ns":17…,
//                     "signature":"<128 hex digits>"}
//   POST /api/reset  {"id":"r-…","operator":"alice","reason":"all clear",
//                     "issued_at_ns":17…,"signature":"<128 hex digits>"}
//
// `id` is the command's nonce (the coordinator's replay guard keys by it);
// `signature` is the Ed25519 signature over messages/kill.hpp
// signing_payload(), exactly the bytes the CAF path signs. Parsing checks
// shape only (fields, types, level 1..4, scope name, hex): who may do what,
// the signature, the time window and replays are the coordinator's checks.

#include "common/hex.hpp"
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/kill.hpp"

namespace cwts::admin {

std::string to_json(const kill_command& cmd);
std::string to_json(const reset_command& cmd);

// nullopt with `error` (the first problem: not JSON, missing or unknown
// field, wrong type, level or scope out of range, signature not hex).
std::optional<kill_command> parse_kill_command(const std::string& body, std::string& error);
std::optional<reset_command> parse_reset_command(const std::string& body, std::string& error);

// The coordinator's answers, as `cwts kill` / `cwts reset` print them:
//   kill:  {"id","origin","complete","total_ns","error",
//           "acks":[{"node","applied","verify_ns","gate_close_ns","accepted_at_ns",
//                    "gate_closed_at_ns","channels_started","error"}],
//           "channels":[{"node","channel","ok","duration_ns","retries","orders_canceled",
//                        "open_orders_after","orders_sent","positions_open_after","error"}]}
//   reset: {"id","origin","nodes","quorum","resumed","epoch","error",
//           "votes":[{"node","yes","epoch","reason"}]}
std::string to_json(const kill_report& r);
std::string to_json(const reset_report& r);

// A kill the coordinator refused outright (no node applied it).
inline bool refused(const kill_report& r) { return r.acks.empty() && !r.error.empty(); }
// A reset the coordinator refused before any vote (bad signature, role, ...).
inline bool refused(const reset_report& r) { return r.votes.empty() && !r.error.empty(); }

// Hex as the bodies carry signatures (common/hex.hpp).
using cwts::from_hex;
using cwts::to_hex;

} // namespace cwts::admin
