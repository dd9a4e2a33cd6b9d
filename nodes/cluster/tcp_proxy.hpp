#pragma once
// A TCP relay on loopback for drills: a node is told a proxy's port instead
// of its peer's, so the drill can cut that link (every relayed connection
// closed, new ones accepted and closed at once) and heal it again, the way
// a network partition looks to the node: the peer is simply gone.
//
// One thread per proxy, poll(2) over the listener and both ends of every
// relayed connection; bytes are relayed as they come, in order.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace cwts::cluster {

class tcp_proxy {
public:
  // Listens on 127.0.0.1:`listen_port` (0: a free port) and relays to
  // 127.0.0.1:`target_port`.
  tcp_proxy(uint16_t target_port, uint16_t listen_port = 0);
  ~tcp_proxy();
  tcp_proxy(const tcp_proxy&) = delete;
  tcp_proxy& operator=(const tcp_proxy&) = delete;

  // False with `error` when the listener could not be opened.
  bool start(std::string& error);
  uint16_t port() const { return port_; }

  void cut();     // partition: drop every connection, refuse new ones
  void heal();    // relay again
  bool is_cut() const { return cut_.load(); }

  uint64_t connections() const { return accepted_.load(); }
  uint64_t refused() const { return refused_.load(); }

private:
  void run();

  uint16_t target_port_;
  uint16_t port_;
  int listener_ = -1;
  int wake_[2] = {-1, -1};
  std::atomic<bool> cut_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> accepted_{0};
  std::atomic<uint64_t> refused_{0};
  std::thread thread_;
};

} // namespace cwts::cluster
