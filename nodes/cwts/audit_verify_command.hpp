#pragma once
// `cwts audit-verify` (docs/kill-switch.md "Audit chain"): checks a node's
// kill audit log offline. Always: the hash chain. With --operators=FILE:
// every record's signature with the node's key from that file, and every
// stored kill/reset command and vote signature (audit_content.hpp). With
// --anchor=FILE (a peer's `<log>.anchor.<node>`, several comma-separated):
// the anchor's own signature, and that the log still holds the anchored
// record unchanged (truncation, rewriting). What was not checked is said.

#include <string>

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

} // namespace cwts::cli
