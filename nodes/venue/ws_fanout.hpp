#pragma once
// The connections of one hub-fed WebSocket protocol (okx_ws_hub, kraken_ws_hub)
// and what both do with them alike: the live list, replies (an order
// method's delayed by ws-api-latency-ms), fan-out of public pushes by
// subscription key (a book snapshot only to the subscribers waiting for
// one, updates to the others), the stall-ms hold and release in order, the
// malformed-frames fault and the drop faults. `State` is the protocol's
// per-connection state (ws_session::okx() / kraken()); it has `market` and
// `awaiting_snapshot`, sets of `Key`. Runs on the server's one thread.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "venue/fault_plan.hpp"
#include "ws_session.hpp"

namespace cwts::venue {

inline std::shared_ptr<const std::string> shared_frame(std::string s) {
  return std::make_shared<const std::string>(std::move(s));
}

template <class Key, class State, State* (ws_session::*Get)()>
class ws_fanout {
public:
  ws_fanout(boost::asio::io_context& ioc, fault_plan& faults) : ioc_(ioc), faults_(faults) {}

  void add(const std::shared_ptr<ws_session>& s) { sessions_.push_back(s); }

  void remove(const ws_session* s) {
    sessions_.erase(std::remove_if(sessions_.begin(), sessions_.end(),
                                   [s](const std::weak_ptr<ws_session>& w) {
                                     auto p = w.lock();
                                     return !p || p.get() == s;
                                   }),
                    sessions_.end());
  }

  std::vector<std::shared_ptr<ws_session>> live() const {
    std::vector<std::shared_ptr<ws_session>> out;
    for (auto& weak : sessions_)
      if (auto s = weak.lock()) out.push_back(std::move(s));
    return out;
  }

  size_t size() const { return sessions_.size(); }
  bool empty() const { return sessions_.empty(); }
  bool stalled() const { return stalled_; }

  void close_all() {
    for (auto& s : live())
      s->close();
  }

  // The periodic pushes (book updates and snapshots, tickers, candles):
  // `on_tick` every 100 ms, the pace of OKX's books and Kraken's book
  // channel, until stop().
  void start_ticks(std::function<void()> on_tick) {
    on_tick_ = std::move(on_tick);
    schedule_tick();
  }

  // No more ticks; every connection closed.
  void stop() {
    tick_timer_.cancel();
    close_all();
  }

  // Every key some live connection is subscribed to.
  std::set<Key> subscribed() const {
    std::set<Key> out;
    for (auto& s : live())
      if (auto* st = ((*s).*Get)()) out.insert(st->market.begin(), st->market.end());
    return out;
  }

  // Who a book flush of `key` is for: subscribers holding a snapshot (want
  // the update) and subscribers waiting for one (want a fresh snapshot).
  struct book_audience {
    bool existing = false;
    bool fresh = false;
  };
  book_audience audience_of(const Key& key) const {
    book_audience out;
    for (auto& s : live())
      if (auto* st = ((*s).*Get)(); st && st->market.count(key))
        (st->awaiting_snapshot.count(key) ? out.fresh : out.existing) = true;
    return out;
  }

  // A request's replies on its connection; ws-api-latency-ms delays an
  // order method's replies, not its execution.
  void reply(ws_session& s, std::vector<std::string>& frames, bool order_op) {
    auto delay_ms = order_op ? faults_.take_ws_api_latency_ms() : 0;
    for (auto& f : frames) {
      if (delay_ms <= 0) {
        s.send(shared_frame(std::move(f)));
        continue;
      }
      auto timer = std::make_shared<boost::asio::steady_timer>(ioc_);
      timer->expires_after(std::chrono::milliseconds(delay_ms));
      timer->async_wait([self = s.shared_from_this(), timer, frame = shared_frame(std::move(f))](
                          boost::system::error_code ec) {
        if (!ec) self->send(frame);
      });
    }
  }

  // A public push, held while stalled (stall-ms) and sent in order after.
  void push(const Key& key, std::string frame, bool fresh = false) {
    auto f = shared_frame(std::move(frame));
    if (stalled_) {
      held_.push_back(held_push{key, std::move(f), fresh});
      return;
    }
    deliver(key, std::move(f), fresh);
  }

  void set_stalled(bool stalled) {
    stalled_ = stalled;
    if (stalled) return;
    auto held = std::move(held_);
    held_.clear();
    for (auto& h : held)
      deliver(h.key, h.frame, h.fresh);
  }

  // Closes the connections whose state `pick` chooses (ws-drop,
  // ws-api-drop); the number closed.
  template <class Pick>
  uint64_t drop(Pick pick) {
    uint64_t n = 0;
    for (auto& s : live())
      if (auto* st = ((*s).*Get)(); st && pick(*st)) {
        s->close();
        ++n;
      }
    return n;
  }

private:
  void schedule_tick() {
    tick_timer_.expires_after(std::chrono::milliseconds(100));
    tick_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      on_tick_();
      schedule_tick();
    });
  }

  struct held_push {
    Key key;
    std::shared_ptr<const std::string> frame;
    bool fresh = false; // book snapshot: only subscribers waiting for one
  };

  void deliver(const Key& key, std::shared_ptr<const std::string> frame, bool fresh) {
    std::vector<std::shared_ptr<ws_session>> to;
    for (auto& s : live()) {
      auto* st = ((*s).*Get)();
      if (!st || !st->market.count(key)) continue;
      bool waiting = st->awaiting_snapshot.count(key) > 0;
      // A book snapshot goes to subscribers waiting for one, updates to the
      // others (a waiting subscriber's book starts at its snapshot).
      if (waiting != fresh) continue;
      if (fresh) st->awaiting_snapshot.erase(key);
      to.push_back(s);
    }
    if (to.empty()) return;
    // malformed-frames: a truncated JSON frame just before the push.
    if (faults_.take_malformed_frame()) {
      auto broken = shared_frame(frame->substr(0, frame->size() / 2));
      for (auto& s : to)
        s->send(broken);
    }
    for (auto& s : to)
      s->send(frame);
  }

  boost::asio::io_context& ioc_;
  fault_plan& faults_;
  std::vector<std::weak_ptr<ws_session>> sessions_;
  bool stalled_ = false;
  std::vector<held_push> held_;
  boost::asio::steady_timer tick_timer_{ioc_};
  std::function<void()> on_tick_;
};

} // namespace cwts::venue
