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

namespace {

std::string endpoint_text(const boost::asio::ip::tcp::socket& s) {
  boost::system::error_code ec;
  auto ep = s.remote_endpoint(ec);
  if (ec) return {};
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

} // namespace

std::string remote_address(const http_transport& t) {
  return std::visit(
    [](auto& s) { return endpoint_text(boost::beast::get_lowest_layer(s).socket()); }, t);
}

std::string remote_address(const ws_transport& t) {
  return std::visit(
    [](auto& s) { return endpoint_text(boost::beast::get_lowest_layer(s).socket()); }, t);
}

} // namespace cwts::venue
