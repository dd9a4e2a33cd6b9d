#include "actors/kill/fanout_session.hpp"

#include <openssl/rand.h>

namespace cwts::fanout {

nonce fresh_nonce() {
  nonce n{};
  // RAND_bytes fails only without an entropy source, where no key could
  // have been made either; a zero nonce then still differs per side's tag.
  if (RAND_bytes(n.data(), static_cast<int>(n.size())) != 1)
    n.fill(0);
  return n;
}

session::session(role r, std::shared_ptr<const identity> id, std::string expected)
    : role_(r), id_(std::move(id)), expected_(std::move(expected)) {
}

std::string session::start() {
  if (role_ != role::client || state_ != state::idle)
    return {};
  mine_ = fresh_nonce();
  state_ = state::hello_sent;
  hello h;
  h.cluster = id_->cluster;
  h.client = id_->self;
  h.server = expected_; // the server refuses a hello meant for another member
  h.client_nonce = mine_;
  return encode(h);
}

void session::refuse(result& out, const char* key, std::string why) {
  state_ = state::failed;
  out.refusal = std::move(why);
  out.refusal_key = key;
}

session::result session::feed(std::string_view bytes) {
  result out;
  if (state_ == state::failed)
    return out;
  in_.feed(bytes);
  std::string error;
  while (state_ != state::failed) {
    auto body = in_.next(error);
    if (!body) {
      if (!error.empty())
        refuse(out, in_.oversized() ? "oversized_frame" : "malformed_frame", error);
      break;
    }
    auto f = decode(*body, error);
    if (!f) {
      refuse(out, "malformed_frame", error);
      break;
    }
    on_frame(*f, out);
  }
  return out;
}

void session::on_frame(const frame& f, result& out) {
  auto member_key = [&](const std::string& node) -> const std::vector<uint8_t>* {
    auto i = id_->members.find(node);
    return i == id_->members.end() ? nullptr : &i->second;
  };
  if (role_ == role::server && state_ == state::idle && f.type == frame_type::hello) {
    if (f.h.version != protocol_version)
      return refuse(out, "version", "protocol version " + std::to_string(f.h.version)
                                      + ", this node speaks " + std::to_string(protocol_version));
    if (f.h.cluster != id_->cluster)
      return refuse(out, "wrong_cluster", "hello for cluster '" + f.h.cluster
                                            + "', this node is in cluster '" + id_->cluster + "'");
    if (!member_key(f.h.client))
      return refuse(out, "not_a_member", "'" + f.h.client + "' is not another member of this cluster");
    if (!f.h.server.empty() && f.h.server != id_->self)
      return refuse(out, "wrong_server", "hello for '" + f.h.server + "', this node is '"
                                           + id_->self + "'");
    peer_ = f.h.client;
    theirs_ = f.h.client_nonce;
    mine_ = fresh_nonce();
    // No signature yet: the client proves itself first.
    challenge ch;
    ch.server = id_->self;
    ch.server_nonce = mine_;
    out.send += encode(ch);
    state_ = state::awaiting_auth;
    return;
  }
  if (role_ == role::server && state_ == state::awaiting_auth && f.type == frame_type::auth) {
    auto key = member_key(peer_);
    if (!key || !ed25519_verify(*key, client_payload(id_->cluster, peer_, id_->self, theirs_, mine_),
                                f.a.signature))
      return refuse(out, "bad_signature", "handshake of '" + peer_
                                            + "' not signed by the node key listed for it");
    hello_back hb;
    hb.server = id_->self;
    hb.server_nonce = mine_;
    hb.signature = id_->key->sign(server_payload(id_->cluster, peer_, id_->self, theirs_, mine_));
    out.send += encode(hb);
    state_ = state::ready;
    return;
  }
  if (role_ == role::server && state_ == state::ready && f.type == frame_type::kill) {
    out.kills.push_back(f.k);
    return;
  }
  if (role_ == role::client && state_ == state::hello_sent && f.type == frame_type::challenge) {
    // The member that answers must be the one this connection was for
    // (review p4 #4): a relay or a squatter on the port is refused before
    // anything is signed for it.
    if (!expected_.empty() && f.ch.server != expected_)
      return refuse(out, "wrong_server", "'" + f.ch.server + "' answered, this connection is for '"
                                           + expected_ + "'");
    if (!member_key(f.ch.server) || f.ch.server == id_->self)
      return refuse(out, "not_a_member", "'" + f.ch.server + "' is not another member of this cluster");
    peer_ = f.ch.server;
    theirs_ = f.ch.server_nonce;
    auth a;
    a.signature = id_->key->sign(client_payload(id_->cluster, id_->self, peer_, mine_, theirs_));
    out.send += encode(a);
    state_ = state::awaiting_server;
    return;
  }
  if (role_ == role::client && state_ == state::awaiting_server && f.type == frame_type::hello_back) {
    auto key = member_key(peer_);
    if (f.hb.server != peer_ || f.hb.server_nonce != theirs_)
      return refuse(out, "wrong_server", "hello_back from '" + f.hb.server
                                           + "' does not match its challenge");
    if (!key || !ed25519_verify(*key, server_payload(id_->cluster, id_->self, peer_, mine_, theirs_),
                                f.hb.signature))
      return refuse(out, "bad_signature", "handshake of '" + peer_
                                            + "' not signed by the node key listed for it");
    state_ = state::ready;
    return;
  }
  if (f.type == frame_type::kill && !authenticated())
    return refuse(out, "kill_before_auth", "kill frame before the handshake completed");
  refuse(out, "unexpected_frame",
         "frame type " + std::to_string(static_cast<int>(f.type)) + " not expected here");
}

} // namespace cwts::fanout
