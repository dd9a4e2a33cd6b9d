// The writer of the kill audit chain (audit_chain.hpp): appends signed
// records and rotates the live file so the chain continues across files
// (docs/retention.md "Kill audit chain").

#include "actors/kill/audit_chain.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "actors/kill/audit_chain_detail.hpp"
#include "common/operator_auth.hpp"
#include "common/write_all.hpp"
#include "messages/time.hpp"

namespace cwts {

namespace audit_detail {

bool sync_parent_dir(const std::string& path) {
  auto slash = path.rfind('/');
  auto dir = slash == std::string::npos ? std::string(".") : path.substr(0, slash + 1);
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return false;
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

} // namespace audit_detail

using audit_detail::parse_line;

namespace {

int64_t utc_day(int64_t ns) { return ns / (86'400LL * 1'000'000'000LL); }

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa {}, sb {};
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev
         && sa.st_ino == sb.st_ino;
}

} // namespace

std::string rotated_audit_path(const std::string& live_path, uint64_t first_seq) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%012llu", static_cast<unsigned long long>(first_seq));
  return live_path + "." + digits;
}

std::optional<audit_log> audit_log::open(const std::string& path, std::string& error,
                                         std::shared_ptr<const ed25519_signer> signer,
                                         audit_rotation rotation) {
  audit_log log;
  log.path_ = path;
  log.signer_ = std::move(signer);
  log.rotation_ = rotation;
  log.file_day_ = utc_day(wall_clock_now().ns);
  // A rotation cut short by a crash: its new file never replaced `path`.
  ::unlink((path + ".next").c_str());
  // Streamed: the file is checked (a break is reported, the chain still
  // continued) and its first and last lines kept, never the whole file.
  audit_line_reader in(path, audit_max_line);
  if (in.is_open()) {
    audit_chain_checker check({});
    std::string line, first, last;
    bool terminated = true, last_terminated = true;
    for (;;) {
      auto r = in.next(line, terminated);
      if (r == audit_line_reader::result::end)
        break;
      if (r != audit_line_reader::result::line) {
        error = "'" + path + "': line " + std::to_string(in.line_no())
                + " cannot be read; not appending to a damaged log";
        return std::nullopt;
      }
      check.feed(line, terminated);
      log.bytes_ += line.size() + (terminated ? 1 : 0);
      if (in.line_no() == 1)
        first = line;
      last = std::move(line);
      last_terminated = terminated;
    }
    if (auto& v = check.finish(); !v.ok)
      log.broken_ = v.problem;
    if (in.line_no() > 0) {
      auto tail = parse_line(last);
      if (!tail.ok || !last_terminated) {
        error = "'" + path + "': the last record cannot be read; not appending to a damaged log";
        return std::nullopt;
      }
      log.next_seq_ = tail.seq + 1;
      log.head_ = tail.hash;
      if (auto sig = from_hex(tail.signature); sig && tail.signature != "-")
        log.head_signature_ = std::move(*sig);
      auto head = parse_line(first);
      log.first_seq_ = head.ok ? head.seq : 0;
      // ... or cut after linking the old file to its rotated name: that name
      // is still the live file, which goes on; it is not a rotated file.
      auto rotated = rotated_audit_path(path, log.first_seq_);
      if (same_file(rotated, path))
        ::unlink(rotated.c_str());
      // The file's day is its first record's (`ts_ns=`, which audit_rotated
      // and kill records carry), not its last write's: a file reopened the
      // day after it began still rotates at its first append.
      int64_t first_ns = 0;
      if (auto at = head.record.find("ts_ns="); head.ok && at != std::string::npos
                                                && (at == 0 || head.record[at - 1] == ' '))
        first_ns = std::strtoll(head.record.c_str() + at + 6, nullptr, 10);
      struct stat st {};
      if (first_ns > 0)
        log.file_day_ = utc_day(first_ns);
      else if (::stat(path.c_str(), &st) == 0)
        log.file_day_ = utc_day(static_cast<int64_t>(st.st_mtime) * 1'000'000'000LL);
    }
  }
  log.fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log.fd_ < 0) {
    error = "cannot open '" + path + "' for appending: " + std::strerror(errno);
    return std::nullopt;
  }
  return log;
}

audit_log::audit_log(audit_log&& other) noexcept { *this = std::move(other); }

audit_log& audit_log::operator=(audit_log&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
    path_ = std::move(other.path_);
    first_seq_ = other.first_seq_;
    bytes_ = other.bytes_;
    file_day_ = other.file_day_;
    rotation_ = other.rotation_;
    rotations_ = other.rotations_;
    rotation_failures_ = other.rotation_failures_;
    rotation_error_ = std::move(other.rotation_error_);
    next_seq_ = other.next_seq_;
    head_ = std::move(other.head_);
    head_signature_ = std::move(other.head_signature_);
    broken_ = std::move(other.broken_);
    signer_ = std::move(other.signer_);
  }
  return *this;
}

audit_log::~audit_log() {
  if (fd_ >= 0)
    ::close(fd_);
}

// The line that chains `r` after the head: its hash and (with a signer)
// signature, as append and the rotation's first record write it.
std::string audit_log::next_line(const audit_record& r, std::string& hash,
                                 std::vector<uint8_t>& sig) const {
  hash = chain_hash(head_, next_seq_, r.text());
  sig.clear();
  if (signer_)
    sig = signer_->sign(audit_signing_payload(next_seq_, hash));
  return std::to_string(next_seq_) + "\t" + head_ + "\t" + hash + "\t" + r.text() + "\t"
         + (sig.empty() ? std::string("-") : to_hex(sig)) + "\n";
}

bool audit_log::append(const audit_record& r, bool sync, std::string& error) {
  if (rotation_due(wall_clock_now().ns)) {
    std::string why;
    if (!rotate(why)) {
      ++rotation_failures_;
      rotation_error_ = why;
    }
  }
  std::string hash;
  std::vector<uint8_t> sig;
  std::string line = next_line(r, hash, sig);
  // O_APPEND: one write() of the whole line, so a record is never interleaved.
  // A failed write (a full disk) may leave part of the line: cut back to
  // the last whole record, so the log is never left damaged (reopened, a
  // partial last line makes it refused).
  auto cut_back = [this] {
    const int saved = errno;
    if (::ftruncate(fd_, static_cast<off_t>(bytes_)) == 0)
      ::fdatasync(fd_);
    errno = saved;
  };
  if (!write_all(fd_, line)) {
    error = "cannot append to '" + path_ + "': " + std::strerror(errno);
    cut_back();
    return false;
  }
  if (sync && ::fdatasync(fd_) != 0) {
    error = "cannot sync '" + path_ + "': " + std::strerror(errno);
    cut_back();
    return false;
  }
  bytes_ += line.size();
  head_ = std::move(hash);
  head_signature_ = std::move(sig);
  ++next_seq_;
  return true;
}

bool audit_log::rotation_due(int64_t now_ns) const {
  if (next_seq_ == first_seq_)
    return false; // the live file holds no record of its own
  return (rotation_.max_bytes > 0 && bytes_ >= rotation_.max_bytes)
         || (rotation_.daily && utc_day(now_ns) != file_day_);
}

bool audit_log::rotate(std::string& error) {
  if (next_seq_ == first_seq_)
    return true;
  auto rotated = rotated_audit_path(path_, first_seq_);
  auto r = audit_record("audit_rotated");
  r.add("ts_ns", wall_clock_now().ns)
    .add("previous_file", rotated.substr(rotated.rfind('/') + 1))
    .add("previous_first_seq", static_cast<int64_t>(first_seq_))
    .add("previous_records", static_cast<int64_t>(next_seq_ - first_seq_));
  std::string hash;
  std::vector<uint8_t> sig;
  std::string line = next_line(r, hash, sig);
  auto next = path_ + ".next";
  int fd = ::open(next.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = "cannot create '" + next + "': " + std::strerror(errno);
    return false;
  }
  bool ok = write_all(fd, line) && ::fdatasync(fd) == 0;
  ::close(fd);
  if (!ok) {
    error = "cannot write '" + next + "': " + std::strerror(errno);
    ::unlink(next.c_str());
    return false;
  }
  return finish_rotation(rotated, next, std::move(line), std::move(hash), std::move(sig), error);
}

bool audit_log::finish_rotation(const std::string& rotated, const std::string& next,
                                std::string line, std::string hash, std::vector<uint8_t> sig,
                                std::string& error) {
  if (::link(path_.c_str(), rotated.c_str()) != 0 && !(errno == EEXIST && same_file(rotated, path_))) {
    error = "cannot link '" + path_ + "' to '" + rotated + "': " + std::strerror(errno);
    ::unlink(next.c_str());
    return false;
  }
  // The rotated name durable before the live name moves on: a crash
  // never leaves the old records under no name.
  audit_detail::sync_parent_dir(path_);
  if (std::rename(next.c_str(), path_.c_str()) != 0) {
    error = "cannot rename '" + next + "' over '" + path_ + "': " + std::strerror(errno);
    ::unlink(rotated.c_str());
    ::unlink(next.c_str());
    return false;
  }
  const bool synced = audit_detail::sync_parent_dir(path_);
  // The old descriptor now writes to the rotated file: never again.
  ::close(fd_);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC, 0644);
  const bool reopened = fd_ >= 0;
  if (!reopened)
    error = "cannot reopen '" + path_ + "' (appends fail until the node reopens it): "
            + std::strerror(errno);
  else if (!synced)
    error = "rotated, but the folder of '" + path_ + "' could not be synced";
  first_seq_ = next_seq_;
  ++next_seq_;
  bytes_ = line.size();
  file_day_ = utc_day(wall_clock_now().ns);
  head_ = std::move(hash);
  head_signature_ = std::move(sig);
  ++rotations_;
  return reopened && synced;
}

} // namespace cwts
