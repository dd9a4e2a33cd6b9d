#pragma once
// A thread that calls a function every `interval` until stopped. The venue
// connector uses it instead of CAF's delayed_send to itself: a pending delayed
// message holds a strong reference to its receiver, and a detached actor whose
// reference outlives the scheduler keeps the actor system from shutting down.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace cwts {

class periodic_timer {
public:
  periodic_timer(std::chrono::milliseconds interval, std::function<void()> tick);
  ~periodic_timer(); // stops and joins

  periodic_timer(const periodic_timer&) = delete;
  periodic_timer& operator=(const periodic_timer&) = delete;

  void stop();

private:
  void run();

  std::chrono::milliseconds interval_;
  std::function<void()> tick_;
  std::mutex mtx_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

} // namespace cwts
