#include "tests/unit/compliance/test_receiver.hpp"

#include <fcntl.h>

#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "actors/compliance/compliance_notification.hpp"

namespace cwts::compliance_test {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

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
  std::vector<std::shared_ptr<tcp::socket>> sockets; // io thread only
  std::thread thread;
  mutable std::mutex mtx;
  receiver_mode mode = receiver_mode::acknowledge;
  std::vector<received> requests;
  size_t hung = 0;

  void accept() {
    auto sock = std::make_shared<tcp::socket>(ioc);
    acceptor->async_accept(*sock, [self = shared_from_this(), sock](boost::system::error_code ec) {
      if (ec)
        return;
      close_on_exec(sock->native_handle());
      self->sockets.push_back(sock);
      self->read(sock, std::make_shared<boost::beast::flat_buffer>());
      self->accept();
    });
  }

  void read(std::shared_ptr<tcp::socket> sock, std::shared_ptr<boost::beast::flat_buffer> buf) {
    auto req = std::make_shared<http::request<http::string_body>>();
    http::async_read(*sock, *buf, *req,
                     [self = shared_from_this(), sock, buf, req](boost::system::error_code ec,
                                                                 std::size_t) {
                       if (!ec)
                         self->answer(sock, buf, *req);
                     });
  }

  void answer(std::shared_ptr<tcp::socket> sock, std::shared_ptr<boost::beast::flat_buffer> buf,
              const http::request<http::string_body>& req) {
    received r;
    r.target = std::string(req.target());
    r.key = std::string(req[compliance::idempotency_header]);
    r.key_id = std::string(req[compliance::key_id_header]);
    r.signature = std::string(req[compliance::signature_header]);
    r.body = req.body();
    r.verified = !public_key.empty() && compliance::verify_body(public_key, r.body, r.signature);
    receiver_mode m;
    {
      std::lock_guard<std::mutex> g(mtx);
      m = mode;
      r.acknowledged = m == receiver_mode::acknowledge;
      if (m == receiver_mode::hang)
        ++hung;
      requests.push_back(std::move(r));
    }
    if (m == receiver_mode::hang)
      return; // never answered: the socket stays open until stop()
    if (m == receiver_mode::malformed) {
      auto junk = std::make_shared<std::string>("NOT-HTTP \x01\x02 garbage\r\n\r\n");
      asio::async_write(*sock, asio::buffer(*junk), [sock, junk](boost::system::error_code, std::size_t) {
        boost::system::error_code ignored;
        sock->close(ignored);
      });
      return;
    }
    auto res = std::make_shared<http::response<http::string_body>>(
      m == receiver_mode::refuse ? http::status::internal_server_error : http::status::ok, 11);
    res->body() = m == receiver_mode::oversized ? std::string(64 * 1024, 'x')
                  : m == receiver_mode::refuse  ? std::string("refused by the test receiver")
                                                : std::string("{\"ok\":true}");
    res->keep_alive(req.keep_alive());
    res->prepare_payload();
    http::async_write(*sock, *res,
                      [self = shared_from_this(), sock, buf, res](boost::system::error_code ec,
                                                                  std::size_t) {
                        if (!ec)
                          self->read(sock, buf);
                      });
  }
};

test_receiver::test_receiver(std::vector<uint8_t> public_key)
  : public_key_(std::move(public_key)) {}

test_receiver::~test_receiver() { stop(); }

uint16_t test_receiver::start(uint16_t port) {
  stop();
  auto p = std::make_shared<impl>();
  p->public_key = public_key_;
  if (impl_) {
    // Keep what the previous run received, and its mode.
    std::lock_guard<std::mutex> g(impl_->mtx);
    p->requests = impl_->requests;
    p->mode = impl_->mode;
    p->hung = impl_->hung;
  }
  boost::system::error_code ec;
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
    boost::system::error_code ignored;
    p->acceptor->close(ignored);
    for (auto& s : p->sockets)
      s->close(ignored);
    p->sockets.clear();
    p->ioc.stop();
  });
  p->thread.join();
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
