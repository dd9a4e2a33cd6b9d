#include "common/periodic_timer.hpp"

namespace cwts {

periodic_timer::periodic_timer(std::chrono::milliseconds interval, std::function<void()> tick)
  : interval_(interval), tick_(std::move(tick)), thread_([this] { run(); }) {
}

periodic_timer::~periodic_timer() {
  stop();
}

void periodic_timer::stop() {
  {
    std::lock_guard<std::mutex> guard(mtx_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id())
    thread_.join();
}

void periodic_timer::run() {
  std::unique_lock<std::mutex> lock(mtx_);
  while (!cv_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    tick_();
    lock.lock();
  }
}

} // namespace cwts
