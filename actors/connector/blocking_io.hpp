#pragma once
// Blocking steps on a private io_context, shared by the plain and TLS HTTP
// transports: each starts one async operation and runs the io_context until
// it completes, so Beast's expires_at deadlines apply (sync calls ignore them).

#include <string>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/system/error_code.hpp>

#include "actors/connector/http_transport.hpp"

namespace cwts::connector {

// Starts one async operation (start receives the completion handler) and runs
// ioc until it completes; the deadline set on the stream makes it complete in time.
template <class Start>
boost::system::error_code run_one(boost::asio::io_context& ioc, Start start) {
  boost::system::error_code result = boost::asio::error::would_block;
  start([&result](boost::system::error_code e) { result = e; });
  ioc.restart();
  ioc.run();
  return result;
}

// async_resolve is not covered by tcp_stream's expiry: a timer cancels it,
// and a cancelled resolve reads as beast::error::timeout.
inline boost::system::error_code resolve_by(boost::asio::io_context& ioc,
                                            boost::asio::ip::tcp::resolver& resolver,
                                            const std::string& host, const std::string& port,
                                            steady_deadline deadline,
                                            boost::asio::ip::tcp::resolver::results_type& out) {
  using boost::system::error_code;
  boost::asio::steady_timer timer(ioc, deadline);
  error_code result = boost::asio::error::would_block;
  resolver.async_resolve(host, port,
                         [&](error_code e, boost::asio::ip::tcp::resolver::results_type r) {
                           timer.cancel();
                           result = e;
                           out = std::move(r);
                         });
  timer.async_wait([&](error_code e) {
    if (!e)
      resolver.cancel();
  });
  ioc.restart();
  ioc.run();
  return result == boost::asio::error::operation_aborted ? boost::beast::error::timeout : result;
}

} // namespace cwts::connector
