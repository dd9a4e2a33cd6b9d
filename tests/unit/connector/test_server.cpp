#include "tests/unit/connector/test_server.hpp"

#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace cwts::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

// Unblocks accept()/read() in the server thread from the test thread:
// shutdown(2) on a descriptor is safe across threads, asio calls are not.
void shutdown_fd(const std::atomic<int>& fd) {
  int f = fd.load();
  if (f >= 0)
    ::shutdown(f, SHUT_RDWR);
}

// Both servers' thread: one connection at a time, until the destructor sets
// `stopping` and shuts the acceptor down. The connection's descriptor is in
// `conn_fd` while it is served, for the destructor to end a blocked read.
template <class Serve>
void serve_connections(asio::io_context& ioc, tcp::acceptor& acceptor,
                       const std::atomic<bool>& stopping, std::atomic<int>& connections,
                       std::atomic<int>& conn_fd, Serve serve) {
  while (!stopping) {
    tcp::socket sock(ioc);
    boost::system::error_code ec;
    acceptor.accept(sock, ec);
    if (ec || stopping)
      return;
    ++connections;
    conn_fd = sock.native_handle();
    serve(sock);
    conn_fd = -1;
  }
}

} // namespace

std::map<std::string, std::string> split_query(const std::string& target) {
  std::map<std::string, std::string> out;
  auto q = target.find('?');
  if (q == std::string::npos)
    return out;
  std::string rest = target.substr(q + 1);
  size_t pos = 0;
  while (pos <= rest.size()) {
    auto amp = rest.find('&', pos);
    auto part = rest.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    auto eq = part.find('=');
    if (eq != std::string::npos)
      out[part.substr(0, eq)] = part.substr(eq + 1);
    if (amp == std::string::npos)
      break;
    pos = amp + 1;
  }
  return out;
}

uint16_t unused_port() {
  asio::io_context ioc;
  tcp::acceptor a(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

tcp::endpoint loopback_any_port() {
  return tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0);
}

http_test_server::http_test_server(handler h)
  : handler_(std::move(h)), acceptor_(ioc_, loopback_any_port()) {
  port_ = acceptor_.local_endpoint().port();
  thread_ = std::thread([this] { run(); });
}

http_test_server::~http_test_server() {
  stopping_ = true;
  cv_.notify_all();
  ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
  shutdown_fd(conn_fd_);
  thread_.join();
}

std::vector<recorded_request> http_test_server::requests() const {
  std::lock_guard<std::mutex> guard(mtx_);
  return requests_;
}

void http_test_server::run() {
  serve_connections(ioc_, acceptor_, stopping_, connections_, conn_fd_,
                    [this](tcp::socket& sock) { serve(sock); });
}

void http_test_server::serve(tcp::socket& sock) {
  beast::flat_buffer buf;
  for (;;) {
    http::request<http::string_body> req;
    boost::system::error_code ec;
    http::read(sock, buf, req, ec);
    if (ec)
      return;
    recorded_request rec{std::string(req.method_string()), std::string(req.target()),
                         std::string(req["X-MBX-APIKEY"]), req.body(), std::string(req["API-Key"]),
                         std::string(req["API-Sign"])};
    size_t seen = 0;
    {
      std::lock_guard<std::mutex> guard(mtx_);
      requests_.push_back(rec);
      seen = requests_.size();
    }
    auto mode = mode_.load();
    if (mode == server_mode::hang) {
      std::unique_lock<std::mutex> lock(mtx_);
      cv_.wait(lock, [this] { return stopping_.load(); });
      return;
    }
    if (mode == server_mode::close_silently)
      return;
    auto reply = handler_(rec);
    http::response<http::string_body> res{static_cast<http::status>(reply.status), 11};
    res.set(http::field::content_type, "application/json");
    res.set("X-MBX-USED-WEIGHT-1M", std::to_string(seen));
    for (auto& [name, value] : reply.headers)
      res.set(name, value);
    res.keep_alive(true);
    res.body() = reply.body;
    res.prepare_payload();
    http::write(sock, res, ec);
    if (ec || mode == server_mode::respond_then_close)
      return;
  }
}

ws_test_server::ws_test_server(std::vector<std::string> frames, bool close_after_frames)
  : acceptor_(ioc_, loopback_any_port()),
    frames_(std::move(frames)),
    close_after_(close_after_frames) {
  port_ = acceptor_.local_endpoint().port();
  thread_ = std::thread([this] { run(); });
}

ws_test_server::~ws_test_server() {
  stopping_ = true;
  ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
  shutdown_fd(conn_fd_);
  thread_.join();
}

std::string ws_test_server::last_target() const {
  std::lock_guard<std::mutex> guard(mtx_);
  return target_;
}

void ws_test_server::run() {
  serve_connections(ioc_, acceptor_, stopping_, connections_, conn_fd_,
                    [this](tcp::socket& sock) { serve(sock); });
}

void ws_test_server::serve(tcp::socket& sock) {
  boost::system::error_code ec;
  beast::flat_buffer buf;
  http::request<http::string_body> req;
  http::read(sock, buf, req, ec);
  if (ec)
    return;
  {
    std::lock_guard<std::mutex> guard(mtx_);
    target_ = std::string(req.target());
  }
  websocket::stream<tcp::socket&> ws(sock);
  ws.control_callback([this](websocket::frame_type kind, beast::string_view) {
    if (kind == websocket::frame_type::pong)
      ++pongs_;
  });
  ws.accept(req, ec);
  if (ec)
    return;
  ws.ping({}, ec);
  ws.text(true);
  for (const auto& f : frames_)
    ws.write(asio::buffer(f), ec);
  if (close_after_) {
    ws.close(websocket::close_code::going_away, ec);
    // Drain until the client's close frame arrives.
    beast::flat_buffer drain;
    while (!ec)
      ws.read(drain, ec);
    return;
  }
  beast::flat_buffer in;
  while (!ec && !stopping_)
    ws.read(in, ec);
}

} // namespace cwts::test
