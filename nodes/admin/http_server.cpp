#include "nodes/admin/http_server.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace cwts::admin {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

std::string json_error(const std::string& reason) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("error");
  w.String(reason.c_str(), static_cast<rapidjson::SizeType>(reason.size()));
  w.EndObject();
  return buf.GetString();
}

namespace {

// What the serving code needs of the server (it outlives the io thread).
struct serve_context {
  const http_handler& handler;
  std::size_t max_body;
  std::atomic<uint64_t>& requests;
  std::atomic<uint64_t>& too_large;
  std::atomic<uint64_t>& malformed;
};

} // namespace

struct http_server::impl {
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::unique_ptr<serve_context> ctx;
};

http_server::http_server(http_handler handler, std::size_t max_body)
  : impl_(std::make_unique<impl>()), handler_(std::move(handler)), max_body_(max_body) {}

http_server::~http_server() {
  stop();
}

namespace {

void write_reply(tcp::socket& socket, unsigned version, http_reply reply) {
  http::response<http::string_body> res{static_cast<http::status>(reply.status), version};
  res.set(http::field::server, "cwts-node");
  res.set(http::field::content_type, reply.content_type);
  res.keep_alive(false);
  res.body() = std::move(reply.body);
  res.prepare_payload();
  boost::system::error_code ec;
  http::write(socket, res, ec);
  socket.shutdown(tcp::socket::shutdown_both, ec);
}

// A client gone or silent (no bytes for 2 s) gets no answer: nobody reads it.
bool client_gone(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof
         || ec == asio::error::connection_reset || ec == asio::error::would_block
         || ec == asio::error::try_again || ec == asio::error::timed_out
         || ec == http::error::partial_message;
}

// One request, one answer; a client that sends nothing for 2 s is dropped so
// it cannot hold the admin thread.
void serve(tcp::socket& socket, const serve_context& ctx) {
  timeval tv{2, 0};
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  boost::beast::flat_buffer buffer;
  http::request_parser<http::string_body> parser;
  parser.body_limit(ctx.max_body);
  boost::system::error_code ec;
  http::read(socket, buffer, parser, ec);
  if (ec == http::error::body_limit) {
    ++ctx.too_large;
    write_reply(socket, 11,
                http_reply{413, "application/json",
                           json_error("request body over " + std::to_string(ctx.max_body)
                                      + " bytes")});
    return;
  }
  if (ec && client_gone(ec))
    return;
  if (ec) {
    ++ctx.malformed;
    write_reply(socket, 11,
                http_reply{400, "application/json",
                           json_error("malformed HTTP request: " + ec.message())});
    return;
  }
  auto& req = parser.get();
  ++ctx.requests;
  http_reply reply;
  try {
    reply = ctx.handler(http_request{std::string(req.method_string()), std::string(req.target()),
                                     std::move(req.body())});
  } catch (const std::exception& e) {
    reply = http_reply{500, "application/json", json_error(e.what())};
  }
  write_reply(socket, req.version(), std::move(reply));
}

void accept_next(tcp::acceptor& acceptor, const serve_context& ctx) {
  acceptor.async_accept([&acceptor, &ctx](boost::system::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open())
      return;
    if (!ec)
      serve(socket, ctx);
    accept_next(acceptor, ctx);
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
  impl_->ctx = std::make_unique<serve_context>(
    serve_context{handler_, max_body_, requests_, too_large_, malformed_});
  accept_next(a, *impl_->ctx);
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
