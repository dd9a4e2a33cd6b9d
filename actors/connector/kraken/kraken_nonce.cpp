#include "actors/connector/kraken/kraken_nonce.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>

namespace cwts::connector::kraken {

namespace {

uint64_t system_us() {
  using namespace std::chrono;
  return static_cast<uint64_t>(
    duration_cast<microseconds>(system_clock::now().time_since_epoch()).count());
}

// Writes `text` to `path` through a temporary file renamed over it, synced
// first: a crash leaves the old reservation or the new one, never half.
std::string write_atomically(const std::string& path, const std::string& text) {
  auto tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return "open " + tmp + ": " + std::strerror(errno);
  auto n = ::write(fd, text.data(), text.size());
  bool ok = n == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!ok)
    return "write " + tmp + ": " + std::strerror(err);
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    return "rename " + tmp + ": " + std::strerror(errno);
  return {};
}

} // namespace

kraken_nonce::kraken_nonce(std::string path, uint64_t block, clock_fn clock_us)
  : path_(std::move(path)), block_(block == 0 ? 1 : block),
    clock_us_(clock_us ? std::move(clock_us) : clock_fn(system_us)) {}

std::string kraken_nonce::load() {
  if (path_.empty())
    return {};
  std::ifstream in(path_);
  if (!in)
    return {}; // first run: nothing reserved yet
  std::string text;
  in >> text;
  uint64_t v = 0;
  if (text.empty() || text.size() > 19)
    return "nonce file " + path_ + ": not a nonce: \"" + text + "\"";
  for (char c : text) {
    if (c < '0' || c > '9')
      return "nonce file " + path_ + ": not a nonce: \"" + text + "\"";
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  // Everything up to the reservation may have been sent by the last run.
  last_ = std::max(last_, v);
  reserved_ = std::max(reserved_, v);
  return {};
}

std::string kraken_nonce::reserve(uint64_t upto) {
  if (!path_.empty()) {
    if (auto why = write_atomically(path_, std::to_string(upto)); !why.empty())
      return why;
  }
  reserved_ = upto;
  ++writes_;
  return {};
}

outcome<uint64_t> kraken_nonce::next() {
  auto candidate = std::max(last_ + 1, clock_us_());
  if (candidate > reserved_) {
    if (auto why = reserve(candidate + block_); !why.empty())
      return codec_error{"nonce reservation failed: " + why};
  }
  last_ = candidate;
  return candidate;
}

void kraken_nonce::bump() {
  last_ = std::max(last_, clock_us_()) + 1'000'000;
}

} // namespace cwts::connector::kraken
