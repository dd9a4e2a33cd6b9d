// cwts: the operator's command line.
//
//   cwts kill --node=127.0.0.1:47011 --level=2 --reason="drill" --operator=alice --key-file=alice.pem
//   cwts reset --node=127.0.0.1:47011 --reason="all clear" --operator=alice --key-file=alice.pem
//   cwts audit-verify --file=run/solo-kill-audit.log
//   cwts status --node=127.0.0.1:47011
//   cwts keys --out=run/keys --cluster=config/cluster-3.ini
//   cwts keygen --out=/secure/place/carol
//   cwts limit --node=127.0.0.1:47010 --target=USDCHF --field=max-order-qty --value=5000
//              --reason="desk request" --operator=alice --key-file=alice.pem
//
// `kill` sends a kill command signed with the operator's Ed25519 key to the
// node's kill coordinator, which verifies it, applies it, spreads it to every
// peer and answers with what each node measured. `reset` sends a signed reset
// that every node votes on (docs/kill-switch.md). `audit-verify` checks a
// node's hash-chained kill audit log offline.
// `limit`, `throttle-reenable` and `accept-positions` send an operator_command
// signed with the operator's Ed25519 key (docs/operators.md) to the node's
// risk or OMS actor, which verifies it against its operator list and answers
// with a command_result.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>

#include "caf/all.hpp"
#include "caf/io/all.hpp"

#include "actors/kill/audit_chain.hpp"
#include "actors/kill/kill_auth.hpp"
#include "actors/kill/kill_switch.hpp"
#include "common/operator_auth.hpp"
#include "messages/decimal.hpp"
#include "messages/registry.hpp"
#include "nodes/cwts/archive_command.hpp"
#include "nodes/cwts/audit_verify_command.hpp"
#include "nodes/cwts/cluster_command.hpp"
#include "nodes/cwts/keys_command.hpp"
#include "nodes/cwts/report_controls_command.hpp"
#include "nodes/cwts/report_orders_command.hpp"
#include "nodes/cwts/trace_command.hpp"
#include "nodes/status/node_status.hpp"
#include "nodes/transport/node_transport.hpp"

namespace {

constexpr const char* usage =
  "usage: cwts <command> [options]\n"
  "commands:\n"
  "  status  --node=HOST:PORT\n"
  "  console [--admin=HOST:PORT] [--operator=NAME --key-file=PEM] [-c 'cmd; cmd']\n"
  "          operator console over a node's admin HTTP port (docs/console.md)\n"
  "  cluster up|status|down --config=FILE   a local cluster (docs/operations.md)\n"
  "  drill   SCENARIO --config=FILE [--report=PATH]   a failure drill with a JSON report\n"
  "  keys    [--out=DIR] [--cluster=FILE] [--operator=NAME=ROLES]   one deployment's keys,\n"
  "          operators file and TLS certificates (cwts keys --help)\n"
  "  keygen  --out=PATH      writes PATH.pem (private, mode 0600) and PATH.pub.pem\n"
  "  report orders --from=TIME --to=TIME --format=csv|jsonl (--journal=PATH ... |\n"
  "          --cluster=FILE) [--out=PATH]   every order event of the OMS journals,\n"
  "          merged by time (cwts report orders --help, docs/reporting.md)\n"
  "  report controls --day=YYYY-MM-DD --out=DIR [--node-config=INI ...]   one day's\n"
  "          pre-trade controls report, JSON and HTML (cwts report controls --help)\n"
  "  trace   <client-order-id> (--admin=HOST:PORT[,...] | --config=CLUSTER)   one order's\n"
  "          hops, tick to fill, across the nodes (cwts trace --help, docs/tracing.md)\n"
  "  archive rotate|verify|prune|list --dir=DIR   a node's archive: retention, chained\n"
  "          hashes (cwts archive --help)\n"
  "  audit-verify --file=PATH[,...] [--operators=INI] [--anchor=PEER_ANCHOR[,...]]\n"
  "          checks a node's kill audit log: hash chain; with --operators every record's\n"
  "          signature and every stored command/vote signature; with --anchor truncation\n"
  "signed commands (Ed25519 key of an operator listed in the node's operators\n"
  "file; see docs/operators.md and docs/kill-switch.md):\n"
  "  kill              --node=HOST:PORT --level=1..4 --reason=TEXT --operator=NAME\n"
  "                    --key-file=PEM [--scope=cluster|node|strategy|symbol|account]\n"
  "                    [--scope-value=NAME]   (levels 3-4 need role kill-full)\n"
  "  reset             --node=HOST:PORT --reason=TEXT --operator=NAME --key-file=PEM\n"
  "  limit             --node=HOST:PORT --target=SYMBOL|ACCOUNT|STRATEGY --field=KEY\n"
  "                    --value=DECIMAL --reason=TEXT --operator=NAME --key-file=PEM\n"
  "  throttle-reenable --node=HOST:PORT --target=STRATEGY --reason=TEXT\n"
  "                    --operator=NAME --key-file=PEM\n"
  "  accept-positions  --node=HOST:PORT --reason=TEXT --operator=NAME --key-file=PEM\n"
  "examples:\n"
  "  cwts kill --node=127.0.0.1:47011 --level=2 --reason=\"drill\" \\\n"
  "    --operator=alice --key-file=run/keys/operators/alice.pem\n"
  "  cwts reset --node=127.0.0.1:47011 --reason=\"venue checked\" \\\n"
  "    --operator=alice --key-file=run/keys/operators/alice.pem\n"
  "  cwts audit-verify --file=run/gw1-kill-audit.log --operators=run/keys/operators.ini \\\n"
  "    --anchor=run/tr1-kill-audit.log.anchor.gw1\n"
  "  cwts status --node=127.0.0.1:47012\n"
  "  cwts keygen --out=/secure/place/carol\n"
  "  cwts limit --node=127.0.0.1:47010 --target=USDCHF --field=max-order-qty --value=5000 \\\n"
  "    --reason=\"desk request\" --operator=alice --key-file=run/keys/operators/alice.pem\n"
  "  cwts throttle-reenable --node=127.0.0.1:47010 --target=mm-USDCHF --reason=\"checked\" \\\n"
  "    --operator=alice --key-file=run/keys/operators/alice.pem\n"
  "  cwts accept-positions --node=127.0.0.1:47010 --reason=\"venue fills confirmed\" \\\n"
  "    --operator=bob --key-file=run/keys/operators/bob.pem\n"
  "exit codes: 0 done/accepted/resumed/audit intact, 2 usage/config, 3 kill incomplete or a\n"
  "            channel failed, 4 kill, reset or command refused, reset without quorum,\n"
  "            audit log altered, 5 node unreachable or no answer\n";

struct cli_config : caf::actor_system_config {
  std::string node = "127.0.0.1:47011";
  int64_t level = 1;
  std::string reason;
  std::string issuer; // the signing operator (kill, reset, operator commands)
  std::string scope = "cluster";
  std::string scope_value;
  int64_t timeout_ms = 15000;
  std::string target;
  std::string field;
  std::string value;
  std::string key_file;
  std::string out;
  std::string file;
  std::string operators_file;
  std::string anchor;
  cli_config() {
    cwts::register_message_types(*this);
    opt_group{custom_options_, "global"}
      .add(node, "node", "node admin address host:port (its cluster port)")
      .add(level, "level", "kill level 1..4")
      .add(reason, "reason", "why (required for kill; audited)")
      .add(issuer, "operator", "who issues the command")
      .add(scope, "scope", "cluster, node, strategy, symbol or account")
      .add(scope_value, "scope-value", "the node, strategy, symbol or account name")
      .add(timeout_ms, "timeout-ms", "how long to wait for the report")
      .add(target, "target", "limit: symbol, account or strategy; throttle-reenable: strategy")
      .add(field, "field", "limit: the limit's config key")
      .add(value, "value", "limit: the new value (decimal)")
      .add(key_file, "key-file", "operator's Ed25519 private key (PEM)")
      .add(out, "out", "keygen: path prefix of the key files")
      .add(file, "file", "audit-verify: the audit log")
      .add(operators_file, "operators", "audit-verify: operators file (node and operator keys)")
      .add(anchor, "anchor", "audit-verify: a peer's anchor file(s), comma-separated");
  }
};

std::optional<caf::actor> connect(caf::actor_system& sys, const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "cwts: --node must be host:port\n";
    return std::nullopt;
  }
  auto port = static_cast<uint16_t>(std::stoi(address.substr(colon + 1)));
  std::string error;
  auto remote = cwts::connect_node(sys, address.substr(0, colon), port, error);
  if (!remote) {
    std::cerr << "cwts: cannot reach " << address << ": " << error << "\n";
    return std::nullopt;
  }
  return remote;
}

bool directory(caf::scoped_actor& self, const caf::actor& supervisor, std::string& node,
               cwts::role_directory& dir) {
  bool ok = false;
  self->request(supervisor, std::chrono::seconds(5), cwts::directory_atom::value)
    .receive(
      [&](std::string& n, cwts::role_directory& d) {
        node = std::move(n);
        dir = std::move(d);
        ok = true;
      },
      [&](caf::error& err) { std::cerr << "cwts: directory: " << self->system().render(err) << "\n"; });
  return ok;
}

// A fresh random id ("k-" kills, "oc-" operator commands): 64 random bits,
// so a replay guard keyed by id never confuses two commands.
std::string new_id(const char* prefix) {
  std::random_device rd;
  std::mt19937_64 gen{(static_cast<uint64_t>(rd()) << 32) ^ rd()};
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%s%016llx", prefix, static_cast<unsigned long long>(gen()));
  return buf;
}

void print_report(const cwts::kill_report& r) {
  std::cout << "kill " << r.id.value << " origin=" << r.origin.value << "\n";
  for (auto& a : r.acks)
    std::cout << "  ack node=" << a.node.value << " applied=" << a.applied
              << " verify_us=" << a.verify_ns / 1e3 << " gate_close_us=" << a.gate_close_ns / 1e3
              << " channels=" << a.channels_started
              << (a.error.empty() ? "" : " note=\"" + a.error + "\"") << "\n";
  for (auto& c : r.channels)
    std::cout << "  channel node=" << c.node.value << " name=" << c.channel
              << (c.venue.empty() ? "" : " venue=" + c.venue.value) << " ok=" << c.ok
              << " duration_ms=" << c.duration_ns / 1e6 << " retries=" << c.retries
              << " canceled=" << c.orders_canceled << " open_after=" << c.open_orders_after
              << (c.channel == "flatten" ? " orders_sent=" + std::to_string(c.orders_sent)
                                             + " positions_open_after="
                                             + std::to_string(c.positions_open_after)
                                         : std::string())
              << (c.error.empty() ? "" : " error=\"" + c.error + "\"") << "\n";
  std::cout << "complete=" << r.complete << " total_ms=" << r.total_ns / 1e6
            << (r.error.empty() ? "" : " error=\"" + r.error + "\"") << std::endl;
}

std::optional<cwts::kill_scope> parse_scope(const std::string& text) {
  for (auto s : {cwts::kill_scope::cluster, cwts::kill_scope::node, cwts::kill_scope::strategy,
                 cwts::kill_scope::symbol, cwts::kill_scope::account})
    if (text == cwts::to_string(s))
      return s;
  return std::nullopt;
}

// The node's trading state: what a command is signed for (its cluster id;
// for a reset, its epoch and the halt it ends).
std::optional<cwts::trading_state> node_state(caf::scoped_actor& self, const caf::actor& kill,
                                              caf::actor_system& sys) {
  std::optional<cwts::trading_state> out;
  self->request(kill, std::chrono::seconds(5), cwts::gate_atom::value)
    .receive([&](const cwts::trading_state& s) { out = s; },
             [&](caf::error& err) {
               std::cerr << "cwts: cannot read the node's trading state: " << sys.render(err)
                         << "\n";
             });
  return out;
}

int run_kill(caf::actor_system& sys, const cli_config& cfg, const caf::actor& supervisor,
             const cwts::ed25519_signer& key) {
  caf::scoped_actor self{sys};
  std::string node;
  cwts::role_directory dir;
  if (!directory(self, supervisor, node, dir) || !dir.count("kill"))
    return 5;
  auto state = node_state(self, dir["kill"], sys);
  if (!state)
    return 5;
  cwts::kill_command cmd;
  cmd.cluster = state->cluster;
  cmd.id = cwts::kill_id{new_id("k-")};
  cmd.level = static_cast<cwts::kill_level>(cfg.level);
  cmd.scope = *parse_scope(cfg.scope); // checked with the other options
  cmd.scope_value = cfg.scope_value;
  cmd.issuer = cwts::operator_id{cfg.issuer};
  cmd.reason = cfg.reason;
  cmd.issued_at = cwts::wall_clock_now();
  // A kill every node would refuse for its size or fields is never signed
  // nor sent: exit 2 with the node's own reason.
  if (auto why = cwts::kill_switch::check_fields(cmd)) {
    std::cerr << "cwts kill: refused before signing: " << *why << "\n";
    return 2;
  }
  cwts::sign(cmd, key);
  int rc = 3;
  self->request(dir["kill"], std::chrono::milliseconds(cfg.timeout_ms), cmd)
    .receive(
      [&](const cwts::kill_report& r) {
        print_report(r);
        bool channels_ok = true;
        for (auto& c : r.channels)
          channels_ok = channels_ok && c.ok;
        bool rejected = r.acks.empty() && !r.error.empty();
        rc = rejected ? 4 : (r.complete && channels_ok ? 0 : 3);
      },
      [&](caf::error& err) { std::cerr << "cwts kill: " << sys.render(err) << "\n"; });
  return rc;
}

int run_keygen(const cli_config& cfg) {
  if (cfg.out.empty()) {
    std::cerr << "cwts keygen: --out=PATH is required\n" << usage;
    return 2;
  }
  const auto private_file = cfg.out + ".pem";
  const auto public_file = cfg.out + ".pub.pem";
  for (auto& f : {private_file, public_file})
    if (::access(f.c_str(), F_OK) == 0) {
      std::cerr << "cwts keygen: " << f << " exists; not replacing a key\n";
      return 2;
    }
  auto key = cwts::ed25519_signer::generate();
  std::string error;
  if (!cwts::write_new_file(private_file, key.private_pem(), 0600, error)) {
    std::cerr << "cwts keygen: " << error << "\n";
    return 2;
  }
  if (!cwts::write_new_file(public_file, key.public_pem(), 0644, error)) {
    std::cerr << "cwts keygen: " << error << "\n";
    ::unlink(private_file.c_str()); // no half key pair left behind
    return 2;
  }
  std::cout << "wrote " << private_file << " (private, mode 0600: keep it secret) and "
            << public_file << "\n"
            << "list the public key in the nodes' operators file (the path is relative to that\n"
            << "file; roles: any of risk-officer, operations, kill, reset):\n"
            << "  [operator.NAME]\n"
            << "  public-key-file = \"" << public_file << "\"\n"
            << "  roles = \"operations\"\n";
  return 0;
}

bool is_operator_command(const std::string& command) {
  return command == "limit" || command == "throttle-reenable" || command == "accept-positions";
}

cwts::operator_action action_of(const std::string& command) {
  if (command == "limit")
    return cwts::operator_action::change_limit;
  if (command == "throttle-reenable")
    return cwts::operator_action::reenable_throttle;
  return cwts::operator_action::accept_positions;
}

// Checks the options `command` needs; empty when they are complete.
std::string missing_options(const std::string& command, const cli_config& cfg) {
  if (cfg.issuer.empty() || cfg.key_file.empty())
    return "--operator and --key-file are required";
  if (cfg.reason.empty())
    return "--reason is required (it is audited)";
  if (command != "accept-positions" && cfg.target.empty())
    return "--target is required";
  if (command == "limit" && cfg.field.empty())
    return "--field is required";
  if (command == "limit" && !cwts::parse_scaled_decimal(cfg.value))
    return "--value must be a decimal with at most 8 places (e.g. 5000 or 0.25)";
  return "";
}

// Finds the actor for the action in the node's directory, signs the command
// and waits for its command_result: 0 accepted, 4 refused, 5 no answer.
int run_operator_command(caf::actor_system& sys, const cli_config& cfg,
                         const caf::actor& supervisor, cwts::operator_action action,
                         const cwts::ed25519_signer& key) {
  caf::scoped_actor self{sys};
  std::string node;
  cwts::role_directory dir;
  if (!directory(self, supervisor, node, dir))
    return 5;
  const std::string role = action == cwts::operator_action::accept_positions ? "oms" : "risk";
  auto target = cwts::find_role(dir, role);
  if (!target) {
    std::cerr << "cwts: node " << node << " knows no '" << role << "' actor (a trading node has one)\n";
    return 5;
  }
  cwts::operator_command cmd;
  cmd.id = cwts::command_id{new_id("oc-")};
  cmd.action = action;
  cmd.issuer = cwts::operator_id{cfg.issuer};
  cmd.target = action == cwts::operator_action::accept_positions ? node : cfg.target;
  if (action == cwts::operator_action::change_limit) {
    cmd.field = cfg.field;
    cmd.value = cfg.value;
  }
  cmd.reason = cfg.reason;
  cmd.issued_at = cwts::wall_clock_now();
  cmd.signature = key.sign(cwts::signing_payload(cmd));
  int rc = 5;
  self->request(target, std::chrono::milliseconds(cfg.timeout_ms), cmd)
    .receive(
      [&](const cwts::command_result& r) {
        std::cout << "command " << r.id.value << " action=" << cwts::to_string(action)
                  << " node=" << r.node.value << " accepted=" << r.accepted
                  << (r.detail.empty() ? "" : " detail=\"" + r.detail + "\"") << std::endl;
        rc = r.accepted ? 0 : 4;
      },
      [&](caf::error& err) {
        std::cerr << "cwts " << cwts::to_string(action) << ": no answer from " << role << " on "
                  << node << ": " << sys.render(err) << "\n";
      });
  return rc;
}

// Sends a signed reset to the node's kill coordinator and prints every vote:
// 0 resumed, 4 refused or no quorum, 5 no answer.
int run_reset(caf::actor_system& sys, const cli_config& cfg, const caf::actor& supervisor,
              const cwts::ed25519_signer& key) {
  caf::scoped_actor self{sys};
  std::string node;
  cwts::role_directory dir;
  if (!directory(self, supervisor, node, dir) || !dir.count("kill"))
    return 5;
  auto state = node_state(self, dir["kill"], sys);
  if (!state)
    return 5;
  cwts::reset_command cmd;
  // Bound to this cluster, the epoch it resumes at and the halt it ends.
  cmd.cluster = state->cluster;
  cmd.epoch = state->epoch + 1;
  cmd.halt_cause = state->cause;
  cmd.id = cwts::kill_id{new_id("r-")};
  cmd.issuer = cwts::operator_id{cfg.issuer};
  cmd.reason = cfg.reason;
  cmd.issued_at = cwts::wall_clock_now();
  cwts::sign(cmd, key);
  int rc = 5;
  self->request(dir["kill"], std::chrono::milliseconds(cfg.timeout_ms), cmd)
    .receive(
      [&](const cwts::reset_report& r) {
        // The epoch trading resumes at, as the origin proposed it (its own
        // vote carries it); every vote names the epoch it was cast for.
        std::string epoch = "-";
        for (auto& v : r.votes)
          if (v.node == r.origin)
            epoch = std::to_string(v.epoch);
        std::cout << "reset " << r.id.value << " origin=" << r.origin.value << " nodes=" << r.nodes
                  << " quorum=" << r.quorum << " epoch=" << epoch << "\n";
        for (auto& v : r.votes)
          std::cout << "  vote node=" << v.node.value << " yes=" << v.yes << " epoch=" << v.epoch
                    << (v.reason.empty() ? "" : " reason=\"" + v.reason + "\"") << "\n";
        std::cout << "resumed=" << r.resumed
                  << (r.error.empty() ? "" : " error=\"" + r.error + "\"") << std::endl;
        rc = r.resumed ? 0 : 4;
      },
      [&](caf::error& err) { std::cerr << "cwts reset: " << sys.render(err) << "\n"; });
  return rc;
}

int run_audit_verify(const cli_config& cfg) {
  return cwts::cli::run_audit_verify({cfg.file, cfg.operators_file, cfg.anchor});
}

// Checks the options a signed command needs; empty when they are complete.
std::string missing_signed_options(const std::string& command, const cli_config& cfg) {
  if (cfg.issuer.empty() || cfg.key_file.empty())
    return "--operator and --key-file are required";
  if (cfg.reason.empty())
    return "--reason is required (it is audited)";
  if (command == "kill" && (cfg.level < 1 || cfg.level > 4))
    return "--level must be 1..4";
  if (command == "kill" && !parse_scope(cfg.scope))
    return "--scope must be cluster, node, strategy, symbol or account";
  return "";
}

int run_status(caf::actor_system& sys, const caf::actor& supervisor) {
  caf::scoped_actor self{sys};
  std::string node;
  cwts::role_directory dir;
  if (!directory(self, supervisor, node, dir))
    return 5;
  auto s = cwts::collect_status(self, supervisor.node(), node, dir, std::chrono::seconds(2));
  std::cout << cwts::format_details(s);
  return 0;
}

} // namespace

int run_console(int argc, char** argv); // console_main.cpp

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cout << usage;
    return argc < 2 ? 2 : 0;
  }
  std::string command = argv[1];
  if (command == "console")
    return run_console(argc - 1, argv + 1);
  if (command == "cluster")
    return cwts::run_cluster_command(argc - 1, argv + 1);
  if (command == "keys")
    return cwts::run_keys_command(argc, argv);
  if (command == "drill")
    return cwts::run_drill_command(argc - 1, argv + 1);
  if (command == "archive")
    return cwts::run_archive_command(argc - 1, argv + 1);
  if (command == "trace")
    return cwts::run_trace_command(argc - 1, argv + 1);
  if (command == "report" && argc > 2 && std::string(argv[2]) == "controls")
    return cwts::run_report_controls_command(argc - 2, argv + 2);
  if (command == "report" && argc > 2 && std::string(argv[2]) == "orders")
    return cwts::run_report_orders_command(argc - 2, argv + 2);
  cli_config cfg;
  // argv[1] (the command) takes the place of the program name for CAF.
  if (auto err = cfg.parse(argc - 1, argv + 1)) {
    std::cerr << "cwts: " << caf::actor_system_config::render(err) << "\n" << usage;
    return 2;
  }
  if (cfg.cli_helptext_printed) {
    std::cout << usage;
    return 0;
  }
  if (command == "keygen")
    return run_keygen(cfg);
  if (command == "audit-verify")
    return run_audit_verify(cfg);
  const bool kill_or_reset = command == "kill" || command == "reset";
  if (!kill_or_reset && command != "status" && !is_operator_command(command)) {
    std::cerr << "cwts: unknown command '" << command << "'\n" << usage;
    return 2;
  }
  // A signed command is checked and its key read before any connection.
  std::optional<cwts::ed25519_signer> key;
  if (is_operator_command(command) || kill_or_reset) {
    auto why = kill_or_reset ? missing_signed_options(command, cfg) : missing_options(command, cfg);
    if (!why.empty()) {
      std::cerr << "cwts " << command << ": " << why << "\n" << usage;
      return 2;
    }
    std::string error;
    key = cwts::ed25519_signer::from_pem_file(cfg.key_file, error);
    if (!key) {
      std::cerr << "cwts " << command << ": --key-file: " << error << "\n";
      return 2;
    }
  }
  if (auto why = cwts::check_node_tls(cfg); !why.empty()) {
    std::cerr << "cwts " << command << ": " << why << "\n";
    return 2;
  }
  if (auto why = cwts::load_node_transport(cfg); !why.empty()) {
    std::cerr << "cwts " << command << ": " << why << "\n";
    return 2;
  }
  caf::actor_system sys{cfg};
  auto supervisor = connect(sys, cfg.node);
  if (!supervisor)
    return 5;
  if (command == "kill")
    return run_kill(sys, cfg, *supervisor, *key);
  if (command == "reset")
    return run_reset(sys, cfg, *supervisor, *key);
  if (key)
    return run_operator_command(sys, cfg, *supervisor, action_of(command), *key);
  return run_status(sys, *supervisor);
}
