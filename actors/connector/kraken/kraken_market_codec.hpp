#pragma once
// Kraken Spot WebSocket v2 public frames (path /v2) -> typed messages, and
// the requests the market stream sends. Kraken's published shapes
// (docs.kraken.com, "Spot WebSocket v2"):
//
//   {"method":"subscribe","params":{"channel":"book","symbol":["BTC/USD"],"depth":10},"req_id":1}
//   {"method":"subscribe","result":{"channel":"book","symbol":"BTC/USD",..},"success":true,..}
//   {"method":"subscribe","error":"Currency pair not supported","success":false,"symbol":".."}
//   {"method":"pong","req_id":7,"time_in":"..","time_out":".."}     (our {"method":"ping"})
//   {"channel":"heartbeat"}                                         (about once a second)
//   {"channel":"status","type":"update","data":[{"system":"online",..}]}
//   {"channel":"instrument","type":"snapshot"|"update",
//    "data":{"assets":[..],"pairs":[{"symbol":"BTC/USD","base":"BTC","quote":"USD",
//            "price_precision":1,"qty_precision":8,..}]}}
//   {"channel":"book","type":"snapshot"|"update","data":[{"symbol":"BTC/USD",
//    "bids":[{"price":45283.5,"qty":0.1}],"asks":[..],"checksum":3310070434,
//    "timestamp":"2023-10-06T17:35:55.440295Z"}]}
//   {"channel":"trade","type":"snapshot"|"update","data":[{"symbol":"BTC/USD","side":"buy",
//    "price":45283.5,"qty":0.1,"ord_type":"limit","trade_id":4665906,"timestamp":".."}]}
//
// Prices and quantities are JSON numbers with the venue's full precision;
// they are read from their text (never through a double) into our exact
// decimals. Every failure is a codec_error with a reason; nothing throws.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/connector/outcome.hpp"
#include "messages/market_data.hpp"

namespace cwts::connector::kraken {

struct kraken_level {
  price px{};
  qty sz{}; // zero deletes the level in an update
};

struct kraken_book_msg {
  std::string symbol; // the v2 symbol, "BTC/USD"
  bool snapshot = false;
  std::vector<kraken_level> bids{};
  std::vector<kraken_level> asks{};
  // Kraken sends one with every book message; a message without it is
  // malformed (kraken_frame::broken_books), never applied unchecked.
  uint32_t checksum = 0;
  timestamp_ns ts{}; // absent on snapshots: zero
};

struct kraken_trade_msg {
  std::string symbol;
  trade_id id{};
  price px{};
  qty sz{};
  bool buyer_is_maker = false; // side is the taker's: "sell" means the buyer made
  timestamp_ns ts{};
};

// One pair of the instrument channel: what the book checksum needs. (Named
// apart from the adapter's kraken_pair_info, kraken_codec.hpp: one namespace.)
struct kraken_ws_pair {
  std::string symbol; // "BTC/USD"
  std::string base;   // "BTC"
  std::string quote;  // "USD"
  int price_precision = 0;
  int qty_precision = 0;
};

// A method's answer: subscribe/unsubscribe acks and refusals, pong.
struct kraken_ack_msg {
  std::string method;
  bool success = true;
  std::string error;
  std::string channel; // of "result", where it names one
  std::string symbol;  // of "result", or of the refusal
};

enum class kraken_frame_kind : uint8_t { ack, pong, heartbeat, status, instrument, book, trade };

// md.frames.<name>: "ack", "pong", "heartbeat", "status", "instrument", "book", "trade".
const char* to_string(kraken_frame_kind k);
inline constexpr std::size_t kraken_frame_kind_count = 7;

struct kraken_frame {
  kraken_frame_kind kind = kraken_frame_kind::heartbeat;
  kraken_ack_msg ack{};
  // One per entry of "data" (Kraken sends one; more are read alike).
  std::vector<kraken_book_msg> books{};
  // A book frame that failed to decode: the symbols its entries name (the
  // books that missed a message and must resync). Empty otherwise.
  std::vector<std::string> broken_books{};
  std::vector<kraken_trade_msg> trades{};
  // The trades are the subscribe's snapshot: history, not the live flow.
  bool trades_snapshot = false;
  std::vector<kraken_ws_pair> pairs{};
};

// Decodes one text frame; `out` is overwritten (its vectors reused).
outcome<kraken_frame_kind> decode_kraken_frame(std::string_view text, kraken_frame& out);

// {"method":"<method>","params":{"channel":"<channel>"[,"symbol":[..]][,"depth":N]},"req_id":N}
// (no symbols: the channel's own scope, as `instrument` has; depth 0: none).
std::string kraken_channel_request(const std::string& method, const std::string& channel,
                                   const std::vector<std::string>& symbols, int depth,
                                   uint64_t req_id);
// {"method":"ping","req_id":N}
std::string kraken_ping_request(uint64_t req_id);

// One value as the checksum writes it: formatted with `decimals` decimals,
// '.' removed, leading zeros removed ("0.05005" at 5 decimals -> "5005").
std::string kraken_checksum_digits(int64_t raw, int decimals);

// The checksum Kraken defines for the v2 `book` ("Spot WebSocket v2 book
// checksum"): CRC32 (zlib's) of the top 10 asks (low to high) then the top 10
// bids (high to low), each level its price then its qty as
// kraken_checksum_digits with the pair's price and qty precision.
uint32_t kraken_book_checksum(const std::vector<kraken_level>& asks,
                              const std::vector<kraken_level>& bids, int price_precision,
                              int qty_precision);

// RFC 3339 in UTC ("2023-10-06T17:35:55.440295Z", up to 9 fraction digits).
std::optional<timestamp_ns> parse_rfc3339(std::string_view text);

// A JSON number's text ("45283.5", "0.00012", "1e-05") as an exact 8-decimal
// value; nullopt when it has more precision than that or does not fit.
std::optional<int64_t> parse_json_decimal(std::string_view text);

} // namespace cwts::connector::kraken
