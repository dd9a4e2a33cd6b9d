// Several orders in flight on the WebSocket API (ws_api_pipeline.hpp)
// against a scripted venue on loopback: answers matched by id whatever their
// order, an answer with an id not in flight counted and never matched, a
// dropped connection ending every request in flight unknown exactly once,
// the in-flight bound (queue beyond it, bounded), deadlines and a rate-limit
// pause. Asserts outcomes and counters, never timings.
#define CAF_SUITE connector_ws_api_pipeline
#include "tests/support/unit_test.hpp"

#include <future>
#include <map>
#include <mutex>
#include <regex>

#include "actors/connector/ws_api_pipeline.hpp"
#include "tests/unit/connector/ws_api_test_support.hpp"
#include "tests/unit/connector/ws_script_server.hpp"

using namespace cwts;
using namespace cwts::connector;
using test::ioc_buy;
using test::script_detail::eventually;
using test::script_detail::peer;

namespace {

test::ws_script_server::rest_body no_rest = [](const std::string&) { return std::string("{}"); };

// What the venue reads of one request: its id and client order id.
struct request_seen {
  std::string id;
  std::string client_id;
};

request_seen parse_request(const std::string& text) {
  static const std::regex id_re("\"id\":\"([^\"]+)\"");
  static const std::regex cid_re("\"newClientOrderId\":\"([^\"]+)\"");
  std::smatch m;
  request_seen r;
  if (std::regex_search(text, m, id_re))
    r.id = m[1];
  if (std::regex_search(text, m, cid_re))
    r.client_id = m[1];
  return r;
}

order_request buy_of(const std::string& id, const char* sym) {
  return ioc_buy(id, sym);
}

std::string answer(const request_seen& r, const char* status = "EXPIRED") {
  return test::place_answer(r.id, r.client_id, status, "IOC");
}

using ends = test::ws_api_ends;

ws_api_config config(uint16_t port) {
  return test::ws_api_at(port);
}

} // namespace

CAF_TEST(answers_in_any_order_are_matched_to_their_requests_by_id) {
  test::ws_script_server server(no_rest, [](peer& p, int) {
    std::vector<request_seen> got;
    for (int i = 0; i < 3; ++i)
      got.push_back(parse_request(p.read()));
    for (auto it = got.rbegin(); it != got.rend(); ++it) // last first
      p.send(answer(*it));
  });
  ends done;
  ws_api_pipeline pipe(config(server.port()), {}, done.fn());
  pipe.start();
  for (auto id : {"a", "b", "c"})
    pipe.place(ioc_buy(id));
  CAF_REQUIRE(eventually([&] { return done.size() == 3; }));
  std::vector<std::string> order;
  for (auto& c : done.copy()) {
    CAF_REQUIRE(c.reply.ok());
    // Each answer reached the request it names.
    CAF_CHECK_EQUAL(c.reply.value.client_id.value, c.order.id.value);
    order.push_back(c.order.id.value);
  }
  CAF_CHECK_EQUAL(order, (std::vector<std::string>{"c", "b", "a"}));
  CAF_CHECK_EQUAL(pipe.counters().answered.load(), 3);
  CAF_CHECK_EQUAL(pipe.counters().max_in_flight_seen.load(), 3);
  CAF_CHECK_EQUAL(server.ws_connections(), 1);
}

CAF_TEST(an_answer_with_an_unknown_id_is_counted_and_never_matched) {
  test::ws_script_server server(no_rest, [](peer& p, int) {
    auto r = parse_request(p.read());
    p.send(answer(request_seen{"p-999", r.client_id})); // never sent by us
    p.send(answer(request_seen{"someone-else", r.client_id}));
    p.send("{\"status\":200}"); // no id at all
    // Our p-1 spelled otherwise: matched by number it would end u1 rejected.
    p.send("{\"id\":\"p-01\",\"status\":400,\"error\":{\"code\":-2010,\"msg\":\"not ours\"}}");
    p.send(answer(r));
  });
  ends done;
  ws_api_pipeline pipe(config(server.port()), {}, done.fn());
  pipe.start();
  pipe.place(ioc_buy("u1"));
  CAF_REQUIRE(eventually([&] { return done.size() == 1; }));
  CAF_REQUIRE(eventually([&] { return pipe.counters().unknown_ids.load() == 4; }));
  auto c = done.copy().front();
  CAF_CHECK(c.reply.ok());
  CAF_CHECK_EQUAL(c.order.id.value, "u1");
  CAF_CHECK_EQUAL(pipe.counters().answered.load(), 1);
}

CAF_TEST(a_dropped_connection_ends_every_request_in_flight_unknown_once) {
  std::atomic<int> read_on_second{0};
  test::ws_script_server server(no_rest, [&](peer& p, int conn) {
    if (conn == 0) {
      for (int i = 0; i < 4; ++i)
        p.read();
      throw std::runtime_error("venue drops the connection"); // closes it
    }
    auto r = parse_request(p.read());
    ++read_on_second;
    p.send(answer(r));
  });
  ends done;
  ws_api_pipeline pipe(config(server.port()), {}, done.fn());
  pipe.start();
  for (auto id : {"d1", "d2", "d3", "d4"})
    pipe.place(ioc_buy(id));
  CAF_REQUIRE(eventually([&] { return done.size() == 4; }));
  for (auto& c : done.copy()) {
    CAF_CHECK(c.reply.kind == reply_kind::unknown); // may have executed: never resent
    CAF_CHECK(!c.connect_failed);
  }
  CAF_CHECK_EQUAL(pipe.counters().failed_on_drop.load(), 4);
  // The next order opens a new connection; none of the four ends again.
  pipe.place(ioc_buy("d5"));
  CAF_REQUIRE(eventually([&] { return done.size() == 5; }));
  auto all = done.copy();
  CAF_CHECK_EQUAL(all.back().order.id.value, "d5");
  CAF_CHECK(all.back().reply.ok());
  CAF_CHECK_EQUAL(read_on_second.load(), 1); // d1..d4 were not resent
  CAF_CHECK_EQUAL(pipe.counters().failed_on_drop.load(), 4);
  CAF_CHECK_EQUAL(pipe.counters().connections.load(), 2);
}

CAF_TEST(beyond_the_in_flight_bound_requests_queue_and_the_queue_is_bounded) {
  std::atomic<bool> go{false};
  std::atomic<int> max_unanswered{0};
  test::ws_script_server server(no_rest, [&](peer& p, int) {
    std::vector<request_seen> got;
    for (int i = 0; i < 2; ++i)
      got.push_back(parse_request(p.read()));
    max_unanswered = 2;
    eventually([&] { return go.load(); });
    // Each answer frees a slot: the next queued request comes.
    for (std::size_t answered = 0; answered < 4; ++answered) {
      p.send(answer(got[answered]));
      if (got.size() < 4)
        got.push_back(parse_request(p.read()));
    }
  });
  ends done;
  ws_api_pipeline_config bound;
  bound.max_in_flight = 2;
  bound.max_queued = 2;
  ws_api_pipeline pipe(config(server.port()), bound, done.fn());
  pipe.start();
  for (auto id : {"q1", "q2", "q3", "q4", "q5"})
    pipe.place(ioc_buy(id));
  // Two written, two queued, the fifth refused unsent.
  CAF_REQUIRE(eventually([&] { return done.size() == 1; }));
  auto refused = done.copy().front();
  CAF_CHECK_EQUAL(refused.order.id.value, "q5");
  CAF_CHECK(refused.reply.kind == reply_kind::not_sent);
  CAF_CHECK(!refused.connect_failed); // REST must not carry it either
  CAF_CHECK_EQUAL(pipe.counters().queue_full.load(), 1);
  CAF_REQUIRE(eventually([&] { return max_unanswered.load() == 2; }));
  CAF_CHECK_EQUAL(pipe.counters().in_flight_now.load(), 2);
  CAF_CHECK_EQUAL(pipe.counters().queued_now.load(), 2);
  go = true;
  CAF_REQUIRE(eventually([&] { return done.size() == 5; }));
  for (auto& c : done.copy())
    if (c.order.id.value != "q5")
      CAF_CHECK(c.reply.ok());
  CAF_CHECK_EQUAL(pipe.counters().max_in_flight_seen.load(), 2);
  CAF_CHECK_EQUAL(pipe.counters().requests.load(), 4);
}

CAF_TEST(no_answer_in_time_is_unknown_and_the_connection_is_dropped) {
  test::ws_script_server server(no_rest, [&](peer& p, int conn) {
    auto r = parse_request(p.read());
    if (conn == 0)
      return; // never answers; the client must leave
    p.send(answer(r));
  });
  ends done;
  auto cfg = config(server.port());
  cfg.request_timeout = std::chrono::milliseconds(100);
  ws_api_pipeline pipe(cfg, {}, done.fn());
  pipe.start();
  pipe.place(ioc_buy("t1"));
  CAF_REQUIRE(eventually([&] { return done.size() == 1; }));
  auto late = done.copy().front();
  CAF_CHECK(late.reply.kind == reply_kind::unknown);
  // Until then the venue may still take it: "no such order" proves nothing.
  CAF_CHECK(late.refused_after_ms > 0);
  CAF_CHECK_EQUAL(pipe.counters().timed_out.load(), 1);
  // Its frame may still be on its way: the connection is dropped, so no
  // late answer is ever read, and the next order opens a new one.
  CAF_REQUIRE(eventually([&] { return !pipe.connected(); }));
  pipe.place(ioc_buy("t2"));
  CAF_REQUIRE(eventually([&] { return done.size() == 2; }));
  CAF_CHECK(done.copy().back().reply.ok());
  CAF_CHECK_EQUAL(pipe.counters().connections.load(), 2);
  CAF_CHECK_EQUAL(pipe.counters().unknown_ids.load(), 0);
}

CAF_TEST(an_answer_naming_another_order_is_unknown_and_counted) {
  test::ws_script_server server(no_rest, [](peer& p, int) {
    auto r = parse_request(p.read());
    p.send(answer(request_seen{r.id, "someone-else"}));
  });
  ends done;
  ws_api_pipeline pipe(config(server.port()), {}, done.fn());
  pipe.start();
  pipe.place(ioc_buy("m1"));
  CAF_REQUIRE(eventually([&] { return done.size() == 1; }));
  CAF_CHECK(done.copy().front().reply.kind == reply_kind::unknown);
  CAF_CHECK_EQUAL(pipe.counters().mismatched.load(), 1);
}

CAF_TEST(a_refused_request_measures_its_round_trip_from_the_hand_off) {
  ends done;
  ws_api_pipeline pipe(config(1), {}, done.fn());
  pipe.start();
  auto bad = ioc_buy("bad");
  bad.quantity = qty{};
  auto before = std::chrono::steady_clock::now();
  pipe.place(bad);
  CAF_REQUIRE(eventually([&] { return done.size() == 1; }));
  auto bound = std::chrono::steady_clock::now() - before;
  auto c = done.copy().front();
  CAF_CHECK(c.reply.kind == reply_kind::not_sent);
  CAF_CHECK(c.reply.rtt_ns >= 0);
  CAF_CHECK(c.reply.rtt_ns <= std::chrono::duration_cast<std::chrono::nanoseconds>(bound).count());
}

CAF_TEST(places_queued_when_the_kill_gate_closes_are_never_written) {
  std::atomic<bool> go{false};
  test::ws_script_server server(no_rest, [&](peer& p, int) {
    auto r = parse_request(p.read());
    eventually([&] { return go.load(); });
    p.send(answer(r));
  });
  ends done;
  std::atomic<bool> gate_open{true};
  ws_api_pipeline_config bound;
  bound.max_in_flight = 1;
  ws_api_pipeline pipe(config(server.port()), bound, done.fn());
  pipe.set_admission([&](const order_request&) { return gate_open.load(); });
  // Asked at the refusal, on the I/O thread: what the shell answers then.
  pipe.set_refusal_reason([](const order_request& o) {
    return late_refusal{reject_reason::fenced_epoch, "fenced " + o.id.value};
  });
  pipe.start();
  for (auto id : {"g1", "g2", "g3"})
    pipe.place(ioc_buy(id));
  CAF_REQUIRE(eventually([&] {
    return pipe.counters().requests.load() == 1 && pipe.counters().queued_now.load() == 2;
  }));
  gate_open = false; // the kill, after the actor's check
  go = true;
  CAF_REQUIRE(eventually([&] { return done.size() == 3; }));
  for (auto& c : done.copy()) {
    if (c.order.id.value == "g1") {
      CAF_CHECK(c.reply.ok());
      continue;
    }
    CAF_CHECK(c.reply.kind == reply_kind::not_sent);
    CAF_CHECK(c.gate_closed);
    CAF_CHECK(c.refusal.reason == reject_reason::fenced_epoch);
    CAF_CHECK_EQUAL(c.refusal.detail, "fenced " + c.order.id.value);
    CAF_CHECK(!c.connect_failed); // and REST must not carry it
  }
  CAF_CHECK_EQUAL(pipe.counters().requests.load(), 1);
  CAF_CHECK_EQUAL(pipe.counters().gate_refused.load(), 2);
  CAF_CHECK_EQUAL(server.count_received("newClientOrderId"), 1u);
}

CAF_TEST(a_kill_drops_only_queued_places_in_its_scope_never_cancels) {
  std::atomic<bool> go{false};
  test::ws_script_server server(no_rest, [&](peer& p, int) {
    auto r = parse_request(p.read());
    eventually([&] { return go.load(); });
    p.send(answer(r));
    for (int i = 0; i < 2; ++i) {
      auto next = parse_request(p.read());
      p.send(answer(next));
    }
  });
  ends done;
  ws_api_pipeline_config bound;
  bound.max_in_flight = 1;
  ws_api_pipeline pipe(config(server.port()), bound, done.fn());
  pipe.start();
  pipe.place(buy_of("k1", "USDCHF"));
  pipe.place(buy_of("k2", "USDCHF"));
  pipe.place(buy_of("k3", "EURCHF"));
  cancel_request cancel;
  cancel.id = client_order_id{"old"};
  cancel.sym = *symbol::parse("USDCHF");
  pipe.cancel(cancel);
  CAF_REQUIRE(eventually([&] {
    return pipe.counters().requests.load() == 1 && pipe.counters().queued_now.load() == 3;
  }));
  auto usdchf = *symbol::parse("USDCHF");
  pipe.drop_queued([usdchf](const order_request& o) { return o.sym == usdchf; }, "kill k");
  CAF_REQUIRE(eventually([&] { return done.size() == 1; }));
  auto dropped = done.copy().front();
  CAF_CHECK_EQUAL(dropped.order.id.value, "k2");
  CAF_CHECK(dropped.reply.kind == reply_kind::not_sent);
  CAF_CHECK_EQUAL(pipe.counters().dropped_queued.load(), 1);
  go = true;
  CAF_REQUIRE(eventually([&] { return done.size() == 4; }));
  CAF_CHECK_EQUAL(pipe.counters().requests.load(), 3); // k1, k3 and the cancel
}

CAF_TEST(quiesce_waits_for_places_in_flight_and_holds_its_scope_back) {
  std::atomic<bool> go{false};
  test::ws_script_server server(no_rest, [&](peer& p, int) {
    auto r = parse_request(p.read());
    eventually([&] { return go.load(); });
    p.send(answer(r, "NEW"));
    auto after = parse_request(p.read()); // after resume()
    p.send(answer(after));
  });
  ends done;
  ws_api_pipeline_config bound;
  bound.max_in_flight = 1;
  ws_api_pipeline pipe(config(server.port()), bound, done.fn());
  pipe.start();
  // Nothing in flight: at once.
  auto far = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  auto all = [](const order_request&) { return true; };
  CAF_CHECK(pipe.quiesce(all, "kill q0", far));
  pipe.resume();
  pipe.place(ioc_buy("w1"));
  pipe.place(ioc_buy("w2"));
  CAF_REQUIRE(eventually([&] {
    return pipe.counters().requests.load() == 1 && pipe.counters().queued_now.load() == 1;
  }));
  auto quiet = std::async(std::launch::async, [&] { return pipe.quiesce(all, "kill q1", far); });
  // w2 (queued) is dropped at once; w1 is in flight and not answered: the
  // quiesce cannot have returned.
  CAF_REQUIRE(eventually([&] { return done.size() == 1; }));
  auto w2 = done.copy().front();
  CAF_CHECK_EQUAL(w2.order.id.value, "w2");
  CAF_CHECK(quiet.wait_for(std::chrono::seconds(0)) != std::future_status::ready);
  pipe.place(ioc_buy("w3")); // held back while the cancel-all runs
  CAF_REQUIRE(eventually([&] { return done.size() == 2; }));
  auto w3 = done.copy().back();
  CAF_CHECK_EQUAL(w3.order.id.value, "w3");
  CAF_CHECK(w3.reply.kind == reply_kind::not_sent);
  go = true;
  CAF_CHECK(quiet.get()); // w1 answered: quiet
  CAF_REQUIRE(eventually([&] { return done.size() == 3; }));
  CAF_CHECK(done.copy().back().reply.ok());
  pipe.resume();
  pipe.place(ioc_buy("w4"));
  CAF_REQUIRE(eventually([&] { return done.size() == 4; }));
  CAF_CHECK(done.copy().back().reply.ok());
  CAF_CHECK_EQUAL(pipe.counters().requests.load(), 2);
}

CAF_TEST(a_rate_limit_answer_pauses_writing) {
  // retryAfter a minute ahead: nothing may be written before it.
  auto retry_after = wall_clock_now().ns / 1'000'000 + 60'000;
  test::ws_script_server server(no_rest, [retry_after](peer& p, int) {
    auto r = parse_request(p.read());
    p.send("{\"id\":\"" + r.id + "\",\"status\":429,\"error\":{\"code\":-1003,\"msg\":\"Too many "
           "requests\",\"data\":{\"serverTime\":1,\"retryAfter\":" + std::to_string(retry_after)
           + "}}}");
  });
  ends done;
  auto cfg = config(server.port());
  cfg.request_timeout = std::chrono::milliseconds(300);
  ws_api_pipeline pipe(cfg, {}, done.fn());
  pipe.start();
  pipe.place(ioc_buy("r1"));
  CAF_REQUIRE(eventually([&] { return done.size() == 1; }));
  auto limited = done.copy().front();
  CAF_CHECK(limited.reply.kind == reply_kind::rejected);
  CAF_CHECK_EQUAL(limited.reply.error.code, -1003);
  CAF_CHECK_EQUAL(pipe.counters().rate_limit_pauses.load(), 1);
  // r2 waits in the queue, unwritten, until its deadline passes.
  pipe.place(ioc_buy("r2"));
  CAF_REQUIRE(eventually([&] {
    return pipe.counters().requests.load() == 1 && pipe.counters().queued_now.load() == 1;
  }));
  CAF_CHECK_EQUAL(pipe.counters().requests.load(), 1);
  CAF_REQUIRE(eventually([&] { return done.size() == 2; }));
  auto r2 = done.copy().back();
  CAF_CHECK_EQUAL(r2.order.id.value, "r2");
  CAF_CHECK(r2.reply.kind == reply_kind::not_sent);
  CAF_CHECK(r2.reply.detail.find("paused after a rate-limit answer") != std::string::npos);
  CAF_CHECK_EQUAL(pipe.counters().requests.load(), 1);
}

CAF_TEST(a_venue_that_does_not_answer_the_connect_leaves_requests_to_rest) {
  uint16_t port = 0;
  {
    test::ws_script_server gone(no_rest, [](peer&, int) {});
    port = gone.port();
  } // nothing listens there now
  ends done;
  ws_api_pipeline pipe(config(port), {}, done.fn());
  pipe.start();
  pipe.place(ioc_buy("c1"));
  CAF_REQUIRE(eventually([&] { return done.size() == 1; }));
  auto c = done.copy().front();
  CAF_CHECK(c.reply.kind == reply_kind::not_sent);
  CAF_CHECK(c.connect_failed);
  CAF_CHECK(!pipe.connected());
  // A stopped pipeline refuses at once, unsent and not for REST.
  pipe.stop();
  pipe.place(ioc_buy("c2"));
  CAF_REQUIRE_EQUAL(done.size(), 2u);
  CAF_CHECK(done.copy().back().reply.kind == reply_kind::not_sent);
  CAF_CHECK(!done.copy().back().connect_failed);
}
