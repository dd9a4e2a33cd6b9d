#pragma once
// A scripted WebSocket venue on loopback for the market-stream tests
// (okx_market_stream_test, kraken_market_stream_test): each WebSocket
// connection runs the script with its index, plain HTTP requests are
// answered with a body per target; what the client sent is recorded.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "tests/integration/support/wait_until.hpp"

namespace cwts::test {

namespace script_detail {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// Polls a condition with a generous deadline (not a timing assertion).
template <class Pred>
bool eventually(Pred pred) {
  return itest::wait_until(pred, 10s, 10ms);
}

// One WebSocket connection as the script sees it; what the client sent is
// also logged for the test.
class peer {
public:
  peer(websocket::stream<tcp::socket>& ws, std::function<void(const std::string&)> log)
    : ws_(ws), log_(std::move(log)) {}
  std::string read() {
    beast::flat_buffer b;
    ws_.read(b);
    auto text = beast::buffers_to_string(b.data());
    log_(text);
    return text;
  }
  // Reads until a message containing `part` (others are logged and skipped).
  std::string read_until(const std::string& part) {
    for (;;)
      if (auto t = read(); t.find(part) != std::string::npos)
        return t;
  }
  void send(const std::string& text) {
    ws_.text(true);
    ws_.write(asio::buffer(text));
  }

private:
  websocket::stream<tcp::socket>& ws_;
  std::function<void(const std::string&)> log_;
};

// HTTP (a body per request target: `rest`) and WebSocket (the script, per
// connection index) on one loopback port, each connection on its own thread.
class ws_script_server {
public:
  using script = std::function<void(peer&, int)>;
  using rest_body = std::function<std::string(const std::string& target)>;

  ws_script_server(rest_body rest, script s)
    : ws_script_server(
        [rest = std::move(rest)](const std::string&, const std::string& target) { return rest(target); },
        std::move(s)) {}

  // A body per method ("GET", "DELETE", ...) and target.
  using rest_by_method = std::function<std::string(const std::string& method, const std::string& target)>;
  ws_script_server(rest_by_method rest, script s) : rest_(std::move(rest)), script_(std::move(s)) {
    acceptor_.open(tcp::v4());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    accept_thread_ = std::thread([this] { accept_loop(); });
  }

  ~ws_script_server() {
    stopping_ = true;
    boost::system::error_code ec;
    tcp::socket wake(ioc_);
    wake.connect({asio::ip::make_address("127.0.0.1"), port_}, ec); // unblocks accept()
    accept_thread_.join();
    {
      std::lock_guard<std::mutex> g(mtx_);
      for (auto* s : open_)
        s->shutdown(tcp::socket::shutdown_both, ec);
    }
    for (auto& t : conn_threads_)
      t.join();
  }

  uint16_t port() const { return port_; }
  // Every HTTP request so far as "METHOD target", in order.
  std::vector<std::string> rest_requests() const {
    std::lock_guard<std::mutex> g(mtx_);
    return rest_requests_;
  }
  int ws_connections() const { return ws_connections_; }
  int http_requests() const { return http_requests_; }
  std::vector<std::string> received() const {
    std::lock_guard<std::mutex> g(mtx_);
    return received_;
  }
  std::size_t count_received(const std::string& part) const {
    std::size_t n = 0;
    for (auto& r : received())
      n += r.find(part) != std::string::npos ? 1 : 0;
    return n;
  }

private:
  void accept_loop() {
    for (;;) {
      auto sock = std::make_shared<tcp::socket>(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(*sock, ec);
      if (stopping_ || ec)
        return;
      conn_threads_.emplace_back([this, sock] { serve(*sock); });
    }
  }

  void serve(tcp::socket& sock) {
    {
      std::lock_guard<std::mutex> g(mtx_);
      open_.push_back(&sock);
    }
    try {
      beast::flat_buffer buf;
      for (;;) {
        http::request<http::string_body> req;
        http::read(sock, buf, req);
        if (websocket::is_upgrade(req)) {
          websocket::stream<tcp::socket> ws(std::move(sock));
          ws.accept(req);
          int index = ws_connections_++;
          peer p(ws, [this](const std::string& t) {
            std::lock_guard<std::mutex> g(mtx_);
            received_.push_back(t);
          });
          script_(p, index);
          for (;;)
            p.read(); // until the client leaves
        }
        ++http_requests_;
        {
          std::lock_guard<std::mutex> g(mtx_);
          rest_requests_.push_back(std::string(req.method_string()) + " "
                                   + std::string(req.target()));
        }
        http::response<http::string_body> res{http::status::ok, req.version()};
        res.set(http::field::content_type, "application/json");
        res.body() = rest_(std::string(req.method_string()), std::string(req.target()));
        res.keep_alive(true);
        res.prepare_payload();
        http::write(sock, res);
      }
    } catch (const std::exception&) {
      // the client left or the server stops
    }
    std::lock_guard<std::mutex> g(mtx_);
    open_.erase(std::remove(open_.begin(), open_.end(), &sock), open_.end());
  }

  rest_by_method rest_;
  std::vector<std::string> rest_requests_;
  script script_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_{ioc_};
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> ws_connections_{0};
  std::atomic<int> http_requests_{0};
  mutable std::mutex mtx_;
  std::vector<std::string> received_;
  std::vector<tcp::socket*> open_;
  std::thread accept_thread_;
  std::vector<std::thread> conn_threads_;
};

} // namespace script_detail

using script_detail::eventually;
using script_detail::peer;
using script_detail::ws_script_server;

} // namespace cwts::test
