#pragma once
// Append-only, hash-chained audit log of the kill coordinator (DESIGN.md
// "Audit"). One line per record:
//
//   <seq> TAB <prev hash> TAB <hash> TAB <record>
//
// hash = hex(SHA-256(prev hash + "\n" + seq + "\t" + record)); the first
// record's prev hash is 64 zeros. A record is canonical text: `key=value`
// pairs in a fixed order, values that need it quoted with \" \\ \n escapes.
// Editing any record, removing one or changing their order breaks the chain
// at that record, which verify_audit_file() names. CAF-free.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cwts {

// Builds one canonical record: `event=<name>` first, then fields in the
// order they are added.
class audit_record {
public:
  explicit audit_record(const std::string& event);
  audit_record& add(const std::string& key, const std::string& value);
  audit_record& add(const std::string& key, int64_t value);
  const std::string& text() const { return text_; }

private:
  std::string text_;
};

std::string sha256_hex(const std::string& data);

// The hash of a record at `seq` after `prev`.
std::string chain_hash(const std::string& prev, uint64_t seq, const std::string& record);

inline const std::string audit_genesis(64, '0');

class audit_log {
public:
  // Opens (creating) `path` and continues its chain after the last record.
  // nullopt and `error` when the file cannot be opened or its last line
  // cannot be read; a chain broken inside the file is still continued (the
  // verifier reports the break) and `broken` says where.
  static std::optional<audit_log> open(const std::string& path, std::string& error);

  audit_log(audit_log&& other) noexcept;
  audit_log& operator=(audit_log&& other) noexcept;
  audit_log(const audit_log&) = delete;
  audit_log& operator=(const audit_log&) = delete;
  ~audit_log();

  // Appends one record; with `sync` it is on disk when this returns.
  bool append(const audit_record& r, bool sync, std::string& error);

  uint64_t records() const { return next_seq_; }
  const std::string& head() const { return head_; }
  const std::string& path() const { return path_; }
  const std::string& broken() const { return broken_; }

private:
  audit_log() = default;
  int fd_ = -1;
  std::string path_;
  uint64_t next_seq_ = 0;
  std::string head_ = audit_genesis;
  std::string broken_;
};

struct audit_verdict {
  bool ok = false;
  uint64_t records = 0;     // lines read
  int64_t first_bad = -1;   // seq (0-based) of the first record that fails
  std::string problem;      // what is wrong there
  std::string head;         // hash of the last good record
};

// Checks every record of the text of an audit file.
audit_verdict verify_audit_text(const std::string& text);
// Reads `path` and checks it; a file that cannot be read is not ok.
audit_verdict verify_audit_file(const std::string& path);

} // namespace cwts
