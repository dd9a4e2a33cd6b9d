#pragma once
// What the connector shell gives a venue adapter (venue_adapter.hpp), for
// the adapters' integration tests against a real cwts-venue (OKX, Kraken):
// a worker thread where blocking calls run, a sink for reports and rejects
// with waits that poll with a deadline, and a reconcile counter.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "tests/integration/support/process.hpp"
#include "actors/connector/venue_adapter.hpp"
#include "common/serial_worker.hpp"
#include "messages/symbol.hpp"

namespace cwts::test {

using connector::adapter_context;
using connector::adapter_output;

// What the shell would give the adapter: a worker thread and a sink.
struct fake_shell {
  serial_worker worker;
  std::mutex mtx;
  std::condition_variable cv;
  std::vector<adapter_output> reports;
  std::atomic<int> reconciles{0};

  adapter_context context() {
    adapter_context ctx;
    ctx.post = [this](std::function<void()> job) { worker.post(std::move(job)); };
    ctx.report = [this](std::vector<adapter_output> out) {
      std::lock_guard<std::mutex> guard(mtx);
      for (auto& o : out)
        reports.push_back(std::move(o));
      cv.notify_all();
    };
    ctx.request_reconcile = [this] { ++reconciles; };
    return ctx;
  }

  // Runs `f` on the worker, as the shell runs blocking calls, so replies
  // and the orders channel's events meet the adapter in one order; what it
  // returns joins the reports.
  template <class F>
  auto on_worker(F f) -> decltype(f()) {
    std::promise<decltype(f())> done;
    worker.post([&] { done.set_value(f()); });
    auto out = done.get_future().get();
    if constexpr (std::is_same_v<decltype(f()), std::vector<adapter_output>>) {
      std::lock_guard<std::mutex> guard(mtx);
      reports.insert(reports.end(), out.begin(), out.end());
      cv.notify_all();
    }
    return out;
  }

  // The first report of `id` with `status`, waiting up to `limit`.
  std::optional<execution_report> await(const std::string& id, order_status status,
                                        std::chrono::milliseconds limit) {
    std::unique_lock<std::mutex> lock(mtx);
    std::optional<execution_report> found;
    cv.wait_for(lock, limit, [&] {
      for (auto& o : reports)
        if (auto* r = std::get_if<execution_report>(&o); r && r->id.value == id && r->status == status)
          return found = *r, true;
      return false;
    });
    return found;
  }

  // The first reject of `id`, waiting up to `limit`.
  std::optional<order_reject> await_reject(const std::string& id, std::chrono::milliseconds limit) {
    std::unique_lock<std::mutex> lock(mtx);
    std::optional<order_reject> found;
    cv.wait_for(lock, limit, [&] {
      for (auto& o : reports)
        if (auto* r = std::get_if<order_reject>(&o); r && r->id.value == id)
          return found = *r, true;
      return false;
    });
    return found;
  }
};

// A limit order of USDCHF.
inline order_request order(const std::string& id, side s, const char* px, const char* sz) {
  order_request r;
  r.id = client_order_id{id};
  r.sym = *symbol::parse("USDCHF");
  r.order_side = s;
  r.limit_price = *price::parse(px);
  r.quantity = *qty::parse(sz);
  return r;
}

inline std::string describe(const std::vector<adapter_output>& out) {
  std::string s;
  for (auto& o : out) {
    if (auto* r = std::get_if<execution_report>(&o))
      s += r->id.value + ":" + to_string(r->status) + " ";
    else
      s += std::get<order_reject>(o).id.value + ":reject:" + std::get<order_reject>(o).detail + " ";
  }
  return s;
}

// `pred` within `limit`, polled every 20 ms (the integration tests' one
// bounded poll, tests/integration/support/process.hpp).
template <class Pred>
bool wait_until(std::chrono::milliseconds limit, Pred pred) {
  return cwts::itest::wait_until(pred, limit, std::chrono::milliseconds(20));
}

} // namespace cwts::test
