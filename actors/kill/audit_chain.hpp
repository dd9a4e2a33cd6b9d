#pragma once
// Append-only, hash-chained, signed audit log of the kill coordinator
// (DESIGN.md "Audit", docs/kill-switch.md "Audit chain"). One line per record:
//
//   <seq> TAB <prev hash> TAB <hash> TAB <record> TAB <signature>
//
// hash = hex(SHA-256(prev hash + "\n" + seq + "\t" + record)); the first
// record's prev hash is 64 zeros. signature = hex Ed25519 signature by the
// node's own key of audit_signing_payload(seq, hash) ("-" when the log has no
// key: unit tests). A record is canonical text: `key=value` pairs in a fixed
// order, values that need it quoted with \" \\ \n \t escapes.
//
// What each layer proves (issue 17 finding 5): the hash chain alone only
// catches careless edits (anyone can re-chain); the per-record signature
// makes an edit, a deletion or a reordering that is re-chained detectable
// by whoever holds the node's public key, because only the node can sign
// the new hashes; a cut tail leaves valid signatures behind, so the latest
// (seq, head, signature) is anchored at the peers (audit_anchor.hpp) and a
// log that ends before, or differs at, a peer's anchor is caught.
// Every record is signed (not only chain heads), so no unsigned tail
// exists. CAF-free.

#include "common/hex.hpp" // to_hex, from_hex, sha256_hex
#include <cstdint>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cwts {

class ed25519_signer;

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

// The hash of a record at `seq` after `prev`.
std::string chain_hash(const std::string& prev, uint64_t seq, const std::string& record);

inline const std::string audit_genesis(64, '0');

// The bytes the node signs for record `seq` with chain hash `hash` (the hash
// covers the record, its seq and every record before it).
std::string audit_signing_payload(uint64_t seq, const std::string& hash);

// The fields of a canonical record (event first), unquoted; empty when the
// text is not canonical.
std::map<std::string, std::string> parse_audit_record(const std::string& record);

// When the live audit file is rotated (docs/retention.md): after it holds
// `max_bytes` (0: never by size), and with `daily` at the first append of a
// new UTC day.
struct audit_rotation {
  uint64_t max_bytes = 0;
  bool daily = false;
};

// `<live path>.<seq, 12 digits>`: the rotated file whose first record is `seq`.
std::string rotated_audit_path(const std::string& live_path, uint64_t first_seq);

class audit_log {
public:
  // Opens (creating) `path` and continues its chain after the last record.
  // nullopt and `error` when the file cannot be opened or its last line
  // cannot be read; a chain broken inside the file is still continued (the
  // verifier reports the break) and `broken` says where.
  // With `signer` every record appended is signed by it.
  // With `rotation` the file is rotated (rotate()) before the append that
  // finds it due.
  static std::optional<audit_log> open(const std::string& path, std::string& error,
                                       std::shared_ptr<const ed25519_signer> signer = nullptr,
                                       audit_rotation rotation = {});

  audit_log(audit_log&& other) noexcept;
  audit_log& operator=(audit_log&& other) noexcept;
  audit_log(const audit_log&) = delete;
  audit_log& operator=(const audit_log&) = delete;
  ~audit_log();

  // Appends one record; with `sync` it is on disk when this returns. A
  // rotation that is due runs first; if it fails the record still goes to
  // the current file (nothing is lost) and rotation_error() says why.
  bool append(const audit_record& r, bool sync, std::string& error);

  // Closes the live file as `<path>.<first seq, 12 digits>` and continues
  // the chain in a new live file whose first record, `event=audit_rotated`
  // (seq and prev hash continuing, signed), names the file before it. Crash
  // safe: the new file is written and synced under `<path>.next`, the old
  // one hard-linked to its rotated name, then the new one renamed over
  // `path` and the folder synced, so `path` always holds the chain's end.
  // Nothing to do for a file with no record of its own.
  bool rotate(std::string& error);
  // True when the policy asks for a rotation at wall-clock `now_ns`.
  bool rotation_due(int64_t now_ns) const;
  uint64_t rotations() const { return rotations_; }
  uint64_t rotation_failures() const { return rotation_failures_; }
  const std::string& rotation_error() const { return rotation_error_; }
  // The seq of the live file's first record (0 until the first rotation).
  uint64_t first_seq() const { return first_seq_; }

  uint64_t records() const { return next_seq_; }
  const std::string& head() const { return head_; }
  // The last record's signature (empty for none or unsigned): with
  // records() - 1 and head(), the anchor sent to peers.
  const std::vector<uint8_t>& head_signature() const { return head_signature_; }
  const std::string& path() const { return path_; }
  const std::string& broken() const { return broken_; }

private:
  audit_log() = default;
  std::string next_line(const audit_record& r, std::string& hash, std::vector<uint8_t>& sig) const;
  bool finish_rotation(const std::string& rotated, const std::string& next, std::string line,
                       std::string hash, std::vector<uint8_t> sig, std::string& error);
  int fd_ = -1;
  std::string path_;
  uint64_t first_seq_ = 0;
  uint64_t bytes_ = 0;     // size of the live file
  int64_t file_day_ = 0;   // UTC day (days since 1970) the live file began
  audit_rotation rotation_;
  uint64_t rotations_ = 0;
  uint64_t rotation_failures_ = 0;
  std::string rotation_error_;
  uint64_t next_seq_ = 0;
  std::string head_ = audit_genesis;
  std::vector<uint8_t> head_signature_;
  std::string broken_;
  std::shared_ptr<const ed25519_signer> signer_;
};

// What a verifier checks beyond the hash chain.
struct audit_verify_options {
  // The node's public key (32 raw bytes): every record must carry a valid
  // signature by it. Empty: signatures are not checked.
  std::vector<uint8_t> node_key;
  // Called for every record whose chain (and signature) is good: "" when its
  // content is fine, else why not (e.g. a stored command signature that does
  // not verify, audit_content.hpp).
  std::function<std::string(uint64_t seq, const std::string& record)> check_record;
  // A peer's anchor: record `anchor_seq` must exist and have hash `anchor_head`.
  std::optional<uint64_t> anchor_seq;
  std::string anchor_head;
};

struct audit_verdict {
  bool ok = false;
  uint64_t records = 0;     // lines read
  // The first record's seq: > 0 when the text continues a rotated chain
  // (it then starts with `event=audit_rotated`) and earlier files were not given.
  uint64_t first_seq = 0;
  int64_t first_bad = -1;   // seq (0-based) of the first record that fails
  std::string problem;      // what is wrong there
  std::string head;         // hash of the last good record
  uint64_t signed_records = 0; // of the good ones, with a signature checked
  bool anchor_checked = false;
};

// Checks records one line at a time, so a chain is verified across files
// (rotated ones, then the live one) without holding them all. The first
// line may continue a rotated chain (seq > 0) only with an `audit_rotated`
// record; every later file must begin with one that continues the chain.
class audit_chain_checker {
public:
  explicit audit_chain_checker(audit_verify_options opts);
  // Says where the record that belongs at `expected` went when line
  // `line` (1-based, in the current file) holds `got`; verify_audit_text
  // looks ahead in its text ("out of order"), the default cannot.
  std::function<std::string(uint64_t line, uint64_t expected, uint64_t got)> explain_seq;
  // The next lines come from `name` (named in problems); not the first file:
  // its first record must be the `audit_rotated` one continuing the chain.
  void begin_file(const std::string& name);
  // One line without its newline (`terminated`: it had one). False once a
  // record fails; verdict() says which and why.
  bool feed(const std::string& line, bool terminated);
  // After the last line: the anchor check. The final verdict.
  const audit_verdict& finish();
  const audit_verdict& verdict() const { return v_; }
  uint64_t next_seq() const { return next_; }

private:
  bool fail(uint64_t at, std::string problem);
  audit_verify_options opts_;
  audit_verdict v_;
  std::string file_;      // "" for a single text, else "<name>: "
  bool file_start_ = false; // the next line is the first of a later file
  bool cut_ = false;        // a line without newline was seen
  bool failed_ = false;
  uint64_t lines_in_file_ = 0;
  uint64_t next_ = 0;
  std::string prev_ = audit_genesis;
  std::optional<std::string> anchor_hash_;
};

// Reads a file line by line, never holding more than `max_line` bytes of
// one line: a longer line is an error, not an allocation (manifests and
// rotated audit files are read this way).
class audit_line_reader {
public:
  audit_line_reader(const std::string& path, size_t max_line);
  bool is_open() const { return in_.is_open(); }
  enum class result { line, end, too_long, io_error };
  // The next line without its newline; `terminated` false for a last line
  // without one.
  result next(std::string& line, bool& terminated);
  uint64_t line_no() const { return line_no_; }

private:
  bool fill(); // the next chunk into buf_; false at the end or on an error
  std::ifstream in_;
  size_t max_line_;
  uint64_t line_no_ = 0;
  std::vector<char> buf_;
  size_t pos_ = 0;
  size_t len_ = 0;
};

// The longest record line a verifier or the writer reads (a kill record
// holds its whole signed command: a few KB).
inline constexpr size_t audit_max_line = 1u << 20;

// Checks a chain across files given in order (rotated files, then the live
// one), streaming; problems name the file.
audit_verdict verify_audit_files(const std::vector<std::string>& paths,
                                 const audit_verify_options& opts = {});

// Checks every record of the text of an audit file.
audit_verdict verify_audit_text(const std::string& text, const audit_verify_options& opts = {});
// Reads `path` and checks it; a file that cannot be read is not ok.
audit_verdict verify_audit_file(const std::string& path, const audit_verify_options& opts = {});

} // namespace cwts
