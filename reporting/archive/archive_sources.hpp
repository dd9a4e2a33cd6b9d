#pragma once
// How each durable file a node writes is taken into the archive, fitted to
// how it is written (docs/retention.md "What is archived, and how"):
//   - the OMS journal (SQLite, WAL) is live state the OMS restores from, so
//     it is never cut: a consistent snapshot (VACUUM INTO on a read-only
//     connection) is archived each period it changed;
//   - the kill audit chain is rotated by its writer (audit_log::rotate);
//     the rotated files are moved in;
//   - the risk decision log and log files are append-only and replayed or
//     owned by others: the bytes appended since the last period, up to the
//     last complete line, are archived as one segment;
//   - reports are archived whole, again when one changes.
// CAF-free.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cwts::archive {

// A consistent snapshot of the SQLite database `db` written to `dest` (must
// not exist), read-only against the live database and its WAL.
bool snapshot_sqlite(const std::string& db, const std::string& dest, std::string& error);

// The rotated files of the live audit log `live` (`<live>.<12 digits>`), by
// first seq; a name still linked to the live file (a rotation cut short) is
// left out.
std::vector<std::string> rotated_audit_files(const std::string& live);

// The end of the last complete line of `path` within [from, size): from
// when there is none. Read backwards in bounded chunks.
std::optional<uint64_t> complete_lines_end(const std::string& path, uint64_t from, uint64_t size,
                                           std::string& error);

// Regular files under `dir` and its subfolders (two levels), sorted, at most
// `max` (the rest next period); names starting with '.' are left out.
std::vector<std::string> report_files(const std::string& dir, size_t max);

} // namespace cwts::archive
