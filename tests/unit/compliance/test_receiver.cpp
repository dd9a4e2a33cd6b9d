#include "tests/unit/compliance/test_receiver.hpp"

#include <fcntl.h>

#include <functional>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "actors/compliance/compliance_notification.hpp"

namespace cwts::compliance_test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {
// A node the test starts afterwards must not inherit the listener (it would
// keep the port open, accepting into a backlog nobody reads, after stop()).
void close_on_exec(int fd) {
  ::fcntl(fd, F_SETFD, ::fcntl(fd, F_GETFD) | FD_CLOEXEC);
}
} // namespace

struct test_receiver::impl : std::enable_shared_from_this<impl> {
  std::vector<uint8_t> public_key;
  asio::io_context ioc;
  std::optional<tcp::acceptor> acceptor;
  std::shared_ptr<ssl::context> tls; // null: plain HTTP
  std::vector<std::function<void()>> closers; // io thread only
  std::thread thread;
  mutable std::mutex mtx;
  receiver_mode mode = receiver_mode::acknowledge;
  std::vector<received> requests;
  size_t hung = 0;

  // Records the request; the mode it is answered in.
  receiver_mode record(const http::request<http::string_body>& req) {
    received r;
    r.target = std::string(req.target());
    r.key = std::string(req[compliance::idempotency_header]);
    r.key_id = std::string(req[compliance::key_id_header]);
    r.content_type = std::string(req[boost::beast::http::field::content_type]);
    r.signature = std::string(req[compliance::signature_header]);
    r.body = req.body();
    r.verified = !public_key.empty() && compliance::verify_body(public_key, r.body, r.signature);
    std::lock_guard<std::mutex> g(mtx);
    auto m = mode;
    r.acknowledged = m == receiver_mode::acknowledge || m == receiver_mode::double_ack
                     || m == receiver_mode::interim || m == receiver_mode::oversized;
    if (m == receiver_mode::hang)
      ++hung;
    if (m == receiver_mode::double_ack)
      mode = receiver_mode::refuse;
    requests.push_back(std::move(r));
    return m;
  }

  void accept();
};

namespace {

// One connection over `Stream` (a socket, or TLS over one).
template <class Stream>
struct connection : std::enable_shared_from_this<connection<Stream>> {
  std::shared_ptr<test_receiver::impl> owner;
  Stream stream;
  beast::flat_buffer buf;
  http::request<http::string_body> req;
  http::response<http::string_body> res;
  std::string junk = "NOT-HTTP \x01\x02 garbage\r\n\r\n";
  std::string raw; // a hand-written answer (double_ack, interim)

  connection(std::shared_ptr<test_receiver::impl> o, Stream s)
    : owner(std::move(o)), stream(std::move(s)) {}

  void close() {
    error_code ignored;
    beast::get_lowest_layer(stream).close(ignored);
  }

  void read() {
    req = {};
    http::async_read(stream, buf, req, [self = this->shared_from_this()](error_code ec, std::size_t) {
      if (!ec)
        self->answer();
    });
  }

  void answer() {
    auto m = owner->record(req);
    if (m == receiver_mode::hang)
      return; // never answered: the connection stays open until stop()
    auto self = this->shared_from_this();
    if (m == receiver_mode::malformed) {
      asio::async_write(stream, asio::buffer(junk), [self](error_code, std::size_t) { self->close(); });
      return;
    }
    if (m == receiver_mode::double_ack || m == receiver_mode::interim) {
      std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
      raw = m == receiver_mode::double_ack ? ok + ok : "HTTP/1.1 100 Continue\r\n\r\n" + ok;
      asio::async_write(stream, asio::buffer(raw), [self](error_code ec, std::size_t) {
        if (!ec)
          self->read();
      });
      return;
    }
    res = {m == receiver_mode::refuse ? http::status::internal_server_error : http::status::ok, 11};
    res.body() = m == receiver_mode::oversized ? std::string(64 * 1024, 'x')
                 : m == receiver_mode::refuse  ? std::string("refused by the test receiver")
                                               : std::string("{\"ok\":true}");
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    http::async_write(stream, res, [self](error_code ec, std::size_t) {
      if (!ec)
        self->read();
    });
  }
};

template <class Stream>
std::shared_ptr<connection<Stream>> track(const std::shared_ptr<test_receiver::impl>& owner,
                                          Stream s) {
  auto c = std::make_shared<connection<Stream>>(owner, std::move(s));
  owner->closers.push_back([c] { c->close(); });
  return c;
}

} // namespace

void test_receiver::impl::accept() {
  acceptor->async_accept([self = shared_from_this()](error_code ec, tcp::socket sock) {
    if (ec)
      return;
    close_on_exec(sock.native_handle());
    if (!self->tls) {
      track(self, std::move(sock))->read();
    } else {
      auto c = track(self, beast::ssl_stream<tcp::socket>(std::move(sock), *self->tls));
      c->stream.async_handshake(ssl::stream_base::server, [c](error_code e) {
        if (!e)
          c->read();
      });
    }
    self->accept();
  });
}

test_receiver::test_receiver(std::vector<uint8_t> public_key)
  : public_key_(std::move(public_key)) {}

test_receiver::~test_receiver() { stop(); }

uint16_t test_receiver::start_tls(uint16_t port, const std::string& cert_file,
                                  const std::string& key_file) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  error_code ec;
  ctx->use_certificate_chain_file(cert_file, ec);
  if (!ec)
    ctx->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec)
    return 0;
  tls_ = ctx;
  auto p = start(port);
  tls_.reset();
  return p;
}

uint16_t test_receiver::start(uint16_t port) {
  stop();
  auto p = std::make_shared<impl>();
  p->public_key = public_key_;
  p->tls = std::static_pointer_cast<ssl::context>(tls_);
  if (impl_) {
    // Keep what the previous run received, and its mode.
    std::lock_guard<std::mutex> g(impl_->mtx);
    p->requests = impl_->requests;
    p->mode = impl_->mode;
    p->hung = impl_->hung;
  }
  error_code ec;
  p->acceptor.emplace(p->ioc);
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
  p->acceptor->open(ep.protocol(), ec);
  if (!ec)
    close_on_exec(p->acceptor->native_handle());
  if (!ec)
    p->acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec)
    p->acceptor->bind(ep, ec);
  if (!ec)
    p->acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return 0;
  port_ = p->acceptor->local_endpoint().port();
  p->accept();
  p->thread = std::thread([p] { p->ioc.run(); });
  impl_ = p;
  return port_;
}

void test_receiver::stop() {
  if (!impl_ || !impl_->thread.joinable())
    return;
  auto p = impl_;
  asio::post(p->ioc, [p] {
    error_code ignored;
    p->acceptor->close(ignored);
    for (auto& close : p->closers)
      close();
    p->closers.clear();
    p->ioc.stop();
  });
  p->thread.join();
  // The operations the closes aborted are queued with their handlers, which
  // hold the impl (accept) or a connection that holds it: run them now, or
  // the impl owns the io_context that owns them and none is ever freed
  // (LeakSanitizer, scripts/sanitize). Each returns on its error.
  p->ioc.restart();
  p->ioc.poll();
}

void test_receiver::set_mode(receiver_mode m) {
  if (!impl_)
    impl_ = std::make_shared<impl>();
  std::lock_guard<std::mutex> g(impl_->mtx);
  impl_->mode = m;
}

std::vector<received> test_receiver::requests() const {
  if (!impl_)
    return {};
  std::lock_guard<std::mutex> g(impl_->mtx);
  return impl_->requests;
}

size_t test_receiver::acknowledged() const {
  size_t n = 0;
  for (auto& r : requests())
    n += r.acknowledged ? 1 : 0;
  return n;
}

size_t test_receiver::hung() const {
  if (!impl_)
    return 0;
  std::lock_guard<std::mutex> g(impl_->mtx);
  return impl_->hung;
}

} // namespace cwts::compliance_test
