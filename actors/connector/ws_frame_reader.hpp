#pragma once
// The client side of RFC 6455's base framing (section 5), without sockets
// or CAF: fed the bytes of one large read, it hands out every complete
// frame in them and keeps the partial tail for the next read. This is what
// lets the market streams read 256 KiB at a time and parse every frame in
// one handler instead of one reactor completion per frame (issue 21,
// docs/performance.md "Validated ticks through one node").
//
// What a server may send and what is refused (each refusal a reason, the
// connection then closed by the caller with close_code_for(error)):
// - server frames are unmasked (5.1: "A server MUST NOT mask any frames");
// - RSV1-3 are 0 (no extension is negotiated: 5.2);
// - opcodes 0, 1, 2, 8, 9, 10 only (5.2: other opcodes are reserved);
// - control frames carry <= 125 bytes and are never fragmented (5.5);
// - a continuation only inside a fragmented message, and no new text or
//   binary frame inside one (5.4); control frames may come between the
//   fragments (5.4) and are handed out at once;
// - lengths use the minimal encoding, a 64-bit length has its top bit 0
//   (5.2), and a message above the configured bound is refused from its
//   header, before any byte of it is buffered or allocated;
// - text messages and close reasons are valid UTF-8 (5.6, 8.1);
// - a close payload is empty or a valid code (7.4) with an optional reason.
// Unfragmented frames are handed out as views into the read buffer (no
// copy); fragments are assembled in a buffer bounded by the same limit.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace cwts::connector {

enum class ws_opcode : uint8_t { continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10 };

enum class ws_frame_error : uint8_t {
  none = 0,
  masked_server_frame,
  reserved_bits,
  unknown_opcode,
  control_too_long,
  control_fragmented,
  continuation_without_start,
  data_frame_inside_fragmented_message,
  length_not_minimal,
  length_top_bit,
  message_too_large,
  bad_close_payload,
  invalid_utf8,
  too_many_fragments,
  read_overrun,
};
// The reason, e.g. "masked server frame (RFC 6455 5.1)".
const char* to_string(ws_frame_error e);
// The close code we answer with: 1009 (message too big, too many
// fragments), 1007 (invalid UTF-8), 1011 (read_overrun: our fault, not the
// peer's), else 1002 (protocol error).
uint16_t close_code_for(ws_frame_error e);

struct ws_reader_limits {
  // One read_some asks for this much (the buffer holds at least this).
  // 256 KiB measured faster than 64 KiB under a saturating feed
  // (connector_throughput_bench: fewer, larger batches to the validator);
  // a quiet feed's reads return at once with what is there.
  std::size_t read_bytes = 256 * 1024;
  // A message (one frame, or all fragments together) above this is refused.
  std::size_t max_message_bytes = 4 * 1024 * 1024;
  // Frames one fragmented message may take: empty continuations never grow
  // the assembly, so max_message_bytes alone would not end an endless run
  // of them (each one parsed, the message never complete).
  std::size_t max_fragments = 1024;
};
// Empty when usable, else "<key>: <reason>".
std::string validate(const ws_reader_limits& l);

// What the reader hands out, in the order the frames came.
class ws_frame_sink {
public:
  virtual ~ws_frame_sink() = default;
  // A complete message: valid only during the call.
  virtual void on_message(std::string_view payload, bool text) = 0;
  virtual void on_ping(std::string_view payload) = 0;
  virtual void on_pong(std::string_view payload) = 0;
  // code 1005 (none given) when the payload was empty; parsing stops here.
  virtual void on_close(uint16_t code, std::string_view reason) = 0;
};

class ws_frame_reader {
public:
  explicit ws_frame_reader(ws_reader_limits limits = {});

  // Where the next read puts its bytes and how many fit, computed together
  // (never empty: the partial frame at the front plus room for at least
  // one read, grown up to the message bound when a large frame is on its
  // way). Pointer and size come from one call on purpose: asking for the
  // size and the pointer separately let the compiler take the size before
  // the pointer's compaction shrank the buffer (a heap overflow driven by
  // venue bytes, review finding 2).
  struct area {
    char* data = nullptr;
    std::size_t size = 0;
  };
  area prepare();
  // How many bytes the read put into the last prepare()'s area. More than
  // it offered is refused (false; the reader then fails with read_overrun)
  // instead of trusting bytes past the area.
  bool commit(std::size_t n);
  // Takes bytes from elsewhere (what came with the handshake response).
  void append(std::string_view bytes);

  // Hands every complete frame buffered to `sink`, keeps the partial tail.
  // Stops at the first error (returned, and the reader stays failed) or
  // after a close frame.
  ws_frame_error parse(ws_frame_sink& sink);

  // A new connection: nothing buffered, no fragment pending.
  void reset();

  std::size_t buffered() const { return tail_ - head_; }
  bool closed() const { return closed_; }
  ws_frame_error failed() const { return failed_; }
  // Messages assembled from fragments so far.
  uint64_t fragmented_messages() const { return fragmented_; }
  // A fragmented message is open: control frames between its fragments say
  // the peer is alive, not that data is flowing (the keepalive's view).
  bool in_fragmented_message() const { return in_fragment_; }
  const ws_reader_limits& limits() const { return limits_; }

private:
  ws_frame_error fail(ws_frame_error e) { return failed_ = e; }
  ws_frame_error on_data(bool fin, ws_opcode op, std::string_view payload, ws_frame_sink& sink);
  ws_frame_error on_control(ws_opcode op, std::string_view payload, ws_frame_sink& sink);
  void compact();
  void reserve(std::size_t total);

  ws_reader_limits limits_;
  std::unique_ptr<char[]> buf_;
  std::size_t cap_ = 0, head_ = 0, tail_ = 0;
  // What the last prepare() offered (0: nothing since the last commit).
  std::size_t prepared_ = 0;
  // The whole of the frame the tail holds the start of (0: unknown yet).
  std::size_t need_ = 0;
  // A fragmented message being assembled (bounded by max_message_bytes).
  bool in_fragment_ = false;
  bool fragment_text_ = false;
  std::size_t fragments_ = 0; // frames of the message being assembled
  std::string assembly_;
  bool closed_ = false;
  ws_frame_error failed_ = ws_frame_error::none;
  uint64_t fragmented_ = 0;
};

// True when `s` is well-formed UTF-8 (RFC 3629: no overlongs, no
// surrogates, nothing above U+10FFFF). ASCII runs go 8 bytes at a time.
bool valid_utf8(std::string_view s);

// One client-to-server frame (FIN set, masked with `mask`: RFC 6455 5.3,
// "The client MUST mask all frames that it sends to the server").
std::string encode_client_frame(ws_opcode op, std::string_view payload, std::array<uint8_t, 4> mask);

} // namespace cwts::connector
