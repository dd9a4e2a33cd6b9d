#include "actors/supervisor/lease_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/write_all.hpp"

namespace cwts {

namespace {

constexpr const char* header = "cwts-lease-epochs/2";
constexpr const char* header_v1 = "cwts-lease-epochs/1"; // no holders

std::string sys_error(const char* what, const std::string& path) {
  return std::string(what) + " '" + path + "': " + std::strerror(errno);
}

} // namespace

std::optional<lease_epochs> load_lease_epochs(const std::string& path, std::string& error) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return lease_epochs{};
  std::ifstream in(path);
  if (!in) {
    error = sys_error("cannot open", path);
    return std::nullopt;
  }
  std::string line;
  if (!std::getline(in, line) || (line != header && line != header_v1)) {
    error = "'" + path + "': not a lease epochs file (first line must be " + header + ")";
    return std::nullopt;
  }
  lease_epochs out;
  while (std::getline(in, line)) {
    if (line.empty())
      continue;
    auto eq = line.find('=');
    if (eq == 0 || eq == std::string::npos) {
      error = "'" + path + "': bad entry '" + line + "' (expected <role>=<epoch>)";
      return std::nullopt;
    }
    auto value = line.substr(eq + 1);
    std::string holder;
    if (auto sp = value.find(' '); sp != std::string::npos) {
      holder = value.substr(sp + 1);
      value.resize(sp);
      if (holder.empty() || holder.find(' ') != std::string::npos) {
        error = "'" + path + "': bad holder in '" + line + "' (expected <role>=<epoch> <node>)";
        return std::nullopt;
      }
    }
    int64_t epoch = 0;
    try {
      size_t used = 0;
      epoch = std::stoll(value, &used);
      if (used != value.size() || epoch < 0)
        throw std::invalid_argument("bad");
    } catch (const std::exception&) {
      error = "'" + path + "': bad epoch '" + value + "' for role " + line.substr(0, eq);
      return std::nullopt;
    }
    out[line.substr(0, eq)] = promised_lease{epoch, holder};
  }
  return out;
}

bool save_lease_epochs(const std::string& path, const lease_epochs& epochs, std::string& error) {
  std::ostringstream text;
  text << header << "\n";
  for (auto& [role, p] : epochs) {
    text << role << "=" << p.epoch;
    if (!p.holder.empty())
      text << " " << p.holder;
    text << "\n";
  }
  return replace_file_durably(path, text.str(), error);
}

} // namespace cwts
