// The fan-out link's write side (fanout_link.hpp): any thread may write a
// kill (broadcast); the I/O thread writes handshakes. Everything here runs
// under wmtx_, so writes to one connection never interleave.

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "actors/kill/fanout_link.hpp"
#include "actors/kill/fanout_link_detail.hpp"
#include "messages/time.hpp"

namespace cwts::fanout {

// Written from the calling thread (no hop before the bytes leave); a member
// not reached yet gets it once its connection is authenticated.
void link::broadcast(const kill_command& k) {
  auto frame = encode(k);
  if (frame.empty()) {
    // Over the wire format's caps (review p4 #14): refused here, counted,
    // never cut short into a kill whose signature no longer verifies.
    count("refused.unencodable_kill");
    spdlog::warn("event=kill_fanout_refused node={} kill={} why=unencodable_kill reason=\"{}\"",
                 cfg_.id->self, k.id.value.substr(0, 64), fits(k));
    return;
  }
  send_all(frame);
}

void link::send_all(const std::string& frame) {
  bool broke = false;
  int64_t sent = 0, dropped = 0, requeued = 0;
  const int64_t now = monotonic_ns();
  {
    std::lock_guard<std::mutex> g(wmtx_);
    for (auto& p : out_) {
      if (p->c && p->c->ready && !p->c->broken) {
        std::string error;
        if (send_locked(*p->c, frame, error)) {
          ++sent;
          continue;
        }
        // The write failed: the connection is closed by the I/O thread and
        // the kill held for the next one (review p4 #10), not lost.
        p->c->broken = true;
        broke = true;
        ++requeued;
      }
      if (p->waiting.size() >= cfg_.max_waiting) {
        p->waiting.erase(p->waiting.begin());
        ++dropped;
      }
      p->waiting.push_back(out_peer::held{frame, now});
    }
  }
  if (requeued > 0)
    count("requeued", requeued);
  count("frames_sent", sent);
  if (dropped > 0)
    count("waiting_dropped", dropped);
  if (broke) {
    uint64_t one = 1;
    [[maybe_unused]] auto r = ::write(wake_fd_, &one, sizeof(one));
  }
}

void link::send(conn& c, const std::string& bytes) {
  std::string error;
  bool ok = false;
  {
    std::lock_guard<std::mutex> g(wmtx_);
    ok = send_locked(c, bytes, error);
  }
  if (!ok)
    close_conn(c, nullptr, error);
}

bool link::send_locked(conn& c, const std::string& bytes, std::string& error) {
  if (c.wbuf.size() + bytes.size() > cfg_.max_backlog) {
    count("backlog_closed");
    error = "write backlog over " + std::to_string(cfg_.max_backlog) + " bytes";
    return false;
  }
  c.wbuf += bytes;
  while (!c.wbuf.empty()) {
    auto n = ::send(c.fd, c.wbuf.data(), c.wbuf.size(), MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      break;
    if (n < 0) {
      error = std::strerror(errno);
      return false;
    }
    c.wbuf.erase(0, static_cast<size_t>(n));
  }
  // epoll_ctl only when the wish to write changes (epoll is thread-safe).
  bool want = !c.wbuf.empty() || c.connecting;
  if (want != c.want_out) {
    c.want_out = want;
    epoll_event ev{};
    ev.events = EPOLLIN | (want ? static_cast<uint32_t>(EPOLLOUT) : 0u);
    ev.data.fd = c.fd;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
  }
  return true;
}

} // namespace cwts::fanout
