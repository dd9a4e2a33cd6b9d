#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "actors/connector/blocking_io.hpp"
#include "actors/connector/http_transport.hpp"

namespace cwts::connector {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

class tcp_transport final : public http_transport {
public:
  tcp_transport(std::string host, uint16_t port)
    : host_(std::move(host)), port_(std::to_string(port)) {}

  bool is_open() const override { return stream_.socket().is_open(); }
  bool has_unread_bytes() const override { return buffer_.size() != 0; }

  bool peer_closed() override {
    auto& sock = stream_.socket();
    if (!sock.is_open())
      return true;
    // Bytes read past the last answer (a second answer to one request) would
    // be parsed as the next request's answer: the connection is not reused.
    if (buffer_.size() != 0)
      return true;
    error_code ec;
    sock.non_blocking(true, ec);
    char probe = 0;
    sock.read_some(asio::buffer(&probe, 1), ec);
    error_code ignored;
    sock.non_blocking(false, ignored);
    // would_block: nothing to read and no FIN, the connection is usable.
    // Anything else (eof, reset, stray bytes) means it is not.
    return ec != asio::error::would_block;
  }

  error_code connect(steady_deadline deadline) override {
    close();
    buffer_.clear();
    tcp::resolver::results_type endpoints;
    auto ec = resolve(deadline, endpoints);
    if (ec)
      return ec;
    stream_.expires_at(deadline);
    return run([&](auto handler) {
      stream_.async_connect(endpoints, [handler](error_code e, const tcp::endpoint&) mutable {
        handler(e);
      });
    });
  }

  error_code write(const http_request_message& req, steady_deadline deadline) override {
    stream_.expires_at(deadline);
    return run([&](auto handler) {
      http::async_write(stream_, req, [handler](error_code e, std::size_t) mutable { handler(e); });
    });
  }

  error_code read(http_response_message& res, steady_deadline deadline) override {
    stream_.expires_at(deadline);
    error_code ec;
    // Interim 1xx answers (100 Continue) precede the real one: read past
    // them, a few at most, all under the same deadline.
    for (int i = 0; i < max_interim_answers; ++i) {
      res = {};
      ec = run([&](auto handler) {
        http::async_read(stream_, buffer_, res,
                         [handler](error_code e, std::size_t) mutable { handler(e); });
      });
      if (ec || !is_interim(res.result_int()))
        return ec;
    }
    return http::error::bad_status;
  }

  void close() override {
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
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
  asio::io_context ioc_;
  tcp::resolver resolver_{ioc_};
  beast::tcp_stream stream_{ioc_};
  beast::flat_buffer buffer_;
};

} // namespace

std::unique_ptr<http_transport> make_tcp_transport(std::string host, uint16_t port) {
  return std::make_unique<tcp_transport>(std::move(host), port);
}

} // namespace cwts::connector
