#pragma once
// One entry of an archive's manifest (docs/retention.md "Manifest"). The
// manifest is a hash chain in the kill audit chain's format
// (actors/kill/audit_chain.hpp: seq, prev hash, hash, record, signature),
// so removing, editing or reordering an entry breaks the chain, and the
// node's key signs each entry where it has one. Records:
//
//   event=archived kind=<kind> file=<kind>/<name> sha256=<hex> size=<bytes>
//     source=<path> node=<id> offset=<bytes> period_from_ns=<ns>
//     period_to_ns=<ns> archived_ns=<ns> retain_until_ns=<ns>
//   event=pruned entry=<seq of the archived entry> file=... sha256=... size=...
//     retain_until_ns=<ns> pruned_ns=<ns>
//
// CAF-free.

#include <cstdint>
#include <optional>
#include <string>

#include "actors/kill/audit_chain.hpp"

namespace cwts::archive {

enum class file_kind : uint8_t { oms_journal, audit_chain, risk_decisions, report, log };

const char* to_string(file_kind k);
std::optional<file_kind> kind_from_string(const std::string& s);

inline constexpr int64_t ns_per_day = 86'400LL * 1'000'000'000LL;

struct entry {
  uint64_t seq = 0;
  bool pruned = false; // a tombstone (event=pruned), else event=archived
  file_kind kind = file_kind::log;
  std::string file; // relative to the archive folder: <kind>/<name>
  std::string sha256;
  uint64_t size = 0;
  std::string source; // archived: the path it was copied from
  std::string node;
  uint64_t offset = 0; // archived: where in the source the bytes began
  int64_t period_from_ns = 0;
  int64_t period_to_ns = 0;
  int64_t archived_ns = 0;
  int64_t retain_until_ns = 0;
  uint64_t entry_seq = 0; // pruned: the archived entry it deletes
  int64_t pruned_ns = 0;
};

audit_record to_record(const entry& e);
// nullopt and why when `record` is not a complete, well-formed entry.
std::optional<entry> parse_entry(uint64_t seq, const std::string& record, std::string& error);

// A relative path that stays inside the archive: <kind>/<name>, no "..",
// no leading '/', a known kind.
bool safe_archive_path(const std::string& file);

} // namespace cwts::archive
