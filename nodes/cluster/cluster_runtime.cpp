#include "nodes/cluster/cluster_runtime.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/ini_file.hpp"
#include "nodes/cluster/process_control.hpp"

namespace cwts::cluster {

namespace fs = std::filesystem;

namespace {

// cwts-venue listening host=<address> port=<N> [fix_port=<N>]
const std::string venue_marker = "cwts-venue listening host=";
const char* const port_marker = " port=";
const char* const fix_marker = "fix_port=";

// $CWTS_NODE_BIN / $CWTS_VENUE_BIN, else next to cwts (an install), else
// the build tree's layout (build/nodes/cwts/cwts, build/nodes/node/cwts-node).
std::string find_binary(const std::string& bin_dir, const char* env_name, const std::string& name,
                        const std::string& build_folder) {
  if (const char* e = std::getenv(env_name); e && *e)
    return e;
  for (auto& candidate : {bin_dir + "/" + name, bin_dir + "/../" + build_folder + "/" + name})
    if (access(candidate.c_str(), X_OK) == 0)
      return fs::path(candidate).lexically_normal().string();
  return bin_dir + "/" + name;
}

} // namespace

cluster_runtime::cluster_runtime(cluster_spec spec, const std::string& bin_dir)
  : spec_(std::move(spec)),
    node_bin_(find_binary(bin_dir, "CWTS_NODE_BIN", "cwts-node", "node")),
    venue_bin_(find_binary(bin_dir, "CWTS_VENUE_BIN", "cwts-venue", "venue")),
    run_dir_(fs::absolute(spec_.run_dir).lexically_normal().string()) {}

const process_record* cluster_runtime::process(const std::string& name) const {
  auto i = procs_.find(name);
  return i == procs_.end() ? nullptr : &i->second;
}

uint16_t cluster_runtime::venue_port() const {
  auto* v = process("venue");
  return v ? v->port : 0;
}

std::string cluster_runtime::state_path() const {
  return run_dir_ + "/cluster.state";
}

bool cluster_runtime::prepare(std::string& error) {
  for (auto* bin : {&node_bin_, &venue_bin_})
    if (access(bin->c_str(), X_OK) != 0) {
      error = "no executable " + *bin + " (build the project: scripts/bootstrap)";
      return false;
    }
  if (spec_.tls) {
    auto certs = fs::absolute(spec_.certs_dir).string();
    std::vector<std::string> files{certs + "/ca.pem"};
    for (auto& n : spec_.nodes) {
      files.push_back(certs + "/" + n.id + ".pem");
      files.push_back(certs + "/" + n.id + ".key");
    }
    for (auto& f : files)
      if (!fs::exists(f)) {
        std::string ids;
        for (auto& n : spec_.nodes)
          ids += " " + n.id;
        error = "TLS is on ([tls] enabled) but " + f + " is missing: make the deployment's keys "
                "and certificates with `cwts keys --cluster=" + spec_.file
                + "` (certificates alone: scripts/gen-certs " + spec_.certs_dir + ids + ")";
        return false;
      }
  }
  std::error_code ec;
  fs::create_directories(run_dir_, ec);
  if (ec) {
    error = "cannot create run dir " + run_dir_ + ": " + ec.message();
    return false;
  }
  return true;
}

// The local venue starts empty: orders journaled by an OMS against an earlier
// venue exist nowhere any more, and reconciling against them would (rightly)
// refuse to trade. So those journals are set aside, not restored; the durable
// halt state is kept (a halted cluster comes back halted until a reset).
static void set_aside_journals(const std::string& run_dir) {
  std::error_code ec;
  auto journals = fs::path(run_dir) / "run";
  if (!fs::is_directory(journals, ec))
    return;
  auto previous = fs::path(run_dir) / "previous";
  for (auto& entry : fs::directory_iterator(journals, ec)) {
    auto name = entry.path().filename().string();
    if (name.find("-oms.sqlite") == std::string::npos)
      continue;
    fs::create_directories(previous, ec);
    fs::rename(entry.path(), previous / name, ec);
  }
}

// A [venue-N]'s FIX sessions: the venue's store and each node's (node_argv).
static std::string venue_fix_store(const std::string& run_dir, const std::string& section) {
  return run_dir + "/" + section + "-fix";
}
static std::string node_venue_fix_store(const std::string& run_dir, const std::string& id,
                                        const std::string& section) {
  return run_dir + "/run/" + id + "-" + section + "-fix";
}

bool cluster_runtime::start_venue(std::string& error, const std::string& name) {
  const auto* more = spec_.more_venue(name);
  if (name != "venue" && !more) {
    error = "no [" + name + "] in " + spec_.file;
    return false;
  }
  const auto& v = more ? *more : spec_.venue;
  set_aside_journals(run_dir_);
  std::vector<std::string> argv{venue_bin_, "--config", v.config, "--port", std::to_string(v.port),
                                "--speed", std::to_string(v.speed)};
  auto host = address_of(name);
  if (host != loopback_address)
    argv.insert(argv.end(), {"--host", host});
  if (v.fix) {
    // A fresh venue, a fresh FIX session on both sides: its sequence numbers
    // and sent messages are those of a book that no longer exists.
    std::error_code ec;
    fs::remove_all(venue_fix_store(run_dir_, name), ec);
    for (auto& n : spec_.nodes)
      fs::remove_all(node_venue_fix_store(run_dir_, n.id, name), ec);
    argv.insert(argv.end(), {"--fix-port", std::to_string(v.fix_port), "--fix-store",
                             venue_fix_store(run_dir_, name)});
  }
  argv.insert(argv.end(), v.args.begin(), v.args.end());
  process_record rec{name, -1, 0, 0, 0, run_dir_ + "/" + name + ".log", host};
  // A fresh log: the port is read from this run's startup line.
  std::ofstream(rec.log, std::ios::trunc).close();
  rec.pid = spawn_detached(argv, run_dir_, rec.log, error, namespace_of(name), tied_);
  if (rec.pid < 0)
    return false;
  auto rest = wait_for_log_line(rec.log, venue_marker, rec.pid, std::chrono::seconds(30));
  if (!rest) {
    error = "cwts-venue (" + name + ") did not print its listening line (see " + rec.log + ")";
    stop_process(rec.pid, spec_.stop_timeout);
    return false;
  }
  auto port_at = rest->find(port_marker);
  if (port_at != std::string::npos)
    rec.port = static_cast<uint16_t>(
      std::strtol(rest->c_str() + port_at + std::string(port_marker).size(), nullptr, 10));
  if (rec.port == 0) {
    error = "cwts-venue (" + name + ") printed no port (see " + rec.log + ")";
    stop_process(rec.pid, spec_.stop_timeout);
    return false;
  }
  if (v.fix) {
    auto at = rest->find(fix_marker);
    if (at != std::string::npos)
      rec.fix_port = static_cast<uint16_t>(
        std::strtol(rest->c_str() + at + std::string(fix_marker).size(), nullptr, 10));
    if (rec.fix_port == 0) {
      error = "cwts-venue (" + name + ") printed no FIX port (see " + rec.log + ")";
      stop_process(rec.pid, spec_.stop_timeout);
      return false;
    }
  }
  procs_[name] = rec;
  return true;
}

std::vector<std::string> cluster_runtime::venue_names() const {
  std::vector<std::string> out{"venue"};
  for (auto& v : spec_.more_venues)
    out.push_back(v.section);
  return out;
}

bool cluster_runtime::is_venue(const std::string& name) {
  return name == "venue" || name == "venue-2" || name == "venue-3" || name == "venue-4";
}

std::vector<std::string> cluster_runtime::node_argv(const node_spec& n) const {
  auto venue = venue_port();
  if (routes_.venue)
    venue = routes_.venue(n, venue);
  std::string peers;
  for (auto& p : spec_.nodes) {
    if (p.id == n.id)
      continue;
    auto address = routes_.peer ? routes_.peer(n, p)
                                : node_address(spec_, p, netns_) + ":" + std::to_string(p.cluster_port);
    // id@address: over TLS the certificate there must name that member.
    peers += std::string(peers.empty() ? "" : ",") + "\"" + p.id + "@" + address + "\"";
  }
  // Every node of the cluster config is a member, and nobody else
  // (issue 17 finding 2): the quorums are sized from this list.
  std::string members;
  for (auto& p : spec_.nodes)
    members += std::string(members.empty() ? "" : ",") + "\"" + p.id + "\"";
  std::vector<std::string> argv{node_bin_,
                                "--config-file=" + n.config,
                                "--cwts.node-id=" + n.id,
                                "--venue.port=" + std::to_string(venue),
                                "--venue.credentials-file=" + spec_.venue.credentials,
                                "--cluster.port=" + std::to_string(n.cluster_port),
                                "--cluster.peers=[" + peers + "]",
                                "--cluster.members=[" + members + "]",
                                "--admin.port=" + std::to_string(n.admin_port)};
  // Its own address: every port a peer, a probe or an operator dials binds
  // it (the node configs say 127.0.0.1), and the venue is where it listens.
  if (auto self = node_address(spec_, n, netns_); self != loopback_address)
    argv.insert(argv.end(), {"--cluster.host=" + self, "--admin.host=" + self,
                             "--kill.fanout-host=" + self});
  if (auto venue_host = address_of("venue"); venue_host != loopback_address)
    argv.push_back("--venue.host=" + venue_host);
  for (auto& v : spec_.more_venues) {
    // Each further venue, as the node config's same section: priced from
    // the first venue's feed (one venue streams a symbol), direct (no proxy).
    auto* p = process(v.section);
    if (!p)
      continue;
    auto key = "--" + v.section + ".";
    if (p->host != loopback_address)
      argv.push_back(key + "host=" + p->host);
    argv.insert(argv.end(), {key + "name=" + v.name, key + "port=" + std::to_string(p->port),
                             key + "credentials-file=" + v.credentials, key + "market-data=off",
                             key + "symbols=" + v.symbols, key + "protocol=" + v.protocol});
    if (v.fix)
      argv.insert(argv.end(), {key + "fix-port=" + std::to_string(p->fix_port),
                               key + "fix-store=" + node_venue_fix_store(run_dir_, n.id, v.section)});
  }
  if (!n.roles.empty())
    argv.push_back("--cwts.roles=" + n.roles);
  if (!n.key_name.empty()) {
    argv.push_back("--kill.node-key-name=" + n.key_name);
    argv.push_back("--kill.node-key-file=" + n.key_file);
  }
  if (!n.standby_for.empty())
    argv.push_back("--cluster.standby-for=" + n.standby_for);
  if (spec_.tls) {
    auto certs = fs::absolute(spec_.certs_dir).lexically_normal().string();
    argv.push_back("--openssl.certificate=" + certs + "/" + n.id + ".pem");
    argv.push_back("--openssl.key=" + certs + "/" + n.id + ".key");
    argv.push_back("--openssl.cafile=" + certs + "/ca.pem");
  } else {
    argv.push_back("--cluster.plain-tcp"); // the cluster config said [tls] enabled = false
  }
  argv.insert(argv.end(), spec_.node_args.begin(), spec_.node_args.end());
  argv.insert(argv.end(), n.args.begin(), n.args.end());
  argv.insert(argv.end(), node_extra_.begin(), node_extra_.end());
  return argv;
}

bool cluster_runtime::start_node(const std::string& id, std::string& error) {
  auto* n = spec_.node(id);
  if (!n) {
    error = "no node '" + id + "' in " + spec_.file;
    return false;
  }
  if (auto* old = process(id); old && process_alive(old->pid)) {
    error = "node " + id + " already runs (pid " + std::to_string(old->pid) + ")";
    return false;
  }
  process_record rec{id, -1, n->cluster_port, n->admin_port, 0, run_dir_ + "/" + id + ".log",
                     address_of(id)};
  rec.pid = spawn_detached(node_argv(*n), run_dir_, rec.log, error, namespace_of(id), tied_);
  if (rec.pid < 0)
    return false;
  procs_[id] = rec;
  return true;
}

bool cluster_runtime::start_all(std::string& error) {
  for (auto& v : venue_names())
    if (!process(v) || !process_alive(process(v)->pid))
      if (!start_venue(error, v)) {
        stop_all();
        return false;
      }
  for (auto& n : spec_.nodes)
    if (!start_node(n.id, error)) {
      stop_all();
      return false;
    }
  return true;
}

bool cluster_runtime::stop(const std::string& name) {
  auto* p = process(name);
  return p && stop_process(p->pid, spec_.stop_timeout);
}

void cluster_runtime::stop_all() {
  for (auto i = spec_.nodes.rbegin(); i != spec_.nodes.rend(); ++i)
    stop(i->id);
  auto venues = venue_names();
  for (auto i = venues.rbegin(); i != venues.rend(); ++i)
    stop(*i);
}

bool cluster_runtime::save_state(std::string& error) const {
  std::ofstream out(state_path(), std::ios::trunc);
  out << "; written by cwts cluster up: the processes of this cluster\n"
      << "[cluster]\nconfig=" << spec_.file << "\nnetns=" << (netns_ ? "true" : "false") << "\n";
  for (auto& [name, p] : procs_)
    out << "[process." << name << "]\npid=" << p.pid << "\nport=" << p.port
        << "\nadmin-port=" << p.admin_port << "\nfix-port=" << p.fix_port << "\nlog=" << p.log
        << "\nhost=" << p.host << "\n";
  if (!out) {
    error = "cannot write " + state_path();
    return false;
  }
  return true;
}

bool cluster_runtime::load_state(std::string& error) {
  auto ini = ini_file::load(state_path(), error);
  if (!ini) {
    error = "no running cluster recorded in " + run_dir_ + " (" + error + ")";
    return false;
  }
  procs_.clear();
  // `status` and `down` are not told --netns: the state says how it was started.
  netns_ = ini->get("cluster.netns").value_or("false") == "true";
  auto names = venue_names();
  for (auto& n : spec_.nodes)
    names.push_back(n.id);
  for (auto& name : names) {
    auto key = "process." + name + ".";
    auto pid = ini->get(key + "pid");
    if (!pid)
      continue;
    process_record rec;
    rec.name = name;
    rec.pid = static_cast<pid_t>(std::strtol(pid->c_str(), nullptr, 10));
    rec.port = static_cast<uint16_t>(std::strtol(ini->get(key + "port").value_or("0").c_str(), nullptr, 10));
    rec.admin_port = static_cast<uint16_t>(
      std::strtol(ini->get(key + "admin-port").value_or("0").c_str(), nullptr, 10));
    rec.fix_port = static_cast<uint16_t>(
      std::strtol(ini->get(key + "fix-port").value_or("0").c_str(), nullptr, 10));
    rec.log = ini->get(key + "log").value_or("");
    rec.host = ini->get(key + "host").value_or(loopback_address);
    procs_[name] = rec;
  }
  return true;
}

void cluster_runtime::remove_state() const {
  std::error_code ec;
  fs::remove(state_path(), ec);
}

} // namespace cwts::cluster
