#pragma once
// The private Kraken WebSocket v2 channels, without sockets ("Spot
// Websockets (v2) > User Data"):
//   executions  every state change and fill of an account's orders, placed
//               over REST or WebSocket alike: exec_type "new" when first
//               seen, "amended" after an amend, one "trade" per fill
//               (exec_id, trade_id, last_qty, last_price, liquidity_ind,
//               cost, fees) with the order's state as of that fill, then
//               "filled" when it completes, "canceled" / "expired" when it
//               closes otherwise. snap_orders: the open orders as a
//               "snapshot".
//   balances    a "snapshot" of every asset (balance = total, held
//               included, as Kraken's), then an "update" with one ledger-like
//               entry per asset whose total changed (a trade: amount and
//               the new balance). Holding funds for an order changes no
//               total, so it sends nothing (as on Kraken).
// Reports are built after the engine operation (take), so the tags that
// kraken_trade remembers once the engine answered (cl_ord_id, userref) are
// in the first report. Messages carry a per-connection "sequence": the hub
// wraps the data with channel_frame.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "venue/kraken/kraken_trade.hpp"

namespace cwts::venue::kraken {

struct private_push {
  std::string account;
  std::string channel; // "executions" or "balances"
  std::string data;    // the elements of the message's data array, joined by ','
};

// {"channel":…,"type":…,"data":[data],"sequence":N}
std::string channel_frame(std::string_view channel, std::string_view type,
                          const std::string& data, uint64_t sequence);

class private_channels {
public:
  // `wanted`: whether a connection listens to the account's channel;
  // orders of other accounts are followed but nothing is built for them.
  using account_filter = std::function<bool(const std::string& account)>;
  private_channels(kraken_trade& trade, account_filter wanted);

  // Executions reports in engine order, then one balances update per
  // account whose totals changed.
  std::vector<private_push> take(int64_t now_ms);
  // The executions snapshot (open orders) and the balances snapshot.
  std::string orders_snapshot(const std::string& account, int64_t now_ms) const;
  std::string balances_snapshot(const std::string& account);

private:
  enum class event { created, amended, fill, filled, closed };
  struct pending_event {
    order state; // the order as of the event
    event kind = event::created;
    size_t fill = 0; // fill: index into state.fills
  };
  struct tracked {
    size_t fills_reported = 0;
    int amendments_reported = 0;
  };
  void on_order(const order& o);
  std::string report(const pending_event& e, int64_t now_ms);
  std::string balance_updates(const std::string& account, int64_t now_ms);

  kraken_trade& trade_;
  account_filter wanted_;
  std::unordered_map<int64_t, tracked> open_; // orders not closed yet
  std::vector<pending_event> pending_;
  std::vector<std::string> touched_; // accounts whose orders changed, first-change order
  // The totals last sent per account and asset (bounded by the key store's
  // accounts and the listed assets).
  std::map<std::string, std::map<std::string, int64_t>> totals_;
  uint64_t ledger_seq_ = 0;
  uint64_t exec_seq_ = 0;
};

} // namespace cwts::venue::kraken
