#include "reporting/archive/archive_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "actors/kill/audit_chain_detail.hpp"
#include "reporting/archive/file_copy.hpp"

namespace cwts::archive {

namespace {

bool make_dir(const std::string& path, std::string& error) {
  if (::mkdir(path.c_str(), 0755) == 0 || errno == EEXIST)
    return true;
  error = "cannot create '" + path + "': " + std::strerror(errno);
  return false;
}

std::string utc_stamp(int64_t ns) {
  std::time_t t = static_cast<std::time_t>(ns / 1'000'000'000LL);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

} // namespace

std::optional<archive_dir> archive_dir::open(const std::string& dir, std::string& error,
                                             std::shared_ptr<const ed25519_signer> signer) {
  if (dir.empty()) {
    error = "no archive folder given";
    return std::nullopt;
  }
  if (!make_dir(dir, error))
    return std::nullopt;
  archive_dir a;
  a.dir_ = dir;
  a.signer_ = std::move(signer);
  a.manifest_size_ = UINT64_MAX;
  if (!a.refresh(error))
    return std::nullopt;
  return a;
}

std::optional<archive_dir> archive_dir::open_read(const std::string& dir, std::string& error) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    error = "'" + dir + "' is not an archive folder";
    return std::nullopt;
  }
  archive_dir a;
  a.dir_ = dir;
  a.manifest_size_ = UINT64_MAX;
  return a;
}

bool archive_dir::refresh(std::string& error) {
  auto size = regular_file_size(manifest_path()).value_or(0);
  if (manifest_ && size == manifest_size_)
    return true;
  manifest_.reset();
  const bool fresh = !regular_file_size(manifest_path());
  manifest_ = audit_log::open(manifest_path(), error, signer_);
  if (!manifest_)
    return false;
  if (fresh)
    audit_detail::sync_parent_dir(manifest_path()); // its name durable with its first entry
  if (!manifest_->broken().empty()) {
    error = "MANIFEST: " + manifest_->broken() + " (nothing is added to a broken manifest)";
    return false;
  }
  manifest_size_ = size;
  return true;
}

uint64_t archive_dir::records_locked() {
  std::string error;
  return refresh(error) ? manifest_->records() : UINT64_MAX;
}

archive_lock::archive_lock(const std::string& dir, bool shared) {
  // A reader creates nothing (the folder may be read-only to it).
  fd_ = shared ? ::open((dir + "/LOCK").c_str(), O_RDONLY | O_CLOEXEC)
               : ::open((dir + "/LOCK").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ >= 0 && ::flock(fd_, shared ? LOCK_SH : LOCK_EX) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

archive_lock::archive_lock(const std::string& dir, const std::function<bool()>& stop) {
  fd_ = ::open((dir + "/LOCK").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    return;
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK || stop()) {
      ::close(fd_);
      fd_ = -1;
      errno = EINTR; // the caller's message: interrupted, not refused
      return;
    }
    ::usleep(50'000);
  }
}

archive_lock::~archive_lock() {
  if (fd_ >= 0)
    ::close(fd_);
}

std::optional<entry> archive_dir::add(const add_request& r, std::string& error) {
  if (r.retention_days <= 0) {
    error = "retention days must be positive";
    return std::nullopt;
  }
  archive_lock lock(dir_);
  if (!lock.held()) {
    error = "cannot lock '" + dir_ + "/LOCK': " + std::strerror(errno);
    return std::nullopt;
  }
  return add_locked(r, error);
}

std::optional<entry> archive_dir::add_locked(const add_request& r, std::string& error) {
  if (r.retention_days <= 0) {
    error = "retention days must be positive";
    return std::nullopt;
  }
  if (!refresh(error))
    return std::nullopt;
  auto folder = dir_ + "/" + to_string(r.kind);
  struct stat st {};
  const bool fresh = ::lstat(folder.c_str(), &st) != 0;
  if (!make_dir(folder, error))
    return std::nullopt;
  if (fresh && !audit_detail::sync_parent_dir(folder)) { // the new folder itself durable
    error = "cannot sync '" + dir_ + "': " + std::strerror(errno);
    return std::nullopt;
  }
  const auto& from = r.copy_from.empty() ? r.source : r.copy_from;
  auto base = r.name;
  if (base.empty())
    base = from.substr(from.rfind('/') + 1);
  entry e;
  e.seq = manifest_->records();
  e.kind = r.kind;
  // The entry's seq makes the name unique; the stamp makes it readable.
  e.file = std::string(to_string(r.kind)) + "/" + utc_stamp(r.now_ns) + "-"
           + std::to_string(e.seq) + "-" + base;
  if (!safe_archive_path(e.file)) {
    error = "'" + base + "' cannot be an archive file name";
    return std::nullopt;
  }
  auto c = durable_copy(from, r.offset, r.length, dir_ + "/" + e.file, error);
  if (!c)
    return std::nullopt;
  e.sha256 = c->sha256;
  e.size = c->size;
  e.source = r.source;
  e.node = r.node;
  e.offset = r.offset;
  e.period_from_ns = r.period_from_ns;
  e.period_to_ns = r.period_to_ns;
  e.archived_ns = r.now_ns;
  e.retain_until_ns = r.period_to_ns + r.retention_days * ns_per_day;
  if (!manifest_->append(to_record(e), true, error)) {
    // Not listed, so not archived: the copy goes (nothing refers to it).
    ::unlink((dir_ + "/" + e.file).c_str());
    manifest_size_ = UINT64_MAX; // what reached the file is read again
    return std::nullopt;
  }
  manifest_size_ = regular_file_size(manifest_path()).value_or(UINT64_MAX);
  return e;
}

bool archive_dir::for_each(const std::function<std::string(const entry&)>& f, std::string& error,
                           int64_t* bad_seq, const std::vector<uint8_t>& node_key,
                           std::string* head, bool* any_signed) const {
  audit_verify_options opts;
  opts.node_key = node_key;
  audit_chain_checker chain(opts);
  auto failed = [&](uint64_t seq, std::string why) {
    if (bad_seq)
      *bad_seq = static_cast<int64_t>(seq);
    error = std::move(why);
    return false;
  };
  audit_line_reader in(manifest_path(), manifest_max_line);
  if (!in.is_open())
    return true; // no manifest yet: no entry
  std::string line;
  bool terminated = false;
  for (;;) {
    auto r = in.next(line, terminated);
    if (r == audit_line_reader::result::end)
      break;
    auto where = "MANIFEST line " + std::to_string(in.line_no()) + ": ";
    const auto seq = chain.next_seq();
    if (r != audit_line_reader::result::line)
      return failed(seq, where + (r == audit_line_reader::result::too_long
                                    ? "longer than " + std::to_string(manifest_max_line) + " bytes"
                                    : "cannot be read"));
    if (!chain.feed(line, terminated))
      return failed(seq, where + chain.verdict().problem);
    std::string why;
    auto parsed = audit_detail::parse_line(line);
    if (any_signed && !parsed.signature.empty() && parsed.signature != "-")
      *any_signed = true;
    auto e = parse_entry(seq, parsed.record, why);
    if (!e)
      return failed(seq, where + why);
    if (auto refused = f(*e); !refused.empty())
      return failed(seq, where + refused);
  }
  if (!chain.finish().ok)
    return failed(chain.next_seq(), "MANIFEST: " + chain.verdict().problem);
  if (head)
    *head = chain.verdict().head;
  return true;
}

bool last_by_source(const archive_dir& a, std::map<std::string, entry>& out, std::string& error) {
  return a.for_each(
    [&](const entry& e) {
      if (!e.pruned)
        out[e.source] = e;
      return std::string();
    },
    error);
}

} // namespace cwts::archive
