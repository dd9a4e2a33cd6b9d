#pragma once
// Wire format of the kill fan-out (docs/kill-switch.md "Direct fan-out"):
// the second propagation path beside CAF's middleman. CAF-free.
//
//   frame = u32 big-endian body length (1..max_frame) | body
//   body  = u8 type | fields (strings: u16 length + bytes; ints big-endian)
//
//   hello      client -> server  version, cluster, client id, server id it expects, nonce_c
//   challenge  server -> client  server id, nonce_s (no signature: nothing is
//                                signed for a client that has not proved itself)
//   auth       client -> server  sig_c
//   hello_back server -> client  server id, nonce_s, sig_s
//   kill       client -> server  the operator-signed kill_command, every field
//
// Bad input (short field, unknown type, trailing bytes, a body over
// max_frame) is an error with a reason; the caller closes the connection.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/kill.hpp"

namespace cwts::fanout {

// Largest body accepted: a kill with 64 cosignatures fits with room to spare.
constexpr size_t max_frame = 16 * 1024;
constexpr uint8_t protocol_version = 2; // 2: the client proves itself first
constexpr size_t nonce_size = 32;
using nonce = std::array<uint8_t, nonce_size>;

enum class frame_type : uint8_t { hello = 1, hello_back = 2, auth = 3, kill = 4, challenge = 5 };

// Field caps, the same for writer and reader (review p4 #14): a kill that
// does not fit is refused where it is written, never cut short.
// The kill's caps are messages/kill.hpp's kill_limits, which check_fields
// enforces on every path: one set of numbers.
constexpr size_t max_name = kill_limits::max_name;
constexpr size_t max_text = kill_limits::max_reason;
constexpr size_t max_sig = kill_limits::max_signature;
constexpr size_t max_cosignatures = kill_limits::max_cosignatures;
static_assert(kill_limits::max_encoded == max_frame, "one frame cap for check_fields and the codec");

struct hello {
  uint8_t version = protocol_version;
  std::string cluster;
  std::string client;
  std::string server; // the member the client meant to reach
  nonce client_nonce{};
};

struct hello_back {
  std::string server;
  nonce server_nonce{};
  std::vector<uint8_t> signature; // the server's node key over server_payload()
};

struct challenge {
  std::string server;
  nonce server_nonce{};
};

struct auth {
  std::vector<uint8_t> signature; // the client's node key over client_payload()
};

// What each side signs: a tag per direction (one side's signature never
// passes for the other's), the cluster, both ids and both fresh nonces, so a
// signature is good for one handshake between these two members only.
std::string server_payload(const std::string& cluster, const std::string& client,
                           const std::string& server, const nonce& nc, const nonce& ns);
std::string client_payload(const std::string& cluster, const std::string& client,
                           const std::string& server, const nonce& nc, const nonce& ns);

// Whole frames (length prefix included).
std::string encode(const hello& h);
std::string encode(const hello_back& h);
std::string encode(const challenge& c);
std::string encode(const auth& a);
// Empty when a field is over its cap or the frame over max_frame (then
// `fits` says which): refused, never truncated into a kill whose signature
// no longer verifies.
std::string encode(const kill_command& k);
// Empty when `k` fits the wire format's caps; else why not.
std::string fits(const kill_command& k);

// One decoded body; `error` set when it does not parse.
struct frame {
  frame_type type = frame_type::hello;
  hello h;
  hello_back hb;
  challenge ch;
  auth a;
  kill_command k;
};
std::optional<frame> decode(std::string_view body, std::string& error);

// Splits a byte stream into bodies. Bounded: a length over max_frame (or 0)
// is an error before any of the body is buffered.
class framer {
public:
  void feed(std::string_view bytes) { buf_.append(bytes.data(), bytes.size()); }
  // The next whole body, or nullopt when more bytes are needed or on an
  // error (then `error` is set and the stream is unusable).
  std::optional<std::string> next(std::string& error);
  size_t buffered() const { return buf_.size() - at_; }
  // The error was a length over max_frame (not a malformed one).
  bool oversized() const { return oversized_; }

private:
  std::string buf_;
  bool oversized_ = false;
  size_t at_ = 0;
};

} // namespace cwts::fanout
