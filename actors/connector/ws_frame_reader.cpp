#include "actors/connector/ws_frame_reader.hpp"

#include <algorithm>
#include <cstring>

namespace cwts::connector {

namespace {

// RFC 6455 5.2: 2 bytes, then 0, 2 or 8 bytes of length (servers send no
// masking key).
constexpr std::size_t max_header = 10;

uint16_t load_be16(const unsigned char* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

uint64_t load_be64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v = (v << 8) | p[i];
  return v;
}

bool known_opcode(unsigned op) {
  return op <= 2 || (op >= 8 && op <= 10);
}

// RFC 6455 7.4.1/7.4.2: codes an endpoint may send in a close frame.
bool valid_close_code(uint16_t c) {
  if (c >= 1000 && c <= 1003)
    return true;
  if (c >= 1007 && c <= 1014)
    return true;
  return c >= 3000 && c <= 4999;
}

} // namespace

const char* to_string(ws_frame_error e) {
  switch (e) {
    case ws_frame_error::none: return "none";
    case ws_frame_error::masked_server_frame: return "masked server frame (RFC 6455 5.1)";
    case ws_frame_error::reserved_bits: return "reserved bits set without an extension (RFC 6455 5.2)";
    case ws_frame_error::unknown_opcode: return "unknown opcode (RFC 6455 5.2)";
    case ws_frame_error::control_too_long: return "control frame longer than 125 bytes (RFC 6455 5.5)";
    case ws_frame_error::control_fragmented: return "fragmented control frame (RFC 6455 5.5)";
    case ws_frame_error::continuation_without_start:
      return "continuation frame without a fragmented message (RFC 6455 5.4)";
    case ws_frame_error::data_frame_inside_fragmented_message:
      return "new data frame inside a fragmented message (RFC 6455 5.4)";
    case ws_frame_error::length_not_minimal: return "payload length not minimally encoded (RFC 6455 5.2)";
    case ws_frame_error::length_top_bit: return "64-bit payload length with the top bit set (RFC 6455 5.2)";
    case ws_frame_error::message_too_large: return "message above max_message_bytes";
    case ws_frame_error::bad_close_payload: return "close frame with a bad code or payload (RFC 6455 7.4)";
    case ws_frame_error::invalid_utf8: return "text not valid UTF-8 (RFC 6455 8.1)";
    case ws_frame_error::too_many_fragments: return "fragmented message above max_fragments frames";
    case ws_frame_error::read_overrun: return "a read reported more bytes than the area it was given";
  }
  return "?";
}

uint16_t close_code_for(ws_frame_error e) {
  switch (e) {
    case ws_frame_error::message_too_large:
    case ws_frame_error::too_many_fragments: return 1009;
    case ws_frame_error::read_overrun: return 1011;
    case ws_frame_error::invalid_utf8: return 1007;
    default: return 1002;
  }
}

std::string validate(const ws_reader_limits& l) {
  if (l.read_bytes < 4096 || l.read_bytes > (64u << 20))
    return "read_bytes: must be 4096 .. 64 MiB";
  if (l.max_message_bytes < 125 || l.max_message_bytes > (1u << 30))
    return "max_message_bytes: must be 125 .. 1 GiB";
  if (l.max_fragments < 2 || l.max_fragments > (1u << 20))
    return "max_fragments: must be 2 .. 1048576";
  return {};
}

ws_frame_reader::ws_frame_reader(ws_reader_limits limits) : limits_(limits) {
  reserve(limits_.read_bytes);
}

void ws_frame_reader::reset() {
  head_ = tail_ = need_ = prepared_ = fragments_ = 0;
  in_fragment_ = fragment_text_ = closed_ = false;
  assembly_.clear();
  failed_ = ws_frame_error::none;
  if (cap_ > limits_.read_bytes) // a large frame's room is given back
    buf_.reset(), cap_ = 0, reserve(limits_.read_bytes);
}

void ws_frame_reader::reserve(std::size_t total) {
  if (total <= cap_)
    return;
  // Not zeroed: only bytes a read wrote are ever parsed.
  std::unique_ptr<char[]> bigger(new char[total]);
  if (tail_ > head_)
    std::memcpy(bigger.get(), buf_.get() + head_, tail_ - head_);
  tail_ -= head_;
  head_ = 0;
  buf_ = std::move(bigger);
  cap_ = total;
}

// Moves the partial frame to the front, so a read always has room behind
// it; the frame being received decides how much room (bounded: its header
// passed the size check).
void ws_frame_reader::compact() {
  if (head_ == tail_) {
    head_ = tail_ = 0;
    if (cap_ > limits_.read_bytes && need_ == 0) { // back to the usual size after a large frame
      buf_.reset();
      cap_ = 0;
      reserve(limits_.read_bytes);
    }
  } else if (head_ > 0) {
    std::memmove(buf_.get(), buf_.get() + head_, tail_ - head_);
    tail_ -= head_;
    head_ = 0;
  }
  reserve(std::max(limits_.read_bytes, need_));
  if (tail_ == cap_) // a frame that fills the buffer exactly is complete: never here
    reserve(cap_ + limits_.read_bytes);
}

ws_frame_reader::area ws_frame_reader::prepare() {
  compact();
  prepared_ = cap_ - tail_;
  return {buf_.get() + tail_, prepared_};
}

bool ws_frame_reader::commit(std::size_t n) {
  // Both bounds: what was offered, and what is there now (an append() or
  // reset() since the prepare() may have moved or shrunk the buffer).
  if (n > prepared_ || n > cap_ - tail_) {
    prepared_ = 0;
    fail(ws_frame_error::read_overrun);
    return false;
  }
  prepared_ = 0;
  tail_ += n;
  return true;
}

void ws_frame_reader::append(std::string_view bytes) {
  prepared_ = 0; // the buffer may move: an earlier prepare()'s area is void
  compact();
  if (bytes.empty())
    return; // memcpy's pointers must not be null, not even for zero bytes
  reserve(tail_ + bytes.size());
  std::memcpy(buf_.get() + tail_, bytes.data(), bytes.size());
  tail_ += bytes.size();
}

ws_frame_error ws_frame_reader::parse(ws_frame_sink& sink) {
  if (failed_ != ws_frame_error::none)
    return failed_;
  while (!closed_) {
    auto avail = tail_ - head_;
    if (avail < 2)
      break;
    auto* p = reinterpret_cast<const unsigned char*>(buf_.get() + head_);
    bool fin = (p[0] & 0x80) != 0;
    unsigned op = p[0] & 0x0f;
    if ((p[0] & 0x70) != 0)
      return fail(ws_frame_error::reserved_bits);
    if (!known_opcode(op))
      return fail(ws_frame_error::unknown_opcode);
    if ((p[1] & 0x80) != 0)
      return fail(ws_frame_error::masked_server_frame);
    bool control = op >= 8;
    if (control && !fin)
      return fail(ws_frame_error::control_fragmented);
    std::size_t header = 2;
    uint64_t len = p[1] & 0x7f;
    if (len == 126) {
      if (avail < 4)
        break;
      header = 4;
      len = load_be16(p + 2);
      if (len < 126)
        return fail(ws_frame_error::length_not_minimal);
    } else if (len == 127) {
      if (avail < max_header)
        break;
      header = max_header;
      len = load_be64(p + 2);
      if ((len >> 63) != 0)
        return fail(ws_frame_error::length_top_bit);
      if (len < 65536)
        return fail(ws_frame_error::length_not_minimal);
    }
    if (control && len > 125)
      return fail(ws_frame_error::control_too_long);
    if (!control) {
      if (op == 0 && !in_fragment_)
        return fail(ws_frame_error::continuation_without_start);
      if (op != 0 && in_fragment_)
        return fail(ws_frame_error::data_frame_inside_fragmented_message);
      // Refused from the header alone: nothing of it is buffered beyond
      // what one read brought, nothing allocated for it.
      uint64_t so_far = in_fragment_ ? assembly_.size() : 0;
      if (len > limits_.max_message_bytes - so_far)
        return fail(ws_frame_error::message_too_large);
    }
    std::size_t total = header + static_cast<std::size_t>(len);
    if (avail < total) {
      need_ = total;
      break;
    }
    need_ = 0;
    std::string_view payload(buf_.get() + head_ + header, static_cast<std::size_t>(len));
    head_ += total;
    auto e = control ? on_control(static_cast<ws_opcode>(op), payload, sink)
                     : on_data(fin, static_cast<ws_opcode>(op), payload, sink);
    if (e != ws_frame_error::none)
      return fail(e);
  }
  if (head_ == tail_)
    head_ = tail_ = 0;
  return ws_frame_error::none;
}

ws_frame_error ws_frame_reader::on_data(bool fin, ws_opcode op, std::string_view payload,
                                        ws_frame_sink& sink) {
  if (op != ws_opcode::continuation) {
    bool text = op == ws_opcode::text;
    if (fin) { // the common case: the whole message, handed out in place
      if (text && !valid_utf8(payload))
        return ws_frame_error::invalid_utf8;
      sink.on_message(payload, text);
      return ws_frame_error::none;
    }
    in_fragment_ = true;
    fragment_text_ = text;
    fragments_ = 1;
    assembly_.assign(payload.data(), payload.size());
    return ws_frame_error::none;
  }
  if (++fragments_ > limits_.max_fragments)
    return ws_frame_error::too_many_fragments;
  assembly_.append(payload.data(), payload.size());
  if (!fin)
    return ws_frame_error::none;
  in_fragment_ = false;
  ++fragmented_;
  if (fragment_text_ && !valid_utf8(assembly_))
    return ws_frame_error::invalid_utf8;
  sink.on_message(assembly_, fragment_text_);
  assembly_.clear();
  if (assembly_.capacity() > limits_.read_bytes)
    std::string().swap(assembly_); // a large message's room is given back
  return ws_frame_error::none;
}

ws_frame_error ws_frame_reader::on_control(ws_opcode op, std::string_view payload, ws_frame_sink& sink) {
  switch (op) {
    case ws_opcode::ping: sink.on_ping(payload); break;
    case ws_opcode::pong: sink.on_pong(payload); break;
    case ws_opcode::close: {
      uint16_t code = 1005; // RFC 6455 7.1.5: no status code present
      std::string_view reason;
      if (payload.size() == 1)
        return ws_frame_error::bad_close_payload;
      if (payload.size() >= 2) {
        code = load_be16(reinterpret_cast<const unsigned char*>(payload.data()));
        if (!valid_close_code(code))
          return ws_frame_error::bad_close_payload;
        reason = payload.substr(2);
        if (!valid_utf8(reason))
          return ws_frame_error::invalid_utf8;
      }
      closed_ = true;
      sink.on_close(code, reason);
      break;
    }
    default: break; // known_opcode() let only these through
  }
  return ws_frame_error::none;
}

bool valid_utf8(std::string_view s) {
  auto* p = reinterpret_cast<const unsigned char*>(s.data());
  auto* end = p + s.size();
  while (p < end) {
    // ASCII fast path (market data is ASCII): 32 bytes with no high bit per
    // step, then 8 at a time.
    while (end - p >= 32) {
      uint64_t w[4];
      std::memcpy(w, p, 32);
      if (((w[0] | w[1] | w[2] | w[3]) & 0x8080808080808080ULL) != 0)
        break;
      p += 32;
    }
    while (end - p >= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      if ((w & 0x8080808080808080ULL) != 0)
        break;
      p += 8;
    }
    if (p == end)
      break;
    unsigned c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    std::size_t n = 0;
    unsigned lo = 0x80, hi = 0xBF; // the allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF)
      n = 1;
    else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0)
        lo = 0xA0; // no overlongs
      else if (c == 0xED)
        hi = 0x9F; // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0)
        lo = 0x90;
      else if (c == 0xF4)
        hi = 0x8F; // nothing above U+10FFFF
    } else
      return false;
    if (static_cast<std::size_t>(end - p) <= n)
      return false;
    if (p[1] < lo || p[1] > hi)
      return false;
    for (std::size_t i = 2; i <= n; ++i)
      if ((p[i] & 0xC0) != 0x80)
        return false;
    p += n + 1;
  }
  return true;
}

std::string encode_client_frame(ws_opcode op, std::string_view payload, std::array<uint8_t, 4> mask) {
  std::string out;
  out.reserve(payload.size() + 14);
  out.push_back(static_cast<char>(0x80 | static_cast<unsigned>(op)));
  auto n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(0x80 | n));
  } else if (n <= 0xFFFF) {
    out.push_back(static_cast<char>(0x80 | 126));
    out.push_back(static_cast<char>((n >> 8) & 0xFF));
    out.push_back(static_cast<char>(n & 0xFF));
  } else {
    out.push_back(static_cast<char>(0x80 | 127));
    for (int shift = 56; shift >= 0; shift -= 8)
      out.push_back(static_cast<char>((static_cast<uint64_t>(n) >> shift) & 0xFF));
  }
  for (auto m : mask)
    out.push_back(static_cast<char>(m));
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(static_cast<char>(static_cast<unsigned char>(payload[i]) ^ mask[i % 4]));
  return out;
}

} // namespace cwts::connector
