#include "nodes/transport/relay_middleman.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "caf/all.hpp"
#include "caf/io/all.hpp"
#include "caf/io/basp_broker.hpp"
#include "caf/io/middleman_actor_impl.hpp"
#include "caf/io/network/default_multiplexer.hpp"
#include "caf/io/network/doorman_impl.hpp"
#include "caf/io/network/scribe_impl.hpp"

#include "nodes/transport/tls_relay.hpp"

namespace cwts {

namespace {

std::string errno_text(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

using caf::io::network::default_multiplexer;

// CAF's stream and acceptor work on any stream socket, but its default
// scribe and doorman read their address as IPv4/IPv6 and abort the process
// on a Unix socket ("invalid protocol family"). These report the relay
// instead: the peer's real address is the relay's to log.
class unix_scribe : public caf::io::network::scribe_impl {
public:
  using scribe_impl::scribe_impl;
  std::string addr() const override { return "tls-relay"; }
  uint16_t port() const override { return 0; }
};

class unix_doorman : public caf::io::network::doorman_impl {
public:
  unix_doorman(default_multiplexer& mpx, caf::io::network::native_socket fd, std::string path)
    : doorman_impl(mpx, fd), path_(std::move(path)) {}

  bool new_connection() override {
    if (detached())
      return false; // as CAF's: the broker let go of us, the socket is not yet removed
    auto& mpx = acceptor_.backend();
    auto scribe = caf::make_counted<unix_scribe>(mpx, acceptor_.accepted_socket());
    auto hdl = scribe->hdl();
    parent()->add_scribe(std::move(scribe));
    return doorman::new_connection(&mpx, hdl);
  }

  std::string addr() const override { return path_; }
  uint16_t port() const override { return 0; }

private:
  std::string path_;
};

class relay_middleman : public caf::io::middleman_actor_impl {
public:
  relay_middleman(caf::actor_config& cfg, caf::actor basp, tls_relays* relays)
    : caf::io::middleman_actor_impl(cfg, std::move(basp)), relays_(relays) {}

  const char* name() const override { return "cwts.relay_middleman"; }

protected:
  caf::expected<caf::io::scribe_ptr> connect(const std::string& host, uint16_t port) override {
    std::string error;
    int fd = relays_->dial(host, port, error);
    if (fd < 0)
      return caf::make_error(caf::sec::cannot_connect_to_node, error);
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    return caf::io::scribe_ptr{caf::make_counted<unix_scribe>(backend(), fd)};
  }

  caf::expected<caf::io::doorman_ptr> open(uint16_t, const char* path, bool) override {
    std::string error;
    if (path == nullptr || *path == '\0')
      return caf::make_error(caf::sec::cannot_open_port,
                             "over TLS CAF listens only on a private Unix socket: no path given");
    int fd = listen_private_socket(path, error);
    if (fd < 0)
      return caf::make_error(caf::sec::cannot_open_port, error);
    return caf::io::doorman_ptr{caf::make_counted<unix_doorman>(backend(), fd, path)};
  }

private:
  // The default backend: node_transport never installs another.
  default_multiplexer& backend() {
    return static_cast<default_multiplexer&>(system().middleman().backend());
  }

  tls_relays* relays_;
};

} // namespace

caf::io::middleman_actor relay_middleman_of(caf::actor_system& sys, tls_relays& relays) {
  // One per actor system, held by its registry. It must be gone before the
  // system's scheduler stops (an actor destroyed later, when the registry is
  // cleared, crashes in its cleanup), so it leaves with the BASP broker,
  // which the middleman stops first.
  static std::mutex mutex;
  std::lock_guard<std::mutex> guard(mutex);
  auto key = caf::atom("cwts-mm");
  if (auto existing = sys.registry().get(key))
    return caf::actor_cast<caf::io::middleman_actor>(existing);
  auto basp = sys.middleman().named_broker<caf::io::basp_broker>(caf::atom("BASP"));
  auto mm = sys.spawn<relay_middleman, caf::hidden>(basp, &relays);
  sys.registry().put(key, caf::actor_cast<caf::strong_actor_ptr>(mm));
  auto mm_addr = caf::actor_cast<caf::actor_addr>(mm);
  basp->attach_functor([&sys, key, mm_addr] {
    caf::anon_send_exit(mm_addr, caf::exit_reason::kill);
    sys.registry().erase(key);
  });
  return mm;
}

int listen_private_socket(const std::string& path, std::string& error) {
  sockaddr_un addr{};
  if (path.size() >= sizeof(addr.sun_path)) {
    error = "Unix socket path too long (" + std::to_string(path.size()) + " bytes): " + path;
    return -1;
  }
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    error = errno_text("socket");
    return -1;
  }
  // The folder (0700) keeps other users out from the start; the socket
  // itself is made owner-only before anyone is told of it.
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0
      || ::chmod(path.c_str(), 0600) != 0 || ::listen(fd, SOMAXCONN) != 0) {
    error = errno_text(("cannot listen on " + path).c_str());
    ::close(fd);
    return -1;
  }
  return fd;
}

std::string make_private_folder(const std::string& prefix, std::string& error) {
  std::string base = "/tmp";
  // sun_path holds 107 bytes: keep room for the socket's name.
  if (const char* t = std::getenv("TMPDIR"); t && *t && std::strlen(t) < 64)
    base = t;
  // mkdtemp replaces the trailing six characters with a unique name and
  // makes the folder 0700.
  std::string folder = base + "/" + prefix + "-XXXXXX";
  if (!::mkdtemp(folder.data())) {
    error = errno_text(("mkdtemp " + base).c_str());
    return "";
  }
  return folder;
}

} // namespace cwts
