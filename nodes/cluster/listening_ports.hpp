#pragma once
// What a local process offers on the network, read from /proc (Linux): the
// TCP ports it listens on, and whether a port speaks TLS only. Used by the
// byzantine drill and the tests to show that a node over TLS offers no port
// on which a client without a certificate reaches CAF (issue 17 finding 6).

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <set>
#include <string>

namespace cwts::cluster {

// The TCP ports (IPv4 and IPv6) on which process `pid` listens; empty when
// /proc cannot be read for it.
std::set<uint16_t> listening_tcp_ports(pid_t pid);

// What a client without TLS gets from 127.0.0.1:`port` when it speaks first
// (bytes that are not a TLS ClientHello, as a plain CAF client would send):
// "closed" (the peer hung up, after at most a TLS alert), "answered N bytes"
// (it spoke back in something other than a TLS alert), "open" (nothing within
// `wait`), or "unreachable: <why>".
std::string plain_client_outcome(uint16_t port, std::chrono::milliseconds wait);

} // namespace cwts::cluster
