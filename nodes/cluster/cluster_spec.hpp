#pragma once
// A cluster config (config/cluster-3.ini, config/cluster-4.ini): which nodes a
// local cluster has, with which node config, on which ports, against which
// venue, and whether the CAF links between nodes use TLS. `cwts cluster up`
// and `cwts drill` read it; docs/operations.md describes every key.
//
//   [cluster]  name, run-dir, nodes (comma list, start order),
//              ready-timeout-ms, stop-timeout-ms, node-args (for every node),
//              netns-subnet (`cwts cluster up --netns`: a.b.c.0/24, default
//              10.99.0.0/24)
//   [tls]      enabled, certs-dir (scripts/gen-certs <certs-dir> <node ids>)
//   [venue]    config, port (0: a free port), speed, credentials-file, args
//   [venue-2]..[venue-4]  optional: more cwts-venue processes (each its own
//              book) every node also trades, as the same section of the node
//              config: name (its venue name, required), protocol (binance,
//              fix, okx or kraken; default binance, fix when fix-port is
//              present),
//              config, port, fix-port (the venue's FIX acceptor on that
//              port, 0 a free one; protocol fix only), speed,
//              credentials-file, args, symbols (a CAF list; the venue is
//              priced from [venue]'s feed: market-data off)
//   [node.<id>] config, cluster-port, admin-port, address, roles, key-name,
//              key-file, standby-for, args
//
// Relative config and key paths are resolved against the cluster file's
// folder; run-dir and certs-dir against the working directory.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cwts::cluster {

struct venue_spec {
  std::string config;        // cwts-venue --config
  uint16_t port = 0;         // 0: a free port, read from its startup line
  double speed = 300;        // tape replay speed
  std::string credentials;   // the nodes' venue API keys file
  std::vector<std::string> args;
  // [venue-2]..[venue-4] only:
  std::string section;       // "venue-2": its process name and node config section
  std::string name;          // the venue's name at the nodes (--venue-2.name)
  std::string protocol = "binance"; // how the nodes trade it: binance, fix, okx, kraken
  bool fix = false;          // started with --fix-port, traded over FIX
  uint16_t fix_port = 0;     // 0: a free port, read from its startup line
  std::string symbols;       // CAF list given as --venue-2.symbols
};

struct node_spec {
  std::string id;
  std::string config;        // the node's CAF INI file
  uint16_t cluster_port = 0; // CAF middleman port
  uint16_t admin_port = 0;   // admin HTTP port
  // The IPv4 address the node binds (cluster, admin and kill fan-out ports)
  // and its peers dial; empty: 127.0.0.1, or with --netns one assigned from
  // the netns subnet (node_address).
  std::string address;
  std::string roles;         // empty: the node config's roles; else a CAF list
  std::string key_name;      // node key (operators file `node = <id>`)
  std::string key_file;
  std::string standby_for;   // failover: the node this one stands by for
  std::vector<std::string> args;
};

struct cluster_spec {
  std::string name;
  std::string file;          // the cluster config it came from (absolute)
  std::string config_dir;    // its folder
  std::string run_dir;       // logs, state, journals of this cluster
  bool tls = false;
  std::string certs_dir;
  venue_spec venue;
  std::vector<venue_spec> more_venues; // [venue-2]..[venue-4], in that order
  std::vector<node_spec> nodes; // in start order
  std::vector<std::string> node_args; // given to every node, before its own args
  std::chrono::milliseconds ready_timeout{60000};
  std::chrono::milliseconds stop_timeout{10000};
  // --netns: the /24 the namespaces' bridge uses, as "a.b.c." (.1 the root
  // namespace's port, .2.. the venues, .11.. the nodes in list order).
  std::string netns_subnet = "10.99.0.";

  const node_spec* node(const std::string& id) const;
  // The [venue-N] whose section is `section`; null when there is none.
  const venue_spec* more_venue(const std::string& section) const;
};

// Reads and checks a cluster config; nullopt with `error` (naming the key
// and the reason) when it is unusable.
std::optional<cluster_spec> load_cluster_spec(const std::string& path, std::string& error);

// The loopback address every process uses without its own address.
inline constexpr const char* loopback_address = "127.0.0.1";

// Where node `n` listens and is dialed: its `address`, else with `in_netns`
// the one assigned from the netns subnet, else 127.0.0.1.
std::string node_address(const cluster_spec& spec, const node_spec& n, bool in_netns);
// The address venue `index` (0: [venue], 1..3: [venue-2]..[venue-4]) listens
// on: with `in_netns` <subnet>.2+index, else 127.0.0.1.
std::string venue_address(const cluster_spec& spec, size_t index, bool in_netns);
// Every address node `n` may be dialed at (with and without --netns), for
// the certificate `cwts keys` makes it: its certificate must name each.
std::vector<std::string> node_addresses(const cluster_spec& spec, const node_spec& n);

// Whitespace-separated words of an `args` value.
std::vector<std::string> split_words(const std::string& text);

} // namespace cwts::cluster
