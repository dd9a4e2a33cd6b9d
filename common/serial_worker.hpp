#pragma once
// One thread that runs posted jobs in order. The venue connector's blocking
// REST calls run here, so no actor ever blocks a scheduler thread and no
// detached actor has to outlive the actor system.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace cwts {

class serial_worker {
public:
  serial_worker();
  ~serial_worker(); // finishes the running job, drops the rest, joins

  serial_worker(const serial_worker&) = delete;
  serial_worker& operator=(const serial_worker&) = delete;

  void post(std::function<void()> job);
  size_t pending() const;
  void stop();

private:
  void run();

  mutable std::mutex mtx_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

} // namespace cwts
