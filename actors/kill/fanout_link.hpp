#pragma once
// The I/O shell of the kill fan-out (docs/kill-switch.md "Direct fan-out"):
// one thread per node (epoll), a listener for the members' connections and
// one persistent outbound connection to every member's listener
// (TCP_NODELAY, reconnected with backoff). Connections carry kills one way,
// client to server; each is authenticated both ways (fanout_session.hpp)
// before a kill frame is taken. CAF-free.
//
// Bounded: connections (max_connections, inbound), handshakes in progress
// (max_handshakes), one authenticated inbound connection per member (a
// newer one replaces it), the write backlog per connection, and the kills
// waiting for an outbound connection to come up. Every refusal is counted
// by reason (counters(): refused.<reason>) and logged (the first ones per
// reason, then every 1000th).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "actors/kill/fanout_session.hpp"

namespace cwts::fanout {

struct endpoint {
  std::string host;
  uint16_t port = 0;
};

struct link_config {
  std::shared_ptr<const identity> id;
  endpoint listen;                // port 0: any free port (tests)
  std::vector<endpoint> members;  // every other member's listener
  size_t max_connections = 32;    // inbound, authenticated or not
  size_t max_handshakes = 8;      // inbound, not yet authenticated
  std::chrono::milliseconds handshake_timeout{2'000};
  std::chrono::milliseconds reconnect_min{50};
  std::chrono::milliseconds reconnect_max{2'000};
  size_t max_backlog = 1 << 20;   // unsent bytes per connection
  size_t max_waiting = 16;        // kills held per member while it is down
  int realtime_priority = 0;      // > 0: SCHED_FIFO at this priority if allowed
  int max_refused_kills = 8;      // per connection, then it is closed
};

// What the node made of a kill frame.
enum class kill_outcome : uint8_t { applied, other, refused };

// Called on the I/O thread for every kill frame from an authenticated
// member: the kill, the member, and when its bytes were read
// (monotonic_ns). `applied`: applied here first, the link sends it on to
// every member itself. `refused`: counted against the connection (a member
// sending more than max_refused_kills refused kills is cut off, so a
// Byzantine member cannot keep this thread verifying forgeries).
using kill_handler = std::function<kill_outcome(const kill_command&, const std::string&, int64_t)>;

class link {
public:
  link(link_config cfg, kill_handler on_kill);
  ~link();
  link(const link&) = delete;
  link& operator=(const link&) = delete;

  // Binds the listener and starts the thread; false with `error` if the
  // listener cannot be bound.
  bool start(std::string& error);
  void stop();
  // The listener's port (after start).
  uint16_t port() const { return port_; }

  // Sends `k` to every member (thread-safe): written at once from the
  // calling thread on every authenticated connection, held (bounded) for a
  // member not reached yet.
  void broadcast(const kill_command& k);

  // Thread-safe snapshot: connections_in / _out, authenticated_in / _out,
  // frames_sent, kills_received, reconnects, refused.<reason>.
  std::map<std::string, int64_t> counters() const;
  // Members this node has an authenticated outbound connection to.
  size_t members_reached() const { return reached_.load(); }

private:
  struct conn;
  struct out_peer;
  void run();
  void accept_all();
  void connect_peer(out_peer& p, int64_t now);
  void on_readable(conn& c);
  void on_writable(conn& c);
  void send(conn& c, const std::string& bytes);
  // With wmtx_ held; false (and why) when the connection must be closed.
  bool send_locked(conn& c, const std::string& bytes, std::string& error);
  void send_all(const std::string& frame); // any thread
  void close_conn(conn& c, const char* refusal_key, const std::string& why);
  void timers(int64_t now);
  void count(const std::string& key, int64_t n = 1);
  void update_reached();

  link_config cfg_;
  kill_handler on_kill_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  uint16_t port_ = 0;
  int64_t listen_resume_ns_ = 0; // accept failed: listener off until then
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<size_t> reached_{0};
  std::map<int, std::unique_ptr<conn>> conns_; // by fd, I/O thread only
  std::vector<std::unique_ptr<out_peer>> out_;
  mutable std::mutex mtx_; // counters_
  std::map<std::string, int64_t> counters_;
  // The write side: every out_peer's `c` and `waiting`, every conn's wbuf,
  // ready and want_out. Taken before mtx_, never after.
  std::mutex wmtx_;
};

} // namespace cwts::fanout
