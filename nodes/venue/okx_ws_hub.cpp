#include "okx_ws_hub.hpp"

#include <spdlog/spdlog.h>

#include "venue/okx/okx_json.hpp"
#include "venue_server.hpp"
#include "ws_session.hpp"

namespace cwts::venue {

namespace asio = boost::asio;
using okx::channel_key;

okx_ws_hub::okx_ws_hub(asio::io_context& ioc, okx_rest_api& okx, const market_stats& stats,
                       fault_plan& faults, venue_stats& counters)
  : okx_(okx), faults_(faults), market_(okx.engine(), stats),
    private_(okx.engine(), [this](const std::string& account) { return listens(account); }),
    handler_(okx.keys(), okx.trade(), okx.rate_limits(), faults, counters), conns_(ioc, faults) {
}

std::optional<okx::ws_endpoint> okx_ws_hub::endpoint_of(std::string_view target) {
  // OKX connection URLs may carry a query (?brokerId=9999 on the demo).
  auto path = target.substr(0, target.find('?'));
  if (path == "/ws/v5/public") return okx::ws_endpoint::public_;
  if (path == "/ws/v5/private") return okx::ws_endpoint::private_;
  if (path == "/ws/v5/business") return okx::ws_endpoint::business;
  return std::nullopt;
}

void okx_ws_hub::start() {
  conns_.start_ticks([this] { tick(venue_server::wall_ms()); });
}

void okx_ws_hub::stop() { conns_.stop(); }

void okx_ws_hub::add(const std::shared_ptr<ws_session>& s) { conns_.add(s); }

void okx_ws_hub::remove(const ws_session* s) { conns_.remove(s); }

bool okx_ws_hub::listens(const std::string& account) const {
  for (auto& s : live())
    if (s->okx() && s->okx()->account == account && !s->okx()->privates.empty()) return true;
  return false;
}

okx::market_channels::subscribed_set okx_ws_hub::subscribed() const {
  return conns_.subscribed();
}

bool okx_ws_hub::on_frame(std::string_view text, ws_session& s, int64_t now_ms) {
  auto* state = s.okx();
  if (!state) return false;
  auto out = handler_.handle(text, *state, now_ms);
  conns_.reply(s, out.frames, out.order_op);
  // First pushes: the current top, ticker or bar (a books snapshot comes
  // with the next 100 ms flush), the account's balances.
  for (auto& key : out.subscribed)
    if (auto f = market_.initial(key, now_ms)) s.send(shared_frame(std::move(*f)));
  if (out.account_subscribed)
    s.send(shared_frame(okx::private_frame(okx::private_sub{"account", "", ""}, state->account,
                                     private_.account_data(state->account, now_ms))));
  return out.order_op;
}

void okx_ws_hub::tick(int64_t now_ms) {
  auto subs = subscribed();
  if (subs.empty()) return;
  // books are not flushed during a stall: the changes accumulate in the
  // next update, so every chain stays whole.
  if (!conns_.stalled()) {
    for (auto& key : subs) {
      if (key.channel != "books") continue;
      auto* rules = okx_find_instrument(okx_.engine(), key.inst);
      if (!rules) continue;
      auto to = conns_.audience_of(key);
      auto p = market_.flush_books(rules->sym, now_ms, to.existing, to.fresh,
                                   [this] { return faults_.take_okx_bad_checksum(); });
      if (p.update) conns_.push(key, std::move(*p.update));
      if (p.snapshot) conns_.push(key, std::move(*p.snapshot), true);
    }
  }
  for (auto& p : market_.tick(now_ms, subs))
    conns_.push(p.key, std::move(p.frame));
}

void okx_ws_hub::publish_settled(int64_t now_ms) {
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
      auto* st = s->okx();
      if (!st || st->account != p.account) continue;
      for (auto& sub : st->privates)
        if (sub.channel == p.channel && (sub.inst.empty() || sub.inst == p.inst))
          s->send(shared_frame(okx::private_frame(sub, p.account, p.data)));
    }
}

uint64_t okx_ws_hub::drop(bool private_side) {
  return conns_.drop([private_side](const okx::ws_state& st) {
    return (st.endpoint == okx::ws_endpoint::private_) == private_side;
  });
}

} // namespace cwts::venue
