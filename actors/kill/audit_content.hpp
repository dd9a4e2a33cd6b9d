#pragma once
// The signed content of kill commands, reset commands and reset votes as
// audit records, and their re-verification (issue 17 finding 5: a record
// must let an auditor check the operator's or the voting node's signature
// again, long after the fact).
//
// A record keeps readable fields (id, issuer, verdict, ...) for people and
// `content=<hex>`: the whole struct, signature included, in CAF's binary
// form through its `inspect` overload (messages/kill.hpp). So every field a
// signature covers is stored, including fields added later: nothing here
// lists them. Re-verification decodes `content` and checks the signature
// over signing_payload() of messages/kill.hpp, with the key the operators
// file lists for the issuer (a node's key for a vote). A log written by a
// build whose structs had other fields does not decode: the verifier says
// so rather than guessing.

#include <string>

#include "actors/kill/audit_chain.hpp"
#include "messages/kill.hpp"

namespace cwts {

class operator_registry;

std::string encode_content(const kill_command& x);
std::string encode_content(const reset_command& x);
std::string encode_content(const reset_vote& x);
bool decode_content(const std::string& hex, kill_command& x);
bool decode_content(const std::string& hex, reset_command& x);
bool decode_content(const std::string& hex, reset_vote& x);

// Records (event, node, ts_ns, verdict/reason, readable fields, content).
audit_record kill_command_record(const node_id& self, const kill_command& cmd, const char* via,
                                 const char* verdict, const std::string& reason);
audit_record reset_command_record(const node_id& self, const reset_command& cmd, const char* via,
                                  const char* verdict, const std::string& reason);
audit_record reset_vote_record(const node_id& self, const reset_vote& v, const char* verdict,
                               const std::string& reason);

// What re-verifying the stored signatures found.
struct content_check_stats {
  uint64_t commands_verified = 0; // kill and reset commands whose signature verified again
  uint64_t votes_verified = 0;
  uint64_t refused_skipped = 0;   // refused when received: their signature may well be bad
};

// For audit_verify_options::check_record: a kill_command, reset_command or
// reset_vote record that was acted on (verdict accepted, duplicate,
// counted) must carry `content` that decodes, matches its readable id and
// issuer, and whose signature verifies with the operators file's key.
// Other records pass. "" when fine, else why not.
std::string check_record_content(const std::string& record, const operator_registry& ops,
                                 content_check_stats& stats);

} // namespace cwts
