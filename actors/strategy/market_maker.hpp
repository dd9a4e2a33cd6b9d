#pragma once
// Reference market maker (DESIGN.md §3 strategy: "a market maker with
// inventory skew"). Quotes one bid and one ask around an EMA fair value of
// validated trades, skewed against its inventory. Pure logic: the strategy
// actor feeds it events and sends what it returns.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "actors/strategy/strategy_action.hpp"
#include "messages/kill.hpp"
#include "messages/market_data.hpp"
#include "messages/orders.hpp"
#include "messages/reconciliation.hpp"

namespace cwts::strategy {

// How a resting quote moves to a new price: cancel it and place a new one
// once the cancel is confirmed, or send one amend (cancel/replace, FIX 35=G)
// that the OMS carries out the same way but records as one amended order.
enum class requote_mode : uint8_t { cancel, amend };

const char* to_string(requote_mode m);
std::optional<requote_mode> parse_requote_mode(std::string_view s); // "cancel" | "amend"

// The quoting an operator tunes ([strategy] keys, bound by
// nodes/node/node_config.cpp into node_settings::strategy, which is one of
// these; node_roles.cpp assigns it whole to each market_maker_config): each
// default is declared here only.
struct quote_tuning {
  qty quote_qty;                       // [strategy] order-qty: size of each quote
  int64_t half_spread_ticks = 2;       // distance of each quote from the (skewed) fair value
  int64_t requote_threshold_ticks = 2; // [strategy] requote-ticks: move before a live quote is replaced
  qty max_inventory;                   // |position| never quoted beyond this
  // [strategy] min-action-interval-ms: throttle between order actions.
  std::chrono::milliseconds min_action_interval{100};
  requote_mode requote = requote_mode::cancel;
};

// One maker: its tuning and what it quotes where.
struct market_maker_config : quote_tuning {
  strategy_id id;
  account_id account; // venue account its orders trade (risk's credit limit scope)
  venue_name venue;   // where it quotes (its orders go to that venue's connector)
  symbol sym;
  price tick_size;                  // venue PRICE_FILTER tickSize
  int64_t skew_ticks_per_quote = 1; // ticks both quotes shift per quote_qty held
  int64_t ema_weight_ppm = 100'000; // weight of each new trade in the EMA, in 1e-6
};

// Throws std::invalid_argument naming the first bad key.
void validate(const market_maker_config& cfg);

enum class quote_state : uint8_t { pending_new, working, pending_cancel };

struct live_quote {
  client_order_id id;
  side quote_side = side::buy;
  price px;
  qty quantity;
  qty cum;
  quote_state state = quote_state::pending_new;
  // requote_mode::amend: the replacement asked for while this quote is being
  // cancelled (empty id: none); it takes the slot once this quote ends.
  client_order_id replacement;
  price replacement_px;
};

struct quote_targets {
  std::optional<price> bid;
  std::optional<price> ask;
};

class market_maker {
public:
  market_maker(market_maker_config cfg, id_source next_id);

  // Updates fair value; when ACTIVE and not throttled, returns the cancels
  // and new quotes needed to reach the desired quotes.
  std::vector<strategy_action> on_trade(const trade& t, timestamp_ns now);

  // Acks, fills (inventory) and terminal states of this strategy's orders.
  // A report of a quote the last resync dropped (it reached the new OMS after
  // the OMS answered) counts its fills; a live one takes its side back if the
  // side is free, else it is cancelled (the returned action): never two
  // orders of ours on one side, never an order of ours left unwatched.
  std::vector<strategy_action> on_execution_report(const execution_report& rep, timestamp_ns now);

  // A new quote refused (risk, OMS or venue) frees its side; a refused cancel
  // leaves the quote working; a refused amend's replacement is forgotten and
  // its original, never cancelled, stays working.
  void on_reject(const order_reject& rej);

  // Anything but ACTIVE stops quoting and cancels every live quote at once
  // (no throttle: stopping must never wait).
  std::vector<strategy_action> on_trading_mode(trading_mode mode, timestamp_ns now);

  // Its OMS or risk restarted or moved (issue 24, strategy resync): until
  // resync() no new quote or amend is sent (cancels still are), so the
  // answer of the new OMS holds every order of ours it will ever hold.
  void begin_resync() { resyncing_ = true; }
  bool resyncing() const { return resyncing_; }

  // `open`: what the new OMS holds for this strategy (its reconciled state).
  // A quote the new OMS does not hold is dropped (its reports will never
  // come; remembered a while in case one does) and its side quoted again;
  // one it holds is kept with the OMS's fill (inventory catches up); an order
  // it holds that is no quote of ours is adopted, or cancelled if its side is
  // taken; a quote we were cancelling is cancelled again (the old OMS may
  // never have sent that cancel). Ends the pause; returns those cancels.
  struct resync_outcome {
    std::vector<strategy_action> actions; // cancels only
    int32_t kept = 0;    // our quotes the OMS holds
    int32_t adopted = 0; // orders of this strategy we did not know, now our quotes
    int32_t dropped = 0; // our quotes the OMS does not hold
  };
  resync_outcome resync(const std::vector<restored_order>& open, timestamp_ns now);

  // Quotes the strategy wants now; empty sides are not quoted.
  quote_targets desired_quotes() const;

  std::optional<price> fair_value() const { return fair_value_; }
  qty inventory() const { return inventory_; }
  trading_mode mode() const { return mode_; }
  const std::optional<live_quote>& bid() const { return bid_; }
  const std::optional<live_quote>& ask() const { return ask_; }
  const market_maker_config& config() const { return cfg_; }
  uint64_t rejects() const { return rejects_; }

private:
  void update_fair_value(price px);
  void requote_side(std::optional<live_quote>& slot, side s, std::optional<price> target,
                    bool& stale, timestamp_ns now, std::vector<strategy_action>& out);
  void place(std::optional<live_quote>& slot, side s, price px, timestamp_ns now,
             std::vector<strategy_action>& out);
  void cancel(live_quote& q, timestamp_ns now, std::vector<strategy_action>& out);
  void amend(live_quote& q, price px, timestamp_ns now, std::vector<strategy_action>& out);
  order_request quote_order(side s, price px, timestamp_ns now);
  std::optional<live_quote>* slot_of(const client_order_id& id);
  std::optional<live_quote>* replacing_slot_of(const client_order_id& id);
  bool throttled(timestamp_ns now) const;
  std::vector<strategy_action> on_dropped_report(const execution_report& rep, timestamp_ns now);
  void remember_dropped(const live_quote& q);
  void forget_dropped(const client_order_id& id);

  market_maker_config cfg_;
  id_source next_id_;
  trading_mode mode_ = trading_mode::active;
  std::optional<price> fair_value_;
  qty inventory_;
  std::optional<live_quote> bid_;
  std::optional<live_quote> ask_;
  bool bid_stale_ = false; // a fill moved inventory: requote regardless of threshold
  bool ask_stale_ = false;
  std::optional<timestamp_ns> last_action_;
  uint64_t rejects_ = 0;
  bool resyncing_ = false;
  // Quotes the last resyncs dropped, newest last, at most max_dropped: a
  // report of one means it reached the new OMS after all.
  static constexpr size_t max_dropped = 8;
  std::vector<live_quote> dropped_;
};

} // namespace cwts::strategy
