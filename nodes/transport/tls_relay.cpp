#include "nodes/transport/tls_relay.hpp"

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace cwts {

namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using local = net::local::stream_protocol;
using error_code = boost::system::error_code;

// How long a TLS connection may take to connect and finish its handshake.
constexpr auto handshake_deadline = std::chrono::seconds(10);

// One relayed connection: a TLS stream on one side, a Unix stream socket to
// (or from) CAF on the other; one read loop per direction.
class bridge : public std::enable_shared_from_this<bridge> {
public:
  bridge(net::io_context& io, ssl::context& ctx) : tls_(io, ctx), plain_(io), deadline_(io) {}

  ssl::stream<tcp::socket>& tls() { return tls_; }
  local::socket& plain() { return plain_; }

  // Closes the bridge unless start() comes within the handshake deadline;
  // `on_timeout` counts it.
  template <class F>
  void arm_deadline(F on_timeout) {
    deadline_.expires_after(handshake_deadline);
    auto self = shared_from_this();
    deadline_.async_wait([self, on_timeout](error_code ec) {
      if (ec || self->started_ || self->closed_)
        return;
      on_timeout();
      self->close();
    });
  }

  void start() {
    started_ = true;
    deadline_.cancel();
    tls_to_plain();
    plain_to_tls();
  }

  void close() {
    if (closed_)
      return;
    closed_ = true;
    deadline_.cancel();
    error_code ec;
    plain_.shutdown(local::socket::shutdown_both, ec);
    plain_.close(ec);
    tls_.lowest_layer().shutdown(tcp::socket::shutdown_both, ec);
    tls_.lowest_layer().close(ec);
  }

private:
  void tls_to_plain() {
    auto self = shared_from_this();
    tls_.async_read_some(net::buffer(from_tls_), [self](error_code ec, size_t n) {
      if (ec)
        return self->close();
      net::async_write(self->plain_, net::buffer(self->from_tls_, n), [self](error_code wec, size_t) {
        if (wec)
          return self->close();
        self->tls_to_plain();
      });
    });
  }

  void plain_to_tls() {
    auto self = shared_from_this();
    plain_.async_read_some(net::buffer(from_plain_), [self](error_code ec, size_t n) {
      if (ec)
        return self->close();
      net::async_write(self->tls_, net::buffer(self->from_plain_, n), [self](error_code wec, size_t) {
        if (wec)
          return self->close();
        self->plain_to_tls();
      });
    });
  }

  ssl::stream<tcp::socket> tls_;
  local::socket plain_;
  net::steady_timer deadline_;
  std::array<char, 65536> from_tls_{};
  std::array<char, 65536> from_plain_{};
  bool started_ = false;
  bool closed_ = false;
};

bool load_identity(ssl::context& ctx, const tls_identity& id, std::string& error) {
  error_code ec;
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3
                    | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                  ec);
  if (!id.passphrase.empty())
    ctx.set_password_callback([pw = id.passphrase](size_t, ssl::context::password_purpose) { return pw; });
  if (!ec)
    ctx.use_certificate_chain_file(id.certificate, ec);
  if (ec) {
    error = "certificate " + id.certificate + ": " + ec.message();
    return false;
  }
  ctx.use_private_key_file(id.key, ssl::context::pem, ec);
  if (ec) {
    error = "key " + id.key + ": " + ec.message();
    return false;
  }
  ctx.load_verify_file(id.ca_file, ec);
  if (ec) {
    error = "CA file " + id.ca_file + ": " + ec.message();
    return false;
  }
  // Mutual: a peer must present a certificate our CA signed.
  ctx.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  return true;
}

std::string common_name(X509* cert) {
  if (!cert)
    return "";
  char buf[256] = {0};
  int n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof(buf));
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// The CN of the certificate the other end of `s` presented (verified by
// then: the handshake succeeded).
std::string peer_common_name(ssl::stream<tcp::socket>& s) {
  X509* cert = SSL_get1_peer_certificate(s.native_handle());
  auto cn = common_name(cert);
  X509_free(cert);
  return cn;
}

} // namespace

std::string certificate_common_name(const std::string& pem_file, std::string& error) {
  FILE* f = std::fopen(pem_file.c_str(), "r");
  if (!f) {
    error = "cannot open " + pem_file;
    return "";
  }
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (!cert) {
    error = pem_file + " holds no PEM certificate";
    return "";
  }
  auto cn = common_name(cert);
  X509_free(cert);
  return cn;
}

struct tls_relays::impl {
  net::io_context io;
  net::executor_work_guard<net::io_context::executor_type> work{io.get_executor()};
  ssl::context server_ctx{ssl::context::tls_server};
  ssl::context client_ctx{ssl::context::tls_client};
  std::mutex mutex;
  std::map<std::string, std::string> expected; // "host:port" -> member id there
  std::vector<std::shared_ptr<tcp::acceptor>> acceptors;
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> handshake_failures{0};
  std::atomic<uint64_t> upstream_failures{0};
  std::atomic<uint64_t> identity_refused{0};
  std::atomic<uint64_t> handshake_timeouts{0};
  std::vector<std::string> members; // under `mutex`; empty: any CA-signed peer
  std::thread thread;

  // Empty when a peer presenting `cn` may connect to us; else why not.
  std::string inbound_refusal(const std::string& cn) {
    std::lock_guard<std::mutex> guard(mutex);
    if (members.empty() || std::find(members.begin(), members.end(), cn) != members.end())
      return "";
    std::string list;
    for (auto& m : members)
      list += (list.empty() ? "" : ",") + m;
    return "certificate names '" + cn + "', not a member of the cluster (members: " + list + ")";
  }

  void refuse_identity(const char* side, const std::string& peer, const std::string& cn,
                       const std::string& why) {
    auto n = ++identity_refused;
    spdlog::warn("event=node_tls_refused side={} peer={} presented={} refused_total={} reason=\"{}\"",
                 side, peer, cn.empty() ? "-" : cn, n, why);
  }

  std::shared_ptr<tcp::acceptor> listen(const std::string& host, uint16_t port, std::string& error) {
    error_code ec;
    auto address = net::ip::make_address(host, ec);
    if (ec) {
      error = "bad listen address '" + host + "': " + ec.message();
      return nullptr;
    }
    auto a = std::make_shared<tcp::acceptor>(io);
    tcp::endpoint ep(address, port);
    a->open(ep.protocol(), ec);
    if (!ec)
      a->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec)
      a->bind(ep, ec);
    if (!ec)
      a->listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      error = "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message();
      return nullptr;
    }
    std::lock_guard<std::mutex> guard(mutex);
    acceptors.push_back(a);
    return a;
  }

  void handshake_timed_out(const char* side) {
    auto n = ++handshake_timeouts;
    spdlog::warn("event=node_tls_refused side={} timeouts_total={} reason=\"no TLS handshake "
                 "within {} s\"", side, n, handshake_deadline.count());
  }

  // Server side: TLS from a peer, then CAF's private Unix socket.
  void accept_tls(std::shared_ptr<tcp::acceptor> a, std::string local_path) {
    auto b = std::make_shared<bridge>(io, server_ctx);
    a->async_accept(b->tls().lowest_layer(), [this, a, b, local_path](error_code ec) {
      if (ec == net::error::operation_aborted)
        return;
      if (!ec) {
        b->arm_deadline([this] { handshake_timed_out("server"); });
        b->tls().async_handshake(ssl::stream_base::server, [this, b, local_path](error_code hec) {
          if (hec) {
            ++handshake_failures;
            spdlog::warn("event=node_tls_refused side=server reason=\"{}\"", hec.message());
            return b->close();
          }
          auto cn = peer_common_name(b->tls());
          if (auto why = inbound_refusal(cn); !why.empty()) {
            error_code rec;
            auto remote = b->tls().lowest_layer().remote_endpoint(rec);
            refuse_identity("server", rec ? std::string("?") : remote.address().to_string() + ":"
                                                                 + std::to_string(remote.port()),
                            cn, why);
            return b->close();
          }
          b->plain().async_connect(local::endpoint(local_path), [this, b](error_code cec) {
            if (cec) {
              ++upstream_failures;
              return b->close();
            }
            ++accepted;
            b->start();
          });
        });
      }
      accept_tls(a, local_path);
    });
  }

  std::string expected_at(const std::string& host, uint16_t port) {
    std::lock_guard<std::mutex> guard(mutex);
    auto i = expected.find(host + ":" + std::to_string(port));
    return i == expected.end() ? std::string() : i->second;
  }

  // Client side: CAF's end of a socketpair on one side, TLS to the peer
  // (whose certificate must name the address we dial, and the member
  // expected there) on the other.
  void connect_tls(std::shared_ptr<bridge> b, const std::string& host, uint16_t port) {
    auto expected_cn = expected_at(host, port);
    b->tls().set_verify_callback(ssl::host_name_verification(host));
    error_code rec;
    auto address = net::ip::make_address(host, rec);
    b->arm_deadline([this] { handshake_timed_out("client"); });
    b->tls().lowest_layer().async_connect(tcp::endpoint(address, port), [this, b, host, port,
                                                                        expected_cn](error_code cec) {
      if (cec) {
        ++upstream_failures;
        return b->close();
      }
      b->tls().async_handshake(ssl::stream_base::client, [this, b, host, port, expected_cn](error_code hec) {
        if (hec) {
          ++handshake_failures;
          spdlog::warn("event=node_tls_refused side=client peer={}:{} reason=\"{}\"", host, port,
                       hec.message());
          return b->close();
        }
        // The address is right (host_name_verification); the node behind
        // it must be the member we meant to reach.
        auto cn = peer_common_name(b->tls());
        if (!expected_cn.empty() && cn != expected_cn) {
          refuse_identity("client", host + ":" + std::to_string(port), cn,
                          "certificate names '" + cn + "', this address is member '" + expected_cn
                            + "'");
          return b->close();
        }
        ++accepted;
        b->start();
      });
    });
  }
};

tls_relays::tls_relays(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

tls_relays::~tls_relays() {
  impl_->work.reset();
  impl_->io.stop();
  if (impl_->thread.joinable())
    impl_->thread.join();
}

std::unique_ptr<tls_relays> tls_relays::create(const tls_identity& id, std::string& error) {
  auto p = std::make_unique<impl>();
  if (!load_identity(p->server_ctx, id, error) || !load_identity(p->client_ctx, id, error))
    return nullptr;
  auto* raw = p.get();
  p->thread = std::thread([raw] { raw->io.run(); });
  return std::unique_ptr<tls_relays>(new tls_relays(std::move(p)));
}

uint16_t tls_relays::serve(const std::string& host, uint16_t port, const std::string& local_path,
                           std::string& error) {
  auto a = impl_->listen(host, port, error);
  if (!a)
    return 0;
  auto bound = a->local_endpoint().port();
  net::post(impl_->io, [this, a, local_path] { impl_->accept_tls(a, local_path); });
  return bound;
}

std::string tls_relays::expect(const std::string& host, uint16_t port, const std::string& expected) {
  error_code ec;
  net::ip::make_address(host, ec);
  if (ec)
    return "bad peer address '" + host + "' (an IP address is expected): " + ec.message();
  std::lock_guard<std::mutex> guard(impl_->mutex);
  impl_->expected[host + ":" + std::to_string(port)] = expected;
  return "";
}

int tls_relays::dial(const std::string& host, uint16_t port, std::string& error) {
  error_code ec;
  net::ip::make_address(host, ec);
  if (ec) {
    error = "bad peer address '" + host + "' (an IP address is expected): " + ec.message();
    return -1;
  }
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
    error = std::string("socketpair: ") + std::strerror(errno);
    return -1;
  }
  auto b = std::make_shared<bridge>(impl_->io, impl_->client_ctx);
  b->plain().assign(local(), ends[1], ec);
  if (ec) {
    ::close(ends[0]);
    ::close(ends[1]);
    error = "socketpair: " + ec.message();
    return -1;
  }
  net::post(impl_->io, [this, b, host, port] { impl_->connect_tls(b, host, port); });
  return ends[0];
}

void tls_relays::restrict_peers(std::vector<std::string> members) {
  std::lock_guard<std::mutex> guard(impl_->mutex);
  impl_->members = std::move(members);
}

tls_relay_counters tls_relays::counters() const {
  return {impl_->accepted.load(), impl_->handshake_failures.load(), impl_->upstream_failures.load(),
          impl_->identity_refused.load(), impl_->handshake_timeouts.load()};
}

} // namespace cwts
