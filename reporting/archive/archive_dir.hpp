#pragma once
// An archive folder (docs/retention.md): files copied in durably under
// <dir>/<kind>/<name>, and <dir>/MANIFEST, a hash chain of entries naming
// each file with its SHA-256, size, the period it covers, when it was
// archived and until when it is kept (archive_entry.hpp). Nothing is ever
// deleted from it but by prune(), which deletes only files whose retention
// has passed and writes a tombstone for each first. CAF-free.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/kill/audit_chain.hpp"
#include "reporting/archive/archive_entry.hpp"

namespace cwts::archive {

// The longest manifest line read (an entry is a few hundred bytes).
inline constexpr size_t manifest_max_line = 64 * 1024;

struct add_request {
  file_kind kind = file_kind::log;
  std::string source;    // the file it is listed under (the live file)
  std::string copy_from; // the bytes copied, when not `source` (a snapshot, a rotated file)
  uint64_t offset = 0;               // from here ...
  uint64_t length = UINT64_MAX;      // ... this many bytes (default: to its end)
  std::string name;                  // base name in the archive (default: the source's)
  std::string node;
  int64_t period_from_ns = 0;
  int64_t period_to_ns = 0; // the newest record it may hold: retention counts from here
  int64_t now_ns = 0;
  int64_t retention_days = 0; // > 0
};

struct verify_report {
  bool ok = false;
  uint64_t entries = 0;
  uint64_t files_checked = 0; // archived and present, hash and size matching
  uint64_t pruned = 0;        // archived then pruned (tombstone checked)
  uint64_t audit_chains = 0;  // audit-chain sources whose files chain across
  int64_t first_bad = -1;     // manifest seq of the first failing entry
  std::string problem;
  std::string head; // the manifest's last hash (an operator may record it elsewhere)
  std::vector<std::string> unlisted; // files in the folder no entry names
};

struct prune_report {
  bool ok = false;
  std::string error;
  std::vector<entry> deleted;
  uint64_t kept = 0; // archived entries still within retention
};

class archive_dir {
public:
  // Opens (creating) the folder and its manifest. With `signer` every entry
  // appended is signed by the node's key.
  static std::optional<archive_dir> open(const std::string& dir, std::string& error,
                                         std::shared_ptr<const ed25519_signer> signer = nullptr);

  // For reading only (verify, list): nothing is created, a broken manifest
  // is opened too (verify() says what is wrong with it); add() and prune()
  // still open the manifest for appending, under the folder's lock.
  static std::optional<archive_dir> open_read(const std::string& dir, std::string& error);

  // Copies the request's bytes in durably, then appends and syncs its entry.
  std::optional<entry> add(const add_request& r, std::string& error);
  // The same for a caller already holding archive_lock(dir(), exclusive):
  // a whole pass (run_cycle) under one lock, so two writers never
  // interleave and a pass is never seen half done.
  std::optional<entry> add_locked(const add_request& r, std::string& error);

  // Every entry in order, streamed; false and why at a line that breaks the
  // chain, does not parse (with its line number) or that `f` refuses (its
  // non-empty answer); `bad_seq` then names the entry. With `node_key` every
  // entry's signature is checked too.
  bool for_each(const std::function<std::string(const entry&)>& f, std::string& error,
                int64_t* bad_seq = nullptr, const std::vector<uint8_t>& node_key = {},
                std::string* head = nullptr, bool* any_signed = nullptr) const;

  // The chain intact, every archived file present with its hash and size
  // unless a valid tombstone pruned it, tombstones only after retain_until,
  // audit-chain files chaining across files; the first break with its reason.
  // A tombstone dated after a later entry's archived time, or after
  // `now_ns` (0: this host's clock), fails: a prune run with its clock set
  // forward is seen. Under a shared lock of the folder: a pass of the
  // node's archiving thread is never seen half done.
  verify_report verify(const std::vector<uint8_t>& node_key = {}, int64_t now_ns = 0) const;

  // Deletes the files whose retain_until has passed at `now_ns` and whose
  // period ended `retention_days` before it, each after its tombstone is
  // durable. Refuses a `now_ns` later than this host's clock (only an
  // earlier time may be asked for), an archive that does not verify, and an
  // archive whose entries are signed when this object has no signer: the
  // signatures are checked with the signer's public key, so an entry forged
  // into a re-chained manifest (retain_until, period) is refused, and the
  // tombstones are signed like the entries.
  prune_report prune(int64_t now_ns, int64_t retention_days);

  const std::string& dir() const { return dir_; }
  std::string manifest_path() const { return dir_ + "/MANIFEST"; }
  uint64_t entries() const { return manifest_ ? manifest_->records() : 0; }
  // The next entry's seq, the manifest read again if another process
  // appended (caller holds the exclusive lock); UINT64_MAX when it cannot
  // be read (nothing is then taken for a leftover).
  uint64_t records_locked();

private:
  // Under the folder's lock (another process may have appended): reopens
  // the manifest when its size is not the one this object last wrote.
  bool refresh(std::string& error);
  verify_report verify_locked(const std::vector<uint8_t>& node_key, int64_t now_ns) const;
  std::string dir_;
  std::shared_ptr<const ed25519_signer> signer_;
  std::optional<audit_log> manifest_;
  uint64_t manifest_size_ = 0;
};

// A flock on <dir>/LOCK for as long as it lives: exclusive for a writer of
// the manifest (the node's timer, `cwts archive` by hand), shared for a reader.
class archive_lock {
public:
  explicit archive_lock(const std::string& dir, bool shared = false);
  // Exclusive, waiting only while `stop` says false (polled every 50 ms):
  // a node stopping is never held up by someone's long verify.
  archive_lock(const std::string& dir, const std::function<bool()>& stop);
  ~archive_lock();
  archive_lock(const archive_lock&) = delete;
  archive_lock& operator=(const archive_lock&) = delete;
  bool held() const { return fd_ >= 0; }

private:
  int fd_ = -1;
};

// The last archived entry per source (the next segment starts at its end).
bool last_by_source(const archive_dir& a, std::map<std::string, entry>& out, std::string& error);

} // namespace cwts::archive
