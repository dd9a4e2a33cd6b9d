#pragma once
// The private OKX v5 channels, without sockets (venue side of "Order book
// trading > Trade > WS / Order channel" and "Trading account > WS / Account
// channel"):
//   orders   every state change and fill of an account's orders, placed
//            over REST or WebSocket alike: "live" when first seen, one push
//            per fill (fillPx/fillSz/tradeId/fillFee/execType of that fill,
//            state as of it), "canceled" when it closes unfilled or partly
//            filled, and amends with amendResult "0". Pushes that are not a
//            fill carry empty fill fields, so a client collecting its trades
//            from tradeId (ccxt does) sees each trade once.
//   account  the balances (cashBal, availBal, frozenBal...) of the assets an
//            operation may have changed, after it; all of them on subscribe.
// The order object is okx_json.hpp's write_okx_order, with the fields only
// the channel carries added.

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "venue/matching_engine.hpp"

namespace cwts::venue::okx {

struct private_push {
  std::string account;
  std::string channel; // "orders" or "account"
  std::string inst;    // orders: the order's instId
  std::string data;    // one element of the push's "data" array
};

class private_channels {
public:
  // `wanted` says whether a logged-in connection listens to the account;
  // orders of other accounts are followed but nothing is built for them.
  using account_filter = std::function<bool(const std::string& account)>;
  private_channels(matching_engine& engine, account_filter wanted);

  // Order pushes in engine order, then one account push per account whose
  // assets the operations touched.
  std::vector<private_push> take(int64_t now_ms);
  // Every asset of the account (the account channel's first push).
  std::string account_data(const std::string& account, int64_t now_ms) const;

private:
  struct tracked {
    size_t fills_reported = 0;
    int amendments_reported = 0;
  };
  void on_order(const order& o);
  void report(const order& o, tracked& t, bool first);
  std::string balances_data(const std::string& account, const std::vector<std::string>& assets,
                            int64_t now_ms) const;

  matching_engine& engine_;
  account_filter wanted_;
  std::unordered_map<int64_t, tracked> open_; // orders not closed yet
  std::vector<private_push> pending_;
  // Accounts in first-change order and the assets that may have changed.
  std::vector<std::pair<std::string, std::vector<std::string>>> changed_;
};

} // namespace cwts::venue::okx
