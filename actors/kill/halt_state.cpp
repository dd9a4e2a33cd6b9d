#include "actors/kill/halt_state.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/hex.hpp"
#include "common/write_all.hpp"
#include "messages/kill.hpp"

namespace cwts {

std::string content_digest(const std::string& payload, const std::vector<uint8_t>& signature) {
  return sha256_hex(payload + std::string(signature.begin(), signature.end()));
}

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

// Reasons are free text from an operator: one line in the file.
std::string one_line(std::string s) {
  for (auto& c : s)
    if (c == '\n' || c == '\r')
      c = ' ';
  return s;
}

bool parse_scoped(const std::string& value, scoped_halt& out) {
  // <scope>:<level>:<cause>:<value>; the value is last, it may hold ':'.
  auto a = value.find(':');
  auto b = a == std::string::npos ? a : value.find(':', a + 1);
  auto c = b == std::string::npos ? b : value.find(':', b + 1);
  if (c == std::string::npos || c + 1 >= value.size())
    return false;
  auto scope = value.substr(0, a);
  bool known = false;
  for (auto s : {kill_scope::strategy, kill_scope::symbol, kill_scope::account})
    if (scope == to_string(s)) {
      out.scope = s;
      known = true;
    }
  int64_t level = 0;
  if (!known || !parse_int(value.substr(a + 1, b - a - 1), level) || level < 1 || level > 4)
    return false;
  out.level = static_cast<kill_level>(level);
  out.cause = kill_id{value.substr(b + 1, c - b - 1)};
  out.value = value.substr(c + 1);
  return true;
}

// <kind>:<issued_at_ns>:<digest>:<key>; the key is last, it may hold ':'.
bool parse_seen(const std::string& value, seen_command& out) {
  auto a = value.find(':');
  auto b = a == std::string::npos ? a : value.find(':', a + 1);
  auto c = b == std::string::npos ? b : value.find(':', b + 1);
  if (c == std::string::npos || c + 1 >= value.size())
    return false;
  out.kind = value.substr(0, a);
  int64_t at = 0;
  if ((out.kind != "kill" && out.kind != "reset") || !parse_int(value.substr(a + 1, b - a - 1), at))
    return false;
  out.issued_at = timestamp_ns{at};
  out.digest = value.substr(b + 1, c - b - 1);
  out.key = value.substr(c + 1);
  return out.digest.size() == 64;
}

// `none`, or <applied_wall_ns>:<kill id>; the id is last, it may hold ':'.
// Bounded like a kill id on the wire (kill_limits::max_name) and free of
// control characters (kill_switch::check_fields refuses them in ids).
bool parse_last_kill(const std::string& value, halt_state& s) {
  if (value == "none") {
    s.last_kill = kill_id{};
    s.last_kill_ns = 0;
    return true;
  }
  auto colon = value.find(':');
  int64_t at = 0;
  if (colon == std::string::npos || !parse_int(value.substr(0, colon), at) || at < 0)
    return false;
  auto id = value.substr(colon + 1);
  if (id.empty() || id.size() > kill_limits::max_name)
    return false;
  for (char ch : id) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f)
      return false;
  }
  s.last_kill = kill_id{id};
  s.last_kill_ns = at;
  return true;
}

std::atomic<uint64_t> load_errors{0};

std::optional<halt_state> read_halt_state(const std::string& path, std::string& error);

} // namespace

uint64_t halt_state_load_errors() {
  return load_errors.load();
}

std::optional<gate_scope> to_gate_scope(kill_scope s) {
  switch (s) {
    case kill_scope::strategy: return gate_scope::strategy;
    case kill_scope::symbol: return gate_scope::symbol;
    case kill_scope::account: return gate_scope::account;
    default: return std::nullopt;
  }
}

void apply_halt(const halt_state& s, kill_gate& gate) {
  if (s.halted())
    gate.close(static_cast<uint8_t>(s.level));
  for (auto& h : s.scoped) {
    auto g = to_gate_scope(h.scope);
    if (!g || !gate.close_scoped(*g, h.value, static_cast<uint8_t>(h.level)))
      gate.close(static_cast<uint8_t>(h.level));
  }
}

std::optional<halt_state> load_halt_state(const std::string& path, std::string& error) {
  auto s = read_halt_state(path, error);
  if (!s)
    ++load_errors;
  return s;
}

namespace {

std::optional<halt_state> read_halt_state(const std::string& path, std::string& error) {
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
  // A file from before the field: kill_switch::restore falls back on `seen`.
  s.last_kill_known = false;
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
    } else if (key == "last_kill") {
      if (s.last_kill_known) {
        error = "'" + path + "': more than one last_kill line";
        return std::nullopt;
      }
      if (!parse_last_kill(value, s)) {
        error = "'" + path + "': bad last_kill '" + value.substr(0, 300)
                + "' (expected none or <applied_wall_ns>:<kill id of 1.."
                + std::to_string(kill_limits::max_name) + " printable bytes>)";
        return std::nullopt;
      }
      s.last_kill_known = true;
    } else if (key == "seen") {
      seen_command c;
      if (!parse_seen(value, c)) {
        error = "'" + path + "': bad seen command '" + value
                + "' (expected <kill|reset>:<issued_at_ns>:<digest>:<key>)";
        return std::nullopt;
      }
      s.seen.push_back(std::move(c));
    } else if (key == "scoped") {
      scoped_halt h;
      if (!parse_scoped(value, h)) {
        error = "'" + path + "': bad scoped halt '" + value
                + "' (expected <strategy|symbol|account>:<level 1..4>:<cause>:<value>)";
        return std::nullopt;
      }
      s.scoped.push_back(std::move(h));
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

} // namespace

bool save_halt_state(const std::string& path, const halt_state& s, std::string& error) {
  std::ostringstream text;
  text << header << "\nlevel=" << static_cast<int>(s.level) << "\ncause=" << one_line(s.cause.value)
       << "\nsince_ns=" << s.since.ns << "\nepoch=" << s.epoch << "\nreason=" << one_line(s.reason)
       << "\n";
  if (s.last_kill.empty())
    text << "last_kill=none\n";
  else
    text << "last_kill=" << s.last_kill_ns << ':' << one_line(s.last_kill.value) << "\n";
  for (auto& h : s.scoped)
    text << "scoped=" << to_string(h.scope) << ':' << static_cast<int>(h.level) << ':'
         << one_line(h.cause.value) << ':' << one_line(h.value) << "\n";
  for (auto& c : s.seen)
    text << "seen=" << c.kind << ':' << c.issued_at.ns << ':' << c.digest << ':' << one_line(c.key)
         << "\n";
  return replace_file_durably(path, text.str(), error);
}

} // namespace cwts
