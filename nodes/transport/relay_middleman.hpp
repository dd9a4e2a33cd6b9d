#pragma once
// CAF's middleman actor for a node whose links run over the TLS relays
// (tls_relay.hpp): the same actor CAF uses for publish and connect, with its
// two socket factories replaced, so that no plain TCP port is left for a
// local process to speak BASP to (issue 17 finding 6):
//   connect(host, port): the relay dials host:port over mutual TLS and CAF
//     gets its end of a socketpair (no loopback client port);
//   open(port, path): CAF listens on the Unix socket `path` (the
//     "address" of the publish request), which only this user can reach;
//     the relay connects there for each verified peer.
// CAF 0.17 has no hook to authenticate an accepted BASP connection; the
// openssl module replaces the middleman actor in the same way.

#include <string>

#include "caf/fwd.hpp"
#include "caf/io/middleman_actor.hpp"

namespace cwts {

class tls_relays;

// The relay middleman of `sys` (made at the first call; the same one after).
caf::io::middleman_actor relay_middleman_of(caf::actor_system& sys, tls_relays& relays);

// A listening Unix stream socket at `path` (mode 0600; its folder should be
// 0700), non-blocking; -1 with `error`.
int listen_private_socket(const std::string& path, std::string& error);

// A fresh folder only this user can enter (0700) under $TMPDIR or /tmp;
// empty with `error`.
std::string make_private_folder(const std::string& prefix, std::string& error);

} // namespace cwts
