#include "okx_ws_hub.hpp"

#include <spdlog/spdlog.h>

#include "venue/okx/okx_json.hpp"
#include "venue_server.hpp"
#include "ws_session.hpp"

namespace cwts::venue {

namespace asio = boost::asio;
using okx::channel_key;

namespace {

std::shared_ptr<const std::string> shared(std::string s) {
  return std::make_shared<const std::string>(std::move(s));
}

} // namespace

okx_ws_hub::okx_ws_hub(asio::io_context& ioc, okx_rest_api& okx, const market_stats& stats,
                       fault_plan& faults, venue_stats& counters)
  : ioc_(ioc), okx_(okx), faults_(faults), market_(okx.engine(), stats),
    private_(okx.engine(), [this](const std::string& account) { return listens(account); }),
    handler_(okx.keys(), okx.trade(), okx.rate_limits(), faults, counters), timer_(ioc) {
}

std::optional<okx::ws_endpoint> okx_ws_hub::endpoint_of(std::string_view target) {
  // OKX connection URLs may carry a query (?brokerId=9999 on the demo).
  auto path = target.substr(0, target.find('?'));
  if (path == "/ws/v5/public") return okx::ws_endpoint::public_;
  if (path == "/ws/v5/private") return okx::ws_endpoint::private_;
  if (path == "/ws/v5/business") return okx::ws_endpoint::business;
  return std::nullopt;
}

void okx_ws_hub::start() { schedule(); }

void okx_ws_hub::stop() {
  timer_.cancel();
  for (auto& s : live())
    s->close();
}

void okx_ws_hub::schedule() {
  // OKX "books": updates every 100 ms; books5 and tickers at the same pace.
  timer_.expires_after(std::chrono::milliseconds(100));
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    tick(venue_server::wall_ms());
    schedule();
  });
}

std::vector<std::shared_ptr<ws_session>> okx_ws_hub::live() const {
  std::vector<std::shared_ptr<ws_session>> out;
  for (auto& weak : sessions_)
    if (auto s = weak.lock()) out.push_back(std::move(s));
  return out;
}

void okx_ws_hub::add(const std::shared_ptr<ws_session>& s) { sessions_.push_back(s); }

void okx_ws_hub::remove(const ws_session* s) {
  sessions_.erase(std::remove_if(sessions_.begin(), sessions_.end(),
                                 [s](const std::weak_ptr<ws_session>& w) {
                                   auto p = w.lock();
                                   return !p || p.get() == s;
                                 }),
                  sessions_.end());
}

bool okx_ws_hub::listens(const std::string& account) const {
  for (auto& s : live())
    if (s->okx() && s->okx()->account == account && !s->okx()->privates.empty()) return true;
  return false;
}

okx::market_channels::subscribed_set okx_ws_hub::subscribed() const {
  okx::market_channels::subscribed_set out;
  for (auto& s : live())
    if (auto* st = s->okx()) out.insert(st->market.begin(), st->market.end());
  return out;
}

bool okx_ws_hub::on_frame(std::string_view text, ws_session& s, int64_t now_ms) {
  auto* state = s.okx();
  if (!state) return false;
  auto out = handler_.handle(text, *state, now_ms);
  // ws-api-latency-ms delays an order op's reply, not its execution.
  auto delay_ms = out.order_op ? faults_.take_ws_api_latency_ms() : 0;
  for (auto& f : out.frames) {
    if (delay_ms <= 0) {
      s.send(shared(std::move(f)));
      continue;
    }
    auto timer = std::make_shared<asio::steady_timer>(ioc_);
    timer->expires_after(std::chrono::milliseconds(delay_ms));
    timer->async_wait([self = s.shared_from_this(), timer, frame = shared(std::move(f))](
                        boost::system::error_code ec) {
      if (!ec) self->send(frame);
    });
  }
  // First pushes: the current top, ticker or bar (a books snapshot comes
  // with the next 100 ms flush), the account's balances.
  for (auto& key : out.subscribed)
    if (auto f = market_.initial(key, now_ms)) s.send(shared(std::move(*f)));
  if (out.account_subscribed)
    s.send(shared(okx::private_frame(okx::private_sub{"account", "", ""}, state->account,
                                     private_.account_data(state->account, now_ms))));
  return out.order_op;
}

void okx_ws_hub::deliver(const channel_key& key, std::shared_ptr<const std::string> frame,
                         bool fresh) {
  std::vector<std::shared_ptr<ws_session>> to;
  for (auto& s : live()) {
    auto* st = s->okx();
    if (!st || !st->market.count(key)) continue;
    bool waiting = st->awaiting_snapshot.count(key) > 0;
    // A books snapshot goes to subscribers waiting for one, updates to the
    // others (a waiting subscriber's chain starts at its snapshot).
    if (waiting != fresh) continue;
    if (fresh) st->awaiting_snapshot.erase(key);
    to.push_back(s);
  }
  if (to.empty()) return;
  // malformed-frames: a truncated JSON frame just before the push.
  if (faults_.take_malformed_frame()) {
    auto broken = shared(frame->substr(0, frame->size() / 2));
    for (auto& s : to)
      s->send(broken);
  }
  for (auto& s : to)
    s->send(frame);
}

void okx_ws_hub::push(const channel_key& key, std::string frame, bool fresh) {
  auto f = shared(std::move(frame));
  if (stalled_) {
    held_.push_back(held_push{key, std::move(f), fresh});
    return;
  }
  deliver(key, std::move(f), fresh);
}

void okx_ws_hub::set_stalled(bool stalled) {
  stalled_ = stalled;
  if (stalled) return;
  auto held = std::move(held_);
  held_.clear();
  for (auto& h : held)
    deliver(h.key, h.frame, h.fresh);
}

void okx_ws_hub::tick(int64_t now_ms) {
  auto subs = subscribed();
  if (subs.empty()) return;
  // books are not flushed during a stall: the changes accumulate in the
  // next update, so every chain stays whole.
  if (!stalled_) {
    for (auto& key : subs) {
      if (key.channel != "books") continue;
      auto* rules = okx_find_instrument(okx_.engine(), key.inst);
      if (!rules) continue;
      bool existing = false, fresh = false;
      for (auto& s : live())
        if (auto* st = s->okx(); st && st->market.count(key))
          (st->awaiting_snapshot.count(key) ? fresh : existing) = true;
      auto p = market_.flush_books(rules->sym, now_ms, existing, fresh,
                                   [this] { return faults_.take_okx_bad_checksum(); });
      if (p.update) push(key, std::move(*p.update));
      if (p.snapshot) push(key, std::move(*p.snapshot), true);
    }
  }
  for (auto& p : market_.tick(now_ms, subs))
    push(p.key, std::move(p.frame));
}

void okx_ws_hub::publish_settled(int64_t now_ms) {
  if (sessions_.empty()) {
    // Nobody listens: the cores still follow the engine (consistent later).
    market_.settled(now_ms, {});
    private_.take(now_ms);
    return;
  }
  for (auto& p : market_.settled(now_ms, subscribed()))
    push(p.key, std::move(p.frame));
  for (auto& p : private_.take(now_ms))
    for (auto& s : live()) {
      auto* st = s->okx();
      if (!st || st->account != p.account) continue;
      for (auto& sub : st->privates)
        if (sub.channel == p.channel && (sub.inst.empty() || sub.inst == p.inst))
          s->send(shared(okx::private_frame(sub, p.account, p.data)));
    }
}

uint64_t okx_ws_hub::drop(bool private_side) {
  uint64_t n = 0;
  for (auto& s : live())
    if (auto* st = s->okx(); st && (st->endpoint == okx::ws_endpoint::private_) == private_side) {
      s->close();
      ++n;
    }
  return n;
}

} // namespace cwts::venue
