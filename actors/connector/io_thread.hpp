#pragma once
// One thread running one Boost.Asio io_context, for the connector's streams
// (market data, user data). start() posts the first operation and runs the
// context; stop() posts the shutdown and waits for the context to run out of
// work, but only so long: a close racing the peer's own close can leave a
// Beast operation suspended for good, so past the bound the context is
// stopped and stop() always returns. Only the first stop() acts.

#include <chrono>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace cwts::connector {

class io_thread {
public:
  explicit io_thread(boost::asio::io_context& ioc) : ioc_(ioc) {}
  io_thread(const io_thread&) = delete;
  io_thread& operator=(const io_thread&) = delete;

  void start(std::function<void()> first) {
    if (thread_.joinable())
      return;
    boost::asio::post(ioc_, std::move(first));
    thread_ = std::thread([this] {
      ioc_.run();
      finished_.set_value();
    });
  }

  void stop(std::function<void()> shutdown, std::chrono::milliseconds bound) {
    std::call_once(stop_once_, [&] {
      boost::asio::post(ioc_, std::move(shutdown));
      if (!thread_.joinable())
        return;
      if (finished_.get_future().wait_for(bound) != std::future_status::ready)
        ioc_.stop();
      thread_.join();
    });
  }

private:
  boost::asio::io_context& ioc_;
  std::thread thread_;
  std::promise<void> finished_; // set when the io_context ran out of work
  std::once_flag stop_once_;
};

} // namespace cwts::connector
