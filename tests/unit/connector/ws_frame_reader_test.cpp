#define CAF_SUITE connector_ws_frame_reader
#include "tests/support/unit_test.hpp"

#include <cstring>
#include <string>
#include <vector>

#include "actors/connector/ws_frame_reader.hpp"

using namespace cwts::connector;

namespace {

// A server-to-client frame (unmasked unless `mask`), with the length in the
// encoding `len_bytes` asks for (0: the shortest; 2 or 8: forced).
std::string frame(unsigned op, std::string_view payload, bool fin = true, unsigned rsv = 0,
                  bool mask = false, int len_bytes = 0) {
  std::string out;
  out.push_back(static_cast<char>((fin ? 0x80 : 0) | rsv | op));
  auto n = payload.size();
  unsigned m = mask ? 0x80 : 0;
  if (len_bytes == 0)
    len_bytes = n < 126 ? 0 : (n <= 0xFFFF ? 2 : 8);
  if (len_bytes == 0) {
    out.push_back(static_cast<char>(m | n));
  } else if (len_bytes == 2) {
    out.push_back(static_cast<char>(m | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xff));
  } else {
    out.push_back(static_cast<char>(m | 127));
    for (int s = 56; s >= 0; s -= 8)
      out.push_back(static_cast<char>((static_cast<uint64_t>(n) >> s) & 0xff));
  }
  if (mask)
    out.append(4, '\0'); // a zero key: the payload reads the same
  out.append(payload.data(), payload.size());
  return out;
}

std::string header64(uint64_t len) {
  std::string out{static_cast<char>(0x81), static_cast<char>(127)};
  for (int s = 56; s >= 0; s -= 8)
    out.push_back(static_cast<char>((len >> s) & 0xff));
  return out;
}

// What the reader handed out, as one line per event.
struct recorder final : ws_frame_sink {
  std::vector<std::string> events;
  std::vector<const char*> data; // where each message's bytes were
  void on_message(std::string_view p, bool text) override {
    events.push_back(std::string(text ? "text:" : "binary:") + std::string(p));
    data.push_back(p.data());
  }
  void on_ping(std::string_view p) override { events.push_back("ping:" + std::string(p)); }
  void on_pong(std::string_view p) override { events.push_back("pong:" + std::string(p)); }
  void on_close(uint16_t code, std::string_view r) override {
    events.push_back("close:" + std::to_string(code) + ":" + std::string(r));
  }
};

// Feeds `bytes` as the reads `cuts` splits them into; the first error.
ws_frame_error feed(ws_frame_reader& r, recorder& rec, const std::string& bytes,
                    const std::vector<std::size_t>& cuts) {
  std::size_t at = 0;
  auto pieces = cuts;
  pieces.push_back(bytes.size());
  for (auto end : pieces) {
    while (at < end) {
      // One prepare(), as the socket read does; the whole area is
      // written (a read may fill it), so an area larger than the buffer
      // behind it trips ASan.
      auto area = r.prepare();
      auto n = std::min(end - at, area.size);
      std::memcpy(area.data, bytes.data() + at, n);
      std::memset(area.data + n, 0, area.size - n);
      CAF_REQUIRE(r.commit(n));
      at += n;
      if (auto e = r.parse(rec); e != ws_frame_error::none)
        return e;
    }
  }
  return ws_frame_error::none;
}

ws_frame_error feed_all(ws_frame_reader& r, recorder& rec, const std::string& bytes) {
  return feed(r, rec, bytes, {});
}

// Bytes that must fail with `want` (and the reason it names).
void check_refused(const std::string& bytes, ws_frame_error want, ws_reader_limits l = {}) {
  ws_frame_reader r(l);
  recorder rec;
  auto got = feed_all(r, rec, bytes);
  CAF_CHECK_EQUAL(static_cast<int>(got), static_cast<int>(want));
  CAF_CHECK_EQUAL(static_cast<int>(r.failed()), static_cast<int>(want));
  // Sticky: nothing more is parsed on a failed connection.
  CAF_CHECK_EQUAL(static_cast<int>(r.parse(rec)), static_cast<int>(want));
}

} // namespace

CAF_TEST(hands_out_many_frames_of_one_read_in_place) {
  ws_frame_reader r;
  recorder rec;
  std::string bytes;
  for (int i = 0; i < 100; ++i)
    bytes += frame(1, "{\"t\":" + std::to_string(i) + "}");
  auto room = r.prepare();
  CAF_REQUIRE(room.size >= bytes.size());
  std::memcpy(room.data, bytes.data(), bytes.size());
  const char* area = room.data;
  CAF_REQUIRE(r.commit(bytes.size()));
  CAF_REQUIRE_EQUAL(static_cast<int>(r.parse(rec)), 0);
  CAF_REQUIRE_EQUAL(rec.events.size(), 100u);
  CAF_CHECK_EQUAL(rec.events[42], "text:{\"t\":42}");
  // No copy: the message is a view into the read buffer.
  CAF_CHECK(rec.data[0] >= area && rec.data[0] < area + bytes.size());
  CAF_CHECK_EQUAL(r.buffered(), 0u);
}

CAF_TEST(reads_7_16_and_64_bit_lengths) {
  ws_frame_reader r;
  recorder rec;
  std::string small(125, 'a'), mid(126, 'b'), big(70000, 'c');
  CAF_REQUIRE_EQUAL(static_cast<int>(feed_all(r, rec, frame(1, small) + frame(2, mid) + frame(1, big))), 0);
  CAF_REQUIRE_EQUAL(rec.events.size(), 3u);
  CAF_CHECK_EQUAL(rec.events[0], "text:" + small);
  CAF_CHECK_EQUAL(rec.events[1], "binary:" + mid);
  CAF_CHECK_EQUAL(rec.events[2], "text:" + big);
  // The room a large frame needed is given back once it is through.
  CAF_CHECK_EQUAL(r.prepare().size, ws_reader_limits{}.read_bytes);
}

CAF_TEST(frames_split_at_every_byte_boundary_read_the_same) {
  std::string big(70000, 'x');
  std::string bytes = frame(1, "first") + frame(9, "p1") + frame(1, std::string(300, 'm'))
                      + frame(1, "frag-", false) + frame(9, "inside") + frame(0, "ment", false)
                      + frame(10, "po") + frame(0, "ed", true) + frame(2, big) + frame(1, "")
                      + frame(8, std::string("\x03\xe8", 2) + "bye");
  ws_frame_reader whole;
  recorder want;
  CAF_REQUIRE_EQUAL(static_cast<int>(feed_all(whole, want, bytes)), 0);
  CAF_REQUIRE_EQUAL(want.events.size(), 9u);
  CAF_CHECK_EQUAL(want.events[3], "ping:inside"); // a control frame between fragments comes at once
  CAF_CHECK_EQUAL(want.events[4], "pong:po");
  CAF_CHECK_EQUAL(want.events[5], "text:frag-mented");
  CAF_CHECK_EQUAL(want.events[8], "close:1000:bye");
  CAF_CHECK(whole.closed());
  CAF_CHECK_EQUAL(whole.fragmented_messages(), 1u);
  for (std::size_t cut = 1; cut < bytes.size(); cut += (cut < 400 || cut > bytes.size() - 400) ? 1 : 97) {
    ws_frame_reader r;
    recorder got;
    CAF_REQUIRE_EQUAL(static_cast<int>(feed(r, got, bytes, {cut})), 0);
    CAF_REQUIRE_EQUAL(got.events, want.events);
  }
  // And one byte per read.
  ws_frame_reader r;
  recorder got;
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < bytes.size(); ++i)
    every.push_back(i);
  CAF_REQUIRE_EQUAL(static_cast<int>(feed(r, got, bytes, every)), 0);
  CAF_CHECK_EQUAL(got.events, want.events);
}

// An empty append (a handshake response with nothing after it) changes
// nothing, on a reader with no buffer yet too: an empty view's data() is
// null, which memcpy must never be given (UBSan, scripts/sanitize).
CAF_TEST(an_empty_append_changes_nothing) {
  ws_frame_reader r;
  recorder rec;
  r.append(std::string_view{});
  CAF_CHECK_EQUAL(r.buffered(), 0u);
  auto bytes = frame(1, "after");
  r.append(std::string_view(bytes).substr(0, 3));
  r.append(std::string_view{});
  CAF_CHECK_EQUAL(r.buffered(), 3u);
  r.append(std::string_view(bytes).substr(3));
  CAF_REQUIRE_EQUAL(static_cast<int>(r.parse(rec)), 0);
  CAF_REQUIRE_EQUAL(rec.events.size(), 1u);
  CAF_CHECK_EQUAL(rec.events[0], "text:after");
}

CAF_TEST(stops_after_a_close_and_reports_its_code) {
  ws_frame_reader r;
  recorder rec;
  CAF_CHECK_EQUAL(static_cast<int>(feed_all(r, rec, frame(8, "") + frame(1, "after"))), 0);
  CAF_CHECK_EQUAL(rec.events, std::vector<std::string>{"close:1005:"});
  r.reset();
  CAF_CHECK(!r.closed());
  CAF_CHECK_EQUAL(static_cast<int>(feed_all(r, rec, frame(1, "again"))), 0);
  CAF_CHECK_EQUAL(rec.events.back(), "text:again");
}

CAF_TEST(refuses_every_malformed_frame_with_its_reason) {
  using e = ws_frame_error;
  check_refused(frame(1, "x", true, 0, true), e::masked_server_frame);
  check_refused(frame(1, "x", true, 0x40), e::reserved_bits);
  check_refused(frame(1, "x", true, 0x10), e::reserved_bits);
  check_refused(frame(3, "x"), e::unknown_opcode);
  check_refused(frame(11, "x"), e::unknown_opcode);
  check_refused(frame(9, std::string(126, 'p')), e::control_too_long);
  check_refused(frame(9, "x", false), e::control_fragmented);
  check_refused(frame(0, "x"), e::continuation_without_start);
  check_refused(frame(1, "a", false) + frame(1, "b"), e::data_frame_inside_fragmented_message);
  check_refused(frame(1, "short", true, 0, false, 2), e::length_not_minimal);
  check_refused(frame(1, std::string(200, 's'), true, 0, false, 8), e::length_not_minimal);
  check_refused(header64(uint64_t{1} << 63), e::length_top_bit);
  check_refused(frame(8, "x"), e::bad_close_payload);
  check_refused(frame(8, std::string("\x03\xed", 2)), e::bad_close_payload); // 1005 is never sent
  check_refused(frame(8, std::string("\x03\xe8\xff", 3)), e::invalid_utf8);
  check_refused(frame(1, "\xc0\xaf"), e::invalid_utf8); // overlong '/'
  check_refused(frame(1, "ok-", false) + frame(0, "\xed\xa0\x80"), e::invalid_utf8); // a surrogate
  CAF_CHECK_EQUAL(std::string(to_string(e::masked_server_frame)), "masked server frame (RFC 6455 5.1)");
  CAF_CHECK_EQUAL(close_code_for(e::masked_server_frame), 1002);
  CAF_CHECK_EQUAL(close_code_for(e::invalid_utf8), 1007);
  CAF_CHECK_EQUAL(close_code_for(e::message_too_large), 1009);
  for (int i = 1; i <= static_cast<int>(e::read_overrun); ++i)
    CAF_CHECK(std::string(to_string(static_cast<e>(i))).size() > 10);
}

CAF_TEST(refuses_a_message_above_the_bound_from_its_header) {
  ws_reader_limits l;
  l.read_bytes = 4096;
  l.max_message_bytes = 1000;
  // A 2^40-byte frame: refused from its 10 header bytes, nothing allocated.
  ws_frame_reader r(l);
  recorder rec;
  CAF_CHECK_EQUAL(static_cast<int>(feed_all(r, rec, header64(uint64_t{1} << 40))),
                  static_cast<int>(ws_frame_error::message_too_large));
  CAF_CHECK_EQUAL(r.prepare().size, 4096u - 10u);
  check_refused(frame(1, std::string(1001, 'a')), ws_frame_error::message_too_large, l);
  // Fragments count together.
  check_refused(frame(1, std::string(600, 'a'), false) + frame(0, std::string(401, 'b')),
                ws_frame_error::message_too_large, l);
  ws_frame_reader ok(l);
  CAF_CHECK_EQUAL(static_cast<int>(feed_all(ok, rec, frame(1, std::string(600, 'a'), false)
                                                       + frame(0, std::string(400, 'b')))),
                  0);
  CAF_CHECK_EQUAL(rec.events.back().size(), 5u + 1000u);
  // A frame larger than one read but within the bound grows the buffer.
  l.max_message_bytes = 20000;
  ws_frame_reader grows(l);
  CAF_CHECK_EQUAL(static_cast<int>(feed_all(grows, rec, frame(1, std::string(10000, 'g')))), 0);
  CAF_CHECK_EQUAL(rec.events.back().size(), 5u + 10000u);
}

CAF_TEST(writes_masked_client_frames) {
  std::array<uint8_t, 4> mask{0x12, 0x34, 0x56, 0x78};
  for (std::size_t n : {0u, 5u, 125u, 126u, 70000u}) {
    std::string payload(n, 'q');
    auto f = encode_client_frame(ws_opcode::text, payload, mask);
    auto* p = reinterpret_cast<const unsigned char*>(f.data());
    CAF_CHECK_EQUAL(p[0], 0x81);
    CAF_CHECK((p[1] & 0x80) != 0); // the mask bit: RFC 6455 5.3
    std::size_t hdr = n < 126 ? 2 : (n <= 0xFFFF ? 4 : 10);
    CAF_REQUIRE_EQUAL(f.size(), hdr + 4 + n);
    std::string back;
    for (std::size_t i = 0; i < n; ++i)
      back.push_back(static_cast<char>(p[hdr + 4 + i] ^ mask[i % 4]));
    CAF_CHECK(back == payload);
  }
  auto pong = encode_client_frame(ws_opcode::pong, "ab", mask);
  CAF_CHECK_EQUAL(static_cast<unsigned char>(pong[0]), 0x8a);
}

CAF_TEST(checks_utf8_and_limits) {
  CAF_CHECK(valid_utf8("plain ascii text, longer than eight bytes"));
  CAF_CHECK(valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  CAF_CHECK(!valid_utf8("\xe2\x82"));          // truncated
  CAF_CHECK(!valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  CAF_CHECK(!valid_utf8("abcdefgh\xff"));      // after an ASCII run
  CAF_CHECK_EQUAL(validate(ws_reader_limits{}), "");
  ws_reader_limits bad;
  bad.read_bytes = 100;
  CAF_CHECK_EQUAL(validate(bad), "read_bytes: must be 4096 .. 64 MiB");
  bad = {};
  bad.max_message_bytes = 10;
  CAF_CHECK_EQUAL(validate(bad), "max_message_bytes: must be 125 .. 1 GiB");
  bad = {};
  bad.max_fragments = 1;
  CAF_CHECK_EQUAL(validate(bad), "max_fragments: must be 2 .. 1048576");
}

// Review finding 2: the socket read got write_area()'s pointer and
// write_size()'s size from two calls; g++ took the size first, before the
// pointer's compaction shrank the buffer back to read_bytes after a large
// frame, and a full-size read then wrote past the allocation. prepare()
// returns both from one call; this is that sequence, every byte of each
// area written (ASan: build-asan). Checked failing on the old two-call API
// (heap-buffer-overflow, WRITE of size 10004 into a 4096-byte buffer).
CAF_TEST(a_full_size_read_after_a_large_frame_stays_inside_the_buffer) {
  ws_reader_limits l;
  l.read_bytes = 4096;
  l.max_message_bytes = 65536;
  ws_frame_reader r(l);
  recorder rec;
  std::string big(10000, 'x');
  // In full-size reads: the buffer grows for the frame on its way.
  CAF_REQUIRE_EQUAL(static_cast<int>(feed_all(r, rec, frame(2, big))), 0);
  CAF_REQUIRE_EQUAL(rec.events.size(), 1u);
  // The large frame is consumed: the next area is the usual size again,
  // and a read filling all of it stays inside the buffer.
  auto area = r.prepare();
  CAF_CHECK_EQUAL(area.size, 4096u);
  std::string next = frame(1, std::string(area.size - 4, 'n'));
  CAF_REQUIRE_EQUAL(next.size(), area.size);
  std::memcpy(area.data, next.data(), next.size());
  CAF_REQUIRE(r.commit(next.size()));
  CAF_REQUIRE_EQUAL(static_cast<int>(r.parse(rec)), 0);
  CAF_REQUIRE_EQUAL(rec.events.size(), 2u);
  CAF_CHECK_EQUAL(rec.events[1].size(), 5u + area.size - 4);
  // A large frame split over many reads, and a large frame followed in the
  // same read by the start of the next: each area written in full.
  for (int round = 0; round < 3; ++round)
    CAF_REQUIRE_EQUAL(static_cast<int>(feed(r, rec, frame(2, big) + frame(1, "tail") + frame(2, big),
                                            {100, 5000, 9000, 10004, 10010})),
                      0);
  CAF_CHECK_EQUAL(rec.events.size(), 2u + 9u);
  CAF_CHECK_EQUAL(r.prepare().size, 4096u);
}

// A read cannot claim more bytes than its area held: refused, and the
// reader stays failed (the connection is then closed with 1011).
CAF_TEST(commit_refuses_more_than_prepare_offered) {
  ws_frame_reader r;
  recorder rec;
  auto area = r.prepare();
  CAF_CHECK(!r.commit(area.size + 1));
  CAF_CHECK_EQUAL(static_cast<int>(r.failed()), static_cast<int>(ws_frame_error::read_overrun));
  CAF_CHECK_EQUAL(static_cast<int>(r.parse(rec)), static_cast<int>(ws_frame_error::read_overrun));
  CAF_CHECK_EQUAL(r.buffered(), 0u);
  CAF_CHECK_EQUAL(close_code_for(ws_frame_error::read_overrun), 1011);
  // No prepare() since the last commit: nothing was offered.
  ws_frame_reader r2;
  CAF_REQUIRE(r2.commit(r2.prepare().size));
  CAF_CHECK(!r2.commit(1));
}

// Review finding 12: empty continuation frames never grow the assembly,
// so the message bound alone would let a peer send them forever (with
// pings answered between them). A message takes at most max_fragments
// frames; control frames between them leave in_fragmented_message() set.
CAF_TEST(refuses_a_message_of_more_than_max_fragments_frames) {
  ws_reader_limits l;
  l.max_fragments = 4;
  std::string four = frame(1, "a", false) + frame(0, "", false) + frame(10, "p") + frame(0, "", false);
  {
    ws_frame_reader r(l);
    recorder rec;
    CAF_REQUIRE_EQUAL(static_cast<int>(feed_all(r, rec, four)), 0);
    CAF_CHECK(r.in_fragmented_message());
    CAF_REQUIRE_EQUAL(static_cast<int>(feed_all(r, rec, frame(0, "b"))), 0);
    CAF_CHECK(!r.in_fragmented_message());
    CAF_CHECK_EQUAL(rec.events.back(), "text:ab");
  }
  check_refused(four + frame(0, "", false) + frame(0, "b"), ws_frame_error::too_many_fragments, l);
  CAF_CHECK_EQUAL(close_code_for(ws_frame_error::too_many_fragments), 1009);
  // The count starts again with the next message.
  ws_frame_reader r(l);
  recorder rec;
  CAF_CHECK_EQUAL(static_cast<int>(feed_all(r, rec, four + frame(0, "b") + four + frame(0, "c"))), 0);
  CAF_CHECK_EQUAL(rec.events.size(), 4u);
}
