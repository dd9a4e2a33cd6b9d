// Issue 17 finding 6, the part about the ports: "on a TLS cluster CAF still
// listens on a plain loopback port and the relays' local ports are plain;
// `cwts status` with no certificate got full status and actor handles".
// Against a real node over TLS, as a local attacker without a certificate:
//   1. the node listens on exactly two TCP ports, its cluster port (TLS)
//      and its admin port (HTTP): no CAF port, no relay client port;
//   2. plain CAF (BASP, no TLS) to the cluster port gets no actor handle,
//      and the node logs the refused handshake;
//   3. `cwts status` without a certificate is refused; with a certificate
//      the cluster CA signed for a member it is answered (the CLI
//      authenticates like a node);
//   4. CAF's own listener is a Unix socket in a folder only the node's user
//      may enter: another user (here `nobody`, when the test runs as root)
//      cannot even connect to it.
// Every wait is on a log line or a command's outcome.
#define CAF_SUITE node_caf_port
#include "tests/support/unit_test.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "caf/all.hpp"
#include "caf/io/all.hpp"

#include "common/process.hpp"
#include "messages/registry.hpp"
#include "nodes/cluster/listening_ports.hpp"
#include "tests/integration/node/stop_node.hpp"
#include "tests/integration/support/cluster.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {


std::string field(const std::string& line, const std::string& key) {
  auto f = parse_fields(line);
  auto i = f.find(key);
  return i == f.end() ? std::string() : i->second;
}

// Whether a process running as `nobody` can connect to the Unix socket at
// `path`; errno of its connect() (0: it connected).
int connect_as_nobody(const std::string& path) {
  // In a forked copy: setuid must not change this test's own credentials.
  return proc::run_in_child([&path] {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0)
      return 100;
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    return rc == 0 ? 0 : (errno & 0x7f);
  });
}

struct plain_client_config : caf::actor_system_config {
  plain_client_config() {
    register_message_types(*this);
    load<caf::io::middleman>();
  }
};

} // namespace

CAF_TEST(a_tls_node_offers_its_actors_to_no_unauthenticated_client) {
  auto paths = cluster_paths::from_env();
  CAF_REQUIRE_EQUAL(paths.missing(), "");
  auto dir = make_test_dir("node_caf_port");
  CAF_MESSAGE("logs in " << dir);
  auto port = free_port();
  auto certs = paths.certs_dir();
  const std::vector<std::string> certificate{"--openssl.certificate=" + certs + "/gw1.pem",
                                             "--openssl.key=" + certs + "/gw1.key",
                                             "--openssl.cafile=" + certs + "/ca.pem"};
  std::vector<std::string> args{"--cwts.node-id=gw1", "--cwts.roles=[\"witness\"]",
                                "--cluster.peers=[]", "--cluster.members=[\"gw1\"]"};
  args.insert(args.end(), certificate.begin(), certificate.end());
  child_process node("gw1", node_argv(paths, "node-gateway.ini", 1, port, args), dir, dir);
  auto published = node.wait_for_line(
    stream::err, [](const std::string& l) { return has(l, "event=published"); }, 30s);
  auto admin = node.wait_for_line(
    stream::err, [](const std::string& l) { return has(l, "event=admin_listening"); }, 30s);
  if (!published || !admin)
    CAF_MESSAGE("gw1 stderr:\n" << tail(node.err()));
  CAF_REQUIRE(published.has_value() && admin.has_value());
  CAF_CHECK_EQUAL(field(*published, "transport"), "tls");
  auto caf_socket = field(*published, "caf_socket");
  auto admin_port = static_cast<uint16_t>(std::stoul(field(*admin, "port")));
  CAF_REQUIRE(!caf_socket.empty());

  // 1. Only the cluster port and the admin port.
  auto ports = cluster::listening_tcp_ports(node.pid());
  CAF_CHECK_EQUAL(ports.size(), 2u);
  CAF_CHECK(ports.count(port) == 1);
  CAF_CHECK(ports.count(admin_port) == 1);
  for (auto p : ports)
    if (p != port && p != admin_port)
      CAF_FAIL("the node listens on TCP port " << p << ", neither its cluster nor admin port");

  // 2. Plain CAF to the cluster port: no handle; plain bytes: hung up on.
  CAF_CHECK_EQUAL(cluster::plain_client_outcome(port, 5s), "closed");
  {
    plain_client_config cfg;
    caf::actor_system sys{cfg};
    auto remote = sys.middleman().remote_actor("127.0.0.1", port);
    CAF_CHECK(!remote);
    if (remote)
      CAF_MESSAGE("plain CAF got a handle to " << to_string(remote->node()));
  }
  auto refused = node.wait_for_line(
    stream::err,
    [](const std::string& l) { return has(l, "event=node_tls_refused side=server"); }, 30s);
  CAF_CHECK(refused.has_value());

  // 3. The CLI without a certificate is refused; with one it is answered.
  auto node_arg = "--node=127.0.0.1:" + std::to_string(port);
  auto anonymous = run_command("status", {paths.cli_bin, "status", node_arg, "--timeout-ms=5000"},
                               dir, 60s);
  CAF_CHECK_NOT_EQUAL(anonymous.exit_code, 0);
  CAF_CHECK(!has(anonymous.out, "gw1"));
  std::vector<std::string> with_cert{paths.cli_bin, "status", node_arg};
  with_cert.insert(with_cert.end(), certificate.begin(), certificate.end());
  auto authenticated = run_command("status", with_cert, dir, 60s);
  if (authenticated.exit_code != 0)
    CAF_MESSAGE("status with a certificate: " << authenticated.out << authenticated.err);
  CAF_CHECK_EQUAL(authenticated.exit_code, 0);
  CAF_CHECK(has(authenticated.out, "gw1"));

  // 4. CAF's Unix socket: owner-only, in an owner-only folder.
  struct stat sock_st{}, folder_st{};
  auto folder = caf_socket.substr(0, caf_socket.rfind('/'));
  CAF_REQUIRE_EQUAL(::stat(caf_socket.c_str(), &sock_st), 0);
  CAF_REQUIRE_EQUAL(::stat(folder.c_str(), &folder_st), 0);
  CAF_CHECK(S_ISSOCK(sock_st.st_mode));
  CAF_CHECK_EQUAL(sock_st.st_mode & 0777, 0600u);
  CAF_CHECK_EQUAL(folder_st.st_mode & 0777, 0700u);
  CAF_CHECK_EQUAL(folder_st.st_uid, ::geteuid());
  if (::geteuid() == 0) {
    // Root passes file permissions; another user does not.
    CAF_CHECK_EQUAL(connect_as_nobody(caf_socket), EACCES);
  } else {
    CAF_MESSAGE("not root: cannot try the socket as another user (modes checked above)");
  }
  CWTS_STOP_NODE(node);
  // A clean stop leaves nothing behind in the temporary folder.
  CAF_CHECK_NOT_EQUAL(::stat(folder.c_str(), &folder_st), 0);
}
