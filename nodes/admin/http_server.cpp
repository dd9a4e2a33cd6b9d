#include "nodes/admin/http_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace cwts::admin {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

std::string json_error(const std::string& reason) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("error");
  w.String(reason.c_str(), static_cast<rapidjson::SizeType>(reason.size()));
  w.EndObject();
  return buf.GetString();
}

// What the connections share; owned by the server, outlives every
// connection (pools and acceptor are declared after the io_context, so they
// go first and nothing they hold outlives it).
struct http_server::impl {
  const http_handler& handler;
  const http_server_options& options;
  http_server::counters& counters;
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  asio::thread_pool commands;
  asio::thread_pool queries;
  std::thread io_thread;

  impl(const http_handler& h, const http_server_options& o, http_server::counters& c)
    : handler(h), options(o), counters(c), commands(std::max<std::size_t>(1, o.command_threads)),
      queries(std::max<std::size_t>(1, o.query_threads)) {}
};

namespace {

// A client gone mid-request gets no answer: nobody reads it.
bool client_gone(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof
         || ec == asio::error::connection_reset || ec == asio::error::broken_pipe
         || ec == http::error::partial_message;
}

http_reply run_handler(const http_handler& handler, const http_request& req) {
  try {
    return handler(req);
  } catch (const std::exception& e) {
    return http_reply{500, "application/json", json_error(e.what())};
  }
}

// One connection: read (under the deadline) -> handle (pool or inline) ->
// write (under the deadline again) -> close. Lives on the io thread, except
// the handler call; the pool posts the reply back to the io thread.
class connection : public std::enable_shared_from_this<connection> {
public:
  enum class phase { reading, handling, writing, closed };

  connection(http_server::impl& srv, tcp::socket socket)
    : srv_(srv), socket_(std::move(socket)), timer_(srv.ioc) {
    parser_.body_limit(srv.options.max_body);
  }
  ~connection() { --srv_.counters.open; }

  void start() {
    arm_deadline();
    auto self = shared_from_this();
    http::async_read(socket_, buffer_, parser_,
                     [self](const error_code& ec, std::size_t) { self->on_read(ec); });
  }

private:
  void arm_deadline() {
    timer_.expires_after(srv_.options.request_deadline);
    auto self = shared_from_this();
    timer_.async_wait([self](const error_code& ec) {
      if (ec || self->phase_ == phase::handling || self->phase_ == phase::closed)
        return;
      if (self->phase_ == phase::reading)
        ++self->srv_.counters.deadline;
      self->close();
    });
  }

  void on_read(const error_code& ec) {
    if (phase_ != phase::reading)
      return; // closed by the deadline
    phase_ = phase::handling;
    timer_.cancel();
    if (ec == http::error::body_limit) {
      ++srv_.counters.too_large;
      return reply(11, http_reply{413, "application/json",
                                  json_error("request body over "
                                             + std::to_string(srv_.options.max_body) + " bytes")});
    }
    if (ec && client_gone(ec))
      return close();
    if (ec) {
      ++srv_.counters.malformed;
      return reply(11, http_reply{400, "application/json",
                                  json_error("malformed HTTP request: " + ec.message())});
    }
    auto& req = parser_.get();
    ++srv_.counters.requests;
    unsigned version = req.version();
    http_request r{std::string(req.method_string()), std::string(req.target()),
                   std::move(req.body())};
    if (srv_.options.immediate && srv_.options.immediate(r))
      return reply(version, run_handler(srv_.handler, r));
    auto& pool = r.method == "POST" ? srv_.commands : srv_.queries;
    auto self = shared_from_this();
    asio::post(pool, [self, version, r = std::move(r)] {
      auto answer = run_handler(self->srv_.handler, r);
      asio::post(self->srv_.ioc, [self, version, answer = std::move(answer)]() mutable {
        self->reply(version, std::move(answer));
      });
    });
  }

  void reply(unsigned version, http_reply r) {
    if (phase_ == phase::closed)
      return;
    phase_ = phase::writing;
    res_.result(static_cast<http::status>(r.status));
    res_.version(version);
    res_.set(http::field::server, "cwts-node");
    res_.set(http::field::content_type, r.content_type);
    res_.keep_alive(false);
    res_.body() = std::move(r.body);
    res_.prepare_payload();
    arm_deadline(); // a client that does not read its answer cannot hold it
    auto self = shared_from_this();
    http::async_write(socket_, res_, [self](const error_code&, std::size_t) { self->close(); });
  }

  void close() {
    if (phase_ == phase::closed)
      return;
    phase_ = phase::closed;
    error_code ec;
    timer_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

  http_server::impl& srv_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  boost::beast::flat_buffer buffer_;
  http::request_parser<http::string_body> parser_;
  http::response<http::string_body> res_;
  phase phase_ = phase::reading;
};

// Over the cap: one 503 written without waiting (the kernel's socket buffer
// takes it, or the client does not get it), then closed.
void refuse_over_capacity(tcp::socket& socket, std::size_t cap) {
  auto body = json_error("admin port busy: " + std::to_string(cap) + " connections open");
  std::string text = "HTTP/1.1 503 Service Unavailable\r\nServer: cwts-node\r\n"
                     "Content-Type: application/json\r\nConnection: close\r\nContent-Length: "
                     + std::to_string(body.size()) + "\r\n\r\n" + body;
  error_code ec;
  socket.non_blocking(true, ec);
  socket.write_some(asio::buffer(text), ec);
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

void accept_next(http_server::impl& srv) {
  srv.acceptor.async_accept([&srv](const error_code& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !srv.acceptor.is_open())
      return;
    if (!ec) {
      if (srv.counters.open.load() >= srv.options.max_connections) {
        ++srv.counters.over_capacity;
        refuse_over_capacity(socket, srv.options.max_connections);
      } else {
        ++srv.counters.open;
        std::make_shared<connection>(srv, std::move(socket))->start();
      }
    }
    accept_next(srv);
  });
}

} // namespace

http_server::http_server(http_handler handler, http_server_options options)
  : handler_(std::move(handler)), options_(std::move(options)) {}

http_server::http_server(http_handler handler, std::size_t max_body)
  : http_server(std::move(handler), [max_body] {
      http_server_options o;
      o.max_body = max_body;
      return o;
    }()) {}

http_server::~http_server() {
  stop();
}

bool http_server::start(const std::string& host, uint16_t port, std::string& error) {
  error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) {
    error = "admin.host: '" + host + "' is not an IP address";
    return false;
  }
  impl_ = std::make_unique<impl>(handler_, options_, counters_);
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
    impl_.reset();
    return false;
  }
  port_ = a.local_endpoint().port();
  accept_next(*impl_);
  impl_->io_thread = std::thread([this] { impl_->ioc.run(); });
  return true;
}

// Handlers already running finish (a kill waiting for its report included);
// queued ones and open connections are dropped.
void http_server::stop() {
  if (!impl_ || !impl_->io_thread.joinable())
    return;
  asio::post(impl_->ioc, [this] {
    error_code ec;
    impl_->acceptor.close(ec);
  });
  impl_->ioc.stop();
  impl_->io_thread.join();
  impl_->commands.stop();
  impl_->queries.stop();
  impl_->commands.join();
  impl_->queries.join();
}

} // namespace cwts::admin
