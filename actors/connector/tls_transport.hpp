#pragma once
// TLS for the connector's REST client: an https transport for http_client
// with the peer's certificate verified against a CA file (the system's
// default paths when none is given) and the host name (or IP address)
// checked against the certificate (RFC 6125 via OpenSSL's
// X509_VERIFY_PARAM_set1_host / set1_ip_asc). SNI is sent for names.

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "actors/connector/http_transport.hpp"

namespace cwts::connector {

// A client context that verifies peers: TLS 1.2 or later, verify_peer, the
// CA file loaded (empty: the default verify paths). nullptr and `error` set
// when the file cannot be loaded.
std::shared_ptr<boost::asio::ssl::context> make_tls_client_context(const std::string& ca_file,
                                                                   std::string& error);

// Empty when TLS is off or the CA file loads, else "ca_file: <reason>".
std::string validate_tls(bool tls, const std::string& ca_file);

// Host, port and TLS, then the API key pair: checked alike by the signed
// venue configs (ws_api_config, okx_adapter_config). Empty when usable,
// else "<key>: <reason>".
template <class Config>
std::string validate_signed_endpoint(const Config& cfg) {
  if (cfg.host.empty())
    return "host: empty";
  if (cfg.port == 0)
    return "port: must be 1..65535";
  if (auto why = validate_tls(cfg.tls, cfg.ca_file); !why.empty())
    return why;
  if (cfg.api_key.empty())
    return "api_key: empty";
  if (cfg.secret.empty())
    return "secret: empty";
  return {};
}

// The same, failing closed: a CA file that cannot be loaded gives a context
// that trusts nothing, so every handshake fails (the configs' validate()
// names the problem first). Never nullptr.
std::shared_ptr<boost::asio::ssl::context> make_verifying_tls_context(const std::string& ca_file);

// Sets SNI and the name or IP address the certificate must match on one
// connection's SSL handle; false when OpenSSL refused it.
bool set_tls_peer_name(SSL* ssl, const std::string& host);

std::unique_ptr<http_transport> make_tls_transport(std::string host, uint16_t port,
                                                   std::shared_ptr<boost::asio::ssl::context> ctx);

// Plain TCP, or TLS verifying the venue (make_verifying_tls_context).
std::unique_ptr<http_transport> make_http_transport(std::string host, uint16_t port, bool tls,
                                                    const std::string& ca_file);

} // namespace cwts::connector
