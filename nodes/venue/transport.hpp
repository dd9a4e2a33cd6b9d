#pragma once
// The venue listener's two transports: plain TCP, or TLS over TCP when
// [tls] enabled (https and wss on the same listener: REST, /ws, /stream and
// /ws-api/v3 alike). A session holds one of them in a variant and visits it
// for every I/O call, so one session type serves both.

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <string>
#include <variant>

namespace cwts::venue {

using plain_stream = boost::beast::tcp_stream;
using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
using http_transport = std::variant<plain_stream, tls_stream>;
using ws_transport = std::variant<boost::beast::websocket::stream<plain_stream>,
                                  boost::beast::websocket::stream<tls_stream>>;

// "address:port" of the peer of a connection (the venue's order log records
// it); empty when the socket is already closed.
std::string remote_address(const http_transport& t);
std::string remote_address(const ws_transport& t);

// A server TLS context (TLS 1.2+) with the certificate chain and private key
// in PEM files. Throws std::runtime_error naming the file that failed.
boost::asio::ssl::context make_server_tls_context(const std::string& cert_file,
                                                  const std::string& key_file);

} // namespace cwts::venue
