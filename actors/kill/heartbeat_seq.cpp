#include "actors/kill/heartbeat_seq.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "common/write_all.hpp"

namespace cwts {

namespace {

constexpr const char* magic = "cwts-heartbeat-seq/1";
// A mark this high cannot come from a clock in ns (year 2262 is 2^63):
// refused as malformed, so `mark + 1 + block` never wraps.
constexpr uint64_t max_mark = std::numeric_limits<uint64_t>::max() / 2;

} // namespace

heartbeat_seq_store::heartbeat_seq_store(std::string path, uint64_t block)
  : path_(std::move(path)), block_(std::max<uint64_t>(block, 1)) {
}

std::optional<uint64_t> heartbeat_seq_store::load(const std::string& path, std::string& error) {
  error.clear();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec)
    return std::nullopt; // never written: a first start
  std::ifstream in(path);
  if (ec || !in) {
    error = "cannot read '" + path + "': " + (ec ? ec.message() : std::strerror(errno));
    return std::nullopt;
  }
  std::string line;
  std::getline(in, line);
  std::istringstream fields(line);
  std::string head;
  std::string number;
  std::string rest;
  fields >> head >> number >> rest;
  if (head != magic || number.empty() || !rest.empty()
      || number.find_first_not_of("0123456789") != std::string::npos || number.size() > 19) {
    error = "malformed '" + path + "': expected '" + magic + " <seq>', got '" + line + "'";
    return std::nullopt;
  }
  auto mark = std::stoull(number);
  if (mark > max_mark) {
    error = "malformed '" + path + "': seq " + number + " is beyond any clock";
    return std::nullopt;
  }
  return mark;
}

bool heartbeat_seq_store::reserve(uint64_t from, std::string& error) {
  auto mark = std::min(from, max_mark) + block_;
  if (path_.empty()) {
    reserved_ = mark;
    return true;
  }
  if (!replace_file_durably(path_, std::string(magic) + " " + std::to_string(mark) + "\n", error))
    return false;
  reserved_ = mark;
  return true;
}

bool heartbeat_seq_store::start(uint64_t wall_ns, std::string& error) {
  error.clear();
  last_ = wall_ns;
  if (path_.empty())
    return reserve(last_, error);
  std::string why;
  auto mark = load(path_, why);
  if (mark)
    last_ = std::max(wall_ns, *mark + 1);
  // The reservation comes before any seq is sent: a crash right after
  // still leaves a mark above what was sent.
  std::string write_error;
  bool written = reserve(last_, write_error);
  if (!why.empty() || !written) {
    error = why;
    if (!written)
      error += (error.empty() ? "" : "; ") + write_error;
    return false;
  }
  return true;
}

bool heartbeat_seq_store::next(uint64_t& seq, std::string& error) {
  seq = ++last_;
  if (seq <= reserved_)
    return true;
  return reserve(seq, error);
}

} // namespace cwts
