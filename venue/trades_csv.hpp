#pragma once
// Reader for Binance's public spot `trades` files (data.binance.vision):
// tradeId,price,qty,quoteQty,time,isBuyerMaker,isBestMatch — no header in
// Binance's files, but an optional header line is accepted. Malformed lines
// are counted and skipped with a reason; they never stop the load.

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/decimal.hpp"

namespace cwts::venue {

struct tape_trade {
  int64_t trade_id = 0;
  price px;
  qty quantity;
  int64_t time_ms = 0;
  bool buyer_is_maker = false; // true: the seller was the aggressor
};

struct trades_csv_result {
  std::vector<tape_trade> trades;
  size_t lines = 0;
  size_t skipped = 0;
  std::vector<std::string> reasons; // the first few, "line N: why"
  bool had_header = false;
};

// Parses one data line; on failure returns nullopt and sets `reason`.
// Binance switched spot files to microsecond timestamps in 2025: a 16-digit
// time is read as microseconds and converted to milliseconds.
std::optional<tape_trade> parse_trade_line(std::string_view line, std::string& reason);

// Reads a whole file, sorted into tape order (time, then tradeId).
trades_csv_result read_trades_csv(std::istream& in);

} // namespace cwts::venue
