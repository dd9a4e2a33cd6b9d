#pragma once
// The pieces of a CWTS cluster under test: a cwts-venue on a free port,
// cwts-node processes, the `cwts` CLI (status, kill) with parsed output, and
// an independent look at the venue through the real Binance REST gateway.
// Binary and config paths come from the environment (set by CMake):
// CWTS_VENUE_BIN, CWTS_NODE_BIN, CWTS_CLI_BIN, CWTS_CONFIG_DIR.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "actors/connector/binance_rest_gateway.hpp"
#include "tests/integration/support/process.hpp"

namespace cwts::itest {

struct cluster_paths {
  std::string venue_bin;
  std::string node_bin;
  std::string cli_bin;
  std::string config_dir;
  // This test process's own deployment keys (issue 17: no key ships with the
  // repository): `cwts keys` run once per process into a temporary folder,
  // for nodes solo, gw1, tr1, w1, tr2, gw2, n5 and operators alice (every
  // role) and bob (operations). Empty with `keys_error` when that failed.
  std::string keys_dir{};
  std::string keys_error{};

  static cluster_paths from_env();
  // Empty when every path is set, else what is missing.
  std::string missing() const;
  std::string config(const std::string& file) const { return config_dir + "/" + file; }
  // An operator's private key ("alice", "bob") and public key.
  std::string operator_key(const std::string& name) const {
    return keys_dir + "/operators/" + name + ".pem";
  }
  std::string operator_public_key(const std::string& name) const {
    return keys_dir + "/operators/" + name + ".pub.pem";
  }
  // A node's private key ("gw1") and public key.
  std::string node_key(const std::string& id) const {
    return keys_dir + "/nodes/node-" + id + ".pem";
  }
  std::string node_public_key(const std::string& id) const {
    return keys_dir + "/nodes/node-" + id + ".pub.pem";
  }
  std::string operators_file() const { return keys_dir + "/operators.ini"; }
  std::string certs_dir() const { return keys_dir + "/certs"; }
};

// cwts-venue --port 0 at `speed`, started and listening (port != 0), or
// port == 0 when it did not print its listening line in time.
class venue_process {
public:
  venue_process(const cluster_paths& paths, const std::string& dir, double speed = 300);
  uint16_t port() const { return port_; }
  child_process& proc() { return proc_; }

private:
  child_process proc_;
  uint16_t port_ = 0;
};

// Arguments of a cwts-node: the config file, the venue port, the cluster
// port, the demo credentials by absolute path, this process's keys
// (operators file, node key node-<node-id>), then `extra` overrides.
std::vector<std::string> node_argv(const cluster_paths& paths, const std::string& ini,
                                   uint16_t venue_port, uint16_t cluster_port,
                                   const std::vector<std::string>& extra = {});

// A node's peers on loopback as the option --cluster.peers=["id@127.0.0.1:port",..]
// (named: the ids decide which of two members dials, nodes/node/cluster_link.hpp).
std::string peers_arg(const std::vector<std::pair<std::string, uint16_t>>& peers);

// `cwts status` parsed: the trading mode ("ACTIVE", "HALTED", ...) and each
// actor's counters ("oms" -> "orders_sent" -> "12").
struct node_status_view {
  int exit_code = -1;
  std::string text;
  std::string mode;
  std::map<std::string, std::map<std::string, std::string>> counters;

  bool ok() const { return exit_code == 0; }
  // The counter as a number; nullopt when absent or not a number.
  std::optional<int64_t> counter(const std::string& role, const std::string& key) const;
  // The sum of `key` over every role that reports it (0 when none does).
  int64_t counter_or_zero(const std::string& role, const std::string& key) const;
};

node_status_view parse_status(const command_result& res);
node_status_view query_status(const cluster_paths& paths, const std::string& dir, uint16_t port);

// Polls `cwts status` until `pred` holds or `timeout` passes.
struct status_wait {
  bool met = false;
  node_status_view last; // the last status seen
};
status_wait wait_for_status(const cluster_paths& paths, const std::string& dir, uint16_t port,
                            const std::function<bool(const node_status_view&)>& pred,
                            millis timeout);

// `key=value` tokens of one line (quoted values keep their spaces).
std::map<std::string, std::string> parse_fields(const std::string& line);

// `cwts kill` output parsed: one entry per ack and channel line.
struct kill_view {
  command_result raw;
  std::vector<std::map<std::string, std::string>> acks;
  std::vector<std::map<std::string, std::string>> channels;
  std::optional<std::string> complete;
};

// Signed by operator alice (paths.operator_key) unless `args` hold --operator or --key-file.
kill_view run_kill(const cluster_paths& paths, const std::string& dir, uint16_t port,
                   const std::vector<std::string>& args);

// `cwts kill` output (from run_command or a finished child_process) parsed.
kill_view parse_kill(const command_result& res);

// The argv of `cwts kill` at 127.0.0.1:`port` signed by alice, then `args`,
// for a kill run as a child_process (in the background).
std::vector<std::string> kill_argv(const cluster_paths& paths, uint16_t port,
                                   const std::vector<std::string>& args);

// A Binance REST client on the demo account of config/venue-demo-keys.ini,
// clock-synced with the venue; nullptr (and `error`) when that fails.
std::unique_ptr<connector::binance_rest_gateway>
demo_gateway(const cluster_paths& paths, uint16_t venue_port, std::string& error);

// Open USDCHF orders of the demo account; nullopt when the venue did not answer.
std::optional<std::vector<connector::venue_order>>
open_usdchf_orders(connector::binance_rest_gateway& gw, std::string& error);

} // namespace cwts::itest
