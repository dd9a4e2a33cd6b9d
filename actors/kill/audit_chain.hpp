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

class audit_log {
public:
  // Opens (creating) `path` and continues its chain after the last record.
  // nullopt and `error` when the file cannot be opened or its last line
  // cannot be read; a chain broken inside the file is still continued (the
  // verifier reports the break) and `broken` says where.
  // With `signer` every record appended is signed by it.
  static std::optional<audit_log> open(const std::string& path, std::string& error,
                                       std::shared_ptr<const ed25519_signer> signer = nullptr);

  audit_log(audit_log&& other) noexcept;
  audit_log& operator=(audit_log&& other) noexcept;
  audit_log(const audit_log&) = delete;
  audit_log& operator=(const audit_log&) = delete;
  ~audit_log();

  // Appends one record; with `sync` it is on disk when this returns.
  bool append(const audit_record& r, bool sync, std::string& error);

  uint64_t records() const { return next_seq_; }
  const std::string& head() const { return head_; }
  // The last record's signature (empty for none or unsigned): with
  // records() - 1 and head(), the anchor sent to peers.
  const std::vector<uint8_t>& head_signature() const { return head_signature_; }
  const std::string& path() const { return path_; }
  const std::string& broken() const { return broken_; }

private:
  audit_log() = default;
  int fd_ = -1;
  std::string path_;
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
  int64_t first_bad = -1;   // seq (0-based) of the first record that fails
  std::string problem;      // what is wrong there
  std::string head;         // hash of the last good record
  uint64_t signed_records = 0; // of the good ones, with a signature checked
  bool anchor_checked = false;
};

// Checks every record of the text of an audit file.
audit_verdict verify_audit_text(const std::string& text, const audit_verify_options& opts = {});
// Reads `path` and checks it; a file that cannot be read is not ok.
audit_verdict verify_audit_file(const std::string& path, const audit_verify_options& opts = {});

} // namespace cwts
