#define CAF_SUITE fix_codec
#include "tests/support/unit_test.hpp"

#include "actors/fix/fix_codec.hpp"
#include "actors/fix/fix_engine.hpp"
#include "nodes/venue/fix_acceptor.hpp"
#include "nodes/venue/fix_venue_codec.hpp"

using namespace cwts;
using namespace cwts::fix;
namespace v = cwts::venue;
namespace fixv = cwts::venue::fixv;

namespace {

const symbol usdchf = *symbol::parse("USDCHF");

order_request limit_buy() {
  order_request r;
  r.id = client_order_id{"solo-1"};
  r.sym = usdchf;
  r.order_side = side::buy;
  r.type = order_type::limit;
  r.tif = time_in_force::ioc;
  r.limit_price = *price::parse("0.9123");
  r.quantity = *qty::parse("25");
  return r;
}

// A minimal valid 35=8 as the venue would send it.
fix_message report(char exec_type, const char* status) {
  fix_message m;
  m.type = "8";
  m.set(tag::cl_ord_id, "solo-1")
    .set(tag::order_id, "42")
    .set(tag::exec_id, "e-1")
    .set(tag::exec_type, std::string(1, exec_type))
    .set(tag::ord_status, status)
    .set(tag::symbol, "USDCHF")
    .set(tag::side, "2")
    .set(tag::order_qty, "25")
    .set(tag::last_qty, "10")
    .set(tag::last_px, "0.9125")
    .set(tag::cum_qty, "10")
    .set(tag::leaves_qty, "15")
    .set(tag::avg_px, "0.9125")
    .set(tag::transact_time, "20240102-03:04:05.678");
  return m;
}

} // namespace

CAF_TEST(new_order_single_carries_every_order_field) {
  auto m = new_order_single(limit_buy(), timestamp_ns::from_millis(1'704'164'645'678));
  CAF_CHECK_EQUAL(m.type, "D");
  CAF_CHECK_EQUAL(m.get(tag::cl_ord_id), "solo-1");
  CAF_CHECK_EQUAL(m.get(tag::symbol), "USDCHF");
  CAF_CHECK_EQUAL(m.get(tag::side), "1");
  CAF_CHECK_EQUAL(m.get(tag::ord_type), "2");
  CAF_CHECK_EQUAL(m.get(tag::time_in_force), "3");
  CAF_CHECK_EQUAL(m.get(tag::price), "0.91230000"); // 8 decimals, as messages/decimal formats
  CAF_CHECK_EQUAL(m.get(tag::order_qty), "25.00000000");
  CAF_CHECK_EQUAL(m.get(tag::transact_time), "20240102-03:04:05.678");
  auto market = limit_buy();
  market.type = order_type::market;
  auto mm = new_order_single(market, wall_clock_now());
  CAF_CHECK_EQUAL(mm.get(tag::ord_type), "1");
  CAF_CHECK(mm.find(tag::price) == nullptr);
}

CAF_TEST(cancel_replace_status_and_mass_requests) {
  auto now = wall_clock_now();
  auto f = order_cancel_request(client_order_id{"c1"}, client_order_id{"solo-1"}, usdchf,
                                side::sell, now);
  CAF_CHECK_EQUAL(f.type, "F");
  CAF_CHECK_EQUAL(f.get(tag::cl_ord_id), "c1");
  CAF_CHECK_EQUAL(f.get(tag::orig_cl_ord_id), "solo-1");
  CAF_CHECK_EQUAL(f.get(tag::side), "2");
  auto repl = limit_buy();
  repl.id = client_order_id{"solo-2"};
  auto g = order_cancel_replace_request(client_order_id{"solo-1"}, repl, now);
  CAF_CHECK_EQUAL(g.type, "G");
  CAF_CHECK_EQUAL(g.get(tag::cl_ord_id), "solo-2");
  CAF_CHECK_EQUAL(g.get(tag::orig_cl_ord_id), "solo-1");
  auto h = order_status_request(client_order_id{"solo-1"}, usdchf, side::buy);
  CAF_CHECK_EQUAL(h.type, "H");
  auto q1 = order_mass_cancel_request(client_order_id{"m1"}, usdchf, now);
  CAF_CHECK_EQUAL(q1.type, "q");
  CAF_CHECK_EQUAL(q1.get(tag::mass_cancel_request_type), "1");
  CAF_CHECK_EQUAL(q1.get(tag::symbol), "USDCHF");
  auto q7 = order_mass_cancel_request(client_order_id{"m2"}, std::nullopt, now);
  CAF_CHECK_EQUAL(q7.get(tag::mass_cancel_request_type), "7");
  CAF_CHECK(q7.find(tag::symbol) == nullptr);
  auto af = order_mass_status_request("s1", std::nullopt);
  CAF_CHECK_EQUAL(af.type, "AF");
  CAF_CHECK_EQUAL(af.get(tag::mass_status_req_type), "7");
}

CAF_TEST(execution_report_maps_to_our_execution_report) {
  auto e = parse_execution_report(report('F', "1"));
  CAF_REQUIRE(e.ok());
  auto& x = e.value();
  CAF_CHECK(x.status == order_status::partially_filled);
  CAF_CHECK(x.order_side == side::sell);
  CAF_CHECK_EQUAL(x.venue_id.value, 42);
  auto now = wall_clock_now();
  auto r = to_execution_report(x, now);
  const auto ten = *qty::parse("10");
  const auto fifteen = *qty::parse("15");
  const auto px = *price::parse("0.9125");
  CAF_CHECK_EQUAL(r.last_qty, ten);
  CAF_CHECK_EQUAL(r.last_price, px);
  CAF_CHECK_EQUAL(r.cum_qty, ten);
  CAF_CHECK_EQUAL(r.leaves_qty, fifteen);
  CAF_CHECK_EQUAL(r.ts_event.millis(), 1'704'164'645'678);
  // Only a trade (150=F) carries a fill.
  auto status_only = parse_execution_report(report('I', "1"));
  CAF_REQUIRE(status_only.ok());
  auto r2 = to_execution_report(status_only.value(), now);
  CAF_CHECK(r2.last_qty.is_zero());
}

CAF_TEST(ord_status_values) {
  CAF_CHECK(parse_ord_status("0") == order_status::accepted);
  CAF_CHECK(parse_ord_status("2") == order_status::filled);
  CAF_CHECK(parse_ord_status("4") == order_status::canceled);
  CAF_CHECK(parse_ord_status("6") == order_status::pending_cancel);
  CAF_CHECK(parse_ord_status("8") == order_status::rejected);
  CAF_CHECK(parse_ord_status("C") == order_status::expired);
  CAF_CHECK(!parse_ord_status("Z"));
  CAF_CHECK(!parse_ord_status("10"));
}

CAF_TEST(malformed_execution_reports_are_refused_with_a_reason) {
  auto missing = report('0', "0");
  missing.fields.erase(missing.fields.begin()); // no ClOrdID
  auto a = parse_execution_report(missing);
  CAF_REQUIRE(!a.ok());
  CAF_CHECK_EQUAL(a.error().reason, "missing tag 11");
  auto bad_qty = report('F', "1");
  bad_qty.set(tag::cum_qty, "1e3");
  auto b = parse_execution_report(bad_qty);
  CAF_REQUIRE(!b.ok());
  CAF_CHECK(b.error().reason.find("tag 14") != std::string::npos);
  auto bad_status = report('0', "Q");
  CAF_CHECK(!parse_execution_report(bad_status).ok());
  auto bad_side = report('0', "0");
  bad_side.set(tag::side, "7");
  CAF_CHECK(!parse_execution_report(bad_side).ok());
  fix_message not_er;
  not_er.type = "r";
  CAF_CHECK(!parse_execution_report(not_er).ok());
}

CAF_TEST(mass_cancel_report_and_cancel_reject) {
  fix_message r;
  r.type = "r";
  r.set(tag::cl_ord_id, "m1").set(tag::mass_cancel_response, "7").set(tag::total_affected_orders, "3");
  auto p = parse_mass_cancel_report(r);
  CAF_REQUIRE(p.ok());
  CAF_CHECK(!p.value().rejected());
  CAF_CHECK_EQUAL(p.value().total_affected, 3);
  r.set(tag::mass_cancel_response, "0");
  CAF_CHECK(parse_mass_cancel_report(r).value().rejected());
  fix_message j;
  j.type = "9";
  j.set(tag::cl_ord_id, "c1").set(tag::orig_cl_ord_id, "solo-1").set(tag::cxl_rej_response_to, "2");
  auto c = parse_cancel_reject(j);
  CAF_REQUIRE(c.ok());
  CAF_CHECK(c.value().replace);
}

CAF_TEST(utc_timestamps_round_trip) {
  auto t = timestamp_ns::from_millis(1'704'164'645'678);
  auto text = utc_timestamp(t);
  CAF_CHECK_EQUAL(text, "20240102-03:04:05.678");
  auto back = parse_utc_timestamp(text);
  CAF_REQUIRE(back.has_value());
  CAF_CHECK_EQUAL(back->ns, t.ns);
  CAF_CHECK(!parse_utc_timestamp("yesterday"));
}

// --- the venue's side ------------------------------------------------------

CAF_TEST(venue_reads_new_order_single) {
  auto m = new_order_single(limit_buy(), wall_clock_now());
  auto r = fixv::read_new_order(m, "demo");
  CAF_REQUIRE(std::holds_alternative<v::place_request>(r));
  auto& p = std::get<v::place_request>(r);
  CAF_CHECK_EQUAL(p.account, "demo");
  CAF_CHECK_EQUAL(p.client_order_id, "solo-1");
  CAF_CHECK(p.side == v::order_side::buy);
  CAF_CHECK(p.type == v::order_type::limit);
  CAF_CHECK(p.tif == v::time_in_force::ioc);
  const auto px = *price::parse("0.9123");
  CAF_CHECK_EQUAL(p.px, px);
}

CAF_TEST(venue_refuses_bad_orders_with_a_reason) {
  auto base = new_order_single(limit_buy(), wall_clock_now());
  auto refused = [&](int tag_no, const std::string& value) {
    auto m = base;
    m.set(tag_no, value);
    auto r = fixv::read_new_order(m, "demo");
    if (auto why = std::get_if<fixv::fix_refusal>(&r))
      return why->text;
    return std::string();
  };
  CAF_CHECK(refused(tag::side, "5").find("Side (54)") != std::string::npos);
  CAF_CHECK(refused(tag::ord_type, "3").find("OrdType (40)") != std::string::npos);
  CAF_CHECK(refused(tag::order_qty, "-1").find("OrderQty (38)") != std::string::npos);
  CAF_CHECK(refused(tag::price, "").find("Price (44)") != std::string::npos);
  CAF_CHECK(refused(tag::cl_ord_id, "bad id!").find("ClOrdID (11)") != std::string::npos);
  CAF_CHECK(refused(tag::time_in_force, "6").find("TimeInForce (59)") != std::string::npos);
}

CAF_TEST(venue_reads_mass_scopes) {
  auto q = order_mass_cancel_request(client_order_id{"m1"}, usdchf, wall_clock_now());
  auto s = fixv::read_mass_scope(q);
  CAF_REQUIRE(std::holds_alternative<fixv::mass_scope>(s));
  CAF_CHECK(std::get<fixv::mass_scope>(s).sym == usdchf);
  q.set(tag::mass_cancel_request_type, "3");
  CAF_CHECK(std::holds_alternative<fixv::fix_refusal>(fixv::read_mass_scope(q)));
  auto af = order_mass_status_request("s1", std::nullopt);
  auto a = fixv::read_mass_scope(af);
  CAF_REQUIRE(std::holds_alternative<fixv::mass_scope>(a));
  CAF_CHECK(!std::get<fixv::mass_scope>(a).sym);
}

// What the venue writes, the connector reads back to the same values.
CAF_TEST(venue_execution_report_round_trips_through_the_connector_codec) {
  v::order o;
  o.order_id = 7;
  o.account = "demo";
  o.sym = usdchf;
  o.side = v::order_side::sell;
  o.px = *price::parse("0.91");
  o.orig_qty = *qty::parse("30");
  o.executed_qty = *qty::parse("10");
  o.cummulative_quote_qty = *notional::parse("9.1");
  o.client_order_id = "solo-9";
  o.status = v::order_status::partially_filled;
  fixv::report_event ev;
  ev.exec_type = 'F';
  ev.exec_id = "x1";
  ev.last_qty = *qty::parse("10");
  ev.last_px = *price::parse("0.91");
  auto m = fixv::execution_report(o, ev, 1'704'164'645'678);
  auto e = parse_execution_report(m);
  CAF_REQUIRE(e.ok());
  auto& x = e.value();
  CAF_CHECK_EQUAL(x.id.value, "solo-9");
  CAF_CHECK_EQUAL(x.venue_id.value, 7);
  CAF_CHECK(x.status == order_status::partially_filled);
  const auto twenty = *qty::parse("20");
  const auto ten = *qty::parse("10");
  CAF_CHECK_EQUAL(x.leaves_qty, twenty);
  CAF_CHECK_EQUAL(x.cum_qty, ten);
  CAF_CHECK_EQUAL(m.get(tag::avg_px), "0.91000000");
  // A canceled order names the cancel in 11 and itself in 41.
  o.status = v::order_status::canceled;
  fixv::report_event cx;
  cx.exec_type = '4';
  cx.exec_id = "x2";
  cx.cl_ord_id = "c-1";
  cx.orig_cl_ord_id = "solo-9";
  auto c = parse_execution_report(fixv::execution_report(o, cx, 0));
  CAF_REQUIRE(c.ok());
  CAF_CHECK(c.value().status == order_status::canceled);
  CAF_CHECK_EQUAL(c.value().orig_id.value, "solo-9");
  CAF_CHECK(c.value().leaves_qty.is_zero());
  // A status reply for an unknown order: 39=8, 103=5.
  auto unknown = fixv::reject_report('I', "nope", "USDCHF", "1", "x3",
                                     fixv::refusal_of(v::venue_error{-2013, "Order does not exist.", 400}), 0);
  auto u = parse_execution_report(unknown);
  CAF_REQUIRE(u.ok());
  CAF_CHECK(u.value().rejected);
  CAF_CHECK_EQUAL(u.value().ord_rej_reason, "5");
  // The empty answer to a mass status request.
  fixv::mass_scope scope{"s1", "7", std::nullopt};
  auto none = parse_execution_report(fixv::no_orders_report(scope, "x4", 0));
  CAF_REQUIRE(none.ok());
  CAF_CHECK_EQUAL(none.value().tot_num_reports, 0);
  CAF_CHECK(none.value().last_rpt_requested);
}

CAF_TEST(venue_fix_config_section) {
  cwts::ini_sections ini;
  ini["fix"]["enabled"] = cwts::ini_entry{"true", 1};
  ini["fix"]["clients"] = cwts::ini_entry{"solo=demo, CWTS-TEST = demo2", 2};
  ini["fix"]["data-dictionary"] = cwts::ini_entry{"../data/fix/FIX44.xml", 3};
  auto c = v::read_fix_config(ini, "/cfg");
  CAF_REQUIRE(std::holds_alternative<v::venue_fix_config>(c));
  auto& cfg = std::get<v::venue_fix_config>(c);
  CAF_CHECK_EQUAL(cfg.clients.size(), 2u);
  CAF_CHECK_EQUAL(cfg.clients["CWTS-TEST"], "demo2");
  CAF_CHECK_EQUAL(cfg.data_dictionary, "/cfg/../data/fix/FIX44.xml");
  ini["fix"]["colour"] = cwts::ini_entry{"blue", 4};
  auto bad = v::read_fix_config(ini, "/cfg");
  CAF_REQUIRE(std::holds_alternative<std::string>(bad));
  CAF_CHECK_EQUAL(std::get<std::string>(bad), "[fix] colour: unknown key (line 4)");
  ini["fix"].erase("colour");
  ini["fix"]["clients"] = cwts::ini_entry{"solo", 2};
  CAF_CHECK(std::holds_alternative<std::string>(v::read_fix_config(ini, "/cfg")));
}

CAF_TEST(engine_config_is_checked_before_start) {
  fix_engine_config c;
  c.local_comp_id = "solo";
  c.remote_comp_ids = {"CWTS-VENUE"};
  c.port = 9878;
  c.store_dir = "run/x";
  CAF_CHECK_EQUAL(validate(c), "");
  auto no_port = c;
  no_port.port = 0;
  CAF_CHECK(validate(no_port).find("port") == 0);
  auto same = c;
  same.remote_comp_ids = {"solo"};
  CAF_CHECK(validate(same).find("target-comp-id") == 0);
  auto no_store = c;
  no_store.store_dir.clear();
  CAF_CHECK(validate(no_store).find("store") == 0);
  auto hb = c;
  hb.heartbeat_s = 0;
  CAF_CHECK(validate(hb).find("heartbeat") == 0);
}
