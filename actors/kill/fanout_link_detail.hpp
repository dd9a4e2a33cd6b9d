#pragma once
// Internal to the fan-out link (fanout_link.cpp, fanout_link_write.cpp): a
// member's outbound side and one connection.

#include <netinet/in.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "actors/kill/fanout_link.hpp"

namespace cwts::fanout {

struct link::out_peer {
  endpoint where;
  sockaddr_in addr{}; // resolved once at start: no DNS on the I/O thread
  conn* c = nullptr;
  int64_t next_attempt_ns = 0;
  std::chrono::milliseconds backoff{0};
  struct held {
    std::string frame;
    int64_t since_ns = 0;
  };
  std::vector<held> waiting; // kill frames for when it is up
};

struct link::conn {
  int fd = -1;
  session s;
  bool inbound = true;
  bool connecting = false;
  int64_t deadline_ns = 0; // handshake must be done by then
  out_peer* peer = nullptr; // outbound only
  uint32_t source = 0;      // inbound: the client's IPv4 address
  int64_t opened_ns = 0;
  bool proof_admitted = false; // inbound: its one verification was admitted
  // Under wmtx_: the write side, which any thread may use (broadcast).
  std::string wbuf;
  bool ready = false;    // outbound and authenticated: kills may be written
  bool want_out = false; // EPOLLOUT registered
  std::atomic<bool> broken{false}; // a write failed: the I/O thread closes it
  conn(int f, session::role r, std::shared_ptr<const identity> id, std::string expected = {})
      : fd(f), s(r, std::move(id), std::move(expected)) {}
};

} // namespace cwts::fanout
