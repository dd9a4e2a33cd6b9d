#include "reporting/archive/archive_sources.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace cwts::archive {

bool snapshot_sqlite(const std::string& db, const std::string& dest, std::string& error) {
  sqlite3* conn = nullptr;
  // Read-only: the OMS is the journal's only writer. VACUUM INTO reads in
  // one transaction, so the copy is one consistent state of the WAL database.
  int rc = sqlite3_open_v2(db.c_str(), &conn, SQLITE_OPEN_READONLY, nullptr);
  if (rc != SQLITE_OK) {
    error = "cannot open '" + db + "' read-only: " + (conn ? sqlite3_errmsg(conn) : "out of memory");
    sqlite3_close(conn);
    return false;
  }
  sqlite3_busy_timeout(conn, 5000);
  sqlite3_stmt* st = nullptr;
  rc = sqlite3_prepare_v2(conn, "VACUUM INTO ?1", -1, &st, nullptr);
  if (rc == SQLITE_OK) {
    sqlite3_bind_text(st, 1, dest.c_str(), -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
  }
  if (rc != SQLITE_DONE)
    error = "cannot snapshot '" + db + "': " + sqlite3_errmsg(conn);
  sqlite3_finalize(st);
  sqlite3_close(conn);
  if (rc != SQLITE_DONE) {
    ::unlink(dest.c_str());
    return false;
  }
  return true;
}

std::vector<std::string> rotated_audit_files(const std::string& live) {
  auto slash = live.rfind('/');
  auto dir = slash == std::string::npos ? std::string(".") : live.substr(0, slash);
  auto base = live.substr(slash == std::string::npos ? 0 : slash + 1) + ".";
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d)
    return out;
  struct stat lst {};
  bool have_live = ::stat(live.c_str(), &lst) == 0;
  while (auto* ent = ::readdir(d)) {
    std::string name = ent->d_name;
    if (name.size() != base.size() + 12 || name.compare(0, base.size(), base) != 0
        || name.find_first_not_of("0123456789", base.size()) != std::string::npos)
      continue;
    auto path = dir + "/" + name;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      continue;
    if (have_live && st.st_ino == lst.st_ino && st.st_dev == lst.st_dev)
      continue;
    out.push_back(path);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end()); // 12 digits: by first seq
  return out;
}

std::optional<uint64_t> complete_lines_end(const std::string& path, uint64_t from, uint64_t size,
                                           std::string& error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = "cannot open '" + path + "': " + std::strerror(errno);
    return std::nullopt;
  }
  char buf[64 * 1024];
  uint64_t end = size;
  std::optional<uint64_t> found = from;
  while (end > from) {
    auto start = end - std::min<uint64_t>(sizeof buf, end - from);
    auto n = ::pread(fd, buf, static_cast<size_t>(end - start), static_cast<off_t>(start));
    if (n < 0) {
      error = "cannot read '" + path + "': " + std::strerror(errno);
      found.reset();
      break;
    }
    auto* nl = static_cast<const char*>(::memrchr(buf, '\n', static_cast<size_t>(n)));
    if (nl) {
      found = start + static_cast<uint64_t>(nl - buf) + 1;
      break;
    }
    end = start;
  }
  ::close(fd);
  return found;
}

namespace {

void walk(const std::string& dir, int depth, size_t max, std::vector<std::string>& out) {
  DIR* d = ::opendir(dir.c_str());
  if (!d)
    return;
  while (auto* ent = ::readdir(d)) {
    std::string name = ent->d_name;
    if (name.empty() || name[0] == '.')
      continue;
    auto path = dir + "/" + name;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0)
      continue;
    if (S_ISDIR(st.st_mode) && depth > 0)
      walk(path, depth - 1, max, out);
    else if (S_ISREG(st.st_mode) && out.size() < max * 4)
      out.push_back(path);
  }
  ::closedir(d);
}

} // namespace

std::vector<std::string> report_files(const std::string& dir, size_t max) {
  std::vector<std::string> out;
  walk(dir, 1, max, out);
  std::sort(out.begin(), out.end());
  if (out.size() > max)
    out.resize(max);
  return out;
}

} // namespace cwts::archive
