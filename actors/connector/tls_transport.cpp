#include "actors/connector/tls_transport.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include "actors/connector/blocking_io.hpp"

namespace cwts::connector {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

std::shared_ptr<ssl::context> make_tls_client_context(const std::string& ca_file, std::string& error) {
  // OpenSSL's own message for a missing file is a bare "asio.ssl error":
  // say which file and why first.
  if (!ca_file.empty()) {
    std::FILE* f = std::fopen(ca_file.c_str(), "r");
    if (f == nullptr) {
      error = "cannot read '" + ca_file + "': " + std::strerror(errno);
      return nullptr;
    }
    std::fclose(f);
  }
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2
                     | ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                   ec);
  if (!ec)
    ctx->set_verify_mode(ssl::verify_peer, ec);
  if (!ec) {
    if (ca_file.empty())
      ctx->set_default_verify_paths(ec);
    else
      ctx->load_verify_file(ca_file, ec);
  }
  if (ec) {
    error = "cannot load " + (ca_file.empty() ? std::string("the default CA paths") : "'" + ca_file + "'")
            + ": " + ec.message();
    return nullptr;
  }
  return ctx;
}

std::string validate_tls(bool tls, const std::string& ca_file) {
  std::string error;
  if (tls && !make_tls_client_context(ca_file, error))
    return "ca_file: " + error;
  return {};
}

std::shared_ptr<ssl::context> make_verifying_tls_context(const std::string& ca_file) {
  std::string error;
  auto ctx = make_tls_client_context(ca_file, error);
  if (!ctx) {
    ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    ctx->set_verify_mode(ssl::verify_peer);
  }
  return ctx;
}

bool set_tls_peer_name(SSL* ssl, const std::string& host) {
  auto* param = SSL_get0_param(ssl);
  error_code ec;
  asio::ip::make_address(host, ec);
  if (!ec) // an IP address: matched against the certificate's IP SANs, no SNI
    return X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1;
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  return X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size()) == 1
         && SSL_set_tlsext_host_name(ssl, host.c_str()) == 1;
}

namespace {

class tls_transport final : public http_transport {
public:
  tls_transport(std::string host, uint16_t port, std::shared_ptr<ssl::context> ctx)
    : host_(std::move(host)), port_(std::to_string(port)), ctx_(std::move(ctx)) {}

  bool is_open() const override { return stream_ && beast::get_lowest_layer(*stream_).socket().is_open(); }
  bool has_unread_bytes() const override { return buffer_.size() != 0; }

  // A peek on the socket, not through TLS: FIN, an error or any pending
  // bytes (e.g. a close_notify) mean the kept-alive connection is not reused.
  bool peer_closed() override {
    if (!is_open())
      return true;
    // Decrypted bytes left past the last answer would be read as the next
    // request's answer: the connection is not reused.
    if (buffer_.size() != 0)
      return true;
    char probe = 0;
    auto fd = beast::get_lowest_layer(*stream_).socket().native_handle();
    auto n = ::recv(fd, &probe, 1, MSG_PEEK | MSG_DONTWAIT);
    return !(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
  }

  error_code connect(steady_deadline deadline) override {
    close();
    buffer_.clear();
    stream_.emplace(ioc_, *ctx_);
    if (!set_tls_peer_name(stream_->native_handle(), host_))
      return asio::error::invalid_argument;
    tcp::resolver::results_type endpoints;
    auto ec = resolve(deadline, endpoints);
    if (ec)
      return ec;
    auto& tcp_layer = beast::get_lowest_layer(*stream_);
    tcp_layer.expires_at(deadline);
    ec = run([&](auto handler) {
      tcp_layer.async_connect(endpoints, [handler](error_code e, const tcp::endpoint&) mutable {
        handler(e);
      });
    });
    if (ec)
      return ec;
    // The certificate chain and the name are checked here: a wrong CA or
    // name fails the handshake (nothing is ever sent on such a connection).
    return run([&](auto handler) {
      stream_->async_handshake(ssl::stream_base::client,
                               [handler](error_code e) mutable { handler(e); });
    });
  }

  error_code write(const http_request_message& req, steady_deadline deadline) override {
    beast::get_lowest_layer(*stream_).expires_at(deadline);
    return run([&](auto handler) {
      http::async_write(*stream_, req, [handler](error_code e, std::size_t) mutable { handler(e); });
    });
  }

  error_code read(http_response_message& res, steady_deadline deadline) override {
    beast::get_lowest_layer(*stream_).expires_at(deadline);
    error_code ec;
    // Interim 1xx answers (100 Continue) precede the real one (http_transport.hpp).
    for (int i = 0; i < max_interim_answers; ++i) {
      res = {};
      ec = run([&](auto handler) {
        http::async_read(*stream_, buffer_, res,
                         [handler](error_code e, std::size_t) mutable { handler(e); });
      });
      if (ec || !is_interim(res.result_int()))
        return ec;
    }
    return http::error::bad_status;
  }

  void close() override {
    if (!stream_)
      return;
    error_code ignored;
    auto& sock = beast::get_lowest_layer(*stream_).socket();
    sock.shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(*stream_).close();
  }

private:
  template <class Start>
  error_code run(Start start) {
    return run_one(ioc_, std::move(start));
  }

  error_code resolve(steady_deadline deadline, tcp::resolver::results_type& out) {
    return resolve_by(ioc_, resolver_, host_, port_, deadline, out);
  }

  std::string host_;
  std::string port_;
  std::shared_ptr<ssl::context> ctx_;
  asio::io_context ioc_;
  tcp::resolver resolver_{ioc_};
  std::optional<beast::ssl_stream<beast::tcp_stream>> stream_;
  beast::flat_buffer buffer_;
};

} // namespace

std::unique_ptr<http_transport> make_tls_transport(std::string host, uint16_t port,
                                                   std::shared_ptr<ssl::context> ctx) {
  return std::make_unique<tls_transport>(std::move(host), port, std::move(ctx));
}

std::unique_ptr<http_transport> make_http_transport(std::string host, uint16_t port, bool tls,
                                                    const std::string& ca_file) {
  if (!tls)
    return make_tcp_transport(std::move(host), port);
  return make_tls_transport(std::move(host), port, make_verifying_tls_context(ca_file));
}

} // namespace cwts::connector
