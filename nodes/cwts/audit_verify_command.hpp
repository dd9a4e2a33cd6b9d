#pragma once
// `cwts audit-verify` (docs/kill-switch.md "Audit chain"): checks a node's
// kill audit log offline. Always: the hash chain. With --operators=FILE:
// every record's signature with the node's key from that file, and every
// stored kill/reset command and vote signature (audit_content.hpp). With
// --anchor=FILE (a peer's `<log>.anchor.<node>`, several comma-separated):
// the anchor's own signature, and that the log still holds the anchored
// record unchanged (truncation, rewriting). What was not checked is said.
// check_audit_chain is the one implementation of these checks: `cwts report
// controls` verifies the chain it reports from with it too.

#include <string>
#include <vector>

#include "actors/kill/audit_chain.hpp"
#include "actors/kill/audit_content.hpp"

namespace cwts {
class operator_registry;
}

namespace cwts::cli {

struct audit_verify_options {
  // One log, or its rotated files oldest first then the live one,
  // comma-separated: the chain is checked across them (docs/retention.md).
  std::string file;
  std::string operators; // operators INI; empty: signatures not checked
  std::string anchors;   // comma-separated anchor files; empty: none
};

// Prints the verdict; 0 intact, 4 altered, 2 usage or unreadable input.
int run_audit_verify(const audit_verify_options& opts);

struct audit_chain_check {
  int rc = 0;          // 0 intact; 2 input or config error (`error`); 4 the chain fails (`verdict`)
  std::string error;   // rc 2: why
  std::string node;    // the node that wrote the log (log_node)
  audit_verdict verdict;
  content_check_stats content;
  size_t anchors = 0;  // peer anchors checked
  std::vector<std::string> not_checked; // what was not checked, in words
};

// The node that wrote an audit file: `node=` of its first record that has
// one (a rotated file begins with `audit_rotated`, which names none).
std::string log_node(const std::string& file);

// The chain across `files` (oldest first, then the live one): with `ops`,
// every record's signature by the node's key (no key for the node: rc 2)
// and the stored command and vote signatures; each anchor file's signature
// (with `ops`) and that the chain still holds its record.
audit_chain_check check_audit_chain(const std::vector<std::string>& files,
                                    const operator_registry* ops,
                                    const std::vector<std::string>& anchor_files);

// A node's audit files oldest first: the archived ones of `live` in
// `archive_dir` (not pruned; "" none), the rotated ones still beside it
// (`<live>.<seq>`), then `live` (archive::live_audit_chain, as `cwts
// archive verify --audit-log` reads them). False and `error` when the
// archive cannot be opened.
bool node_audit_files(const std::string& live, const std::string& archive_dir,
                      std::vector<std::string>& files, std::string& error);

} // namespace cwts::cli
