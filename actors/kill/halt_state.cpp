#include "actors/kill/halt_state.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cwts {

namespace {

constexpr const char* header = "cwts-halt-state/1";

bool parse_int(const std::string& text, int64_t& out) {
  if (text.empty())
    return false;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0')
    return false;
  out = v;
  return true;
}

bool write_all(int fd, const std::string& text) {
  for (size_t done = 0; done < text.size();) {
    auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

std::string sys_error(const std::string& what, const std::string& path) {
  return what + " '" + path + "': " + std::strerror(errno);
}

// Reasons are free text from an operator: one line in the file.
std::string one_line(std::string s) {
  for (auto& c : s)
    if (c == '\n' || c == '\r')
      c = ' ';
  return s;
}

} // namespace

std::optional<halt_state> load_halt_state(const std::string& path, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    if (!std::filesystem::exists(path))
      return halt_state{};
    error = "cannot open '" + path + "'";
    return std::nullopt;
  }
  std::string line;
  if (!std::getline(in, line) || line != header) {
    error = "'" + path + "' does not start with " + header;
    return std::nullopt;
  }
  halt_state s;
  bool has_level = false;
  bool has_epoch = false;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq == std::string::npos) {
      error = "'" + path + "': line without '=': " + line;
      return std::nullopt;
    }
    auto key = line.substr(0, eq);
    auto value = line.substr(eq + 1);
    int64_t v = 0;
    if (key == "level" && parse_int(value, v) && v >= 0 && v <= 4) {
      s.level = static_cast<kill_level>(v);
      has_level = true;
    } else if (key == "since_ns" && parse_int(value, v)) {
      s.since = timestamp_ns{v};
    } else if (key == "epoch" && parse_int(value, v) && v >= 0) {
      s.epoch = v;
      has_epoch = true;
    } else if (key == "cause") {
      s.cause = kill_id{value};
    } else if (key == "reason") {
      s.reason = value;
    } else {
      error = "'" + path + "': bad entry '" + line + "'";
      return std::nullopt;
    }
  }
  if (!has_level || !has_epoch) {
    error = "'" + path + "': level or epoch missing (truncated file)";
    return std::nullopt;
  }
  return s;
}

bool save_halt_state(const std::string& path, const halt_state& s, std::string& error) {
  std::ostringstream text;
  text << header << "\nlevel=" << static_cast<int>(s.level) << "\ncause=" << one_line(s.cause.value)
       << "\nsince_ns=" << s.since.ns << "\nepoch=" << s.epoch << "\nreason=" << one_line(s.reason)
       << "\n";
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = sys_error("cannot create", tmp);
    return false;
  }
  bool ok = write_all(fd, text.str()) && ::fsync(fd) == 0;
  if (!ok)
    error = sys_error("cannot write", tmp);
  if (::close(fd) != 0 && ok) {
    error = sys_error("cannot close", tmp);
    ok = false;
  }
  if (ok && ::rename(tmp.c_str(), path.c_str()) != 0) {
    error = sys_error("cannot rename onto", path);
    ok = false;
  }
  if (!ok) {
    ::unlink(tmp.c_str());
    return false;
  }
  // The rename itself is durable only once the folder is synced.
  auto folder = std::filesystem::path(path).parent_path();
  int dir = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return true;
}

} // namespace cwts
