#define CAF_SUITE common_serial_worker
#include "tests/support/unit_test.hpp"

#include <atomic>
#include <vector>

#include "common/serial_worker.hpp"
#include "tests/integration/support/wait_until.hpp"

CAF_TEST(runs_jobs_in_the_order_they_were_posted) {
  std::mutex mtx;
  std::vector<int> seen;
  std::atomic<int> done{0};
  {
    cwts::serial_worker w;
    for (int i = 0; i < 100; ++i)
      w.post([&, i] {
        std::lock_guard<std::mutex> g(mtx);
        seen.push_back(i);
        ++done;
      });
    cwts::itest::wait_until([&] { return done.load() >= 100; }, std::chrono::seconds(2),
                            std::chrono::milliseconds(2));
  }
  CAF_REQUIRE_EQUAL(seen.size(), 100u);
  for (int i = 0; i < 100; ++i)
    CAF_CHECK_EQUAL(seen[static_cast<size_t>(i)], i);
}

CAF_TEST(stop_drops_pending_jobs_and_refuses_new_ones) {
  std::atomic<int> ran{0};
  cwts::serial_worker w;
  std::atomic<bool> release{false};
  std::atomic<bool> started{false};
  w.post([&] {
    started = true;
    while (!release.load())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ++ran;
  });
  w.post([&] { ++ran; });
  cwts::itest::wait_until([&] { return started.load(); }, std::chrono::seconds(5),
                          std::chrono::milliseconds(1));
  CAF_REQUIRE(started.load());
  std::thread stopper([&] { w.stop(); });
  // stop() has cleared the queue (the second job) before the first one ends;
  // a fixed wait here let the worker take the second job on a loaded machine.
  CAF_REQUIRE(cwts::itest::wait_until([&] { return w.pending() == 0; }, std::chrono::seconds(5),
                                      std::chrono::milliseconds(1)));
  release = true;
  stopper.join();
  w.post([&] { ++ran; });
  CAF_CHECK_EQUAL(ran.load(), 1);
}
