#pragma once
// The byte transport under http_client, kept behind an interface so a TLS
// transport (ssl_stream over tcp_stream) can be added without touching the
// client. Today only plain TCP exists (the local venue on 127.0.0.1).
//
// Every operation takes an absolute deadline. Implementations run async
// operations on a private io_context: Beast's tcp_stream timeouts
// (expires_at) apply to async operations only; sync ones ignore them.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>

namespace cwts::connector {

using steady_deadline = std::chrono::steady_clock::time_point;
using http_request_message = boost::beast::http::request<boost::beast::http::string_body>;
using http_response_message = boost::beast::http::response<boost::beast::http::string_body>;

class http_transport {
public:
  virtual ~http_transport() = default;

  virtual bool is_open() const = 0;
  // True when an idle kept-alive connection can no longer be used: the peer
  // sent FIN or RST, or unexpected bytes arrived. Never blocks.
  virtual bool peer_closed() = 0;
  // True when bytes past the last answer were already read (an extra answer
  // to one request): peer_closed() is then true too, and the caller counts it.
  virtual bool has_unread_bytes() const { return false; }
  virtual boost::system::error_code connect(steady_deadline deadline) = 0;
  virtual boost::system::error_code write(const http_request_message& req,
                                          steady_deadline deadline)
    = 0;
  virtual boost::system::error_code read(http_response_message& res, steady_deadline deadline)
    = 0;
  virtual void close() = 0;
};

// Interim answers (1xx but 101 Switching Protocols) a read skips before the
// real one; past this many the answer is a protocol error.
inline constexpr int max_interim_answers = 8;
inline bool is_interim(unsigned status) {
  return status >= 100 && status < 200 && status != 101;
}

// Plain TCP to host:port.
std::unique_ptr<http_transport> make_tcp_transport(std::string host, uint16_t port);

} // namespace cwts::connector
