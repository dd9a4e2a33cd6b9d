#pragma once
// OKX v5 public WebSocket frames (/ws/v5/public) -> typed messages, and the
// subscribe/unsubscribe requests. OKX's published shapes:
//
//   {"op":"subscribe","args":[{"channel":"books","instId":"BTC-USDT"}]}
//   {"event":"subscribe","arg":{...},"connId":"..."}      (ack)
//   {"event":"error","code":"60012","msg":"...","connId":"..."}
//   {"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot"|"update",
//    "data":[{"asks":[["px","sz","0","n"],..],"bids":[..],"ts":"ms",
//             "checksum":-855196043,"prevSeqId":-1,"seqId":123456}]}
//   {"arg":{"channel":"trades",..},"data":[{"instId","tradeId","px","sz","side","ts"}]}
//   {"arg":{"channel":"bbo-tbt",..},"data":[{"asks":[[..]],"bids":[[..]],"ts","seqId"}]}
//   "pong" (the answer to our text "ping")
//
// Numbers are JSON strings; a book level's price and size strings are kept
// as received, because the checksum is computed over those exact strings.
// Every failure is a codec_error with a reason; nothing throws.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/connector/outcome.hpp"
#include "messages/market_data.hpp"

namespace cwts::connector::okx {

// One book level: the wire strings (for the checksum) and their values.
struct okx_level {
  std::string px_text;
  std::string sz_text;
  price px{};
  qty sz{}; // zero deletes the level in an update
};

struct okx_book_msg {
  std::string inst_id;
  bool snapshot = false; // action "snapshot" (else "update")
  std::vector<okx_level> bids{};
  std::vector<okx_level> asks{};
  timestamp_ns ts{};
  int64_t seq_id = 0;
  int64_t prev_seq_id = -1;
  std::optional<int32_t> checksum{};
};

struct okx_bbo_msg {
  std::string inst_id;
  std::optional<okx_level> bid{};
  std::optional<okx_level> ask{};
  timestamp_ns ts{};
  int64_t seq_id = 0;
};

struct okx_trade_msg {
  std::string inst_id;
  trade_id id{};
  price px{};
  qty sz{};
  bool buyer_is_maker = false; // side is the taker's: "sell" means the buyer made
  timestamp_ns ts{};
};

// A subscribe/unsubscribe ack, an error, a notice.
struct okx_event_msg {
  std::string event; // "subscribe", "unsubscribe", "error", "notice", ...
  std::string code;
  std::string msg;
  std::string channel; // of "arg", where the event names one
  std::string inst_id;
};

enum class okx_frame_kind : uint8_t { pong, event, books, trades, bbo };

// md.frames.<name>: "pong", "event", "books", "trades", "bbo-tbt".
const char* to_string(okx_frame_kind k);
inline constexpr std::size_t okx_frame_kind_count = 5;

struct okx_frame {
  okx_frame_kind kind = okx_frame_kind::pong;
  okx_event_msg event{};
  okx_book_msg book{};
  okx_bbo_msg bbo{};
  std::vector<okx_trade_msg> trades{};
};

// Decodes one text frame; `out` is overwritten (its vectors reused).
outcome<okx_frame_kind> decode_okx_frame(std::string_view text, okx_frame& out);

// A bbo-tbt push as the validator's top of book (a missing side is zero).
book_top to_book_top(const okx_bbo_msg& m, const symbol& sym, timestamp_ns received);

// {"op":"<op>","args":[{"channel":"<channel>","instId":"<id>"},..]}
std::string okx_channel_request(const std::string& op, const std::string& channel,
                                const std::vector<std::string>& inst_ids);

// The checksum OKX defines for `books`: CRC32 of the top 25 levels as
// "bidPx:bidSz:askPx:askSz:..." (interleaved; where one side is shorter the
// other's levels follow alone), read as a signed 32-bit integer.
// `bids` best first (high to low), `asks` best first (low to high).
int32_t okx_book_checksum(const std::vector<const okx_level*>& bids,
                          const std::vector<const okx_level*>& asks);

// GET /api/v5/public/instruments?instType=SPOT: instId per our symbol
// (baseCcy + quoteCcy, e.g. "USD-CHF" for USDCHF). Instruments whose
// currencies do not make a valid symbol are skipped; a response with
// code != "0" is an error naming OKX's code and msg.
// (Named apart from the adapter's okx_instrument, okx_codec.hpp: one
// namespace, two types of one name would break the one-definition rule.)
struct okx_spot_listing {
  symbol sym{};
  std::string inst_id;
};
outcome<std::vector<okx_spot_listing>> parse_okx_instruments(std::string_view body);

} // namespace cwts::connector::okx
