#pragma once
// The User Data Stream events of user-data-stream.md, without sockets:
// `executionReport` for every state change and fill of an account's order
// (placed over REST or the WebSocket API alike) and, after each engine
// operation, one `outboundAccountPosition` per account whose balances it
// may have changed (the base and quote assets of the symbols it touched).
//
// The engine reports an order once per operation with all its fills so far;
// this feed turns that into Binance's sequence: NEW when it is first seen,
// one TRADE per fill not yet reported (status PARTIALLY_FILLED or FILLED as
// of that fill), then CANCELED / EXPIRED / TRADE_PREVENTION when it closes
// that way.

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "venue/matching_engine.hpp"

namespace cwts::venue {

struct user_event {
  std::string account;
  std::string json; // the event object, as user-data-stream.md shows it
};

class user_data_feed {
public:
  // `wanted` says whether anyone listens to an account; events of other
  // accounts are not built (their orders are still followed, so a later
  // subscriber gets a consistent sequence).
  using account_filter = std::function<bool(const std::string& account)>;
  user_data_feed(matching_engine& engine, account_filter wanted);

  // The events since the previous call: executionReports in engine order,
  // then the outboundAccountPosition of each account they concern.
  std::vector<user_event> take(int64_t now_ms);

private:
  struct tracked {
    size_t fills_reported = 0;
    int amendments_reported = 0;
    bool on_book = false; // it rested at some point ("W", working time)
  };
  void on_order(const order& o);
  void report(const order& o, tracked& t, bool first);
  void mark_changed(const order& o);

  matching_engine& engine_;
  account_filter wanted_;
  std::unordered_map<int64_t, tracked> open_; // orders not closed yet
  std::vector<user_event> pending_;
  // Accounts (in first-change order) and the symbols whose assets changed.
  std::vector<std::pair<std::string, std::vector<symbol>>> changed_;
  std::unordered_map<std::string, int64_t> last_update_ms_;
  int64_t next_execution_id_ = 1;
};

} // namespace cwts::venue
