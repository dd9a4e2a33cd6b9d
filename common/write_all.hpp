#pragma once
// Writes all of `data` to `fd`, retrying short writes and EINTR; false (errno
// set) on any other failure. For the files whose every byte must reach the
// kernel before an fsync: the halt state, the kill audit log.

#include <unistd.h>

#include <cerrno>
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

} // namespace cwts
