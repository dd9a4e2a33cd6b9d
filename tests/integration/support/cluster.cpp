#include "tests/integration/support/cluster.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <tuple>

#include "common/ini_file.hpp"

namespace cwts::itest {

namespace {

// One `cwts keys` per test process: every test of it shares the folder (the
// keys are the deployment's, as on a real cluster), no two processes do.
std::pair<std::string, std::string> process_keys(const std::string& cli_bin) {
  static const std::pair<std::string, std::string> made = [&] {
    if (cli_bin.empty())
      return std::make_pair(std::string(), std::string("CWTS_CLI_BIN not set"));
    std::random_device rd;
    auto dir = std::filesystem::temp_directory_path()
               / ("cwts-itest-keys-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    auto r = run_command("cwts-keys",
                         {cli_bin, "keys", "--out=" + (dir / "keys").string(),
                          "--nodes=solo,gw1,tr1,w1,tr2,gw2,n5,a1,x1"},
                         std::filesystem::temp_directory_path().string(), millis{30000});
    if (r.exit_code != 0)
      return std::make_pair(std::string(), "cwts keys failed: " + r.out + r.err);
    return std::make_pair((dir / "keys").string(), std::string());
  }();
  return made;
}

} // namespace

cluster_paths cluster_paths::from_env() {
  cluster_paths p;
  p.venue_bin = env("CWTS_VENUE_BIN");
  p.node_bin = env("CWTS_NODE_BIN");
  p.cli_bin = env("CWTS_CLI_BIN");
  p.config_dir = env("CWTS_CONFIG_DIR");
  std::tie(p.keys_dir, p.keys_error) = process_keys(p.cli_bin);
  return p;
}

std::string cluster_paths::missing() const {
  std::string out;
  if (venue_bin.empty())
    out += " CWTS_VENUE_BIN";
  if (node_bin.empty())
    out += " CWTS_NODE_BIN";
  if (cli_bin.empty())
    out += " CWTS_CLI_BIN";
  if (config_dir.empty())
    out += " CWTS_CONFIG_DIR";
  if (keys_dir.empty())
    out += " keys (" + keys_error + ")";
  return out;
}

venue_process::venue_process(const cluster_paths& paths, const std::string& dir, double speed)
  : proc_("venue",
          {paths.venue_bin, "--config", paths.config("venue.ini"), "--port", "0", "--speed",
           std::to_string(speed)},
          dir) {
  const std::string marker = "cwts-venue listening host=127.0.0.1 port=";
  auto line = proc_.wait_for_line(
    stream::out, [&](const std::string& l) { return l.rfind(marker, 0) == 0; }, millis{30000});
  if (!line)
    return;
  long p = std::strtol(line->c_str() + marker.size(), nullptr, 10);
  if (p > 0 && p <= 65535)
    port_ = static_cast<uint16_t>(p);
}

std::string peers_arg(const std::vector<std::pair<std::string, uint16_t>>& peers) {
  std::string out;
  for (auto& [id, port] : peers)
    out += (out.empty() ? "\"" : ",\"") + id + "@127.0.0.1:" + std::to_string(port) + "\"";
  return "--cluster.peers=[" + out + "]";
}

std::vector<std::string> node_argv(const cluster_paths& paths, const std::string& ini,
                                   uint16_t venue_port, uint16_t cluster_port,
                                   const std::vector<std::string>& extra) {
  std::vector<std::string> argv{paths.node_bin,
                                "--config-file=" + paths.config(ini),
                                "--venue.port=" + std::to_string(venue_port),
                                "--cluster.port=" + std::to_string(cluster_port),
                                // Plain CAF unless the test gives a certificate (then TLS).
                                "--cluster.plain-tcp",
                                "--admin.port=0", // configs name fixed admin ports; tests run in parallel
                                "--venue.credentials-file=" + paths.config("venue-demo-keys.ini"),
                                "--operators.file=" + paths.operators_file(),
                                "--kill.node-key-file=" + paths.keys_dir + "/nodes/node-<node-id>.pem"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

std::map<std::string, std::string> parse_fields(const std::string& line) {
  std::map<std::string, std::string> out;
  std::string::size_type i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ')
      ++i;
    auto eq = line.find('=', i);
    auto sp = line.find(' ', i);
    if (eq == std::string::npos)
      break;
    if (sp != std::string::npos && sp < eq) { // a word without '='
      i = sp;
      continue;
    }
    auto key = line.substr(i, eq - i);
    std::string value;
    i = eq + 1;
    if (i < line.size() && line[i] == '"') {
      auto close = line.find('"', i + 1);
      if (close == std::string::npos)
        close = line.size();
      value = line.substr(i + 1, close - i - 1);
      i = close + 1;
    } else {
      auto end = line.find(' ', i);
      if (end == std::string::npos)
        end = line.size();
      value = line.substr(i, end - i);
      i = end;
    }
    out[key] = value;
  }
  return out;
}

std::optional<int64_t> node_status_view::counter(const std::string& role,
                                                 const std::string& key) const {
  auto r = counters.find(role);
  if (r == counters.end())
    return std::nullopt;
  auto k = r->second.find(key);
  if (k == r->second.end() || k->second.empty())
    return std::nullopt;
  char* end = nullptr;
  long long v = std::strtoll(k->second.c_str(), &end, 10);
  if (end == nullptr || *end != '\0')
    return std::nullopt;
  return static_cast<int64_t>(v);
}

int64_t node_status_view::counter_or_zero(const std::string& role, const std::string& key) const {
  return counter(role, key).value_or(0);
}

node_status_view parse_status(const command_result& res) {
  node_status_view v;
  v.exit_code = res.exit_code;
  v.text = res.out;
  const std::string state_marker = "  trading state: ";
  for (auto& line : split_lines(res.out)) {
    if (line.rfind(state_marker, 0) == 0) {
      auto rest = line.substr(state_marker.size());
      v.mode = rest.substr(0, rest.find(' '));
      continue;
    }
    // "  <role>: k=v k=v"
    if (line.rfind("  ", 0) != 0 || line.rfind("  position ", 0) == 0)
      continue;
    auto colon = line.find(':');
    if (colon == std::string::npos)
      continue;
    auto role = line.substr(2, colon - 2);
    if (role.empty() || role.find(' ') != std::string::npos)
      continue;
    v.counters[role] = parse_fields(line.substr(colon + 1));
  }
  return v;
}

node_status_view query_status(const cluster_paths& paths, const std::string& dir, uint16_t port) {
  auto res = run_command("status", {paths.cli_bin, "status", "--node=127.0.0.1:" + std::to_string(port)},
                         dir, millis{20000});
  return parse_status(res);
}

status_wait wait_for_status(const cluster_paths& paths, const std::string& dir, uint16_t port,
                            const std::function<bool(const node_status_view&)>& pred,
                            millis timeout) {
  status_wait w;
  w.met = wait_until(
    [&] {
      w.last = query_status(paths, dir, port);
      return w.last.ok() && pred(w.last);
    },
    timeout, millis{500});
  return w;
}

kill_view run_kill(const cluster_paths& paths, const std::string& dir, uint16_t port,
                   const std::vector<std::string>& args) {
  std::vector<std::string> argv{paths.cli_bin, "kill", "--node=127.0.0.1:" + std::to_string(port)};
  argv.insert(argv.end(), args.begin(), args.end());
  // Kills are signed (docs/kill-switch.md): by the demo operator alice unless
  // the test names its own signer.
  bool signer_given = false;
  for (auto& a : args)
    signer_given = signer_given || a.rfind("--operator=", 0) == 0 || a.rfind("--key-file=", 0) == 0;
  if (!signer_given) {
    argv.push_back("--operator=alice");
    argv.push_back("--key-file=" + paths.operator_key("alice"));
  }
  return parse_kill(run_command("kill", std::move(argv), dir, millis{40000}));
}

std::vector<std::string> kill_argv(const cluster_paths& paths, uint16_t port,
                                   const std::vector<std::string>& args) {
  std::vector<std::string> argv{paths.cli_bin, "kill", "--node=127.0.0.1:" + std::to_string(port),
                                "--operator=alice",
                                "--key-file=" + paths.operator_key("alice")};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

kill_view parse_kill(const command_result& res) {
  kill_view v;
  v.raw = res;
  for (auto& line : split_lines(v.raw.out)) {
    if (line.rfind("  ack ", 0) == 0)
      v.acks.push_back(parse_fields(line.substr(6)));
    else if (line.rfind("  channel ", 0) == 0)
      v.channels.push_back(parse_fields(line.substr(10)));
    else if (line.rfind("complete=", 0) == 0)
      v.complete = parse_fields(line)["complete"];
  }
  return v;
}

std::unique_ptr<connector::binance_rest_gateway>
demo_gateway(const cluster_paths& paths, uint16_t venue_port, std::string& error) {
  auto ini = ini_file::load(paths.config("venue-demo-keys.ini"), error);
  if (!ini)
    return nullptr;
  auto key = ini->get("account.demo.api-key");
  auto secret = ini->get("account.demo.secret");
  if (!key || !secret) {
    error = "venue-demo-keys.ini: no account.demo.api-key / account.demo.secret";
    return nullptr;
  }
  connector::gateway_config cfg;
  cfg.host = "127.0.0.1";
  cfg.port = venue_port;
  cfg.api_key = *key;
  cfg.secret = *secret;
  auto gw = std::make_unique<connector::binance_rest_gateway>(cfg);
  auto t = gw->server_time();
  if (!t.ok()) {
    error = std::string("server_time: ") + connector::to_string(t.kind) + " " + t.detail;
    return nullptr;
  }
  gw->set_time_offset_ms(t.value.offset_ms);
  return gw;
}

std::optional<std::vector<connector::venue_order>>
open_usdchf_orders(connector::binance_rest_gateway& gw, std::string& error) {
  auto reply = gw.open_orders(*symbol::parse("USDCHF"));
  if (!reply.ok()) {
    error = std::string("open_orders: ") + connector::to_string(reply.kind) + " " + reply.detail
            + " code=" + std::to_string(reply.error.code) + " " + reply.error.msg;
    return std::nullopt;
  }
  return std::move(reply.value);
}

} // namespace cwts::itest
