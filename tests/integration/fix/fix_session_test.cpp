// FIX 4.4 order entry against a real cwts-venue process (docs/fix.md): the
// connector's FIX session (fix_order_session over QuickFIX) on one side, the
// venue's acceptor on the other, and the same book read over REST. Each test
// starts its own venue on free ports with its own FIX stores.
#define CAF_SUITE fix_session
#include "tests/support/unit_test.hpp"

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "actors/connector/binance_rest_gateway.hpp"
#include "actors/fix/fix_order_session.hpp"
#include "tests/integration/support/process.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

// config/venue.ini maps the FIX client CWTS-TEST to the demo2 account.
constexpr const char* demo2_key = "cwtsDemoKeyBravo0000000000000000000000000000000000000000000002";
constexpr const char* demo2_secret
  = "cwtsDemoSecretBravo000000000000000000000000000000000000000000002";

const symbol usdchf = *symbol::parse("USDCHF");

// cwts-venue with its FIX acceptor on `fix_port` (0: a free one) and its
// store under `dir`.
struct venue {
  std::unique_ptr<child_process> proc;
  uint16_t port = 0;
  uint16_t fix_port = 0;

  void start(const std::string& dir, uint16_t want_fix_port, const std::string& name) {
    proc = std::make_unique<child_process>(
      name,
      std::vector<std::string>{CWTS_VENUE_BIN, "--config", CWTS_VENUE_CONFIG, "--port", "0",
                               "--fix-port", std::to_string(want_fix_port), "--fix-store",
                               dir + "/venue-fix-store"},
      dir);
    auto line = proc->wait_for_line(
      stream::out, [](const std::string& l) { return l.find("fix_port=") != std::string::npos; },
      millis{20000});
    CAF_REQUIRE(line.has_value());
    port = static_cast<uint16_t>(std::stoi(line->substr(line->find(" port=") + 6)));
    fix_port = static_cast<uint16_t>(std::stoi(line->substr(line->find("fix_port=") + 9)));
  }
};

fix::fix_connector_settings client_settings(const std::string& dir, uint16_t fix_port) {
  fix::fix_connector_settings s;
  s.port = fix_port;
  s.sender_comp_id = "CWTS-TEST";
  s.target_comp_id = "CWTS-VENUE";
  s.heartbeat_s = 1;
  s.store_dir = dir + "/client-fix-store";
  s.log_dir = dir + "/client-fix-log";
  s.data_dictionary = CWTS_FIX_DICTIONARY;
  s.request_timeout = 5000ms;
  return s;
}

// What the session sent to the "OMS".
struct sink {
  std::mutex mtx;
  std::vector<execution_report> reports;
  std::vector<order_reject> rejects;

  fix::fix_order_session::output_sink fn() {
    return [this](const std::vector<fix::session_output>& out) {
      std::lock_guard<std::mutex> guard(mtx);
      for (auto& o : out) {
        if (auto r = std::get_if<execution_report>(&o))
          reports.push_back(*r);
        else
          rejects.push_back(std::get<order_reject>(o));
      }
    };
  }
  bool has(const std::string& id, order_status s) {
    std::lock_guard<std::mutex> guard(mtx);
    for (auto& r : reports)
      if (r.id.value == id && r.status == s)
        return true;
    return false;
  }
  bool wait(const std::string& id, order_status s) {
    return wait_until([&] { return has(id, s); }, millis{10000}, millis{20});
  }
};

order_request resting_buy(const std::string& id, const char* px = "0.5", const char* q = "10") {
  order_request req;
  req.id = client_order_id{id};
  req.sym = usdchf;
  req.order_side = side::buy;
  req.type = order_type::limit;
  req.tif = time_in_force::gtc;
  // Far below the replayed market (~0.9): rests on the book.
  req.limit_price = *price::parse(px);
  req.quantity = *qty::parse(q);
  return req;
}

// The demo2 account's open orders on USDCHF, read over REST.
size_t rest_open_orders(uint16_t port) {
  connector::gateway_config cfg;
  cfg.port = port;
  cfg.api_key = demo2_key;
  cfg.secret = demo2_secret;
  connector::binance_rest_gateway rest(cfg);
  auto open = rest.open_orders(usdchf);
  CAF_REQUIRE(open.ok());
  return open.value.size();
}

std::string unique(const std::string& stem) {
  return stem + std::to_string(wall_clock_now().ns % 1'000'000'000);
}

} // namespace

CAF_TEST(logon_and_logout) {
  auto dir = make_test_dir("fix_logon_logout");
  venue v;
  v.start(dir, 0, "venue");
  sink out;
  fix::fix_order_session s(client_settings(dir, v.fix_port), {usdchf}, out.fn());
  CAF_REQUIRE_EQUAL(s.start(), "");
  CAF_REQUIRE(s.wait_logged_on(10s));
  CAF_CHECK_EQUAL(s.engine_counters().logons.load(), 1);
  // Heartbeats every second (HeartBtInt=1) keep the session up.
  CAF_CHECK(wait_until([&] { return s.engine_counters().heartbeats_received.load() >= 1; },
                       millis{5000}, millis{50}));
  s.stop();
  CAF_CHECK(!s.logged_on());
  CAF_CHECK_EQUAL(s.engine_counters().logouts.load(), 1);
  // Refused locally once logged out: never queued for a late resend.
  auto refused = s.place(resting_buy(unique("lo")), true);
  CAF_REQUIRE_EQUAL(refused.size(), 1u);
  CAF_CHECK(std::get<order_reject>(refused[0]).reason == reject_reason::venue_unreachable);
}

CAF_TEST(order_status_replace_and_cancel_round_trips) {
  auto dir = make_test_dir("fix_round_trips");
  venue v;
  v.start(dir, 0, "venue");
  sink out;
  fix::fix_order_session s(client_settings(dir, v.fix_port), {usdchf}, out.fn());
  CAF_REQUIRE_EQUAL(s.start(), "");
  CAF_REQUIRE(s.wait_logged_on(10s));
  auto id = unique("rt");
  CAF_REQUIRE(s.place(resting_buy(id), true).empty());
  CAF_REQUIRE(out.wait(id, order_status::accepted));
  CAF_CHECK_EQUAL(rest_open_orders(v.port), 1u); // the same book, over REST
  // 35=H
  std::string error;
  auto st = s.status(client_order_id{id}, usdchf, std::chrono::steady_clock::now() + 5s, error);
  CAF_REQUIRE(st.has_value());
  CAF_CHECK(st->status == order_status::accepted);
  // CAF_CHECK_EQUAL binds by reference: compare named values.
  const auto ten = *qty::parse("10");
  const auto twenty = *qty::parse("20");
  const auto new_px = *price::parse("0.5001");
  CAF_CHECK_EQUAL(st->order_qty, ten);
  // 35=G: new price and quantity under a new id.
  auto id2 = unique("rp");
  CAF_REQUIRE(s.replace(client_order_id{id}, resting_buy(id2, "0.5001", "20")).empty());
  CAF_REQUIRE(out.wait(id2, order_status::accepted));
  auto st2 = s.status(client_order_id{id2}, usdchf, std::chrono::steady_clock::now() + 5s, error);
  CAF_REQUIRE(st2.has_value());
  CAF_CHECK_EQUAL(st2->limit_price, new_px);
  CAF_CHECK_EQUAL(st2->order_qty, twenty);
  CAF_CHECK_EQUAL(rest_open_orders(v.port), 1u);
  // 35=F
  CAF_REQUIRE(s.cancel(cancel_request{client_order_id{id2}, usdchf, wall_clock_now()}).empty());
  CAF_REQUIRE(out.wait(id2, order_status::canceled));
  CAF_CHECK_EQUAL(rest_open_orders(v.port), 0u);
  // An unknown order: 35=H answers 39=8 with 103=5.
  auto none = s.status(client_order_id{"nosuchorder"}, usdchf,
                       std::chrono::steady_clock::now() + 5s, error);
  CAF_REQUIRE(none.has_value());
  CAF_CHECK(none->rejected);
  CAF_CHECK_EQUAL(none->ord_rej_reason, "5");
  // A marketable order fills: the trade report carries the fill.
  auto taker = unique("tk");
  auto buy = resting_buy(taker, "0", "1");
  buy.type = order_type::market;
  CAF_REQUIRE(s.place(buy, true).empty());
  CAF_CHECK(out.wait(taker, order_status::filled));
  CAF_CHECK_EQUAL(s.counters().duplicate_reports.load(), 0);
  s.stop();
}

CAF_TEST(mass_cancel_leaves_no_open_orders) {
  auto dir = make_test_dir("fix_mass_cancel");
  venue v;
  v.start(dir, 0, "venue");
  sink out;
  fix::fix_order_session s(client_settings(dir, v.fix_port), {usdchf}, out.fn());
  CAF_REQUIRE_EQUAL(s.start(), "");
  CAF_REQUIRE(s.wait_logged_on(10s));
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(unique("mc" + std::to_string(i)));
    CAF_REQUIRE(s.place(resting_buy(ids.back()), true).empty());
    CAF_REQUIRE(out.wait(ids.back(), order_status::accepted));
  }
  auto open = s.open_orders(usdchf, std::chrono::steady_clock::now() + 5s);
  CAF_REQUIRE(open.ok);
  CAF_CHECK_EQUAL(open.orders.size(), 3u);
  // 530=1 (by symbol): the report counts 3, each confirmed by its own 150=4.
  auto mc = s.mass_cancel(usdchf, std::chrono::steady_clock::now() + 5s);
  CAF_CHECK(mc.ok);
  CAF_CHECK_EQUAL(mc.affected, 3);
  CAF_CHECK_EQUAL(mc.confirmed, 3);
  for (auto& id : ids)
    CAF_CHECK(out.has(id, order_status::canceled));
  auto after = s.open_orders(std::nullopt, std::chrono::steady_clock::now() + 5s);
  CAF_REQUIRE(after.ok);
  CAF_CHECK_EQUAL(after.orders.size(), 0u);
  CAF_CHECK_EQUAL(rest_open_orders(v.port), 0u);
  // 530=7 (all) with nothing open: zero affected, not an error.
  auto empty = s.mass_cancel(std::nullopt, std::chrono::steady_clock::now() + 5s);
  CAF_CHECK(empty.ok);
  CAF_CHECK_EQUAL(empty.affected, 0);
  s.stop();
}

// The kill switch's level-2 venue channel over FIX: mass cancel, then the
// open-orders query proving none are left.
CAF_TEST(kill_switch_cancel_all_channel_over_fix) {
  auto dir = make_test_dir("fix_kill_cancel_all");
  venue v;
  v.start(dir, 0, "venue");
  sink out;
  fix::fix_order_session s(client_settings(dir, v.fix_port), {usdchf}, out.fn());
  CAF_REQUIRE_EQUAL(s.start(), "");
  CAF_REQUIRE(s.wait_logged_on(10s));
  for (int i = 0; i < 4; ++i) {
    auto id = unique("k" + std::to_string(i));
    CAF_REQUIRE(s.place(resting_buy(id), true).empty());
    CAF_REQUIRE(out.wait(id, order_status::accepted));
  }
  CAF_CHECK_EQUAL(rest_open_orders(v.port), 4u);
  auto r = s.cancel_all(kill_id{"k-fix-1"}, node_id{"solo"}, {usdchf}, 5000ms);
  CAF_CHECK(r.ok);
  CAF_CHECK_EQUAL(r.error, "");
  CAF_CHECK_EQUAL(r.orders_canceled, 4);
  CAF_CHECK_EQUAL(r.open_orders_after, 0);
  CAF_CHECK(r.duration_ns > 0);
  CAF_MESSAGE("cancel-all over FIX: " << r.orders_canceled << " orders in "
                                      << r.duration_ns / 1000 << " us, retries " << r.retries);
  CAF_CHECK_EQUAL(rest_open_orders(v.port), 0u);
  // The gate closed: the next order is refused before it is sent.
  auto refused = s.place(resting_buy(unique("kg")), false);
  CAF_REQUIRE_EQUAL(refused.size(), 1u);
  CAF_CHECK(std::get<order_reject>(refused[0]).reason == reject_reason::kill_gate_closed);
  s.stop();
}

// Sequence numbers persist in the client's store across a restart; reports
// the venue produced while the client was away make a gap, which the
// client's ResendRequest fills with PossDupFlag=Y copies.
CAF_TEST(sequence_gap_filled_by_resend_after_client_restart) {
  auto dir = make_test_dir("fix_gap_resend");
  venue v;
  v.start(dir, 0, "venue");
  auto id = unique("gp");
  int sender_seq_before = 0;
  {
    sink out;
    fix::fix_order_session s(client_settings(dir, v.fix_port), {usdchf}, out.fn());
    CAF_REQUIRE_EQUAL(s.start(), "");
    CAF_REQUIRE(s.wait_logged_on(10s));
    CAF_REQUIRE(s.place(resting_buy(id), true).empty());
    CAF_REQUIRE(out.wait(id, order_status::accepted));
    sender_seq_before = s.next_sender_seq();
    s.stop();
  }
  CAF_REQUIRE(sender_seq_before > 2);
  // While the client is away, the order is canceled over REST: the venue
  // stores its 35=8 for CWTS-TEST (sequence number taken, not delivered).
  {
    connector::gateway_config cfg;
    cfg.port = v.port;
    cfg.api_key = demo2_key;
    cfg.secret = demo2_secret;
    connector::binance_rest_gateway rest(cfg);
    CAF_REQUIRE(rest.cancel_order(usdchf, client_order_id{id}).ok());
  }
  sink out;
  fix::fix_order_session s(client_settings(dir, v.fix_port), {usdchf}, out.fn());
  CAF_REQUIRE_EQUAL(s.start(), "");
  // Resumed, not reset: the store's sequence numbers were used.
  CAF_CHECK(s.next_sender_seq() >= sender_seq_before);
  CAF_REQUIRE(s.wait_logged_on(10s));
  CAF_CHECK(wait_until([&] { return s.engine_counters().poss_dup_received.load() >= 1; },
                       millis{10000}, millis{20}));
  CAF_CHECK(s.engine_counters().resend_requests_sent.load() >= 1);
  // This process never placed the order: the resent report is counted as
  // another session's order (reconciliation adopts or settles it).
  CAF_CHECK(wait_until([&] { return s.counters().unknown_order_reports.load() >= 1; },
                       millis{5000}, millis{20}));
  s.stop();
}

// The acceptor restarts on the same port with its store: the initiator
// reconnects by itself and both sides resume their sequence numbers.
CAF_TEST(reconnect_after_acceptor_restart) {
  auto dir = make_test_dir("fix_acceptor_restart");
  venue v;
  v.start(dir, 0, "venue1");
  auto fix_port = v.fix_port;
  sink out;
  fix::fix_order_session s(client_settings(dir, fix_port), {usdchf}, out.fn());
  CAF_REQUIRE_EQUAL(s.start(), "");
  CAF_REQUIRE(s.wait_logged_on(10s));
  auto id = unique("rs");
  CAF_REQUIRE(s.place(resting_buy(id), true).empty());
  CAF_REQUIRE(out.wait(id, order_status::accepted));
  auto target_seq = s.next_target_seq();
  v.proc->stop();
  CAF_CHECK(wait_until([&] { return !s.logged_on(); }, millis{10000}, millis{20}));
  v.start(dir, fix_port, "venue2");
  CAF_REQUIRE_EQUAL(v.fix_port, fix_port);
  CAF_REQUIRE(s.wait_logged_on(20s));
  CAF_CHECK_EQUAL(s.engine_counters().logons.load(), 2);
  CAF_CHECK(s.next_target_seq() >= target_seq);
  // Trading works on the new session.
  auto id2 = unique("rs2");
  CAF_REQUIRE(s.place(resting_buy(id2), true).empty());
  CAF_CHECK(out.wait(id2, order_status::accepted));
  s.stop();
}
