// The fan-out link's admission rules (fanout_link.hpp; review p4 #1-#3):
// what a connection may cost the realtime I/O thread before and after it
// is authenticated. I/O thread only.

#include <algorithm>
#include <string>

#include "actors/kill/fanout_link.hpp"
#include "actors/kill/fanout_link_detail.hpp"

namespace cwts::fanout {

bool link::bucket::take(int64_t now, double burst, double per_s) {
  if (tokens < 0) {
    tokens = burst;
    last_ns = now;
  }
  tokens = std::min(burst, tokens + static_cast<double>(now - last_ns) * per_s / 1e9);
  last_ns = now;
  if (tokens < 1)
    return false;
  tokens -= 1;
  return true;
}

// One verification per connection, admitted per source address: an outsider
// sending junk signatures costs the thread at most handshake_per_s of them,
// and a member banned for misbehaving costs none until its ban ends.
bool link::admit_proof(conn& c, int64_t now) {
  if (c.proof_admitted)
    return true;
  auto g = guards_.find(c.s.peer());
  if (g != guards_.end() && g->second.banned_until > now) {
    close_conn(c, "member_banned", "'" + c.s.peer() + "' is banned for "
                                     + std::to_string((g->second.banned_until - now) / 1'000'000)
                                     + " ms more");
    return false;
  }
  if (sources_.size() >= max_sources && sources_.count(c.source) == 0)
    sources_.clear(); // bounded; a flood from many addresses only resets the rates
  if (!sources_[c.source].take(now, cfg_.handshake_burst, cfg_.handshake_per_s)) {
    close_conn(c, "handshake_rate", "more than " + std::to_string(cfg_.handshake_per_s)
                                      + " handshakes per second from this address");
    return false;
  }
  c.proof_admitted = true;
  return true;
}

// Every kill frame of a member spends a token of a bucket that outlives its
// connections, and every refused one counts; past either bound the member
// is banned for cfg_.ban (its reconnects are refused before any signature
// check), so reconnecting buys a Byzantine member nothing.
bool link::admit_kill(conn& c, bool refused, int64_t now) {
  auto g = guards_.find(c.s.peer());
  if (g == guards_.end())
    return true; // not a configured member: the session never authenticates one
  auto& m = g->second;
  const char* key = nullptr;
  std::string why;
  if (refused && ++m.refused > cfg_.max_refused_kills) {
    key = "too_many_refused_kills";
    why = "more than " + std::to_string(cfg_.max_refused_kills) + " refused kills";
  } else if (!refused && !m.kills.take(now, cfg_.kill_burst, cfg_.kill_per_s)) {
    key = "kill_rate";
    why = "more than " + std::to_string(cfg_.kill_per_s) + " kill frames per second";
  }
  if (!key)
    return true;
  m.banned_until = now + std::chrono::duration_cast<std::chrono::nanoseconds>(cfg_.ban).count();
  m.refused = 0;
  count("banned");
  close_conn(c, key, why + "; banned for " + std::to_string(cfg_.ban.count()) + " ms");
  return false;
}

// Closes the oldest unauthenticated inbound connection (of `source`, or of
// any source when 0) to make room for a new one.
void link::evict_handshake(uint32_t source) {
  conn* oldest = nullptr;
  for (auto& [fd, c] : conns_)
    if (c->inbound && !c->s.authenticated() && (source == 0 || c->source == source)
        && (!oldest || c->opened_ns < oldest->opened_ns))
      oldest = c.get();
  if (oldest)
    close_conn(*oldest, "handshake_evicted", "the oldest unauthenticated connection, for a newer one");
}

} // namespace cwts::fanout
