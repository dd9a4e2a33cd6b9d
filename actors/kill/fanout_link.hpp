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
  // The member expected there (config's id@host:port): a different member
  // answering is refused (wrong_server). Empty: any member (unnamed peer).
  std::string node;
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
  int max_refused_kills = 8;      // per member (across reconnects), then it is banned
  // Only connections from the members' listener addresses are accepted
  // (resolved at start); off in unit tests whose server has no members.
  bool members_only = false;
  size_t max_handshakes_per_source = 4; // unauthenticated, from one address
  // Handshake verifications admitted per source address (token bucket):
  // burst, then per second. An outsider's junk signatures cost at most this.
  double handshake_burst = 8, handshake_per_s = 4;
  // Kill frames taken per member (token bucket, kept across reconnects):
  // past it, or past max_refused_kills, the member is banned for `ban`.
  double kill_burst = 64, kill_per_s = 16;
  std::chrono::milliseconds ban{10'000};
  // Work per epoll wakeup, then back to epoll_wait (level-triggered: the
  // rest is picked up next round, other connections get their turn).
  int max_accepts_per_wakeup = 16;
  int max_reads_per_wakeup = 4; // of 16 KiB, per connection
  // Kills held for a member that is down are dropped past this age: the
  // member would refuse them as too old (counted against the sender).
  std::chrono::milliseconds max_waiting_age{30'000};
  // Outbound: a peer that stops acknowledging is declared dead after this
  // (TCP_USER_TIMEOUT, keepalive probes), so a half-open connection does
  // not count as reached.
  std::chrono::milliseconds dead_after{3'000};
};

// What the node made of a kill frame.
enum class kill_outcome : uint8_t { applied, other, refused };
struct kill_result {
  kill_outcome outcome = kill_outcome::other;
  // applied: what to send on, the command with every endorsement gathered
  // (review p4 #5: not the copy received); empty id: the copy received.
  kill_command forward;
};

// Called on the I/O thread for every kill frame from an authenticated
// member: the kill, the member, and when its bytes were read
// (monotonic_ns). `applied`: applied here first, the link sends `forward`
// on to every member itself. `refused`: counted against the member (one
// sending more than max_refused_kills refused kills is banned, so a
// Byzantine member cannot keep this thread verifying forgeries).
using kill_handler = std::function<kill_result(const kill_command&, const std::string&, int64_t)>;

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
  // Distinct members this node has an authenticated outbound connection to.
  size_t members_reached() const { return reached_.load(); }

private:
  struct conn;
  struct out_peer;
  struct bucket {
    double tokens = -1; // < 0: full on first use
    int64_t last_ns = 0;
    bool take(int64_t now, double burst, double per_s);
  };
  struct member_guard {
    bucket kills;
    int refused = 0;
    int64_t banned_until = 0;
  };
  bool admit_proof(conn& c, int64_t now); // a verification for c's hello?
  bool admit_kill(conn& c, bool refused, int64_t now); // false: c was closed
  void evict_handshake(uint32_t source);
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
  // I/O thread only. Bounded: guards by member id (configured members
  // only), sources by address (cleared past max_sources).
  std::map<std::string, member_guard> guards_;
  std::map<uint32_t, bucket> sources_;
  static constexpr size_t max_sources = 4096;
  std::vector<uint32_t> allowed_; // members_only: their addresses
  // The write side: every out_peer's `c` and `waiting`, every conn's wbuf,
  // ready and want_out. Taken before mtx_, never after.
  std::mutex wmtx_;
};

} // namespace cwts::fanout
