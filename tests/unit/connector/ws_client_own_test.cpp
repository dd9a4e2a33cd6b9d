#define CAF_SUITE connector_ws_client_own
#include "tests/support/unit_test.hpp"

// The market stream on ws_client's own frames against a loopback server
// that writes raw RFC 6455 bytes: frames that came with the 101 response,
// a fragmented message with a ping inside, pongs and the close answered
// with masked client frames, a protocol error closing with 1002 and the
// stream reconnecting.

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "actors/connector/market_stream.hpp"
#include "tests/unit/connector/ws_script_server.hpp"

using namespace cwts;
using namespace cwts::connector;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string trade_frame(int id) {
  return R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":)"
         + std::to_string(id) + R"(,"p":"100.5","q":"0.1","T":1672515782136,"m":false,"M":true}})";
}

std::string frame(unsigned op, std::string_view payload, bool fin = true, bool mask = false) {
  std::string out;
  out.push_back(static_cast<char>((fin ? 0x80 : 0) | op));
  unsigned m = mask ? 0x80 : 0;
  if (payload.size() < 126) {
    out.push_back(static_cast<char>(m | payload.size()));
  } else { // < 64 KiB here
    out.push_back(static_cast<char>(m | 126));
    out.push_back(static_cast<char>(payload.size() >> 8));
    out.push_back(static_cast<char>(payload.size() & 0xff));
  }
  if (mask)
    out.append(4, '\0');
  out.append(payload.data(), payload.size());
  return out;
}

std::string accept_for(const std::string& key) {
  std::string in = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char d[SHA_DIGEST_LENGTH] = {};
  SHA1(reinterpret_cast<const unsigned char*>(in.data()), in.size(), d);
  unsigned char out[64] = {};
  int n = EVP_EncodeBlock(out, d, sizeof d);
  return std::string(reinterpret_cast<char*>(out), static_cast<std::size_t>(n));
}

struct client_frame {
  unsigned op = 0;
  bool masked = false;
  std::string payload;
};

// One frame from the client, unmasked (payloads < 126 bytes here).
client_frame read_client_frame(tcp::socket& s) {
  unsigned char h[2] = {};
  asio::read(s, asio::buffer(h));
  client_frame f;
  f.op = h[0] & 0x0f;
  f.masked = (h[1] & 0x80) != 0;
  std::size_t n = h[1] & 0x7f;
  unsigned char key[4] = {};
  if (f.masked)
    asio::read(s, asio::buffer(key));
  f.payload.resize(n);
  asio::read(s, asio::buffer(f.payload));
  for (std::size_t i = 0; i < n; ++i)
    f.payload[i] = static_cast<char>(f.payload[i] ^ key[i % 4]);
  return f;
}

// A loopback server that upgrades by hand and writes `first` in the same
// write as its 101 response, then runs `script` on the raw socket.
struct raw_server {
  using script = std::function<void(tcp::socket&, int)>;
  explicit raw_server(script s) : script_(std::move(s)) {
    port = acceptor.local_endpoint().port();
    thread = std::thread([this] {
      for (int i = 0; !stopping; ++i) {
        tcp::socket sock(ioc);
        boost::system::error_code ec;
        acceptor.accept(sock, ec);
        if (ec || stopping)
          return;
        try {
          script_(sock, i);
        } catch (const std::exception&) {
          // the client left
        }
      }
    });
  }
  ~raw_server() {
    stopping = true;
    boost::system::error_code ec;
    tcp::socket wake(ioc);
    wake.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
    thread.join();
  }
  static void upgrade(tcp::socket& s, const std::string& first) {
    boost::beast::flat_buffer buf;
    http::request<http::string_body> req;
    http::read(s, buf, req);
    std::string res = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Accept: "
                      + accept_for(std::string(req[http::field::sec_websocket_key])) + "\r\n\r\n" + first;
    asio::write(s, asio::buffer(res));
  }

  script script_;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc, {asio::ip::make_address("127.0.0.1"), 0}};
  uint16_t port = 0;
  std::atomic<bool> stopping{false};
  std::thread thread;
};


// A trades-only BTCUSDT stream's config against the test server on `port`.
market_stream_config trades_only(uint16_t port) {
  market_stream_config cfg;
  cfg.port = port;
  cfg.symbols = {*symbol::parse("BTCUSDT")};
  cfg.agg_trades = cfg.book_ticker = cfg.depth = false;
  return cfg;
}

// The trade ids a stream delivered, in order; filled on the stream's thread,
// read on the test's.
class trade_ids {
public:
  market_stream::batch_callback sink() {
    return [this](market_batch&& b) {
      std::lock_guard<std::mutex> g(mtx_);
      for (auto& t : b.trades)
        ids_.push_back(t.id.value);
    };
  }
  std::vector<int64_t> get() const {
    std::lock_guard<std::mutex> g(mtx_);
    return ids_;
  }
  // Polls (bounded) until `n` trades arrived.
  bool at_least(std::size_t n) const {
    return cwts::test::eventually([&] { return get().size() >= n; });
  }

private:
  mutable std::mutex mtx_;
  std::vector<int64_t> ids_;
};

} // namespace

CAF_TEST(own_frames_answer_pings_refuse_a_masked_frame_and_reconnect) {
  std::mutex mtx;
  std::vector<client_frame> seen; // every client frame, both connections
  std::atomic<int> close_codes[2] = {{0}, {0}};
  std::atomic<int> connections{0};
  auto record = [&](const client_frame& f) {
    std::lock_guard<std::mutex> g(mtx);
    seen.push_back(f);
  };
  auto code_of = [](const client_frame& f) {
    return f.payload.size() >= 2 ? (static_cast<unsigned char>(f.payload[0]) << 8)
                                     | static_cast<unsigned char>(f.payload[1])
                                 : 0;
  };
  raw_server server([&](tcp::socket& s, int i) {
    ++connections;
    if (i == 0) {
      // Behind the 101: a ping, then a trade in three fragments with a
      // ping between them.
      auto t = trade_frame(1);
      raw_server::upgrade(s, frame(9, "hb") + frame(1, t.substr(0, 40), false) + frame(9, "mid")
                               + frame(0, t.substr(40, 40), false) + frame(0, t.substr(80), true));
      for (int k = 0; k < 2; ++k)
        record(read_client_frame(s)); // the two pongs
      asio::write(s, asio::buffer(frame(1, trade_frame(99), true, true))); // masked: refused
      auto f = read_client_frame(s);
      record(f);
      close_codes[0] = f.op == 8 ? code_of(f) : -1;
      return;
    }
    if (i == 1) {
      raw_server::upgrade(s, frame(1, trade_frame(2)));
      for (;;) {
        auto f = read_client_frame(s);
        record(f);
        if (f.op == 8) { // our stop: answered, so the close handshake completes
          close_codes[1] = code_of(f);
          asio::write(s, asio::buffer(frame(8, f.payload)));
          return;
        }
      }
    }
  });
  auto cfg = trades_only(server.port);
  cfg.backoff_initial = 10ms;
  cfg.backoff_max = 50ms;
  cfg.jitter_seed = 7;
  trade_ids ids;
  market_stream stream(cfg, ids.sink());
  stream.start();
  CAF_REQUIRE(ids.at_least(2));
  CAF_CHECK_EQUAL(close_codes[0].load(), 1002);
  CAF_CHECK_EQUAL(stream.last_protocol_error(), "masked server frame (RFC 6455 5.1)");
  CAF_CHECK(stream.reconnects() >= 1u);
  CAF_CHECK_EQUAL(stream.pings(), 2u);
  market_source::counters k;
  stream.add_counters(k);
  CAF_CHECK_EQUAL(k["md.ws_protocol_errors"], 1);
  CAF_CHECK_EQUAL(k["md.ws_fragmented_messages"], 1);
  CAF_CHECK(k["md.ws_reads"] >= 1);
  CAF_CHECK_EQUAL(ids.get(), (std::vector<int64_t>{1, 2})); // the masked trade 99 never counted
  stream.stop();
  CAF_CHECK_EQUAL(close_codes[1].load(), 1000);
  std::lock_guard<std::mutex> g(mtx);
  CAF_REQUIRE(seen.size() >= 4u);
  CAF_CHECK_EQUAL(seen[0].op, 10u);
  CAF_CHECK_EQUAL(seen[0].payload, "hb");
  CAF_CHECK_EQUAL(seen[1].op, 10u);
  CAF_CHECK_EQUAL(seen[1].payload, "mid");
  for (auto& f : seen)
    CAF_CHECK(f.masked); // RFC 6455 5.3: every client frame
}

CAF_TEST(our_close_is_bounded_when_the_peer_never_answers) {
  std::atomic<int> close_code{0};
  std::atomic<bool> eof{false};
  raw_server server([&](tcp::socket& s, int) {
    raw_server::upgrade(s, frame(1, trade_frame(1)));
    for (;;) {
      client_frame f;
      try {
        f = read_client_frame(s);
      } catch (const std::exception&) {
        eof = true; // the client closed the socket itself
        return;
      }
      if (f.op == 8)
        close_code = (static_cast<unsigned char>(f.payload[0]) << 8) | static_cast<unsigned char>(f.payload[1]);
    }
  });
  auto cfg = trades_only(server.port);
  cfg.connect_timeout = 200ms; // also bounds our closing handshake
  market_stream stream(cfg, [](market_batch&&) {});
  stream.start();
  CAF_REQUIRE(cwts::test::eventually([&] { return stream.frames() >= 1u; }));
  stream.stop(); // returns although no close answer comes
  CAF_CHECK(!stream.connected());
  CAF_CHECK(cwts::test::eventually([&] { return eof.load(); }));
  CAF_CHECK_EQUAL(close_code.load(), 1000);
}

CAF_TEST(a_wrong_accept_key_fails_the_upgrade) {
  raw_server server([&](tcp::socket& s, int) {
    boost::beast::flat_buffer buf;
    http::request<http::string_body> req;
    http::read(s, buf, req);
    std::string res = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Accept: " + accept_for("not the client's key") + "\r\n\r\n";
    asio::write(s, asio::buffer(res));
    char c = 0;
    boost::system::error_code ec;
    s.read_some(asio::buffer(&c, 1), ec); // until the client drops it
  });
  auto cfg = trades_only(server.port);
  cfg.backoff_initial = 10ms;
  cfg.backoff_max = 50ms;
  market_stream stream(cfg, [](market_batch&&) {});
  stream.start();
  CAF_REQUIRE(cwts::test::eventually([&] { return stream.reconnects() >= 1u; }));
  CAF_CHECK(stream.last_connect_error().find("ws_handshake: ") == 0);
  CAF_CHECK_EQUAL(stream.frames(), 0u);
  stream.stop();
}

// Review finding 12: a peer that opens a fragmented message, never ends
// it, and answers each of our pings (with an empty continuation behind
// each pong) brings no data; before, its pongs counted as traffic and the
// connection was kept for ever. Only completed messages count now, so the
// idle watchdog drops it and the stream reconnects (checked failing
// without the fix: no reconnect within the poll's deadline).
CAF_TEST(pongs_inside_a_message_that_never_ends_do_not_keep_the_connection) {
  std::atomic<int> pings_seen{0};
  raw_server server([&](tcp::socket& s, int i) {
    if (i == 0) {
      raw_server::upgrade(s, frame(1, trade_frame(1)) + frame(1, "{\"stream\":", false));
      for (;;) {
        auto f = read_client_frame(s); // throws once the client drops us
        if (f.op == 9) {
          ++pings_seen;
          asio::write(s, asio::buffer(frame(10, f.payload) + frame(0, "", false)));
        }
      }
    }
    raw_server::upgrade(s, frame(1, trade_frame(2)));
    for (;;)
      read_client_frame(s);
  });
  auto cfg = trades_only(server.port);
  cfg.idle_timeout = 300ms;
  cfg.backoff_initial = 10ms;
  cfg.backoff_max = 50ms;
  trade_ids ids;
  market_stream stream(cfg, ids.sink());
  stream.start();
  CAF_REQUIRE(ids.at_least(2));
  CAF_CHECK(pings_seen.load() >= 1); // our ping went out and was answered
  CAF_CHECK(stream.reconnects() >= 1u);
  CAF_CHECK_EQUAL(ids.get(), (std::vector<int64_t>{1, 2}));
  stream.stop();
}

// Review finding 2 end to end: a frame larger than read_bytes, then more
// than read_bytes of frames already waiting on the socket, so the read
// after the large frame is a full-size one. Every trade arrives and no
// frame is refused (run under ASan in build-asan, recvmsg's writes are
// checked against the buffer).
CAF_TEST(full_size_reads_after_a_frame_larger_than_read_bytes) {
  constexpr int n_trades = 200;
  raw_server server([&](tcp::socket& s, int) {
    raw_server::upgrade(s, "");
    std::string bytes = frame(2, std::string(20000, 'b')); // binary: the decoder refuses it by reason
    for (int id = 1; id <= n_trades; ++id)
      bytes += frame(1, trade_frame(id));
    asio::write(s, asio::buffer(bytes));
    for (;;)
      read_client_frame(s);
  });
  auto cfg = trades_only(server.port);
  cfg.read_limits.read_bytes = 4096;
  cfg.read_limits.max_message_bytes = 65536;
  trade_ids ids;
  market_stream stream(cfg, ids.sink());
  stream.start();
  CAF_REQUIRE(ids.at_least(static_cast<std::size_t>(n_trades)));
  market_source::counters k;
  stream.add_counters(k);
  CAF_CHECK_EQUAL(k["md.ws_protocol_errors"], 0);
  CAF_CHECK(k["md.ws_reads"] >= 2);
  CAF_CHECK_EQUAL(stream.reconnects(), 0u);
  auto got = ids.get();
  CAF_REQUIRE_EQUAL(got.size(), static_cast<std::size_t>(n_trades));
  for (int id = 1; id <= n_trades; ++id)
    CAF_CHECK_EQUAL(got[static_cast<std::size_t>(id - 1)], id);
  stream.stop();
}
