// archive_dir::prune (archive_dir.hpp). Retention is the law here (MiFID II
// Art. 16(6) and RTS 6: records kept 5 to 7 years; SEC 17a-4): a file goes
// only when both its entry's retain_until and the configured period have
// passed, only from a manifest that verifies, and its tombstone is durable
// before the file is unlinked (a crash in between leaves a pruned file
// still present, which prune removes next time, never an unexplained gap).

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "common/operator_auth.hpp"
#include "messages/time.hpp"
#include "reporting/archive/archive_dir.hpp"
#include "reporting/archive/file_copy.hpp"

namespace cwts::archive {

prune_report archive_dir::prune(int64_t now_ns, int64_t retention_days) {
  prune_report p;
  if (retention_days <= 0) {
    p.error = "retention days must be positive";
    return p;
  }
  // Only an earlier time may be asked for: a later one would delete what
  // the law still keeps.
  if (const auto wall = wall_clock_now().ns; now_ns > wall) {
    p.error = "the time asked for is later than this host's clock (" + std::to_string(now_ns)
              + " > " + std::to_string(wall) + " ns): nothing is pruned in the future";
    return p;
  }
  archive_lock lock(dir_);
  if (!lock.held()) {
    p.error = "cannot lock '" + dir_ + "/LOCK': " + std::strerror(errno);
    return p;
  }
  if (!refresh(p.error))
    return p;
  // A kind folder replaced by a symlink would make the unlinks below
  // delete outside the archive.
  for (int k = 0; k < 5; ++k) {
    auto folder = dir_ + "/" + to_string(static_cast<file_kind>(k));
    struct stat st {};
    if (::lstat(folder.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) {
      p.error = "'" + folder + "' is not a folder (a symlink?): nothing pruned";
      return p;
    }
  }
  // The signatures are what makes a forged retain_until or period visible:
  // a signed archive is pruned only with its node's key.
  bool any_signed = false;
  std::string sig_error;
  for_each([](const entry&) { return std::string(); }, sig_error, nullptr, {}, nullptr,
           &any_signed);
  if (any_signed && !signer_) {
    p.error = "the archive's entries are signed by its node: prune needs the node's key "
              "(--node-key-file) to check them and sign the tombstones, nothing pruned";
    return p;
  }
  // Under the exclusive lock already held; tombstones checked against this
  // host's clock, not the (possibly earlier) time asked for.
  auto v = verify_locked(signer_ ? signer_->public_key() : std::vector<uint8_t>{}, 0);
  if (!v.ok) {
    p.error = "the archive does not verify, nothing pruned: " + v.problem;
    return p;
  }
  std::set<uint64_t> pruned;
  std::string error;
  for_each(
    [&](const entry& e) {
      if (e.pruned)
        pruned.insert(e.entry_seq);
      return std::string();
    },
    error);
  std::vector<entry> due;
  for_each(
    [&](const entry& e) {
      if (e.pruned)
        return std::string();
      if (pruned.count(e.seq)) {
        // Its tombstone is durable; a crash kept the file: finish the job.
        if (::unlink((dir_ + "/" + e.file).c_str()) == 0)
          sync_parent_dir(dir_ + "/" + e.file);
        return std::string();
      }
      const bool expired = e.retain_until_ns <= now_ns
                           && e.period_to_ns + retention_days * ns_per_day <= now_ns;
      if (expired)
        due.push_back(e);
      else
        ++p.kept;
      return std::string();
    },
    error);
  for (auto& e : due) {
    entry t;
    t.seq = manifest_->records();
    t.pruned = true;
    t.kind = e.kind;
    t.file = e.file;
    t.sha256 = e.sha256;
    t.size = e.size;
    t.retain_until_ns = e.retain_until_ns;
    t.entry_seq = e.seq;
    t.pruned_ns = now_ns;
    if (!manifest_->append(to_record(t), true, p.error)) {
      manifest_size_ = UINT64_MAX;
      return p;
    }
    if (::unlink((dir_ + "/" + e.file).c_str()) != 0 && errno != ENOENT) {
      p.error = "cannot delete '" + e.file + "': " + std::strerror(errno);
      return p;
    }
    if (!sync_parent_dir(dir_ + "/" + e.file)) {
      p.error = "cannot sync the folder of '" + e.file + "': " + std::strerror(errno);
      return p;
    }
    p.deleted.push_back(t);
  }
  manifest_size_ = regular_file_size(manifest_path()).value_or(UINT64_MAX);
  p.ok = true;
  return p;
}

} // namespace cwts::archive
