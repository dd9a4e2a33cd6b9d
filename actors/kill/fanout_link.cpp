#include "actors/kill/fanout_link.hpp"
#include "actors/kill/fanout_link_detail.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "messages/time.hpp"

namespace cwts::fanout {

namespace {

void nonblocking(int fd) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

// Review p4 #10: a member that vanishes (power, cable) leaves a half-open
// connection that would still count as reached while kills written into it
// go nowhere. Unacknowledged data or failed probes close it within `dead`.
void detect_dead_peer(int fd, std::chrono::milliseconds dead) {
  int one = 1;
  int idle = std::max(1, static_cast<int>(dead.count() / 3000));
  int count = 3;
  auto user_timeout = static_cast<unsigned>(dead.count());
  ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &idle, sizeof(idle));
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof(count));
  ::setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout, sizeof(user_timeout));
}

bool resolve(const endpoint& e, sockaddr_in& out) {
  out = sockaddr_in{};
  out.sin_family = AF_INET;
  out.sin_port = htons(e.port);
  if (::inet_pton(AF_INET, e.host.c_str(), &out.sin_addr) == 1)
    return true;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  addrinfo* res = nullptr;
  if (::getaddrinfo(e.host.c_str(), nullptr, &hints, &res) != 0 || !res)
    return false;
  out.sin_addr = reinterpret_cast<sockaddr_in*>(res->ai_addr)->sin_addr;
  ::freeaddrinfo(res);
  return true;
}

int64_t ms_ns(std::chrono::milliseconds d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

} // namespace

link::link(link_config cfg, kill_handler on_kill) : cfg_(std::move(cfg)), on_kill_(std::move(on_kill)) {
  for (auto& m : cfg_.members) {
    auto p = std::make_unique<out_peer>();
    p->where = m;
    p->backoff = cfg_.reconnect_min;
    out_.push_back(std::move(p));
  }
  for (auto& [node, key] : cfg_.id->members)
    guards_[node] = member_guard{};
}

link::~link() {
  stop();
}

bool link::start(std::string& error) {
  sockaddr_in addr{};
  if (!resolve(cfg_.listen, addr)) {
    error = "cannot resolve listen host '" + cfg_.listen.host + "'";
    return false;
  }
  // Every member resolved here, once (review p4 #9: getaddrinfo blocks, and
  // the I/O thread runs at realtime priority).
  for (auto& p : out_) {
    if (!resolve(p->where, p->addr)) {
      error = "cannot resolve member host '" + p->where.host + "'";
      return false;
    }
    allowed_.push_back(p->addr.sin_addr.s_addr);
  }
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  socklen_t len = sizeof(addr);
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0
      || ::listen(listen_fd_, 64) != 0
      || ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    error = "cannot listen on " + cfg_.listen.host + ":" + std::to_string(cfg_.listen.port) + ": "
            + std::strerror(errno);
    if (listen_fd_ >= 0)
      ::close(listen_fd_);
    listen_fd_ = -1;
    return false;
  }
  port_ = ntohs(addr.sin_port);
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  for (int fd : {listen_fd_, wake_fd_}) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  }
  thread_ = std::thread([this] { run(); });
  return true;
}

void link::stop() {
  if (!thread_.joinable())
    return;
  stop_ = true;
  uint64_t one = 1;
  [[maybe_unused]] auto r = ::write(wake_fd_, &one, sizeof(one));
  thread_.join();
  for (auto& [fd, c] : conns_)
    ::close(fd);
  conns_.clear();
  for (int fd : {listen_fd_, wake_fd_, epoll_fd_})
    if (fd >= 0)
      ::close(fd);
  listen_fd_ = wake_fd_ = epoll_fd_ = -1;
}

void link::count(const std::string& key, int64_t n) {
  std::lock_guard<std::mutex> g(mtx_);
  counters_[key] += n;
}

std::map<std::string, int64_t> link::counters() const {
  std::lock_guard<std::mutex> g(mtx_);
  return counters_;
}

void link::run() {
  ::pthread_setname_np(::pthread_self(), "cwts.kill.fan"); // visible in perf, top
  // The kill's own thread: with realtime_priority > 0 it asks for SCHED_FIFO
  // so a busy node (or a busy host) does not queue the verification and the
  // gate behind ordinary work. It only ever blocks in epoll_wait between
  // bounded pieces of work. Refused without CAP_SYS_NICE: counted, the thread
  // runs at normal priority.
  if (cfg_.realtime_priority > 0) {
    sched_param sp{};
    sp.sched_priority = cfg_.realtime_priority;
    bool rt = ::pthread_setschedparam(::pthread_self(), SCHED_FIFO, &sp) == 0;
    count(rt ? "realtime" : "realtime_refused");
  }
  std::array<epoll_event, 64> events{};
  while (!stop_) {
    int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), 20);
    for (int i = 0; i < n; ++i) {
      int fd = events[static_cast<size_t>(i)].data.fd;
      auto what = events[static_cast<size_t>(i)].events;
      if (fd == listen_fd_) {
        accept_all();
        continue;
      }
      if (fd == wake_fd_) {
        uint64_t v = 0;
        [[maybe_unused]] auto r = ::read(wake_fd_, &v, sizeof(v));
        continue;
      }
      auto c = conns_.find(fd);
      if (c == conns_.end())
        continue;
      if (what & (EPOLLOUT | EPOLLERR | EPOLLHUP))
        on_writable(*c->second);
      c = conns_.find(fd);
      if (c != conns_.end() && (what & (EPOLLIN | EPOLLERR | EPOLLHUP)))
        on_readable(*c->second);
    }
    timers(monotonic_ns());
  }
}

void link::accept_all() {
  // A bounded number per wakeup (review p4 #16): a connect flood gets the
  // listener's turn, not the thread.
  for (int n = 0; n < cfg_.max_accepts_per_wakeup; ++n) {
    sockaddr_in from{};
    socklen_t from_len = sizeof(from);
    int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&from), &from_len,
                       SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      // Out of descriptors (or memory): the listener would stay readable and
      // this (realtime) thread spin on it; it rests 100 ms instead.
      count("accept_failed");
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
      listen_resume_ns_ = monotonic_ns() + 100'000'000;
    }
    if (fd < 0)
      return;
    uint32_t source = from.sin_addr.s_addr;
    if (cfg_.members_only && std::find(allowed_.begin(), allowed_.end(), source) == allowed_.end()) {
      ::close(fd);
      count("refused.not_a_member_address");
      continue;
    }
    size_t inbound = 0, handshaking = 0, from_source = 0;
    for (auto& [f, c] : conns_)
      if (c->inbound) {
        ++inbound;
        bool pre = !c->s.authenticated();
        handshaking += pre ? 1 : 0;
        from_source += pre && c->source == source ? 1 : 0;
      }
    // Refused before a byte is read: a flood of connections costs an accept
    // and a close each. Unauthenticated slots are not first come, first
    // served (review p4 #3): a full source, or a full table, gives up its
    // oldest unauthenticated connection to the newcomer, so holding slots
    // open locks no member out.
    if (inbound >= cfg_.max_connections && handshaking == 0) {
      ::close(fd);
      count("refused.too_many_connections");
      continue;
    }
    if (from_source >= cfg_.max_handshakes_per_source)
      evict_handshake(source);
    else if (handshaking >= cfg_.max_handshakes || inbound >= cfg_.max_connections)
      evict_handshake(0);
    nonblocking(fd);
    auto c = std::make_unique<conn>(fd, session::role::server, cfg_.id);
    c->source = source;
    c->opened_ns = monotonic_ns();
    c->deadline_ns = c->opened_ns + ms_ns(cfg_.handshake_timeout);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
    conns_[fd] = std::move(c);
    count("connections_in");
  }
}

void link::connect_peer(out_peer& p, int64_t now) {
  p.next_attempt_ns = now + ms_ns(p.backoff);
  p.backoff = std::min(cfg_.reconnect_max, p.backoff * 2);
  sockaddr_in addr = p.addr;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return;
  nonblocking(fd);
  detect_dead_peer(fd, cfg_.dead_after);
  int r = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  if (r != 0 && errno != EINPROGRESS) {
    ::close(fd);
    count("connect_failed");
    return;
  }
  auto c = std::make_unique<conn>(fd, session::role::client, cfg_.id, p.where.node);
  c->inbound = false;
  c->connecting = true;
  c->want_out = true; // registered below with EPOLLOUT: tells when connected
  c->peer = &p;
  c->deadline_ns = now + ms_ns(cfg_.handshake_timeout);
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT;
  ev.data.fd = fd;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  {
    std::lock_guard<std::mutex> g(wmtx_);
    p.c = c.get();
  }
  conns_[fd] = std::move(c);
  count("connections_out");
}

void link::on_writable(conn& c) {
  if (c.connecting) {
    int err = 0;
    socklen_t len = sizeof(err);
    ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      count("connect_failed");
      return close_conn(c, nullptr, std::strerror(err));
    }
    c.connecting = false;
    send(c, c.s.start());
    return;
  }
  send(c, {});
}

void link::on_readable(conn& c) {
  std::array<char, 16 * 1024> buf{};
  // A bounded number of reads per wakeup (review p4 #2): one member
  // streaming frames does not hold the thread; epoll is level-triggered, so
  // what is left is read on the next round, after the other connections.
  for (int reads = 0; reads < cfg_.max_reads_per_wakeup; ++reads) {
    auto n = ::recv(c.fd, buf.data(), buf.size(), 0);
    if (n == 0)
      return close_conn(c, nullptr, "closed by the other side");
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return;
      return close_conn(c, nullptr, std::strerror(errno));
    }
    int64_t received = monotonic_ns();
    bool was_ready = c.s.authenticated();
    // The client's proof costs a verification: admitted per source address
    // (and never for a banned member) before the bytes reach the session.
    if (c.s.awaiting_proof() && !admit_proof(c, received))
      return;
    auto r = c.s.feed(std::string_view(buf.data(), static_cast<size_t>(n)));
    const int fd_of_c = c.fd;
    auto alive = [&] { return conns_.count(fd_of_c) > 0; };
    if (!r.send.empty())
      send(c, r.send);
    if (!alive())
      return;
    if (!was_ready && c.s.authenticated()) {
      count(c.inbound ? "authenticated_in" : "authenticated_out");
      if (c.inbound) {
        // One authenticated connection per member: a newer one replaces it.
        for (auto& [fd, other] : conns_)
          if (other.get() != &c && other->inbound && other->s.authenticated()
              && other->s.peer() == c.s.peer()) {
            count("replaced_in");
            close_conn(*other, nullptr, "replaced by a newer connection of the same member");
            break;
          }
      } else if (c.peer) {
        c.peer->backoff = cfg_.reconnect_min;
        // Ready and the waiting kills written under one lock: a broadcast
        // from another thread comes before or after them, never between.
        // Kills held past max_waiting_age are dropped (review p4 #15): the
        // member would refuse them as too old and count that against us.
        std::string error;
        bool ok = true;
        int64_t sent = 0, expired = 0;
        {
          std::lock_guard<std::mutex> g(wmtx_);
          c.ready = true;
          for (auto& h : c.peer->waiting) {
            if (received - h.since_ns > ms_ns(cfg_.max_waiting_age))
              ++expired;
            else if (ok && (ok = send_locked(c, h.frame, error)))
              ++sent;
          }
          c.peer->waiting.clear();
        }
        count("frames_sent", sent);
        if (expired > 0)
          count("waiting_expired", expired);
        update_reached();
        if (!ok)
          return close_conn(c, nullptr, error);
      }
    }
    if (!alive())
      return;
    for (auto& k : r.kills) {
      count("kills_received");
      // Every kill frame costs a token of its member's bucket, which
      // survives reconnects; an empty bucket bans the member a while.
      if (!admit_kill(c, false, received))
        return;
      auto res = on_kill_(k, c.s.peer(), received);
      // Applied here first: on to every member at once, from this thread,
      // with every endorsement gathered.
      if (res.outcome == kill_outcome::applied)
        broadcast(res.forward.id.empty() ? k : res.forward);
      if (res.outcome == kill_outcome::refused && !admit_kill(c, true, received))
        return;
    }
    if (!alive())
      return;
    if (!r.refusal.empty())
      return close_conn(c, r.refusal_key.c_str(), r.refusal);
    if (static_cast<size_t>(n) < buf.size())
      return;
  }
}

void link::close_conn(conn& c, const char* refusal_key, const std::string& why) {
  if (refusal_key) {
    std::string key = std::string("refused.") + refusal_key;
    int64_t seen = 0;
    {
      std::lock_guard<std::mutex> g(mtx_);
      seen = ++counters_[key];
    }
    if (seen <= 10 || seen % 1000 == 0)
      spdlog::warn("event=kill_fanout_refused node={} peer={} direction={} why={} count={} "
                   "reason=\"{}\"",
                   cfg_.id->self, c.s.peer().empty() ? "?" : c.s.peer(),
                   c.inbound ? "in" : "out", refusal_key, seen, why);
  } else if (c.s.authenticated()) {
    spdlog::info("event=kill_fanout_closed node={} peer={} direction={} reason=\"{}\"",
                 cfg_.id->self, c.s.peer(), c.inbound ? "in" : "out", why);
  }
  int fd = c.fd;
  bool was_out = false;
  {
    // No broadcast holds `c` after this (they find it through peer->c).
    std::lock_guard<std::mutex> g(wmtx_);
    was_out = !c.inbound && c.peer && c.peer->c == &c;
    if (was_out)
      c.peer->c = nullptr;
  }
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  ::close(fd);
  conns_.erase(fd); // `c` is gone from here on
  if (was_out)
    update_reached();
}

void link::timers(int64_t now) {
  std::vector<int> late, broken;
  for (auto& [fd, c] : conns_) {
    if (c->broken)
      broken.push_back(fd);
    else if (!c->s.authenticated() && now > c->deadline_ns)
      late.push_back(fd);
  }
  for (int fd : broken) {
    auto c = conns_.find(fd);
    if (c != conns_.end())
      close_conn(*c->second, nullptr, "a write failed");
  }
  for (int fd : late) {
    auto c = conns_.find(fd);
    if (c != conns_.end())
      close_conn(*c->second, "handshake_timeout",
                 "no completed handshake within " + std::to_string(cfg_.handshake_timeout.count())
                   + " ms");
  }
  if (listen_resume_ns_ != 0 && now >= listen_resume_ns_) {
    listen_resume_ns_ = 0;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = listen_fd_;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
  }
  for (auto& p : out_)
    if (!p->c && now >= p->next_attempt_ns) {
      if (p->next_attempt_ns != 0)
        count("reconnects");
      connect_peer(*p, now);
    }
}

// Members, not connections (review p4 #4): two config entries that lead to
// the same member count it once.
void link::update_reached() {
  std::lock_guard<std::mutex> g(wmtx_);
  std::vector<std::string> ids;
  for (auto& p : out_)
    if (p->c && p->c->ready && std::find(ids.begin(), ids.end(), p->c->s.peer()) == ids.end())
      ids.push_back(p->c->s.peer());
  reached_ = ids.size();
}

} // namespace cwts::fanout
