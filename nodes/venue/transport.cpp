#include "transport.hpp"

#include <stdexcept>

namespace cwts::venue {

namespace ssl = boost::asio::ssl;

ssl::context make_server_tls_context(const std::string& cert_file, const std::string& key_file) {
  ssl::context ctx(ssl::context::tls_server);
  // Binance serves TLS 1.2 and 1.3 only.
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2
                  | ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1
                  | ssl::context::single_dh_use);
  boost::system::error_code ec;
  ctx.use_certificate_chain_file(cert_file, ec);
  if (ec) throw std::runtime_error("tls cert-file '" + cert_file + "': " + ec.message());
  ctx.use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) throw std::runtime_error("tls key-file '" + key_file + "': " + ec.message());
  return ctx;
}

} // namespace cwts::venue
