// cwts keys: generates everything one deployment authenticates with, so that
// no key is shared with anyone who has a copy of the repository (issue 17
// finding 7):
//
//   DIR/operators.ini                  who may command the nodes: each
//                                      operator's and node's public key, roles
//   DIR/operators/<name>.pem|.pub.pem  operator keys (Ed25519): in a real
//                                      deployment the .pem goes to its operator
//   DIR/nodes/node-<id>.pem|.pub.pem   node keys (Ed25519, role kill, node=<id>)
//   DIR/certs/ca.pem                   the cluster CA's certificate
//   DIR/certs/<id>.pem|.key            one TLS certificate per node, CN = <id>,
//                                      for loopback and the node's addresses
//                                      (its cluster config's, --nodes ID@IP)
//
// The CA's private key is never written beside the certificates: it exists
// in memory while the leaves are signed, and only --keep-ca-key=FILE (outside
// DIR) keeps it. Private keys are mode 0600; an existing DIR/operators.ini is
// never replaced.

#include "nodes/cwts/keys_command.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/operator_auth.hpp"
#include "nodes/cluster/cluster_spec.hpp"
#include "nodes/cluster/netns.hpp"
#include "nodes/cwts/cert_gen.hpp"

namespace cwts {

namespace {

namespace fs = std::filesystem;

constexpr const char* keys_usage =
  "usage: cwts keys [--out=DIR] [--cluster=FILE ...] [--nodes=ID[@IP],ID[@IP]...]\n"
  "                 [--operator=NAME=ROLE,ROLE... ...] [--keep-ca-key=FILE]\n"
  "Generates one deployment's keys and certificates into DIR (default run/keys):\n"
  "  DIR/operators.ini                 operators and node keys (public halves) with roles;\n"
  "                                    point [operators] file at it\n"
  "  DIR/operators/NAME.pem, .pub.pem  operator keys (give each .pem to its operator)\n"
  "  DIR/nodes/node-ID.pem, .pub.pem   node keys ([kill] node-key-file)\n"
  "  DIR/certs/ca.pem, ID.pem, ID.key  TLS: the cluster CA and one certificate per node\n"
  "                                    (CN = node id); the CA key is not kept unless\n"
  "                                    --keep-ca-key=FILE names a place outside DIR\n"
  "Nodes: those of each --cluster config ([cluster] nodes) and --nodes; neither given:\n"
  "  solo,gw1,tr1,w1,tr2 (every node of the shipped configs).\n"
  "Certificates name 127.0.0.1, ::1, localhost and each node's addresses: a --cluster\n"
  "  config's [node.ID] address and the one `cwts cluster up --netns` gives it, and\n"
  "  the IP of --nodes ID@IP (a node on its own host).\n"
  "Operators (roles: risk-officer, operations, kill, kill-full, reset); none given:\n"
  "  alice=risk-officer,operations,kill,kill-full,reset and bob=operations.\n"
  "An existing DIR/operators.ini is never replaced (exit 2).\n"
  "example:\n"
  "  cwts keys --out=run/keys --cluster=config/cluster-3.ini \\\n"
  "    --operator=alice=kill,kill-full,reset --operator=bob=operations,risk-officer\n";

struct keys_options {
  std::string out = "run/keys";
  std::vector<std::string> nodes;
  std::map<std::string, std::vector<std::string>> addresses; // node -> its IPv4 addresses
  std::vector<std::pair<std::string, std::string>> operators; // name, roles
  std::string keep_ca_key;
};

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 32)
    return false;
  for (unsigned char c : name)
    if (!std::isalnum(c) && c != '-' && c != '_')
      return false;
  return true;
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, sep)) {
    auto b = item.find_first_not_of(" \t\"");
    auto e = item.find_last_not_of(" \t\"");
    if (b != std::string::npos)
      out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

// The node ids of a cluster config ([cluster] nodes = "gw1,tr1,w1") and
// the addresses each may be dialed at (with and without --netns).
bool cluster_nodes(const std::string& file, keys_options& o, std::string& error) {
  auto spec = cluster::load_cluster_spec(file, error);
  if (!spec) {
    error = "--cluster=" + file + ": " + error;
    return false;
  }
  for (auto& n : spec->nodes) {
    o.nodes.push_back(n.id);
    for (auto& a : cluster::node_addresses(*spec, n))
      o.addresses[n.id].push_back(a);
  }
  return true;
}

// --nodes: "ID" or "ID@IP" (a node on its own host).
bool add_node(const std::string& item, keys_options& o, std::string& error) {
  auto at = item.find('@');
  o.nodes.push_back(item.substr(0, at));
  if (at == std::string::npos)
    return true;
  auto ip = item.substr(at + 1);
  if (!netns::is_ipv4(ip)) {
    error = "--nodes: '" + item + "': '" + ip + "' is not an IPv4 address";
    return false;
  }
  o.addresses[item.substr(0, at)].push_back(ip);
  return true;
}

bool parse(int argc, char** argv, keys_options& o, std::string& error) {
  bool nodes_given = false;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* key) -> std::optional<std::string> {
      std::string prefix = std::string(key) + "=";
      if (a.rfind(prefix, 0) == 0)
        return a.substr(prefix.size());
      return std::nullopt;
    };
    if (auto v = value("--out")) {
      o.out = *v;
    } else if (auto v = value("--cluster")) {
      nodes_given = true;
      if (!cluster_nodes(*v, o, error))
        return false;
    } else if (auto v = value("--nodes")) {
      nodes_given = true;
      for (auto& n : split(*v, ','))
        if (!add_node(n, o, error))
          return false;
    } else if (auto v = value("--operator")) {
      auto eq = v->find('=');
      if (eq == std::string::npos) {
        error = "--operator=" + *v + ": expected NAME=ROLE,ROLE...";
        return false;
      }
      o.operators.emplace_back(v->substr(0, eq), v->substr(eq + 1));
    } else if (auto v = value("--keep-ca-key")) {
      o.keep_ca_key = *v;
    } else {
      error = "unknown argument '" + a + "' (try cwts keys --help)";
      return false;
    }
  }
  if (!nodes_given)
    o.nodes = {"solo", "gw1", "tr1", "w1", "tr2"};
  if (o.operators.empty())
    o.operators = {{"alice", "risk-officer,operations,kill,kill-full,reset"}, {"bob", "operations"}};
  std::set<std::string> seen;
  std::vector<std::string> unique;
  for (auto& n : o.nodes) {
    if (!valid_name(n)) {
      error = "node id '" + n + "': 1..32 characters of [A-Za-z0-9_-]";
      return false;
    }
    if (seen.insert(n).second)
      unique.push_back(n);
  }
  o.nodes = unique;
  std::set<std::string> names;
  for (auto& [name, roles] : o.operators) {
    if (!valid_name(name) || name.rfind("node-", 0) == 0) {
      error = "--operator name '" + name + "': 1..32 characters of [A-Za-z0-9_-], not node-*";
      return false;
    }
    if (!names.insert(name).second) {
      error = "--operator '" + name + "' given twice";
      return false;
    }
    for (auto& r : split(roles, ','))
      if (!parse_operator_role(r)) {
        error = "--operator " + name + ": unknown role '" + r
                + "' (risk-officer, operations, kill, kill-full, reset)";
        return false;
      }
  }
  if (!o.keep_ca_key.empty()) {
    auto dir = fs::weakly_canonical(fs::absolute(o.out));
    auto key = fs::weakly_canonical(fs::absolute(o.keep_ca_key));
    if (key.string().rfind(dir.string() + "/", 0) == 0) {
      error = "--keep-ca-key=" + o.keep_ca_key + " is inside " + o.out
              + ": the CA key must not sit beside the certificates it signs";
      return false;
    }
  }
  return true;
}

bool write_key_pair(const fs::path& prefix, std::string& error) {
  auto key = ed25519_signer::generate();
  return write_new_file(prefix.string() + ".pem", key.private_pem(), 0600, error)
         && write_new_file(prefix.string() + ".pub.pem", key.public_pem(), 0644, error);
}

std::string operators_ini(const keys_options& o) {
  std::ostringstream out;
  out << "; Generated by `cwts keys` for this deployment (docs/operators.md). Who may\n"
         "; command the nodes: each operator's and node's Ed25519 public key (paths\n"
         "; relative to this file) and roles. Node keys hold only role kill.\n\n"
         "[operators]\nwindow-seconds = 30\n";
  for (auto& [name, roles] : o.operators)
    out << "\n[operator." << name << "]\npublic-key-file = \"operators/" << name
        << ".pub.pem\"\nroles = \"" << roles << "\"\n";
  for (auto& n : o.nodes)
    out << "\n[operator.node-" << n << "]\npublic-key-file = \"nodes/node-" << n
        << ".pub.pem\"\nroles = \"kill\"\nnode = \"" << n << "\"\n";
  return out.str();
}

bool generate(const keys_options& o, std::string& error) {
  fs::path dir(o.out);
  if (fs::exists(dir / "operators.ini")) {
    error = (dir / "operators.ini").string()
            + " exists: keys are never replaced (delete the folder to start over, or pick "
              "another --out)";
    return false;
  }
  std::error_code ec;
  for (auto* sub : {"operators", "nodes", "certs"}) {
    fs::create_directories(dir / sub, ec);
    if (ec) {
      error = "cannot create " + (dir / sub).string() + ": " + ec.message();
      return false;
    }
  }
  for (auto& [name, roles] : o.operators)
    if (!write_key_pair(dir / "operators" / name, error))
      return false;
  for (auto& n : o.nodes)
    if (!write_key_pair(dir / "nodes" / ("node-" + n), error))
      return false;
  keys::certificate_authority ca("CWTS-Ultra cluster CA");
  if (!write_new_file(dir / "certs" / "ca.pem", ca.certificate_pem(), 0644, error))
    return false;
  for (auto& n : o.nodes) {
    auto at = o.addresses.find(n);
    auto leaf = ca.issue(n, at == o.addresses.end() ? std::vector<std::string>{} : at->second);
    if (!write_new_file(dir / "certs" / (n + ".pem"), leaf.certificate, 0644, error)
        || !write_new_file(dir / "certs" / (n + ".key"), leaf.key, 0600, error))
      return false;
  }
  if (!o.keep_ca_key.empty() && !write_new_file(o.keep_ca_key, ca.private_key_pem(), 0600, error))
    return false;
  // Last: its presence says the folder is complete.
  return write_new_file(dir / "operators.ini", operators_ini(o), 0644, error);
}

} // namespace

bool write_new_file(const fs::path& path, const std::string& text, mode_t mode, std::string& error) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, mode);
  if (fd < 0) {
    error = "cannot create " + path.string() + ": " + std::strerror(errno);
    return false;
  }
  bool ok = ::fchmod(fd, mode) == 0;
  for (size_t done = 0; ok && done < text.size();) {
    auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    ok = n > 0;
    done += ok ? static_cast<size_t>(n) : 0;
  }
  ok = ::close(fd) == 0 && ok;
  if (!ok)
    error = "cannot write " + path.string() + ": " + std::strerror(errno);
  return ok;
}

int run_keys_command(int argc, char** argv) {
  for (int i = 2; i < argc; ++i)
    if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") {
      std::cout << keys_usage;
      return 0;
    }
  keys_options o;
  std::string error;
  if (!parse(argc, argv, o, error)) {
    std::cerr << "cwts keys: " << error << "\n";
    return 2;
  }
  try {
    if (!generate(o, error)) {
      std::cerr << "cwts keys: " << error << "\n";
      return 2;
    }
  } catch (const std::exception& e) {
    std::cerr << "cwts keys: " << e.what() << "\n";
    return 2;
  }
  std::string nodes;
  for (auto& n : o.nodes)
    nodes += (nodes.empty() ? "" : ",") + n;
  std::string ops;
  for (auto& [name, roles] : o.operators)
    ops += (ops.empty() ? "" : ",") + name;
  std::cout << "cwts keys: wrote " << o.out << " operators=" << ops << " nodes=" << nodes
            << " ca_key=" << (o.keep_ca_key.empty() ? "discarded" : o.keep_ca_key) << "\n";
  return 0;
}

} // namespace cwts
