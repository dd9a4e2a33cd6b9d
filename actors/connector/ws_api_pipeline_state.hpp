#pragma once
// ws_api_pipeline's I/O-thread state (ws_api_pipeline.hpp says what it does).
// Private: included by ws_api_pipeline.cpp only, which defines the public
// calls that post to it.

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <spdlog/spdlog.h>

#include "actors/connector/ws_client.hpp"

namespace cwts::connector {

namespace asio = boost::asio;
using boost::system::error_code;
using clock_type = std::chrono::steady_clock;

namespace ws_api_detail {

// The deadline check's period: fine enough against a request timeout of
// seconds, coarse enough to cost nothing.
constexpr auto tick = std::chrono::milliseconds(10);
constexpr const char* id_prefix = "p-";

struct pending {
  ws_api_completion c;
  clock_type::time_point started{};  // queued or written
  clock_type::time_point deadline{};
  std::shared_ptr<std::string> frame; // written: its frame (in `writes` until sent)
};

// Our request ids are "p-<seq>" exactly as we wrote them; anything else
// ("p-01", "p-+1") matches nothing.
inline std::optional<uint64_t> seq_of(const std::string& id) {
  std::string_view v(id);
  if (v.substr(0, 2) != id_prefix)
    return std::nullopt;
  uint64_t seq = 0;
  auto [end, ec] = std::from_chars(v.data() + 2, v.data() + v.size(), seq);
  if (ec != std::errc() || end != v.data() + v.size() || id != id_prefix + std::to_string(seq))
    return std::nullopt;
  return seq;
}

// One quiesce() call waiting for the places in scope to leave the flight.
struct quiet_wait {
  std::mutex mtx;
  std::condition_variable cv;
  bool quiet = false;
};

} // namespace ws_api_detail

// The helpers above, for the state below (this header has one includer).
using namespace ws_api_detail;

// Everything below runs on the I/O thread.
struct ws_api_pipeline::state {
  enum class link_state : uint8_t { down, opening, up };

  state(ws_api_pipeline& owner)
    : p(owner), ws(ioc, owner.cfg_.tls, owner.cfg_.ca_file), timer(ioc),
      work(asio::make_work_guard(ioc)) {}

  ws_api_pipeline& p;
  asio::io_context ioc;
  ws_client ws;
  boost::beast::flat_buffer buffer;
  asio::steady_timer timer;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::thread thread;
  link_state link = link_state::down;
  uint64_t generation = 0; // handlers of an older connection are ignored
  uint64_t next_seq = 1;
  std::deque<pending> queued;
  std::map<uint64_t, pending> in_flight; // by seq: write order, oldest first
  std::deque<std::shared_ptr<std::string>> writes; // Beast allows one write at a time
  bool writing = false;
  bool timer_armed = false;
  clock_type::time_point paused_until{};
  std::string last_error;
  // Ends not yet handed to on_done: flushed once the handlers ready now ran.
  std::vector<ws_api_completion> ended;
  bool flush_posted = false;
  // A kill's cancel-all in progress: places in scope are held back, and
  // `waiter` hears when none of them is in flight any more.
  order_pred hold;
  std::string hold_why;
  std::shared_ptr<quiet_wait> waiter;
  std::promise<void> shut; // set once shutdown() ran
  bool shut_done = false;

  void finish(ws_api_completion c) {
    ended.push_back(std::move(c));
    if (flush_posted)
      return;
    flush_posted = true;
    asio::post(ioc, [this] { flush_ended(); });
  }

  void flush_ended() {
    flush_posted = false;
    if (!ended.empty())
      p.on_done_(std::exchange(ended, {}));
  }

  void complete(pending& r, reply_kind kind, std::string detail) {
    r.c.reply.kind = kind;
    r.c.reply.detail = std::move(detail);
    r.c.reply.rtt_ns
      = std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - r.started).count();
    finish(std::move(r.c));
  }

  void note_sizes() {
    p.counters_.queued_now = static_cast<int64_t>(queued.size());
    auto n = static_cast<int64_t>(in_flight.size());
    p.counters_.in_flight_now = n;
    if (n > p.counters_.max_in_flight_seen)
      p.counters_.max_in_flight_seen = n;
    check_quiet();
  }

  bool held(const pending& r) const {
    return r.c.call == ws_api_call::place && hold && hold(r.c.order);
  }

  // Wakes a quiesce() once no place it covers is in flight.
  void check_quiet() {
    if (!waiter)
      return;
    for (auto& [seq, r] : in_flight)
      if (held(r))
        return;
    {
      std::lock_guard<std::mutex> g(waiter->mtx);
      waiter->quiet = true;
    }
    waiter->cv.notify_all();
    waiter.reset();
  }

  void submit(pending r) {
    // From the hand-off: a refusal's round trip is measured from here too.
    r.started = clock_type::now();
    auto why = r.c.call == ws_api_call::place ? check_order(r.c.order) : std::string{};
    if (!why.empty())
      return complete(r, reply_kind::not_sent, "invalid request: " + why);
    // A kill's cancel-all is running on its scope: refused at once.
    if (held(r)) {
      ++p.counters_.dropped_queued;
      return complete(r, reply_kind::not_sent, hold_why);
    }
    // At most max_queued wait beyond the free in-flight slots.
    auto free_slots = p.pipeline_.max_in_flight - std::min(in_flight.size(), p.pipeline_.max_in_flight);
    if (queued.size() >= p.pipeline_.max_queued + free_slots) {
      ++p.counters_.queue_full;
      return complete(r, reply_kind::not_sent,
                      "WebSocket API queue full: " + std::to_string(in_flight.size())
                        + " in flight, " + std::to_string(queued.size()) + " queued");
    }
    r.deadline = r.started + p.cfg_.request_timeout;
    if (link != link_state::up || in_flight.size() >= p.pipeline_.max_in_flight)
      ++p.counters_.queued_total;
    queued.push_back(std::move(r));
    pump();
  }

  // Writes what the bound, the link and a rate-limit pause allow.
  void pump() {
    if (!queued.empty() && link == link_state::down)
      open();
    if (link == link_state::up && clock_type::now() >= paused_until)
      while (!queued.empty() && in_flight.size() < p.pipeline_.max_in_flight) {
        auto r = std::move(queued.front());
        queued.pop_front();
        if (!admitted(r))
          continue;
        write_request(std::move(r));
      }
    note_sizes();
    arm_timer();
  }

  // The kill gate, read right before the write: a kill that closed it while
  // the order waited here keeps it off the wire. A kill's cancel-all holds
  // its scope back the same way.
  bool admitted(pending& r) {
    if (r.c.call != ws_api_call::place)
      return true;
    if (p.admits_ && !p.admits_(r.c.order)) {
      ++p.counters_.gate_refused;
      r.c.gate_closed = true;
      if (p.why_refused_)
        r.c.refusal = p.why_refused_(r.c.order);
      complete(r, reply_kind::not_sent, "kill gate closed");
      return false;
    }
    if (held(r)) {
      ++p.counters_.dropped_queued;
      complete(r, reply_kind::not_sent, hold_why);
      return false;
    }
    return true;
  }

  void write_request(pending r) {
    auto seq = next_seq++;
    auto id = id_prefix + std::to_string(seq);
    auto ts = wall_clock_now().ns / 1'000'000 + p.time_offset_ms_.load();
    std::string text;
    if (r.c.call == ws_api_call::place)
      text = ws_api_signed_request(id, "order.place", order_params(r.c.order, p.cfg_.response_type),
                                   p.cfg_, ts);
    else
      text = ws_api_signed_request(
        id, "order.cancel",
        {{"symbol", r.c.cancel.sym.str()}, {"origClientOrderId", r.c.cancel.id.value}}, p.cfg_, ts);
    // The deadline runs from the write: time spent queued is not the venue's.
    r.started = clock_type::now();
    r.deadline = r.started + p.cfg_.request_timeout;
    r.c.refused_after_ms = wall_clock_now().ns / 1'000'000 + p.cfg_.recv_window_ms;
    r.frame = std::make_shared<std::string>(std::move(text));
    writes.push_back(r.frame);
    in_flight.emplace(seq, std::move(r));
    ++p.counters_.requests;
    if (!writing)
      write_next();
  }

  void write_next() {
    writing = true;
    auto frame = writes.front(); // alive until its handler ran, even after a drop
    auto gen = generation;
    ws.text(true);
    ws.async_write(asio::buffer(*frame), [this, gen, frame](error_code ec, std::size_t) {
      if (gen != generation)
        return;
      writing = false;
      if (ec)
        return broken("write: " + ec.message());
      writes.pop_front();
      if (!writes.empty())
        write_next();
    });
  }

  void open() {
    link = link_state::opening;
    ++p.counters_.connections;
    auto gen = ++generation;
    ws.async_open(p.cfg_.host, p.cfg_.port, p.cfg_.target, p.cfg_.connect_timeout, std::nullopt,
                  [this, gen](error_code ec, ws_open_step step) {
                    if (gen != generation)
                      return;
                    if (ec)
                      return open_failed(std::string(to_string(step)) + ": " + ec.message());
                    link = link_state::up;
                    p.connected_ = true;
                    read_next();
                    pump();
                  });
  }

  // Nothing was written: every queued request ends not_sent, with the
  // connection down (the session may carry orders over REST).
  void open_failed(std::string why) {
    ++p.counters_.connect_failures;
    drop();
    last_error = why;
    spdlog::warn("event=ws_api_connect_failed queued={} error=\"{}\"", queued.size(), why);
    fail_queued("WebSocket API connection down: " + why, nullptr);
  }

  void read_next() {
    auto gen = generation;
    ws.async_read(buffer, [this, gen](error_code ec, std::size_t) {
      if (gen != generation)
        return;
      if (ec)
        return broken("read: " + ec.message());
      std::string_view text(static_cast<const char*>(buffer.cdata().data()), buffer.size());
      on_answer(text);
      buffer.consume(buffer.size());
      read_next();
    });
  }

  void on_answer(std::string_view text) {
    std::string id;
    venue_reply<venue_order> reply;
    int64_t retry_after = 0;
    read_ws_api_order_answer(text, id, reply, retry_after);
    auto seq = seq_of(id);
    auto it = seq ? in_flight.find(*seq) : in_flight.end();
    if (it == in_flight.end()) {
      // A late answer to a request that timed out, or not ours: never
      // matched to another order.
      auto n = ++p.counters_.unknown_ids;
      if (n <= 10 || n % 1000 == 0)
        spdlog::warn("event=ws_api_unknown_answer id=\"{}\" count={} detail=\"{}\"", id.substr(0, 64),
                     n, reply.detail.substr(0, 200));
      return;
    }
    auto r = std::move(it->second);
    in_flight.erase(it);
    ++p.counters_.answered;
    // An answer with our id about another order is not this order's answer.
    if (reply.ok() && r.c.call == ws_api_call::place && reply.value.client_id != r.c.order.id) {
      auto n = ++p.counters_.mismatched;
      spdlog::warn("event=ws_api_answer_mismatch id=\"{}\" expected=\"{}\" got=\"{}\" count={}",
                   id.substr(0, 64), r.c.order.id.value, reply.value.client_id.value.substr(0, 64), n);
      complete(r, reply_kind::unknown, "WebSocket API: the answer to " + id + " names order "
                                         + reply.value.client_id.value.substr(0, 64));
      pump();
      return;
    }
    if (reply.http_status == 429 || reply.http_status == 418)
      pause(retry_after, reply.http_status);
    auto rtt = std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - r.started);
    reply.rtt_ns = rtt.count();
    r.c.reply = std::move(reply);
    finish(std::move(r.c));
    pump();
  }

  // web-socket-api.md: a 429 must be heeded until retryAfter (a 418 bans).
  void pause(int64_t retry_after_ms, unsigned status) {
    auto now_ms = wall_clock_now().ns / 1'000'000;
    auto wait = retry_after_ms > now_ms ? std::chrono::milliseconds(retry_after_ms - now_ms)
                                        : std::chrono::milliseconds(1000);
    wait = std::min<std::chrono::milliseconds>(wait, std::chrono::minutes(5));
    auto until = clock_type::now() + wait;
    if (until > paused_until)
      paused_until = until;
    auto n = ++p.counters_.rate_limit_pauses;
    spdlog::warn("event=ws_api_rate_limited status={} pause_ms={} count={}", status, wait.count(), n);
  }

  // The connection broke: what was written may have executed.
  void broken(const std::string& why) {
    drop();
    last_error = why;
    auto n = in_flight.size();
    fail_in_flight("WebSocket API connection lost (" + why + ")");
    if (n > 0)
      spdlog::warn("event=ws_api_connection_lost in_flight={} queued={} error=\"{}\"", n,
                   queued.size(), why);
    // Queued requests reconnect, after the aborted handlers ran.
    asio::post(ioc, [this] { pump(); });
  }

  void fail_in_flight(const std::string& why) {
    auto all = std::exchange(in_flight, {});
    for (auto& [seq, r] : all) {
      ++p.counters_.failed_on_drop;
      complete(r, reply_kind::unknown, why);
    }
    note_sizes();
  }

  void fail_queued(const std::string& why, std::atomic<int64_t>* count) {
    auto all = std::exchange(queued, {});
    for (auto& r : all) {
      if (count)
        ++*count;
      r.c.connect_failed = count == nullptr && link == link_state::down;
      complete(r, reply_kind::not_sent, why);
    }
    note_sizes();
  }

  // The kill's drop: only places in its scope; cancels stay queued.
  void drop_places(const order_pred& in_scope, const std::string& why) {
    std::deque<pending> keep;
    for (auto& r : queued) {
      if (r.c.call == ws_api_call::place && in_scope(r.c.order)) {
        ++p.counters_.dropped_queued;
        complete(r, reply_kind::not_sent, why);
      } else {
        keep.push_back(std::move(r));
      }
    }
    queued = std::move(keep);
    note_sizes();
  }

  void drop() {
    ++generation;
    link = link_state::down;
    p.connected_ = false;
    writing = false;
    writes.clear();
    ws.cancel_resolve();
    ws.close_socket();
    buffer.consume(buffer.size());
  }

  void arm_timer() {
    if (timer_armed || (in_flight.empty() && queued.empty()))
      return;
    timer_armed = true;
    timer.expires_after(tick);
    timer.async_wait([this](error_code ec) {
      timer_armed = false;
      if (!ec)
        on_tick();
    });
  }

  // Whether a frame is still waiting in `writes`, not begun: it can be
  // taken back.
  bool unwritten(const std::shared_ptr<std::string>& frame) const {
    auto i = std::find(writes.begin(), writes.end(), frame);
    return i != writes.end() && !(writing && i == writes.begin());
  }

  // Deadlines: written and unanswered -> unknown and the connection is
  // dropped (a late write or answer could still place it while the session
  // settles it as gone); a frame not yet begun is taken back, not_sent;
  // never written -> not_sent.
  void on_tick() {
    auto now = clock_type::now();
    bool written_expired = false;
    while (!in_flight.empty() && in_flight.begin()->second.deadline <= now) {
      auto r = std::move(in_flight.begin()->second);
      in_flight.erase(in_flight.begin());
      auto limit = std::to_string(p.cfg_.request_timeout.count());
      if (unwritten(r.frame)) {
        writes.erase(std::find(writes.begin(), writes.end(), r.frame));
        ++p.counters_.unwritten_timeouts;
        r.c.refused_after_ms = 0;
        complete(r, reply_kind::not_sent,
                 "WebSocket API: not written within " + limit + " ms (socket backed up)");
        continue;
      }
      ++p.counters_.timed_out;
      written_expired = true;
      complete(r, reply_kind::unknown, "WebSocket API: no answer within " + limit + " ms");
    }
    if (written_expired)
      return broken("no answer within " + std::to_string(p.cfg_.request_timeout.count()) + " ms");
    while (!queued.empty() && queued.front().deadline <= now) {
      auto r = std::move(queued.front());
      queued.pop_front();
      std::string why = now < paused_until ? "paused after a rate-limit answer"
                        : link != link_state::up ? "connecting"
                                                  : "behind the in-flight bound";
      complete(r, reply_kind::not_sent, "WebSocket API: not sent within "
                                          + std::to_string(p.cfg_.request_timeout.count())
                                          + " ms (" + why + ")");
    }
    pump();
  }

  // Ends every request still here exactly once, marked stopped. Runs on
  // the I/O thread, or on stop()'s after a forced ioc.stop() joined it.
  void end_all() {
    if (shut_done)
      return;
    shut_done = true;
    for (auto& [seq, r] : in_flight)
      r.c.stopped = true;
    for (auto& r : queued)
      r.c.stopped = true;
    fail_in_flight("WebSocket API stopped");
    fail_queued("WebSocket API stopped", &p.counters_.dropped_queued);
    flush_ended();
  }

  void shutdown() {
    drop();
    timer.cancel();
    end_all();
    work.reset();
    shut.set_value();
  }
};

} // namespace cwts::connector
