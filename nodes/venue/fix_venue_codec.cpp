#include "fix_venue_codec.hpp"

#include "actors/fix/fix_codec.hpp"
#include "messages/ids.hpp"

namespace cwts::venue::fixv {

namespace tag = fix::tag;

namespace {

fix_refusal refuse(std::string text, std::string code = fix::reject_other) {
  return fix_refusal{std::move(code), std::move(text)};
}

std::optional<symbol> read_symbol(const fix_message& m) {
  auto* s = m.find(tag::symbol);
  return s ? symbol::parse(*s) : std::nullopt;
}

std::optional<order_side> read_side(const fix_message& m) {
  auto s = m.get(tag::side);
  if (s == "1")
    return order_side::buy;
  if (s == "2")
    return order_side::sell;
  return std::nullopt;
}

std::string timestamp(int64_t ms) {
  return fix::utc_timestamp(timestamp_ns::from_millis(ms));
}

} // namespace

std::variant<place_request, fix_refusal> read_new_order(const fix_message& m,
                                                        const std::string& account) {
  place_request r;
  r.account = account;
  r.client_order_id = m.get(tag::cl_ord_id);
  if (!is_valid_client_order_id(r.client_order_id))
    return refuse("ClOrdID (11) must match ^[.A-Z:/a-z0-9_-]{1,36}$");
  auto sym = read_symbol(m);
  if (!sym)
    return refuse("Symbol (55) missing or not a symbol", "1"); // 103=1 unknown symbol
  r.sym = *sym;
  auto s = read_side(m);
  if (!s)
    return refuse("Side (54) must be 1 (buy) or 2 (sell)");
  r.side = *s;
  auto type = m.get(tag::ord_type);
  if (type == "1")
    r.type = order_type::market;
  else if (type == "2")
    r.type = order_type::limit;
  else
    return refuse("OrdType (40) must be 1 (market) or 2 (limit)");
  auto tif = m.get(tag::time_in_force);
  if (tif.empty() || tif == "1" || tif == "0")
    r.tif = time_in_force::gtc; // Day (0) lasts as long as GTC on a venue that never closes
  else if (tif == "3")
    r.tif = time_in_force::ioc;
  else if (tif == "4")
    r.tif = time_in_force::fok;
  else
    return refuse("TimeInForce (59) must be 0, 1, 3 or 4");
  auto q = qty::parse(m.get(tag::order_qty));
  if (!q || !q->is_positive())
    return refuse("OrderQty (38) missing or not a positive decimal");
  r.quantity = *q;
  if (r.type == order_type::limit) {
    auto px = price::parse(m.get(tag::price));
    if (!px || !px->is_positive())
      return refuse("Price (44) missing or not a positive decimal for a limit order");
    r.px = *px;
  }
  return r;
}

std::variant<order_ref, fix_refusal> read_order_ref(const fix_message& m) {
  order_ref r;
  r.request_id = m.get(tag::cl_ord_id);
  r.orig_id = m.type == fix::msg::order_status_request ? r.request_id : m.get(tag::orig_cl_ord_id);
  if (r.request_id.empty() || r.orig_id.empty())
    return refuse("ClOrdID (11) and OrigClOrdID (41) are required");
  auto sym = read_symbol(m);
  if (!sym)
    return refuse("Symbol (55) missing or not a symbol");
  r.sym = *sym;
  r.side = read_side(m).value_or(order_side::buy);
  return r;
}

std::variant<mass_scope, fix_refusal> read_mass_scope(const fix_message& m) {
  mass_scope s;
  bool cancel = m.type == fix::msg::order_mass_cancel_request;
  s.request_id = m.get(cancel ? tag::cl_ord_id : tag::mass_status_req_id);
  s.type = m.get(cancel ? tag::mass_cancel_request_type : tag::mass_status_req_type);
  if (s.request_id.empty())
    return refuse(cancel ? "ClOrdID (11) is required" : "MassStatusReqID (584) is required");
  if (s.type == fix::mass_by_symbol) {
    s.sym = read_symbol(m);
    if (!s.sym)
      return refuse("Symbol (55) missing or not a symbol", "1");
  } else if (s.type != fix::mass_all) {
    return refuse("request type must be 1 (by symbol) or 7 (all orders)", "0");
  }
  return s;
}

char ord_status_code(order_status s) {
  switch (s) {
    case order_status::new_order: return '0';
    case order_status::partially_filled: return '1';
    case order_status::filled: return '2';
    case order_status::canceled: return '4';
    case order_status::rejected: return '8';
    case order_status::expired:
    case order_status::expired_in_match: return 'C';
  }
  return '0';
}

fix_message execution_report(const order& o, const report_event& ev, int64_t now_ms) {
  fix_message m;
  m.type = fix::msg::execution_report;
  bool terminal = o.status != order_status::new_order && o.status != order_status::partially_filled;
  auto cum = o.executed_qty + ev.cum_offset;
  auto avg = average_price(o.cummulative_quote_qty, o.executed_qty);
  m.set(tag::order_id, std::to_string(o.order_id))
    .set(tag::cl_ord_id, ev.cl_ord_id.empty() ? o.client_order_id : ev.cl_ord_id)
    .set(tag::exec_id, ev.exec_id)
    .set(tag::exec_type, std::string(1, ev.exec_type))
    .set(tag::ord_status, std::string(1, ord_status_code(o.status)))
    .set(tag::symbol, std::string(o.sym.view()))
    .set(tag::side, o.side == order_side::buy ? "1" : "2")
    .set(tag::order_qty, (o.orig_qty + ev.cum_offset).to_string())
    .set(tag::ord_type, o.type == order_type::market ? "1" : "2")
    .set(tag::last_qty, ev.last_qty.to_string())
    .set(tag::last_px, ev.last_px.to_string())
    .set(tag::cum_qty, cum.to_string())
    .set(tag::leaves_qty, terminal ? qty{}.to_string() : (o.orig_qty - o.executed_qty).to_string())
    .set(tag::avg_px, avg ? avg->to_string() : price{}.to_string())
    .set(tag::transact_time, timestamp(now_ms));
  if (o.type != order_type::market)
    m.set(tag::price, o.px.to_string());
  m.set(tag::time_in_force,
        o.tif == time_in_force::ioc ? "3" : o.tif == time_in_force::fok ? "4" : "1");
  if (!ev.orig_cl_ord_id.empty())
    m.set(tag::orig_cl_ord_id, ev.orig_cl_ord_id);
  if (!ev.text.empty())
    m.set(tag::text, ev.text);
  if (!ev.mass_status_req_id.empty())
    m.set(tag::mass_status_req_id, ev.mass_status_req_id);
  if (ev.tot_num_reports >= 0)
    m.set(tag::tot_num_reports, std::to_string(ev.tot_num_reports));
  if (ev.last_rpt_requested)
    m.set(tag::last_rpt_requested, "Y");
  return m;
}

fix_message reject_report(char exec_type, const std::string& cl_ord_id, const std::string& sym,
                          const std::string& side, const std::string& exec_id,
                          const fix_refusal& why, int64_t now_ms) {
  fix_message m;
  m.type = fix::msg::execution_report;
  m.set(tag::order_id, "NONE")
    .set(tag::cl_ord_id, cl_ord_id.empty() ? "NONE" : cl_ord_id)
    .set(tag::exec_id, exec_id)
    .set(tag::exec_type, std::string(1, exec_type))
    .set(tag::ord_status, "8")
    .set(tag::symbol, sym.empty() ? "NONE" : sym)
    .set(tag::side, side == "2" ? "2" : "1")
    .set(tag::leaves_qty, "0")
    .set(tag::cum_qty, "0")
    .set(tag::avg_px, "0")
    .set(tag::ord_rej_reason, why.reason_code)
    .set(tag::text, why.text)
    .set(tag::transact_time, timestamp(now_ms));
  return m;
}

fix_message no_orders_report(const mass_scope& scope, const std::string& exec_id, int64_t now_ms) {
  fix_message m;
  m.type = fix::msg::execution_report;
  m.set(tag::order_id, "NONE")
    .set(tag::cl_ord_id, "NONE")
    .set(tag::exec_id, exec_id)
    .set(tag::exec_type, "I")
    .set(tag::ord_status, "8")
    .set(tag::symbol, scope.sym ? std::string(scope.sym->view()) : std::string("NONE"))
    .set(tag::side, "1")
    .set(tag::leaves_qty, "0")
    .set(tag::cum_qty, "0")
    .set(tag::avg_px, "0")
    .set(tag::text, "no open orders")
    .set(tag::transact_time, timestamp(now_ms))
    .set(tag::mass_status_req_id, scope.request_id)
    .set(tag::tot_num_reports, "0")
    .set(tag::last_rpt_requested, "Y");
  return m;
}

fix_message cancel_reject(const order_ref& ref, bool replace, const fix_refusal& why) {
  fix_message m;
  m.type = fix::msg::order_cancel_reject;
  m.set(tag::order_id, "NONE")
    .set(tag::cl_ord_id, ref.request_id)
    .set(tag::orig_cl_ord_id, ref.orig_id)
    .set(tag::ord_status, "8")
    .set(tag::cxl_rej_response_to, replace ? "2" : "1")
    .set(tag::cxl_rej_reason, why.reason_code)
    .set(tag::text, why.text);
  return m;
}

fix_message mass_cancel_report(const mass_scope& scope, const std::string& report_id,
                               int64_t affected, const std::optional<fix_refusal>& rejected) {
  fix_message m;
  m.type = fix::msg::order_mass_cancel_report;
  m.set(tag::cl_ord_id, scope.request_id)
    .set(tag::order_id, report_id)
    .set(tag::mass_cancel_request_type, scope.type.empty() ? fix::mass_all : scope.type)
    .set(tag::mass_cancel_response, rejected ? fix::mass_cancel_rejected : scope.type)
    .set(tag::total_affected_orders, std::to_string(affected));
  if (rejected)
    m.set(tag::mass_cancel_reject_reason, rejected->reason_code).set(tag::text, rejected->text);
  if (scope.sym)
    m.set(tag::symbol, std::string(scope.sym->view()));
  return m;
}

fix_refusal refusal_of(const venue_error& e) {
  // -2013 NO_SUCH_ORDER / -2011 CANCEL_REJECTED: FIX "unknown order".
  std::string code = (e.code == -2013 || e.code == -2011) ? fix::reject_unknown_order
                                                           : fix::reject_other;
  return fix_refusal{code, "code=" + std::to_string(e.code) + " msg=" + e.msg};
}

} // namespace cwts::venue::fixv
