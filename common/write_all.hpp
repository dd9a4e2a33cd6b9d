#pragma once
// Writes all of `data` to `fd`, retrying short writes and EINTR; false (errno
// set) on any other failure. For the files whose every byte must reach the
// kernel before an fsync: the halt state, the kill audit log.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

namespace cwts {

inline bool write_all(int fd, const std::string& data) {
  for (size_t done = 0; done < data.size();) {
    auto n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Replaces `path` with `text` so that a crash leaves the old file or the new
// one, never a mix, and the new one survives power loss once this returns
// true: written to `path`.tmp, fsynced, renamed over `path`, folder fsynced.
// The halt state and the lease store are written this way. False with
// `error` naming the step and the file.
inline bool replace_file_durably(const std::string& path, const std::string& text,
                                 std::string& error) {
  auto fail = [&](const char* what, const std::string& file) {
    error = std::string(what) + " '" + file + "': " + std::strerror(errno);
    return false;
  };
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return fail("cannot create", tmp);
  bool ok = write_all(fd, text) && ::fsync(fd) == 0;
  if (!ok)
    fail("cannot write", tmp);
  if (::close(fd) != 0 && ok)
    ok = fail("cannot close", tmp);
  if (ok && ::rename(tmp.c_str(), path.c_str()) != 0)
    ok = fail("cannot rename onto", path);
  if (!ok) {
    ::unlink(tmp.c_str());
    return false;
  }
  // The rename is durable only once the folder is synced.
  auto folder = std::filesystem::path(path).parent_path();
  int dir = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return true;
}

} // namespace cwts
