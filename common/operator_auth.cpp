#include "common/operator_auth.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/ini_file.hpp"
#include "common/text.hpp"

namespace cwts {

const char* to_string(operator_role r) {
  switch (r) {
    case operator_role::risk_officer: return "risk-officer";
    case operator_role::operations: return "operations";
    case operator_role::kill: return "kill";
    case operator_role::kill_full: return "kill-full";
    case operator_role::reset: return "reset";
  }
  return "?";
}

std::optional<operator_role> parse_operator_role(std::string_view text) {
  for (auto r : {operator_role::risk_officer, operator_role::operations, operator_role::kill,
                 operator_role::kill_full, operator_role::reset})
    if (text == to_string(r))
      return r;
  return std::nullopt;
}

// SEC 15c3-5(c)(1): limits (and the throttles that enforce them) are changed
// by risk officers; accepting the venue's positions is an operations decision.
operator_role required_role(operator_action a) {
  switch (a) {
    case operator_action::change_limit: return operator_role::risk_officer;
    case operator_action::reenable_throttle: return operator_role::risk_officer;
    case operator_action::accept_positions: return operator_role::operations;
  }
  return operator_role::risk_officer;
}
// -- operator_registry --------------------------------------------------------

namespace {

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool valid_operator_name(const std::string& name) {
  if (name.empty() || name.size() > 32)
    return false;
  for (unsigned char c : name)
    if (!std::isalnum(c) && c != '-' && c != '_')
      return false;
  return true;
}

// The ini reader merges a section that appears twice; an operator listed twice
// is a mistake in a list of who may command the system, so it is refused.
std::string repeated_operator_section(const ini_file& ini) {
  std::set<std::string> seen;
  for (auto& h : ini.headers())
    if (h.name.rfind("operator.", 0) == 0 && !seen.insert(h.name).second)
      return h.name;
  return "";
}

struct operator_entry {
  std::string key_file;
  std::string roles;
  std::string node;
  bool has_key_file = false;
  bool has_roles = false;
  bool has_node = false;
};

// Splits "operator.<name>.<key>" entries by operator; anything else but
// [operators] window-seconds is an unknown key.
bool group_entries(const ini_file& ini, std::map<std::string, operator_entry>& out,
                   int64_t& window_s, std::string& error) {
  for (auto& [dotted, value] : ini.values()) {
    if (dotted == "operators.window-seconds") {
      char* end = nullptr;
      long long v = std::strtoll(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || v < 1 || v > 3600) {
        error = "[operators] window-seconds: '" + value + "' is not a whole number of seconds in 1..3600";
        return false;
      }
      window_s = v;
      continue;
    }
    auto last = dotted.rfind('.');
    if (dotted.rfind("operator.", 0) != 0 || last < 9) {
      error = "'" + dotted + "': unknown key (expected [operator.<name>] sections and "
              "[operators] window-seconds)";
      return false;
    }
    auto name = dotted.substr(9, last - 9);
    auto key = dotted.substr(last + 1);
    if (!valid_operator_name(name)) {
      error = "[operator." + name + "]: name must be 1..32 characters of [A-Za-z0-9_-]";
      return false;
    }
    auto& e = out[name];
    if (key == "public-key-file") {
      e.key_file = value;
      e.has_key_file = true;
    } else if (key == "roles") {
      e.roles = value;
      e.has_roles = true;
    } else if (key == "node") {
      e.node = value;
      e.has_node = true;
    } else {
      error = "[operator." + name + "] " + key
              + ": unknown key (known: public-key-file, roles, node)";
      return false;
    }
  }
  return true;
}

bool parse_roles(const std::string& section, const std::string& text,
                 std::set<operator_role>& out, std::string& error) {
  std::string_view rest = text;
  while (true) {
    auto comma = rest.find(',');
    auto item = trim(rest.substr(0, comma));
    auto role = parse_operator_role(item);
    if (!role) {
      error = section + " roles: unknown role '" + item
              + "' (known: risk-officer, operations, kill, kill-full, reset)";
      return false;
    }
    out.insert(*role);
    if (comma == std::string_view::npos)
      return true;
    rest = rest.substr(comma + 1);
  }
}

bool read_operator(const std::string& name, const operator_entry& e,
                   const std::filesystem::path& base, operator_key& out, std::string& error) {
  auto section = "[operator." + name + "]";
  if (!e.has_key_file || e.key_file.empty()) {
    error = section + " public-key-file: missing";
    return false;
  }
  if (!e.has_roles || trim(e.roles).empty()) {
    error = section
            + " roles: missing (at least one of risk-officer, operations, kill, kill-full, reset)";
    return false;
  }
  if (!parse_roles(section, e.roles, out.roles, error))
    return false;
  if (e.has_node) {
    if (!valid_operator_name(e.node)) {
      error = section + " node: '" + e.node + "' is not a node id (1..32 characters of [A-Za-z0-9_-])";
      return false;
    }
    // A node key may halt, never resume nor flatten: a compromised node
    // must not be able to move the market or reopen the cluster.
    for (auto r : out.roles)
      if (r != operator_role::kill) {
        error = section + " roles: a node key (node = \"" + e.node + "\") may hold only 'kill', not '"
                + to_string(r) + "'";
        return false;
      }
    out.node = e.node;
  }
  std::filesystem::path file(e.key_file);
  if (file.is_relative())
    file = base / file;
  std::string why;
  auto key = read_ed25519_public_pem(file.string(), why);
  if (!key) {
    error = section + " public-key-file: " + why;
    return false;
  }
  out.id = operator_id{name};
  out.public_key = std::move(*key);
  return true;
}

// Two names for one key would let one holder act under either name.
bool check_distinct(const std::vector<operator_key>& keys, std::string& error) {
  for (size_t i = 0; i < keys.size(); ++i)
    for (size_t j = 0; j < i; ++j) {
      if (lower(keys[i].id.value) == lower(keys[j].id.value)) {
        error = "[operator." + keys[i].id.value + "]: duplicate operator (also listed as '"
                + keys[j].id.value + "'; names are compared ignoring case)";
        return false;
      }
      if (!keys[i].node.empty() && keys[i].node == keys[j].node) {
        error = "[operator." + keys[i].id.value + "] node: node '" + keys[i].node
                + "' already has a key (operator '" + keys[j].id.value + "')";
        return false;
      }
      if (keys[i].public_key == keys[j].public_key) {
        error = "[operator." + keys[i].id.value + "] public-key-file: duplicate operator (the "
                "same key as operator '" + keys[j].id.value + "')";
        return false;
      }
    }
  return true;
}

} // namespace

std::optional<operator_registry> operator_registry::load(const std::string& path,
                                                         std::string& error) {
  std::ifstream f(path);
  if (!f) {
    error = "cannot open '" + path + "'";
    return std::nullopt;
  }
  std::stringstream buf;
  buf << f.rdbuf();
  auto fail = [&](const std::string& why) {
    error = path + ": " + why;
    return std::nullopt;
  };
  std::string why;
  auto ini = ini_file::parse(buf.str(), why);
  if (!ini)
    return fail(why);
  if (auto dup = repeated_operator_section(*ini); !dup.empty())
    return fail("[" + dup + "]: duplicate operator (the section appears twice)");
  std::map<std::string, operator_entry> entries;
  int64_t window_s = 30;
  if (!group_entries(*ini, entries, window_s, why))
    return fail(why);
  if (entries.empty())
    return fail("no [operator.<name>] section: nobody could command this node");
  auto base = std::filesystem::path(path).parent_path();
  std::vector<operator_key> keys;
  for (auto& [name, e] : entries) {
    operator_key k;
    if (!read_operator(name, e, base, k, why))
      return fail(why);
    keys.push_back(std::move(k));
  }
  if (!check_distinct(keys, why))
    return fail(why);
  return operator_registry{std::move(keys), std::chrono::seconds(window_s)};
}

operator_registry::operator_registry(std::vector<operator_key> keys, std::chrono::seconds window)
  : keys_(std::move(keys)), window_(window) {}

const operator_key* operator_registry::node_key(const std::string& node) const {
  for (auto& k : keys_)
    if (!k.node.empty() && k.node == node)
      return &k;
  return nullptr;
}

operator_registry::operator_registry(operator_registry&& other) noexcept
  : keys_(std::move(other.keys_)), window_(other.window_) {
  std::lock_guard<std::mutex> guard{other.mtx_};
  seen_ = std::move(other.seen_);
  seen_order_ = std::move(other.seen_order_);
}

namespace {

std::string seconds_text(int64_t ns) {
  std::ostringstream out;
  out.precision(3);
  out << std::fixed << static_cast<double>(ns) / 1e9 << " s";
  return out.str();
}

} // namespace

// Checks run cheapest-and-public first, the signature before anything that
// depends on signed fields (time, id), and the replay guard last so that only
// a command that passed every other check is remembered.
std::string operator_registry::verify(const operator_command& cmd, timestamp_ns now) const {
  const operator_key* key = nullptr;
  for (auto& k : keys_)
    if (k.id == cmd.issuer)
      key = &k;
  if (!key)
    return "unknown issuer '" + cmd.issuer.value + "' (not in the operator list)";
  auto role = required_role(cmd.action);
  if (!key->roles.count(role))
    return "operator '" + cmd.issuer.value + "' lacks role '" + to_string(role) + "' needed for "
           + to_string(cmd.action);
  if (cmd.signature.size() != 64)
    return "malformed signature: " + std::to_string(cmd.signature.size())
           + " bytes, Ed25519 needs 64";
  if (!ed25519_verify(key->public_key, signing_payload(cmd), cmd.signature))
    return "bad signature: does not verify with the key of operator '" + cmd.issuer.value + "'";
  if (cmd.id.empty())
    return "command id is empty";
  const int64_t window_ns = std::chrono::nanoseconds(window_).count();
  const int64_t age_ns = now.ns - cmd.issued_at.ns;
  if (age_ns > window_ns)
    return "issued_at is " + seconds_text(age_ns) + " old, outside the +/-"
           + std::to_string(window_.count()) + " s window";
  if (-age_ns > window_ns)
    return "issued_at is " + seconds_text(-age_ns) + " in the future, outside the +/-"
           + std::to_string(window_.count()) + " s window";
  std::lock_guard<std::mutex> guard{mtx_};
  // An id issued more than 2x window ago is refused by the window check
  // anyway; forgetting it keeps memory bounded. Ids are queued in acceptance
  // order, so one that is old but queued behind a newer one waits for it.
  while (!seen_order_.empty() && seen_order_.front().first < now.ns - 2 * window_ns) {
    seen_.erase(seen_order_.front().second);
    seen_order_.pop_front();
  }
  if (!seen_.insert(cmd.id.value).second)
    return "replayed command id '" + cmd.id.value + "' (already accepted)";
  seen_order_.emplace_back(cmd.issued_at.ns, cmd.id.value);
  return "";
}

} // namespace cwts
