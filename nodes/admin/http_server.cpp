#include "nodes/admin/http_server.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace cwts::admin {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct http_server::impl {
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
};

http_server::http_server(http_handler handler)
  : impl_(std::make_unique<impl>()), handler_(std::move(handler)) {}

http_server::~http_server() {
  stop();
}

namespace {

// One request, one answer; a client that sends nothing for 2 s is dropped so
// it cannot hold the admin thread.
void serve(tcp::socket& socket, const http_handler& handler) {
  timeval tv{2, 0};
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  boost::beast::flat_buffer buffer;
  http::request<http::string_body> req;
  boost::system::error_code ec;
  http::read(socket, buffer, req, ec);
  if (ec)
    return;
  http_reply reply;
  try {
    reply = handler(std::string(req.method_string()), std::string(req.target()));
  } catch (const std::exception& e) {
    reply = http_reply{500, "application/json",
                       std::string("{\"error\":\"") + e.what() + "\"}"};
  }
  http::response<http::string_body> res{static_cast<http::status>(reply.status), req.version()};
  res.set(http::field::server, "cwts-node");
  res.set(http::field::content_type, reply.content_type);
  res.keep_alive(false);
  res.body() = std::move(reply.body);
  res.prepare_payload();
  http::write(socket, res, ec);
  socket.shutdown(tcp::socket::shutdown_both, ec);
}

void accept_next(tcp::acceptor& acceptor, const http_handler& handler,
                 std::atomic<uint64_t>& requests) {
  acceptor.async_accept([&acceptor, &handler, &requests](boost::system::error_code ec,
                                                        tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open())
      return;
    if (!ec) {
      ++requests;
      serve(socket, handler);
    }
    accept_next(acceptor, handler, requests);
  });
}

} // namespace

bool http_server::start(const std::string& host, uint16_t port, std::string& error) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) {
    error = "admin.host: '" + host + "' is not an IP address";
    return false;
  }
  tcp::endpoint ep{address, port};
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec)
    a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec)
    a.bind(ep, ec);
  if (!ec)
    a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error = "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message();
    return false;
  }
  port_ = a.local_endpoint().port();
  accept_next(a, handler_, requests_);
  thread_ = std::thread([this] { impl_->ioc.run(); });
  return true;
}

void http_server::stop() {
  if (!thread_.joinable())
    return;
  asio::post(impl_->ioc, [this] {
    boost::system::error_code ec;
    impl_->acceptor.close(ec);
  });
  impl_->ioc.stop();
  thread_.join();
}

} // namespace cwts::admin
