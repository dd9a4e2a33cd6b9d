#pragma once
// Shared by the kill benches (kill_propagation_bench, kill_cancel_confirm_bench):
// real cwts-node processes on loopback with their own operators file, a CAF
// client that reaches their kill coordinators, alice's signed commands, and
// percentiles. Paths come in at compile time (bench/CMakeLists.txt).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>

#include <cstdlib>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "caf/all.hpp"
#include "caf/io/all.hpp"

#include "actors/kill/kill_auth.hpp"
#include "common/operator_auth.hpp"
#include "messages/registry.hpp"
#include "tests/integration/support/cluster.hpp"

namespace cwts::bench {

inline double percentile(std::vector<double> v, double p) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

struct bench_client_config : caf::actor_system_config {
  bench_client_config() {
    register_message_types(*this);
    load<caf::io::middleman>();
  }
};

// A fresh random id: a replay guard keyed by id never confuses two commands.
inline std::string new_id(const char* prefix) {
  static std::mt19937_64 gen{std::random_device{}() ^ static_cast<uint64_t>(monotonic_ns())};
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%s%016llx", prefix, static_cast<unsigned long long>(gen()));
  return buf;
}

// Node keys made for this run (node-<id>.pem in `dir`/keys) and an
// operators file listing them (role kill, node = <id>) beside alice from this
// process's `cwts keys` (itest::cluster_paths::keys_dir). Empty on success,
// else what failed.
inline std::string write_operators(const std::string& /*config_dir*/, const std::string& dir,
                                   const std::vector<std::string>& node_ids) {
  std::filesystem::create_directories(dir + "/keys");
  std::string text = "[operators]\nwindow-seconds = 30\n\n[operator.alice]\npublic-key-file = \""
                     + itest::cluster_paths::from_env().operator_public_key("alice") + "\"\n"
                     + "roles = \"risk-officer,operations,kill,kill-full,reset\"\n";
  for (auto& id : node_ids) {
    auto key = ed25519_signer::generate();
    auto base = dir + "/keys/node-" + id;
    std::ofstream(base + ".pem") << key.private_pem();
    std::filesystem::permissions(base + ".pem", std::filesystem::perms::owner_read
                                                  | std::filesystem::perms::owner_write);
    std::ofstream(base + ".pub.pem") << key.public_pem();
    text += "\n[operator.node-" + id + "]\npublic-key-file = \"" + base + ".pub.pem\"\nroles = \"kill\"\nnode = \""
            + id + "\"\n";
  }
  std::ofstream(dir + "/operators.ini") << text;
  return itest::read_file(dir + "/operators.ini") == text ? "" : "cannot write " + dir + "/operators.ini";
}

// The overrides that make a node of this run: its id, roles, peers, the
// run's operators file and its node key.
inline std::vector<std::string> node_overrides(const std::string& dir, const std::string& id,
                                               const std::string& roles,
                                               const std::vector<uint16_t>& peer_ports,
                                               const std::vector<std::string>& members = {}) {
  std::string peers;
  for (auto p : peer_ports)
    peers += std::string(peers.empty() ? "" : ",") + "\"127.0.0.1:" + std::to_string(p) + "\"";
  std::vector<std::string> out{"--cwts.node-id=" + id,
                               "--cwts.roles=[\"" + roles + "\"]",
                               "--cluster.peers=[" + peers + "]",
                               "--cluster.plain-tcp", // the benchmark's own loopback run
                               "--operators.file=" + dir + "/operators.ini",
                               "--kill.node-key-name=node-" + id,
                               "--kill.node-key-file=" + dir + "/keys/node-" + id + ".pem"};
  // The configured members (issue 17): every node of the run.
  if (!members.empty()) {
    std::string list;
    for (auto& m : members)
      list += std::string(list.empty() ? "" : ",") + "\"" + m + "\"";
    out.push_back("--cluster.members=[" + list + "]");
  }
  // Extra node options for an experiment (e.g. scheduler settings), space-separated.
  if (const char* extra = std::getenv("CWTS_BENCH_NODE_ARGS")) {
    std::string rest = extra;
    for (size_t at = 0; at < rest.size();) {
      auto end = rest.find(' ', at);
      if (end == std::string::npos)
        end = rest.size();
      if (end > at)
        out.push_back(rest.substr(at, end - at));
      at = end + 1;
    }
  }
  return out;
}

// The kill coordinator of the node published at `port` (retrying until
// `timeout`), or nullopt.
inline std::optional<caf::actor> kill_coordinator(caf::actor_system& sys, uint16_t port,
                                                  std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto remote = sys.middleman().remote_actor("127.0.0.1", port);
    if (remote) {
      caf::scoped_actor self{sys};
      std::optional<caf::actor> out;
      self->request(*remote, std::chrono::seconds(5), directory_atom::value)
        .receive(
          [&](const std::string&, const role_directory& dir) {
            if (auto k = find_role(dir, "kill"))
              out = k;
          },
          [](caf::error&) {});
      if (out)
        return out;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return std::nullopt;
}

// A counter of the kill coordinator's stats, or -1 without an answer.
inline int64_t kill_counter(caf::actor_system& sys, const caf::actor& kill, const std::string& key) {
  caf::scoped_actor self{sys};
  int64_t out = -1;
  self->request(kill, std::chrono::seconds(2), stats_atom::value)
    .receive(
      [&](const actor_stats& s) {
        auto i = s.counters.find(key);
        out = i == s.counters.end() ? -1 : i->second;
      },
      [](caf::error&) {});
  return out;
}

// Every counter of the kill coordinator's stats (empty without an answer).
inline std::map<std::string, int64_t> kill_stats(caf::actor_system& sys, const caf::actor& kill) {
  caf::scoped_actor self{sys};
  std::map<std::string, int64_t> out;
  self->request(kill, std::chrono::seconds(2), stats_atom::value)
    .receive([&](const actor_stats& s) { out = s.counters; }, [](caf::error&) {});
  return out;
}

// True when nothing listens on 127.0.0.1:`port` and it can be bound now.
inline bool port_free(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  ::close(fd);
  return ok;
}

// The paths of this run with this process's own `cwts keys` (alice's key,
// the node keys the tests use): the binaries come in at compile time, and
// cluster_paths::from_env() runs `cwts keys` once, as the tests do.
inline itest::cluster_paths run_paths(const char* venue_bin, const char* node_bin, const char* cli_bin,
                                      const char* config_dir) {
  ::setenv("CWTS_VENUE_BIN", venue_bin, 0);
  ::setenv("CWTS_NODE_BIN", node_bin, 0);
  ::setenv("CWTS_CLI_BIN", cli_bin, 0);
  ::setenv("CWTS_CONFIG_DIR", config_dir, 0);
  return itest::cluster_paths::from_env();
}

// The cluster id, epoch and halt a command to `kill` is signed for, read off
// its coordinator (gate_atom -> trading_state); nullopt without an answer.
inline std::optional<trading_state> gate_of(caf::actor_system& sys, const caf::actor& kill) {
  caf::scoped_actor self{sys};
  std::optional<trading_state> out;
  self->request(kill, std::chrono::seconds(5), gate_atom::value)
    .receive([&](const trading_state& s) { out = s; }, [](caf::error&) {});
  return out;
}

// Signed for `cluster` (the nodes' [cluster] id; node-gateway.ini sets none,
// so the default cwts-local).
inline kill_command signed_kill(const ed25519_signer& alice, kill_level level, const std::string& reason,
                                const std::string& cluster = "cwts-local") {
  kill_command cmd;
  cmd.cluster = cluster;
  cmd.id = kill_id{new_id("k-")};
  cmd.level = level;
  cmd.scope = kill_scope::cluster;
  cmd.issuer = operator_id{"alice"};
  cmd.reason = reason;
  cmd.issued_at = wall_clock_now();
  sign(cmd, alice);
  return cmd;
}

// Signed for the node's cluster, resuming at its epoch + 1 and ending its
// current halt (`state`: gate_of()).
inline reset_command signed_reset(const ed25519_signer& alice, const std::string& reason,
                                  const trading_state& state) {
  reset_command cmd;
  cmd.cluster = state.cluster;
  cmd.epoch = state.epoch + 1;
  cmd.halt_cause = state.cause;
  cmd.id = kill_id{new_id("r-")};
  cmd.issuer = operator_id{"alice"};
  cmd.reason = reason;
  cmd.issued_at = wall_clock_now();
  sign(cmd, alice);
  return cmd;
}

} // namespace cwts::bench
