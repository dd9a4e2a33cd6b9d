// cluster_runtime's addresses and network namespaces (`cwts cluster up
// --netns`): one namespace per venue and node on one bridge, the root
// namespace on it too (cluster_runtime.hpp).

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <set>

#include "nodes/cluster/cluster_runtime.hpp"
#include "nodes/cluster/netns.hpp"

namespace cwts::cluster {

std::string cluster_runtime::address_of(const std::string& name) const {
  auto venues = venue_names();
  for (size_t i = 0; i < venues.size(); ++i)
    if (venues[i] == name)
      return venue_address(spec_, i, netns_);
  if (auto* n = spec_.node(name))
    return node_address(spec_, *n, netns_);
  return loopback_address;
}

std::string cluster_runtime::namespace_of(const std::string& name) const {
  return netns_ ? "cwts-" + spec_.name + "-" + name : std::string();
}

std::string cluster_runtime::hub_namespace() const {
  return "cwts-" + spec_.name + "-hub";
}

std::vector<std::string> cluster_runtime::namespaces() const {
  std::vector<std::string> out;
  for (auto& n : spec_.nodes)
    out.push_back("cwts-" + spec_.name + "-" + n.id);
  for (auto& v : venue_names())
    out.push_back("cwts-" + spec_.name + "-" + v);
  out.push_back(hub_namespace());
  return out;
}

std::string cluster_runtime::root_interface() const {
  // Interface names have at most 15 characters: "cwts" and a hash of the
  // cluster's name (FNV-1a), one per cluster.
  uint32_t h = 2166136261u;
  for (unsigned char c : spec_.name)
    h = (h ^ c) * 16777619u;
  char text[16];
  std::snprintf(text, sizeof text, "cwts%08x", h);
  return text;
}

namespace {

// Cluster names become namespace names: a-z, A-Z, 0-9, '-', '_'.
bool namespace_safe(const std::string& name) {
  if (name.empty() || name.size() > 32)
    return false;
  for (unsigned char c : name)
    if (!std::isalnum(c) && c != '-' && c != '_')
      return false;
  return true;
}

} // namespace

bool cluster_runtime::make_namespaces(std::string& error) {
  if (auto why = netns::missing_capability(); !why.empty()) {
    error = "--netns puts every process in its own network namespace: " + why;
    return false;
  }
  if (!namespace_safe(spec_.name)) {
    error = "--netns: [cluster] name '" + spec_.name
            + "' names the namespaces: 1..32 of a-z, A-Z, 0-9, '-' and '_'";
    return false;
  }
  // Every address inside the subnet, none twice, none of the reserved ones
  // (.1 the root namespace's port, .2-.5 the venues).
  std::set<std::string> used{spec_.netns_subnet + "1"};
  for (auto& v : venue_names())
    used.insert(address_of(v));
  for (auto& n : spec_.nodes) {
    if (n.id == "hub" || cluster_runtime::is_venue(n.id)) {
      error = "--netns: node id '" + n.id + "' would share a namespace name with the "
              + (n.id == "hub" ? "bridge's" : "venue's");
      return false;
    }
    auto a = address_of(n.id);
    auto last = a.rfind('.');
    auto host = a.substr(last + 1);
    if (a.substr(0, last + 1) != spec_.netns_subnet || host == "0" || host == "255") {
      error = "[node." + n.id + "] address: " + a + " is not a host of the netns subnet "
              + spec_.netns_subnet + "0/24 ([cluster] netns-subnet)";
      return false;
    }
    if (!used.insert(a).second) {
      error = "[node." + n.id + "] address: " + a + " is taken (.1 is the host's, .2-.5 the "
              "venues', each node needs its own)";
      return false;
    }
  }
  // Leftovers of a run that was not taken down (its processes are gone:
  // cluster up checked) would make `ip netns add` fail.
  if (auto why = remove_namespaces(); !why.empty()) {
    error = "--netns: cannot remove the namespaces of an earlier run: " + why;
    return false;
  }
  netns::bridge lan("cwts-" + spec_.name + "-");
  auto fail = [&](const std::string& why) {
    error = "--netns: " + why;
    remove_namespaces();
    return false;
  };
  if (auto why = lan.create(); !why.empty())
    return fail(why);
  if (auto why = lan.link_root(root_interface(), spec_.netns_subnet + "1"); !why.empty())
    return fail(why);
  int port = 0;
  for (auto& v : venue_names())
    if (auto why = lan.add_member(v, address_of(v), ++port); !why.empty())
      return fail(why);
  for (auto& n : spec_.nodes)
    if (auto why = lan.add_member(n.id, address_of(n.id), ++port); !why.empty())
      return fail(why);
  return true;
}

std::string cluster_runtime::remove_namespaces() const {
  // The host's end of the bridge first, by hand: a namespace is freed
  // asynchronously after `ip netns del`, and until then its veth peer (this
  // interface, with <subnet>.1) would still be here for the next `up`.
  std::string failures;
  std::error_code ec;
  if (std::filesystem::exists("/sys/class/net/" + root_interface(), ec))
    failures = netns::run_tool({"ip", "link", "del", root_interface()});
  auto rest = netns::bridge::remove(namespaces());
  return failures.empty() ? rest : rest.empty() ? failures : failures + "; " + rest;
}

} // namespace cwts::cluster
