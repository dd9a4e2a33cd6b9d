#pragma once
// Client order ids valid for Binance (newClientOrderId:
// ^[.A-Z:/a-z0-9_-]{1,36}$) and unique across restarts:
// "<node prefix>-<start time, µs, base 36>-<sequence, base 36>".
// A restart takes longer than a microsecond, so two runs of one node never
// share a start time as long as the wall clock does not step backwards past
// the previous start; the node prefix keeps nodes apart.

#include <cstdint>
#include <string>

#include "messages/ids.hpp"
#include "messages/time.hpp"

namespace cwts::oms {

class client_order_id_generator {
public:
  // Longest prefix that keeps every id within 36 characters: 10 (prefix) +
  // 1 + 10 (µs since 1970 in base 36, enough until 2084) + 1 + 13 (uint64 in
  // base 36).
  static constexpr size_t max_prefix_length = 10;

  // Throws std::invalid_argument for an empty or too long prefix, one with
  // characters Binance refuses, or a negative start time: a config error.
  client_order_id_generator(std::string node_prefix, timestamp_ns start_time);

  client_order_id next();

  uint64_t issued() const { return sequence_; }
  const std::string& stem() const { return stem_; }

private:
  std::string stem_; // "<prefix>-<start>-"
  uint64_t sequence_ = 0;
};

} // namespace cwts::oms
