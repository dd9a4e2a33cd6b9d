#include "kraken_ws_hub.hpp"

#include <spdlog/spdlog.h>

#include "venue_server.hpp"
#include "ws_session.hpp"

namespace cwts::venue {

namespace asio = boost::asio;
using kraken::sub_key;

namespace {

// Kraken v2 "heartbeat": about once a second while subscribed.
constexpr int64_t heartbeat_every_ms = 1000;

} // namespace

kraken_ws_hub::kraken_ws_hub(asio::io_context& ioc, kraken_trade& trade,
                             const kraken_tokens& tokens, const market_stats& stats,
                             fault_plan& faults)
  : faults_(faults), market_(trade.engine(), stats),
    private_(trade, [this](const std::string& account) { return listens(account); }),
    orders_(trade, faults),
    handler_(trade.engine(),
             [&tokens](const std::string& token, int64_t now_ms) {
               return tokens.account_of_token(token, now_ms);
             },
             &orders_,
             [&trade](const std::string& error) { trade.counted(kraken_fail(error)); }),
    conns_(ioc, faults) {
}

bool kraken_ws_hub::serves(std::string_view target) {
  return target.substr(0, target.find('?')) == "/v2";
}

void kraken_ws_hub::start() {
  conns_.start_ticks([this] { tick(venue_server::wall_ms()); });
}

void kraken_ws_hub::stop() { conns_.stop(); }

void kraken_ws_hub::add(const std::shared_ptr<ws_session>& s) {
  conns_.add(s);
  if (auto* st = s->kraken()) s->send(shared_frame(kraken::ws_handler::status_message(st->connection_id)));
}

void kraken_ws_hub::remove(const ws_session* s) { conns_.remove(s); }

bool kraken_ws_hub::listens(const std::string& account) const {
  for (auto& s : live())
    if (auto* st = s->kraken(); st && st->account == account && (st->executions || st->balances))
      return true;
  return false;
}

kraken::market_channels::subscribed_set kraken_ws_hub::subscribed() const {
  return conns_.subscribed();
}

bool kraken_ws_hub::on_frame(std::string_view text, ws_session& s, int64_t now_ms) {
  auto* state = s.kraken();
  if (!state) return false;
  auto out = handler_.handle(text, *state, now_ms);
  conns_.reply(s, out.frames, out.order_op);
  // Snapshots: trades, ticker, ohlc, instrument (a book snapshot comes with
  // the next 100 ms flush), open orders, balances.
  for (auto& key : out.subscribed)
    if (auto f = market_.initial(key, now_ms)) s.send(shared_frame(std::move(*f)));
  if (out.executions_subscribed)
    s.send(shared_frame(kraken::channel_frame("executions", "snapshot",
                                        private_.orders_snapshot(state->account, now_ms),
                                        ++state->executions_seq)));
  if (out.balances_subscribed)
    s.send(shared_frame(kraken::channel_frame("balances", "snapshot",
                                        private_.balances_snapshot(state->account),
                                        ++state->balances_seq)));
  return out.order_op;
}

void kraken_ws_hub::tick(int64_t now_ms) {
  auto subs = subscribed();
  // Book states of keys nobody holds are forgotten (a later subscriber
  // starts from a snapshot).
  market_.forget_unsubscribed(subs);
  if (now_ms - last_heartbeat_ms_ >= heartbeat_every_ms) {
    last_heartbeat_ms_ = now_ms;
    auto beat = shared_frame("{\"channel\":\"heartbeat\"}");
    for (auto& s : live())
      if (auto* st = s->kraken(); st && st->subscribed_any() && !conns_.stalled()) s->send(beat);
  }
  if (subs.empty()) return;
  // Books are not flushed during a stall: the changes accumulate in the
  // next update, so every book stays whole.
  if (!conns_.stalled()) {
    for (auto& key : subs) {
      if (key.channel != "book") continue;
      auto to = conns_.audience_of(key);
      auto p = market_.flush_book(key, now_ms, to.existing, to.fresh,
                                  [this] { return faults_.take_kraken_bad_checksum(); });
      if (p.update) conns_.push(key, std::move(*p.update));
      if (p.snapshot) conns_.push(key, std::move(*p.snapshot), true);
    }
  }
  for (auto& p : market_.tick(now_ms, subs))
    conns_.push(p.key, std::move(p.frame));
}

void kraken_ws_hub::publish_settled(int64_t now_ms) {
  if (conns_.empty()) {
    // Nobody listens: the cores still follow the engine (consistent later).
    market_.settled(now_ms, {});
    private_.take(now_ms);
    return;
  }
  for (auto& p : market_.settled(now_ms, subscribed()))
    conns_.push(p.key, std::move(p.frame));
  for (auto& p : private_.take(now_ms))
    for (auto& s : live()) {
      auto* st = s->kraken();
      if (!st || st->account != p.account) continue;
      bool executions = p.channel == "executions";
      if (executions ? !st->executions : !st->balances) continue;
      auto& seq = executions ? st->executions_seq : st->balances_seq;
      s->send(shared_frame(kraken::channel_frame(p.channel, "update", p.data, ++seq)));
    }
}

uint64_t kraken_ws_hub::drop(bool private_side) {
  return conns_.drop([private_side](const kraken::ws_state& st) {
    return (st.executions || st.balances) == private_side;
  });
}

} // namespace cwts::venue
