// Validated ticks through one node's market-data path, frames in ->
// subscriber: a local WebSocket server (this process, its own thread) sends
// N Binance trade frames as fast as the socket takes them; the connector's
// market_stream reads, decodes and batches them and hands each batch to the
// validator actor exactly as the connector actor does (one market_batch per
// burst); the validator checks every trade and publishes the clean ones as
// batches to a subscriber actor that counts them.
//
// In the same run, first, the floor (issue 21 goal 1): the same bytes from
// the same kind of server socket (a Beast WebSocket server writing the
// same chunks), read by one thread with read_some into a buffer of the
// size the market stream reads with (ws_reader_limits::read_bytes), with
// no WebSocket parsing and no decoding: bytes are counted until all have
// arrived. The goal is >= 1 M validated trades/s and >= 0.5x the floor.
//
//   connector_throughput_bench [messages] [symbols]
//   e.g. build-h1/bench/connector_throughput_bench 1000000 4
//
// Prints, per phase, msgs/s from the first frame written to the last byte
// read (floor) or the last trade counted by the subscriber (pipeline), the
// batches and the mean batch size, and the pipeline/floor ratio.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "caf/all.hpp"

#include "actors/connector/market_stream.hpp"
#include "actors/validator/validator_actor.hpp"
#include "messages/registry.hpp"

using namespace cwts;
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using clk = std::chrono::steady_clock;

namespace {

const char* symbols[] = {"BTCUSDT", "ETHUSDT", "BNBUSDT", "USDCHF", "SOLUSDT", "XRPUSDT"};

// The exact bytes of unmasked server-to-client WebSocket text frames
// (RFC 6455 5.2), many per buffer: the server writes them in big chunks so
// it is not what limits the rate.
std::vector<std::string> encode(std::size_t n, std::size_t nsyms, int64_t now_ms) {
  std::vector<std::string> chunks(1);
  for (std::size_t i = 0; i < n; ++i) {
    std::string sym = symbols[i % nsyms], lower;
    for (char c : sym)
      lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    char json[400];
    int len = std::snprintf(json, sizeof json,
                            "{\"stream\":\"%s@trade\",\"data\":{\"e\":\"trade\",\"E\":%lld,\"s\":\"%s\","
                            "\"t\":%zu,\"p\":\"%zu.%02zu000000\",\"q\":\"0.01000000\",\"T\":%lld,\"m\":%s,"
                            "\"M\":true}}",
                            lower.c_str(), static_cast<long long>(now_ms), sym.c_str(), i / nsyms + 1,
                            100 + i % 7, i % 100, static_cast<long long>(now_ms),
                            i % 2 ? "true" : "false");
    auto& c = chunks.back();
    c.push_back(static_cast<char>(0x81));
    c.push_back(static_cast<char>(126)); // 16-bit length follows
    c.push_back(static_cast<char>((len >> 8) & 0xff));
    c.push_back(static_cast<char>(len & 0xff));
    c.append(json, static_cast<std::size_t>(len));
    if (c.size() > (1 << 16))
      chunks.emplace_back();
  }
  return chunks;
}

struct counter_state {
  std::atomic<uint64_t>* got = nullptr;
  uint64_t target = 0;
  std::promise<clk::time_point>* done = nullptr;
};

caf::behavior counter(caf::stateful_actor<counter_state>* self, std::atomic<uint64_t>* got,
                      uint64_t target, std::promise<clk::time_point>* done) {
  self->state = counter_state{got, target, done};
  return {
    [=](const std::vector<trade>& batch) {
      auto n = self->state.got->fetch_add(batch.size()) + batch.size();
      if (n == self->state.target)
        self->state.done->set_value(clk::now());
    },
    [=](const trade&) {
      if (self->state.got->fetch_add(1) + 1 == self->state.target)
        self->state.done->set_value(clk::now());
    },
  };
}

// A WebSocket server on loopback (this process, its own thread): accepts
// one connection, upgrades it with Beast, writes every chunk as fast as the
// socket takes them, then waits for the client to leave.
struct chunk_server {
  explicit chunk_server(const std::vector<std::string>& chunks) {
    port = acceptor.local_endpoint().port();
    thread = std::thread([this, &chunks] {
      beast::websocket::stream<beast::tcp_stream> ws(ioc);
      acceptor.accept(beast::get_lowest_layer(ws).socket());
      ws.accept();
      auto& sock = beast::get_lowest_layer(ws).socket();
      first_write_ns = clk::now().time_since_epoch().count();
      for (auto& c : chunks)
        asio::write(sock, asio::buffer(c));
      beast::flat_buffer b;
      boost::system::error_code ec;
      ws.read(b, ec); // until the client closes
    });
  }
  ~chunk_server() { thread.join(); }

  asio::io_context ioc;
  tcp::acceptor acceptor{ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  uint16_t port = 0;
  std::atomic<int64_t> first_write_ns{0};
  std::thread thread;
};

// The floor: an upgrade request, then read_some into a `read_bytes` buffer
// until every byte of the chunks (behind the 101 response) has arrived.
// Seconds from the first frame written to the last byte read.
double floor_phase(const std::vector<std::string>& chunks, std::size_t read_bytes) {
  std::size_t payload = 0;
  for (auto& c : chunks)
    payload += c.size();
  chunk_server server(chunks);
  asio::io_context ioc;
  tcp::socket sock(ioc);
  sock.connect({asio::ip::make_address("127.0.0.1"), server.port});
  std::string req = "GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    "Sec-WebSocket-Version: 13\r\n\r\n";
  asio::write(sock, asio::buffer(req));
  std::vector<char> buf(read_bytes);
  std::string head; // the 101 response, until its blank line
  std::size_t got = 0;
  bool in_head = true;
  while (got < payload) {
    auto n = sock.read_some(asio::buffer(buf));
    if (in_head) {
      head.append(buf.data(), n);
      auto end = head.find("\r\n\r\n");
      if (end == std::string::npos)
        continue;
      in_head = false;
      got = head.size() - (end + 4);
      continue;
    }
    got += n;
  }
  auto end = clk::now().time_since_epoch().count();
  sock.close();
  return static_cast<double>(end - server.first_write_ns.load()) / 1e9;
}

} // namespace

int main(int argc, char** argv) {
  std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2'000'000;
  std::size_t nsyms = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 4;
  if (n == 0 || nsyms == 0 || nsyms > 6) {
    std::fprintf(stderr, "usage: connector_throughput_bench [messages] [symbols 1..6]\n"
                         "e.g.  connector_throughput_bench 2000000 4\n");
    return 2;
  }
  auto now_ms = wall_clock_now().ns / 1'000'000;
  auto chunks = encode(n, nsyms, now_ms);

  auto read_bytes = connector::ws_reader_limits{}.read_bytes;
  double floor_secs = floor_phase(chunks, read_bytes);

  chunk_server server(chunks);
  auto port = server.port;
  caf::actor_system_config cfg;
  register_message_types(cfg);
  // As cwts-node runs it (node_config.cpp): the sharing scheduler wakes a
  // worker at once; CAF's default work-stealing lets idle workers sleep.
  cfg.set("scheduler.policy", caf::atom("sharing"));
  caf::actor_system sys{cfg};
  std::atomic<uint64_t> got{0};
  std::promise<clk::time_point> done;
  auto sub = sys.spawn(counter, &got, static_cast<uint64_t>(n), &done);

  validator_actor_config vcfg;
  for (std::size_t i = 0; i < nsyms; ++i)
    vcfg.trades.whitelist.push_back(*symbol::parse(symbols[i]));
  vcfg.trades.max_age_ns = 3'600'000'000'000; // the frames' time is the bench's start
  auto validator = spawn_validator(sys, vcfg);
  // The directory is a safety message: the validator takes it only from an
  // actor of this node (common/sender_guard.hpp), never anonymously.
  caf::scoped_actor wiring{sys};
  wiring->send(validator, wire_atom::value, role_directory{{"strategy", sub}});

  connector::market_stream_config scfg;
  scfg.port = port;
  scfg.symbols = vcfg.trades.whitelist;
  scfg.agg_trades = scfg.book_ticker = scfg.depth = false;
  std::atomic<uint64_t> batches{0};
  // What connector_actor's start_streams does with each batch.
  connector::market_stream stream(scfg, [&](market_batch&& b) {
    ++batches;
    caf::anon_send(validator, std::move(b));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100)); // wiring delivered
  stream.start();
  auto fut = done.get_future();
  bool finished = fut.wait_for(std::chrono::seconds(60)) == std::future_status::ready;
  auto end = finished ? fut.get() : clk::now();
  double secs = static_cast<double>(end.time_since_epoch().count() - server.first_write_ns.load()) / 1e9;
  double floor_rate = static_cast<double>(n) / floor_secs;
  double rate = static_cast<double>(got.load()) / secs;
  std::printf("connector_throughput_bench: %zu trade frames, %zu symbols, %zu-byte reads\n", n, nsyms,
              read_bytes);
  std::printf("floor (same bytes, same socket kind, read_some only, no parsing): %.3f s, %.0f msgs/s\n",
              floor_secs, floor_rate);
  std::printf("pipeline (market_stream -> validator -> subscriber): received=%llu of %zu, %.3f s, "
              "%.0f msgs/s, batches=%llu, mean batch=%.1f, parse_errors=%llu\n",
              static_cast<unsigned long long>(got.load()), n, secs, rate,
              static_cast<unsigned long long>(batches.load()),
              static_cast<double>(n) / static_cast<double>(std::max<uint64_t>(1, batches.load())),
              static_cast<unsigned long long>(stream.parse_errors()));
  std::printf("pipeline/floor = %.2f (goal >= 0.50), pipeline >= 1M msgs/s: %s\n", rate / floor_rate,
              rate >= 1e6 ? "met" : "not met");
  stream.stop();
  caf::anon_send_exit(validator, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(sub, caf::exit_reason::user_shutdown);
  return finished ? 0 : 1;
}
