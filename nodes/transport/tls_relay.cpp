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
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

namespace cwts {

namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

// One relayed connection: a TLS stream on one side, plain loopback TCP to
// (or from) CAF on the other; one read loop per direction.
class bridge : public std::enable_shared_from_this<bridge> {
public:
  bridge(net::io_context& io, ssl::context& ctx) : tls_(io, ctx), plain_(io) {}

  ssl::stream<tcp::socket>& tls() { return tls_; }
  tcp::socket& plain() { return plain_; }

  void start() {
    tls_to_plain();
    plain_to_tls();
  }

  void close() {
    if (closed_)
      return;
    closed_ = true;
    error_code ec;
    plain_.shutdown(tcp::socket::shutdown_both, ec);
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
  tcp::socket plain_;
  std::array<char, 65536> from_tls_{};
  std::array<char, 65536> from_plain_{};
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
  std::map<std::string, uint16_t> clients; // "host:port" -> local port
  std::vector<std::shared_ptr<tcp::acceptor>> acceptors;
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> handshake_failures{0};
  std::atomic<uint64_t> upstream_failures{0};
  std::atomic<uint64_t> identity_refused{0};
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

  // Server side: TLS from a peer, plain to our CAF.
  void accept_tls(std::shared_ptr<tcp::acceptor> a, uint16_t plain_port) {
    auto b = std::make_shared<bridge>(io, server_ctx);
    a->async_accept(b->tls().lowest_layer(), [this, a, b, plain_port](error_code ec) {
      if (ec == net::error::operation_aborted)
        return;
      if (!ec)
        b->tls().async_handshake(ssl::stream_base::server, [this, b, plain_port](error_code hec) {
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
          b->plain().async_connect(tcp::endpoint(net::ip::address_v4::loopback(), plain_port),
                                   [this, b](error_code cec) {
                                     if (cec) {
                                       ++upstream_failures;
                                       return b->close();
                                     }
                                     ++accepted;
                                     b->start();
                                   });
        });
      accept_tls(a, plain_port);
    });
  }

  // Client side: plain from our CAF, TLS to the peer (whose certificate must
  // name the address we dial).
  void accept_plain(std::shared_ptr<tcp::acceptor> a, std::string host, uint16_t port,
                    std::string expected) {
    auto b = std::make_shared<bridge>(io, client_ctx);
    a->async_accept(b->plain(), [this, a, b, host, port, expected](error_code ec) {
      if (ec == net::error::operation_aborted)
        return;
      if (!ec) {
        b->tls().set_verify_callback(ssl::host_name_verification(host));
        error_code rec;
        auto address = net::ip::make_address(host, rec);
        b->tls().lowest_layer().async_connect(tcp::endpoint(address, port), [this, b, host, port, expected](error_code cec) {
          if (cec) {
            ++upstream_failures;
            return b->close();
          }
          b->tls().async_handshake(ssl::stream_base::client, [this, b, host, port, expected](error_code hec) {
            if (hec) {
              ++handshake_failures;
              spdlog::warn("event=node_tls_refused side=client peer={}:{} reason=\"{}\"", host, port,
                           hec.message());
              return b->close();
            }
            // The address is right (host_name_verification); the node behind
            // it must be the member we meant to reach.
            auto cn = peer_common_name(b->tls());
            if (!expected.empty() && cn != expected) {
              refuse_identity("client", host + ":" + std::to_string(port), cn,
                              "certificate names '" + cn + "', this address is member '" + expected
                                + "'");
              return b->close();
            }
            ++accepted;
            b->start();
          });
        });
      }
      accept_plain(a, host, port, expected);
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

uint16_t tls_relays::serve(const std::string& host, uint16_t port, uint16_t plain_port, std::string& error) {
  auto a = impl_->listen(host, port, error);
  if (!a)
    return 0;
  auto bound = a->local_endpoint().port();
  net::post(impl_->io, [this, a, plain_port] { impl_->accept_tls(a, plain_port); });
  return bound;
}

uint16_t tls_relays::client_port(const std::string& host, uint16_t port,
                                 const std::string& expected, std::string& error) {
  auto key = expected + "@" + host + ":" + std::to_string(port);
  {
    std::lock_guard<std::mutex> guard(impl_->mutex);
    if (auto i = impl_->clients.find(key); i != impl_->clients.end())
      return i->second;
  }
  error_code ec;
  net::ip::make_address(host, ec);
  if (ec) {
    error = "bad peer address '" + host + "' (an IP address is expected): " + ec.message();
    return 0;
  }
  auto a = impl_->listen("127.0.0.1", 0, error);
  if (!a)
    return 0;
  auto local = a->local_endpoint().port();
  {
    std::lock_guard<std::mutex> guard(impl_->mutex);
    impl_->clients[key] = local;
  }
  net::post(impl_->io, [this, a, host, port, expected] { impl_->accept_plain(a, host, port, expected); });
  return local;
}

void tls_relays::restrict_peers(std::vector<std::string> members) {
  std::lock_guard<std::mutex> guard(impl_->mutex);
  impl_->members = std::move(members);
}

tls_relay_counters tls_relays::counters() const {
  return {impl_->accepted.load(), impl_->handshake_failures.load(), impl_->upstream_failures.load(),
          impl_->identity_refused.load()};
}

} // namespace cwts
