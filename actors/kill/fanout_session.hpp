#pragma once
// One fan-out connection's handshake and frames (docs/kill-switch.md "Direct
// fan-out"), CAF-free and socket-free: bytes in, bytes out, kills out.
//
//   client (sends kills)                       server (receives them)
//   hello{cluster, client, server, nc} ────────►  cluster ours? client a member?
//                                                 server = this node?
//                                       ◄───────  challenge{server, ns}
//   server the member expected?
//   auth{sig_c} ───────────────────────────────►  sig_c by the client's node key?
//                                       ◄───────  hello_back{server, ns, sig_s}
//   sig_s by the server's node key?               (only now does the server sign)
//   kill, kill, ... ───────────────────────────►  kills
//
// Each side signs the other's fresh nonce with both ids and the cluster
// under its own tag, so a recorded handshake is worth nothing on another
// connection and no one but a member's key holder passes as that member.
// The client proves itself first (review p4 #1): a stranger gets the server
// to do no signing, and one verification per handshake the link admits
// (fanout_link.cpp rate-limits those per source address).
// Any failure is a refusal with a reason and a counter key; the caller
// closes the connection.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "actors/kill/fanout_codec.hpp"
#include "common/operator_auth.hpp"

namespace cwts::fanout {

struct identity {
  std::string cluster;
  std::string self;
  std::shared_ptr<const ed25519_signer> key; // this node's key
  // Every other member's node key (32 raw bytes), by node id.
  std::map<std::string, std::vector<uint8_t>> members;
};

// 32 random bytes (OpenSSL's RAND_bytes).
nonce fresh_nonce();

class session {
public:
  enum class role : uint8_t { client, server };

  struct result {
    std::string send;               // bytes to write back
    std::vector<kill_command> kills; // accepted frames (server, authenticated)
    // Non-empty: refuse and close. `refusal_key` is the counter
    // (not_a_member, wrong_cluster, bad_signature, malformed_frame,
    // oversized_frame, unexpected_frame, kill_before_auth, version).
    std::string refusal;
    std::string refusal_key;
  };

  // `expected`: the member a client means to reach (from config); empty:
  // any member (an unnamed plain-TCP peer). A server ignores it.
  session(role r, std::shared_ptr<const identity> id, std::string expected = {});

  // The client's first frame (hello); empty for a server.
  std::string start();
  result feed(std::string_view bytes);

  bool authenticated() const { return state_ == state::ready; }
  // A server that has a hello and waits for the client's signature: the
  // next frame costs a verification (the link admits it or not first).
  bool awaiting_proof() const { return role_ == role::server && state_ == state::awaiting_auth; }
  // The member at the other end (known after its hello / hello_back).
  const std::string& peer() const { return peer_; }
  role side() const { return role_; }

private:
  enum class state : uint8_t { idle, hello_sent, awaiting_auth, awaiting_server, ready, failed };
  void on_frame(const frame& f, result& out);
  void refuse(result& out, const char* key, std::string why);

  role role_;
  std::shared_ptr<const identity> id_;
  state state_ = state::idle;
  nonce mine_{};
  nonce theirs_{};
  std::string peer_;
  std::string expected_;
  framer in_;
};

} // namespace cwts::fanout
