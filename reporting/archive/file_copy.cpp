#include "reporting/archive/file_copy.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "common/hex.hpp"

namespace cwts::archive {

namespace {

constexpr size_t chunk = 1u << 20;

struct fd_closer {
  int fd = -1;
  ~fd_closer() {
    if (fd >= 0)
      ::close(fd);
  }
};

struct digest {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
  digest() { EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr); }
  void update(const char* p, size_t n) { EVP_DigestUpdate(ctx.get(), p, n); }
  std::string hex() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx.get(), out, &len);
    return to_hex(out, len);
  }
};

std::string why(const std::string& what, const std::string& path) {
  return what + " '" + path + "': " + std::strerror(errno);
}

// Reads up to `length` bytes from `fd` at `offset`, handing each chunk on.
template <class Sink>
bool stream(int fd, uint64_t offset, uint64_t length, uint64_t& done, Sink&& sink) {
  std::vector<char> buf(chunk);
  done = 0;
  while (done < length) {
    auto want = static_cast<size_t>(std::min<uint64_t>(chunk, length - done));
    auto n = ::pread(fd, buf.data(), want, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return false;
    if (n == 0)
      break;
    if (!sink(buf.data(), static_cast<size_t>(n)))
      return false;
    done += static_cast<uint64_t>(n);
  }
  return true;
}

} // namespace

std::optional<copied> hash_file(const std::string& path, std::string& error) {
  fd_closer in{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (in.fd < 0) {
    error = why("cannot open", path);
    return std::nullopt;
  }
  digest d;
  copied c;
  if (!stream(in.fd, 0, UINT64_MAX, c.size, [&](const char* p, size_t n) {
        d.update(p, n);
        return true;
      })) {
    error = why("cannot read", path);
    return std::nullopt;
  }
  c.sha256 = d.hex();
  return c;
}

std::optional<copied> durable_copy(const std::string& source, uint64_t offset, uint64_t length,
                                   const std::string& dest, std::string& error) {
  fd_closer in{::open(source.c_str(), O_RDONLY | O_CLOEXEC)};
  if (in.fd < 0) {
    error = why("cannot open", source);
    return std::nullopt;
  }
  auto slash = dest.rfind('/');
  auto tmp = dest.substr(0, slash + 1) + ".tmp-" + dest.substr(slash + 1);
  fd_closer out{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0444)};
  if (out.fd < 0) {
    error = why("cannot create", tmp);
    return std::nullopt;
  }
  digest d;
  copied c;
  bool wrote = true;
  bool read_ok = stream(in.fd, offset, length, c.size, [&](const char* p, size_t n) {
    d.update(p, n);
    for (size_t w = 0; w < n;) {
      auto k = ::write(out.fd, p + w, n - w);
      if (k < 0 && errno == EINTR)
        continue;
      if (k <= 0)
        return wrote = false;
      w += static_cast<size_t>(k);
    }
    return true;
  });
  if (!read_ok || !wrote || ::fsync(out.fd) != 0) {
    error = !read_ok && wrote ? why("cannot read", source) : why("cannot write", tmp);
    ::unlink(tmp.c_str());
    return std::nullopt;
  }
  if (length != UINT64_MAX && c.size != length) {
    error = "'" + source + "' ended after " + std::to_string(c.size) + " of "
            + std::to_string(length) + " bytes";
    ::unlink(tmp.c_str());
    return std::nullopt;
  }
  // link() instead of rename(): it refuses to replace a file already there.
  if (::link(tmp.c_str(), dest.c_str()) != 0) {
    error = why("cannot place", dest);
    ::unlink(tmp.c_str());
    return std::nullopt;
  }
  ::unlink(tmp.c_str());
  if (!sync_parent_dir(dest)) {
    error = why("cannot sync the folder of", dest);
    return std::nullopt;
  }
  c.sha256 = d.hex();
  return c;
}

std::optional<uint64_t> regular_file_size(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return std::nullopt;
  return static_cast<uint64_t>(st.st_size);
}

} // namespace cwts::archive
