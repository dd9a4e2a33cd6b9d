// cwts: the operator's command line.
//
//   cwts kill --node=127.0.0.1:47011 --level=2 --reason="drill" [--operator=ops]
//   cwts status --node=127.0.0.1:47011
//
// `kill` sends a kill command to the node's kill coordinator, which applies
// it, spreads it to every peer and answers with what each node measured.

#include <iostream>
#include <random>

#include "caf/all.hpp"
#include "caf/io/all.hpp"

#include "messages/registry.hpp"
#include "nodes/status/node_status.hpp"

namespace {

constexpr const char* usage =
  "usage: cwts <command> [options]\n"
  "commands:\n"
  "  kill    --node=HOST:PORT --level=1..4 --reason=TEXT [--operator=NAME]\n"
  "          [--scope=cluster|node] [--scope-value=NODE]\n"
  "  status  --node=HOST:PORT\n"
  "examples:\n"
  "  cwts kill --node=127.0.0.1:47011 --level=2 --reason=\"drill\"\n"
  "  cwts status --node=127.0.0.1:47012\n"
  "exit codes: 0 done, 2 usage/config, 3 kill incomplete or a channel failed,\n"
  "            4 kill rejected, 5 node unreachable\n";

struct cli_config : caf::actor_system_config {
  std::string node = "127.0.0.1:47011";
  int64_t level = 1;
  std::string reason;
  std::string issuer = "operator";
  std::string scope = "cluster";
  std::string scope_value;
  int64_t timeout_ms = 15000;
  cli_config() {
    cwts::register_message_types(*this);
    opt_group{custom_options_, "global"}
      .add(node, "node", "node admin address host:port (its cluster port)")
      .add(level, "level", "kill level 1..4")
      .add(reason, "reason", "why (required for kill; audited)")
      .add(issuer, "operator", "who issues the command")
      .add(scope, "scope", "cluster or node")
      .add(scope_value, "scope-value", "node name for --scope=node")
      .add(timeout_ms, "timeout-ms", "how long to wait for the report");
  }
};

std::optional<caf::actor> connect(caf::actor_system& sys, const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "cwts: --node must be host:port\n";
    return std::nullopt;
  }
  auto port = static_cast<uint16_t>(std::stoi(address.substr(colon + 1)));
  auto remote = sys.middleman().remote_actor(address.substr(0, colon), port);
  if (!remote) {
    std::cerr << "cwts: cannot reach " << address << ": " << sys.render(remote.error()) << "\n";
    return std::nullopt;
  }
  return *remote;
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

std::string new_kill_id() {
  std::random_device rd;
  std::mt19937_64 gen{(static_cast<uint64_t>(rd()) << 32) ^ rd()};
  char buf[40];
  std::snprintf(buf, sizeof(buf), "k-%016llx", static_cast<unsigned long long>(gen()));
  return buf;
}

void print_report(const cwts::kill_report& r) {
  std::cout << "kill " << r.id.value << " origin=" << r.origin.value << "\n";
  for (auto& a : r.acks)
    std::cout << "  ack node=" << a.node.value << " applied=" << a.applied
              << " gate_close_us=" << a.gate_close_ns / 1e3 << " channels=" << a.channels_started
              << (a.error.empty() ? "" : " note=\"" + a.error + "\"") << "\n";
  for (auto& c : r.channels)
    std::cout << "  channel node=" << c.node.value << " name=" << c.channel << " ok=" << c.ok
              << " duration_ms=" << c.duration_ns / 1e6 << " retries=" << c.retries
              << " canceled=" << c.orders_canceled << " open_after=" << c.open_orders_after
              << (c.error.empty() ? "" : " error=\"" + c.error + "\"") << "\n";
  std::cout << "complete=" << r.complete << " total_ms=" << r.total_ns / 1e6
            << (r.error.empty() ? "" : " error=\"" + r.error + "\"") << std::endl;
}

int run_kill(caf::actor_system& sys, const cli_config& cfg, const caf::actor& supervisor) {
  if (cfg.reason.empty() || cfg.level < 1 || cfg.level > 4) {
    std::cerr << "cwts kill: --reason is required and --level must be 1..4\n" << usage;
    return 2;
  }
  caf::scoped_actor self{sys};
  std::string node;
  cwts::role_directory dir;
  if (!directory(self, supervisor, node, dir) || !dir.count("kill"))
    return 5;
  cwts::kill_command cmd;
  cmd.id = cwts::kill_id{new_kill_id()};
  cmd.level = static_cast<cwts::kill_level>(cfg.level);
  cmd.scope = cfg.scope == "node" ? cwts::kill_scope::node : cwts::kill_scope::cluster;
  cmd.scope_value = cfg.scope_value;
  cmd.issuer = cwts::operator_id{cfg.issuer};
  cmd.reason = cfg.reason;
  cmd.issued_at = cwts::wall_clock_now();
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

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cout << usage;
    return argc < 2 ? 2 : 0;
  }
  std::string command = argv[1];
  cli_config cfg;
  // argv[1] (the command) takes the place of the program name for CAF.
  if (auto err = cfg.parse(argc - 1, argv + 1)) {
    std::cerr << "cwts: " << caf::actor_system_config::render(err) << "\n" << usage;
    return 2;
  }
  if (cfg.cli_helptext_printed)
    return 0;
  if (command != "kill" && command != "status") {
    std::cerr << "cwts: unknown command '" << command << "'\n" << usage;
    return 2;
  }
  cfg.load<caf::io::middleman>();
  caf::actor_system sys{cfg};
  auto supervisor = connect(sys, cfg.node);
  if (!supervisor)
    return 5;
  return command == "kill" ? run_kill(sys, cfg, *supervisor) : run_status(sys, *supervisor);
}
