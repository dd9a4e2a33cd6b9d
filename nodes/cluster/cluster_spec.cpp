#include "nodes/cluster/cluster_spec.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

#include "common/ini_file.hpp"
#include "nodes/cluster/netns.hpp"

namespace cwts::cluster {

namespace fs = std::filesystem;

namespace {

// Reads keys of one section, remembering every key it was asked for so that
// an unknown (misspelt) key is an error rather than silently ignored.
class section_reader {
public:
  section_reader(const ini_file& ini, std::string section, std::string& error)
    : ini_(ini), section_(std::move(section)), error_(error) {}

  std::string text(const std::string& key, const std::string& fallback = "") {
    known_.insert(section_ + "." + key);
    return ini_.get(section_ + "." + key).value_or(fallback);
  }

  int64_t number(const std::string& key, int64_t fallback, int64_t min, int64_t max) {
    auto raw = text(key);
    if (raw.empty())
      return fallback;
    try {
      size_t used = 0;
      auto v = std::stoll(raw, &used);
      if (used == raw.size() && v >= min && v <= max)
        return v;
    } catch (const std::exception&) {
    }
    fail(key, "'" + raw + "' is not a whole number in " + std::to_string(min) + ".."
                + std::to_string(max));
    return fallback;
  }

  bool has(const std::string& key) {
    known_.insert(section_ + "." + key);
    return ini_.get(section_ + "." + key).has_value();
  }

  bool flag(const std::string& key, bool fallback) {
    auto raw = text(key);
    if (raw.empty())
      return fallback;
    if (raw == "true")
      return true;
    if (raw == "false")
      return false;
    fail(key, "'" + raw + "' is neither true nor false");
    return fallback;
  }

  void fail(const std::string& key, const std::string& why) {
    if (error_.empty())
      error_ = "[" + section_ + "] " + key + ": " + why;
  }

  // Keys of this section that no one asked for.
  void check_unknown() {
    auto prefix = section_ + ".";
    for (auto& [key, value] : ini_.values())
      if (key.rfind(prefix, 0) == 0 && known_.count(key) == 0 && error_.empty())
        error_ = "[" + section_ + "] unknown key '" + key.substr(prefix.size()) + "'";
  }

private:
  const ini_file& ini_;
  std::string section_;
  std::string& error_;
  std::set<std::string> known_;
};

std::string resolve(const std::string& base, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute())
    return path;
  return (fs::path(base) / path).lexically_normal().string();
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    auto b = item.find_first_not_of(" \t");
    auto e = item.find_last_not_of(" \t");
    if (b != std::string::npos)
      out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 32)
    return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_')
      return false;
  return true;
}

// The keys [venue] and [venue-N] share.
void read_venue_common(section_reader& v, const std::string& config_dir, venue_spec& out) {
  out.config = resolve(config_dir, v.text("config", "venue.ini"));
  out.port = static_cast<uint16_t>(v.number("port", 0, 0, 65535));
  auto speed = v.text("speed", "300");
  try {
    out.speed = std::stod(speed);
  } catch (const std::exception&) {
    out.speed = 0;
  }
  if (!(out.speed > 0))
    v.fail("speed", "'" + speed + "' is not a positive number");
  out.args = split_words(v.text("args"));
  out.credentials = resolve(config_dir, v.text("credentials-file", "venue-demo-keys.ini"));
}

// A node's venue name (node_config: 1..15 of a-z, 0-9 and '-').
bool valid_venue_name(const std::string& name) {
  if (name.empty() || name.size() > 15)
    return false;
  for (char c : name)
    if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-')
      return false;
  return true;
}

const std::vector<std::string> more_venue_sections{"venue-2", "venue-3", "venue-4"};

bool is_more_venue_section(const std::string& section) {
  for (auto& s : more_venue_sections)
    if (s == section)
      return true;
  return false;
}

// [venue-N]: another cwts-venue the nodes trade as their [venue-N].
venue_spec read_more_venue(section_reader& v, const std::string& section,
                           const std::string& config_dir) {
  venue_spec out;
  out.section = section;
  read_venue_common(v, config_dir, out);
  out.name = v.text("name");
  if (!valid_venue_name(out.name))
    v.fail("name", out.name.empty() ? "missing (the venue's name at the nodes, e.g. \"fix\")"
                                    : "'" + out.name + "' is not 1..15 of a-z, 0-9 and '-'");
  out.protocol = v.text("protocol", v.has("fix-port") ? "fix" : "binance");
  if (out.protocol != "binance" && out.protocol != "fix" && out.protocol != "okx"
      && out.protocol != "kraken")
    v.fail("protocol", "'" + out.protocol + "' is not binance, fix, okx or kraken");
  out.fix = out.protocol == "fix";
  if (v.has("fix-port") && !out.fix)
    v.fail("fix-port", "only for protocol fix (this venue's protocol is " + out.protocol + ")");
  out.fix_port = static_cast<uint16_t>(v.number("fix-port", 0, 0, 65535));
  out.symbols = v.text("symbols");
  if (out.symbols.empty())
    v.fail("symbols", "missing (the symbols the nodes trade there, e.g. [\"USDCHF\"])");
  else if (out.symbols.front() != '[' || out.symbols.back() != ']' || out.symbols == "[]")
    v.fail("symbols", "'" + out.symbols + "' is not a list of symbols like [\"USDCHF\"]");
  return out;
}

} // namespace

const venue_spec* cluster_spec::more_venue(const std::string& section) const {
  for (auto& v : more_venues)
    if (v.section == section)
      return &v;
  return nullptr;
}

std::string node_address(const cluster_spec& spec, const node_spec& n, bool in_netns) {
  if (!n.address.empty())
    return n.address;
  if (!in_netns)
    return loopback_address;
  for (size_t i = 0; i < spec.nodes.size(); ++i)
    if (spec.nodes[i].id == n.id)
      return spec.netns_subnet + std::to_string(11 + i);
  return loopback_address;
}

std::string venue_address(const cluster_spec& spec, size_t index, bool in_netns) {
  return in_netns ? spec.netns_subnet + std::to_string(2 + index) : loopback_address;
}

std::vector<std::string> node_addresses(const cluster_spec& spec, const node_spec& n) {
  std::vector<std::string> out;
  for (auto in_netns : {false, true}) {
    auto a = node_address(spec, n, in_netns);
    if (a != loopback_address && std::find(out.begin(), out.end(), a) == out.end())
      out.push_back(a);
  }
  return out;
}

const node_spec* cluster_spec::node(const std::string& id) const {
  for (auto& n : nodes)
    if (n.id == id)
      return &n;
  return nullptr;
}

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string word;
  while (in >> word)
    out.push_back(word);
  return out;
}

std::optional<cluster_spec> load_cluster_spec(const std::string& path, std::string& error) {
  auto ini = ini_file::load(path, error);
  if (!ini)
    return std::nullopt;
  cluster_spec spec;
  spec.file = fs::absolute(path).lexically_normal().string();
  spec.config_dir = fs::path(spec.file).parent_path().string();
  error.clear();

  section_reader c(*ini, "cluster", error);
  spec.name = c.text("name", fs::path(path).stem().string());
  spec.run_dir = c.text("run-dir", "run/" + spec.name);
  auto ids = split_list(c.text("nodes"));
  spec.ready_timeout = std::chrono::milliseconds(c.number("ready-timeout-ms", 60000, 1000, 600000));
  spec.stop_timeout = std::chrono::milliseconds(c.number("stop-timeout-ms", 10000, 100, 120000));
  spec.node_args = split_words(c.text("node-args"));
  auto subnet = c.text("netns-subnet", "10.99.0.0/24");
  auto base = subnet.size() > 5 ? subnet.substr(0, subnet.size() - 4) : std::string();
  if (subnet.size() <= 5 || subnet.compare(subnet.size() - 5, 5, ".0/24") != 0
      || !netns::is_ipv4(base + "1"))
    c.fail("netns-subnet", "'" + subnet + "' is not an IPv4 /24 written a.b.c.0/24");
  else
    spec.netns_subnet = base;
  if (ids.empty())
    c.fail("nodes", "no nodes listed (nodes=gw1,tr1,...)");
  c.check_unknown();

  section_reader t(*ini, "tls", error);
  spec.tls = t.flag("enabled", false);
  spec.certs_dir = t.text("certs-dir", spec.run_dir + "/certs");
  t.check_unknown();

  section_reader v(*ini, "venue", error);
  read_venue_common(v, spec.config_dir, spec.venue);
  v.check_unknown();

  std::set<uint16_t> venue_ports{spec.venue.port};
  std::set<std::string> venue_names;
  for (auto& section : more_venue_sections) {
    bool present = false;
    for (auto& [key, value] : ini->values())
      present = present || key.rfind(section + ".", 0) == 0;
    if (!present)
      continue;
    section_reader vn(*ini, section, error);
    auto more = read_more_venue(vn, section, spec.config_dir);
    if (more.port != 0 && !venue_ports.insert(more.port).second)
      vn.fail("port", "port " + std::to_string(more.port) + " is another venue's too");
    if (!more.name.empty() && !venue_names.insert(more.name).second)
      vn.fail("name", "'" + more.name + "' names another venue too");
    vn.check_unknown();
    spec.more_venues.push_back(std::move(more));
  }

  std::set<std::string> seen;
  for (auto& id : ids)
    if (!seen.insert(id).second)
      c.fail("nodes", "'" + id + "' listed twice");
  std::set<uint16_t> ports;
  for (auto& id : ids) {
    if (!valid_id(id)) {
      c.fail("nodes", "'" + id + "' is not a node id (letters, digits, - and _)");
      break;
    }
    if (ini->values().count("node." + id + ".config") == 0) {
      c.fail("nodes", "no [node." + id + "] section with a config key");
      break;
    }
    section_reader n(*ini, "node." + id, error);
    node_spec ns;
    ns.id = id;
    ns.config = resolve(spec.config_dir, n.text("config"));
    ns.cluster_port = static_cast<uint16_t>(n.number("cluster-port", 0, 1, 65535));
    ns.admin_port = static_cast<uint16_t>(n.number("admin-port", 0, 1, 65535));
    ns.address = n.text("address");
    if (!ns.address.empty() && !netns::is_ipv4(ns.address))
      n.fail("address", "'" + ns.address + "' is not an IPv4 address");
    ns.roles = n.text("roles");
    ns.key_name = n.text("key-name");
    ns.key_file = resolve(spec.config_dir, n.text("key-file"));
    ns.standby_for = n.text("standby-for");
    ns.args = split_words(n.text("args"));
    if (ns.cluster_port == 0)
      n.fail("cluster-port", "missing (each node publishes on a fixed port its peers know)");
    if (ns.admin_port == 0)
      n.fail("admin-port", "missing");
    for (auto p : {ns.cluster_port, ns.admin_port})
      if (p != 0 && !ports.insert(p).second)
        n.fail("cluster-port", "port " + std::to_string(p) + " used twice in this cluster");
    if (ns.key_name.empty() != ns.key_file.empty())
      n.fail("key-name", "key-name and key-file go together");
    n.check_unknown();
    spec.nodes.push_back(std::move(ns));
  }
  for (auto& n : spec.nodes)
    if (!n.standby_for.empty() && (n.standby_for == n.id || !spec.node(n.standby_for)))
      error = error.empty() ? "[node." + n.id + "] standby-for: '" + n.standby_for
                                + "' is not another node of this cluster"
                            : error;
  // Sections that belong to no listed node are typos, not intent.
  for (auto& [key, value] : ini->values()) {
    auto dot = key.find('.');
    auto section = key.substr(0, dot);
    if (section == "node") {
      auto id = key.substr(dot + 1, key.find('.', dot + 1) - dot - 1);
      if (!seen.count(id) && error.empty())
        error = "[node." + id + "] is not listed in [cluster] nodes";
    } else if (section != "cluster" && section != "tls" && section != "venue"
               && !is_more_venue_section(section) && error.empty()) {
      error = "unknown section [" + section + "]";
    }
  }
  if (!error.empty()) {
    error = path + ": " + error;
    return std::nullopt;
  }
  return spec;
}

} // namespace cwts::cluster
