#pragma once
// Audit chain heads anchored at peers (docs/kill-switch.md "Audit chain"):
// a node sends its latest (seq, head, signature) to every peer; a peer that
// verifies it with the node's key keeps the latest one per node in a small
// file next to its own audit log, `<audit log>.anchor.<node>`. A log later
// found shorter than, or different at, an anchored seq was truncated or
// rewritten (`cwts audit-verify --anchor=`). CAF-free.

#include <optional>
#include <string>
#include <vector>

#include "actors/kill/audit_chain.hpp"
#include "messages/audit.hpp"

namespace cwts {

// The anchor for `log`'s last record; nullopt when empty or unsigned.
std::optional<audit_anchor> make_anchor(const node_id& self, const audit_log& log);

// True when `a.signature` is `node_key`'s signature of record a.seq, a.head.
bool verify_anchor(const audit_anchor& a, const std::vector<uint8_t>& node_key);

// How a verified anchor compares with the one kept for the same node.
enum class anchor_change {
  first,     // none kept yet
  advanced,  // a later seq: keep it
  same,      // the same record again
  regressed, // an earlier seq than kept: that node's log was cut or restarted empty
  forked,    // the same seq with another head: that node's log was rewritten
};
anchor_change compare_anchor(const std::optional<audit_anchor>& kept, const audit_anchor& got);
const char* to_string(anchor_change c);

// `<audit_path>.anchor.<node>`; node ids other than [A-Za-z0-9._-] are
// refused (empty), so a name can never leave the folder.
std::string anchor_file_path(const std::string& audit_path, const std::string& node);

// One line: node=<id> seq=<n> head=<hex> signature=<hex> received_ns=<ns>;
// written to a temporary file, synced and renamed over the old one.
bool save_anchor(const std::string& path, const audit_anchor& a, int64_t received_ns,
                 std::string& error);
std::optional<audit_anchor> load_anchor(const std::string& path, std::string& error);

} // namespace cwts
