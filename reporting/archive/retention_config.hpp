#pragma once
// [retention] (docs/retention.md, docs/operations.md): where a node archives
// its durable files, how long they are kept, how often it archives, and
// when its kill audit log is rotated. A node without archive-dir archives
// nothing (its files still grow, as before).
//   archive-dir         the archive folder (<node-id> replaced; empty: off)
//   days                retention in days (default 2557, 7 years: MiFID II
//                       Art. 16(6) and RTS 6 ask 5, up to 7 on request)
//   rotate-interval-s   an archiving pass this often (default 3600)
//   journal-interval-s  a full OMS journal snapshot at most this often (default 86400)
//   audit-rotate-bytes  the kill audit log rotated past this size (0: not by size)
//   audit-rotate-daily  1: also at the first record of each UTC day (default 1)
//   reports-dir         where `cwts report` writes (empty: none)
//   logs                more append-only files to archive in segments

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/kill/audit_chain.hpp"

namespace cwts::archive {

inline constexpr int64_t default_retention_days = 2557;

struct retention_raw_options {
  std::string archive_dir;
  int64_t days = default_retention_days;
  int64_t rotate_interval_s = 3600;
  int64_t journal_interval_s = 86'400;
  int64_t audit_rotate_bytes = 64LL << 20;
  int64_t audit_rotate_daily = 1;
  std::string reports_dir;
  std::vector<std::string> logs;
};

struct retention_settings {
  std::string archive_dir;
  int64_t days = default_retention_days;
  std::chrono::seconds rotate_interval{3600};
  std::chrono::seconds journal_interval{86'400};
  audit_rotation audit;
  std::string reports_dir;
  std::vector<std::string> logs;
};

// `out` stays empty without an archive-dir. The paths are the caller's
// (<node-id> replaced). False with `error` naming the key otherwise.
bool parse_retention_config(const retention_raw_options& raw, const std::string& archive_dir,
                            const std::string& reports_dir, const std::vector<std::string>& logs,
                            std::optional<retention_settings>& out, std::string& error);

} // namespace cwts::archive
