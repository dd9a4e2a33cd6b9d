#include "common/serial_worker.hpp"

namespace cwts {

serial_worker::serial_worker() : thread_([this] { run(); }) {
}

serial_worker::~serial_worker() {
  stop();
}

void serial_worker::post(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> guard(mtx_);
    if (stopping_)
      return;
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
}

size_t serial_worker::pending() const {
  std::lock_guard<std::mutex> guard(mtx_);
  return jobs_.size();
}

void serial_worker::stop() {
  {
    std::lock_guard<std::mutex> guard(mtx_);
    stopping_ = true;
    jobs_.clear();
  }
  cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id())
    thread_.join();
}

void serial_worker::run() {
  std::unique_lock<std::mutex> lock(mtx_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    if (stopping_)
      return;
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job();
    lock.lock();
  }
}

} // namespace cwts
