#pragma once
// Test double: a tiny blocking Beast HTTP and WebSocket server on
// 127.0.0.1:<ephemeral>, one connection at a time, on its own thread.
// Lives in tests/ only.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace cwts::test {

struct recorded_request {
  std::string method;
  std::string target;
  std::string api_key; // X-MBX-APIKEY
  std::string body;
  // Kraken's API-Key and API-Sign headers (a private POST's signature).
  std::string kraken_key;
  std::string kraken_sign;
};

struct canned_reply {
  using header_list = std::vector<std::pair<std::string, std::string>>;
  canned_reply(unsigned s = 200, std::string b = {}, header_list h = {})
    : status(s), body(std::move(b)), headers(std::move(h)) {}
  unsigned status;
  std::string body;
  header_list headers; // extra response headers (e.g. Retry-After)
};

enum class server_mode {
  respond,            // reply and keep the connection open
  respond_then_close, // reply (keep-alive header set) and close: an idle close
  hang,               // read the request, never answer
  close_silently,     // read the request, close without answering
};

// "a=1&b=2" -> {a:1, b:2} (no percent-decoding needed by the tests).
std::map<std::string, std::string> split_query(const std::string& target);

class http_test_server {
public:
  using handler = std::function<canned_reply(const recorded_request&)>;
  explicit http_test_server(handler h);
  ~http_test_server();

  uint16_t port() const { return port_; }
  void set_mode(server_mode m) { mode_ = m; }
  std::vector<recorded_request> requests() const;
  int connections() const { return connections_; }

private:
  void run();
  void serve(boost::asio::ip::tcp::socket& sock);

  handler handler_;
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<server_mode> mode_{server_mode::respond};
  std::atomic<bool> stopping_{false};
  std::atomic<int> conn_fd_{-1};
  std::atomic<int> connections_{0};
  uint16_t port_ = 0;
  mutable std::mutex mtx_;
  std::condition_variable cv_; // wakes a hanging handler on stop
  std::vector<recorded_request> requests_;
  std::thread thread_;
};

class ws_test_server {
public:
  // Sends a ping, then `frames` as text messages on every connection; then
  // closes when `close_after_frames`, else reads until the client leaves.
  ws_test_server(std::vector<std::string> frames, bool close_after_frames);
  ~ws_test_server();

  uint16_t port() const { return port_; }
  int connections() const { return connections_; }
  int pongs() const { return pongs_; }
  std::string last_target() const;

private:
  void run();
  void serve(boost::asio::ip::tcp::socket& sock);

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::vector<std::string> frames_;
  bool close_after_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> conn_fd_{-1};
  std::atomic<int> connections_{0};
  std::atomic<int> pongs_{0};
  uint16_t port_ = 0;
  mutable std::mutex mtx_;
  std::string target_;
  std::thread thread_;
};

// A port on which nothing listens (bound, then released).
uint16_t unused_port();

} // namespace cwts::test
