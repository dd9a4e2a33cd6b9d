#include "actors/connector/ws_api_pipeline.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "actors/connector/ws_api_pipeline_state.hpp"

namespace cwts::connector {

std::string validate(const ws_api_pipeline_config& cfg) {
  if (cfg.max_in_flight == 0 || cfg.max_in_flight > 4096)
    return "ws-api-max-in-flight: must be 1..4096";
  if (cfg.max_queued > 1'000'000)
    return "ws-api-max-queued: must be 0..1000000";
  return {};
}

ws_api_pipeline::ws_api_pipeline(ws_api_config cfg, ws_api_pipeline_config pipeline, done_fn on_done)
  : cfg_(std::move(cfg)), pipeline_(pipeline), on_done_(std::move(on_done)) {}

ws_api_pipeline::~ws_api_pipeline() {
  stop();
}

void ws_api_pipeline::start() {
  std::lock_guard<std::mutex> guard(mtx_);
  if (st_)
    return;
  st_ = std::make_unique<state>(*this);
  auto* s = st_.get();
  s->thread = std::thread([s] { s->ioc.run(); });
}

void ws_api_pipeline::stop() {
  std::unique_ptr<state> s;
  {
    std::lock_guard<std::mutex> guard(mtx_);
    s = std::move(st_);
  }
  if (!s)
    return;
  auto shut = s->shut.get_future();
  asio::post(s->ioc, [raw = s.get()] { raw->shutdown(); });
  // Bounded like io_thread: a close racing the peer's can leave a Beast
  // operation suspended; the work guard is gone, so the context ends.
  shut.wait_for(std::chrono::seconds(2));
  s->ioc.stop();
  s->thread.join();
  // Forced (shutdown never ran): every request still ends, once, here.
  s->end_all();
  s->flush_ended();
  connected_ = false;
}

void ws_api_pipeline::post_request(ws_api_completion c) {
  {
    std::lock_guard<std::mutex> guard(mtx_);
    if (st_) {
      asio::post(st_->ioc, [s = st_.get(), c = std::move(c)]() mutable {
        s->submit(pending{std::move(c), {}, {}, {}});
      });
      return;
    }
  }
  c.reply.kind = reply_kind::not_sent;
  c.reply.detail = "WebSocket API stopped";
  std::vector<ws_api_completion> one;
  one.push_back(std::move(c));
  on_done_(std::move(one)); // outside the lock: it may place again
}

void ws_api_pipeline::place(const order_request& req) {
  ws_api_completion c;
  c.call = ws_api_call::place;
  c.order = req;
  post_request(std::move(c));
}

void ws_api_pipeline::cancel(const cancel_request& cancel) {
  ws_api_completion c;
  c.call = ws_api_call::cancel;
  c.cancel = cancel;
  post_request(std::move(c));
}

void ws_api_pipeline::drop_queued(order_pred in_scope, std::string why) {
  std::lock_guard<std::mutex> guard(mtx_);
  if (!st_)
    return;
  asio::post(st_->ioc, [s = st_.get(), in_scope = std::move(in_scope), why = std::move(why)] {
    s->drop_places(in_scope, why);
  });
}

bool ws_api_pipeline::quiesce(order_pred in_scope, std::string why,
                              std::chrono::steady_clock::time_point deadline) {
  auto wait = std::make_shared<quiet_wait>();
  {
    std::lock_guard<std::mutex> guard(mtx_);
    if (!st_)
      return true; // stopped: nothing in flight
    asio::post(st_->ioc, [s = st_.get(), wait, in_scope = std::move(in_scope),
                          why = std::move(why)]() mutable {
      s->hold = in_scope;
      s->hold_why = why;
      s->drop_places(in_scope, why);
      s->waiter = wait; // replaces an older quiesce's: it times out
      s->check_quiet();
    });
  }
  std::unique_lock<std::mutex> lock(wait->mtx);
  return wait->cv.wait_until(lock, deadline, [&] { return wait->quiet; });
}

void ws_api_pipeline::resume() {
  std::lock_guard<std::mutex> guard(mtx_);
  if (!st_)
    return;
  asio::post(st_->ioc, [s = st_.get()] {
    s->hold = nullptr;
    s->hold_why.clear();
  });
}

} // namespace cwts::connector
