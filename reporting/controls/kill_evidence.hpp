#pragma once
// Kills and resets of one day from a node's kill audit chain
// (actors/kill/audit_chain.hpp, records written by kill_coordinator_actor.cpp,
// kill_channels.cpp, kill_reset.cpp and audit_content.cpp). The chain is
// verified first (verify_audit_text, with the node key and the stored
// signatures when the caller gives them): a report is only drawn from a
// chain that verifies. CAF-free.

#include <cstdint>
#include <string>
#include <vector>

#include "actors/kill/audit_chain.hpp"
#include "reporting/controls/controls_report.hpp"

namespace cwts::report {

struct audit_evidence {
  bool verified = false;
  std::string verdict; // "verified: N records, M signed" or what failed
  std::vector<kill_row> kills;
  std::vector<reset_row> resets;
  std::vector<std::string> problems;
};

// Reads and verifies the audit log `text`, then gathers the kills accepted
// in [from, to) with their acks, channel results and escalations (whenever
// recorded), and the resets of [from, to) with their votes. When the chain
// does not verify nothing is gathered.
// The node that wrote an audit log: `node=` of its first record ("" none).
std::string audit_node(const std::string& text);

audit_evidence read_kill_audit(const std::string& text, int64_t from_ns, int64_t to_ns,
                               const audit_verify_options& verify);

} // namespace cwts::report
