#include "actors/fix/fix_codec.hpp"

#include <cstdio>
#include <ctime>

namespace cwts::fix {

namespace {

using connector::codec_error;

// A required field, or why the message is unusable.
const std::string* need(const fix_message& m, int tag, std::string& why) {
  auto* v = m.find(tag);
  if (v == nullptr && why.empty())
    why = "missing tag " + std::to_string(tag);
  return v;
}

template <class T>
bool read_decimal(const fix_message& m, int tag, T& out, std::string& why) {
  auto* v = m.find(tag);
  if (v == nullptr)
    return true; // optional: stays zero
  auto d = T::parse(*v);
  if (!d) {
    if (why.empty())
      why = "tag " + std::to_string(tag) + ": '" + *v + "' is not a decimal";
    return false;
  }
  out = *d;
  return true;
}

} // namespace

std::string utc_timestamp(timestamp_ns t) {
  std::time_t secs = static_cast<std::time_t>(t.ns / 1'000'000'000);
  int ms = static_cast<int>((t.ns / 1'000'000) % 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d%02d%02d-%02d:%02d:%02d.%03d", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

std::optional<timestamp_ns> parse_utc_timestamp(const std::string& text) {
  std::tm tm{};
  int ms = 0;
  int n = std::sscanf(text.c_str(), "%4d%2d%2d-%2d:%2d:%2d.%3d", &tm.tm_year, &tm.tm_mon,
                      &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms);
  if (n != 6 && n != 7)
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  auto secs = timegm(&tm);
  if (secs < 0)
    return std::nullopt;
  return timestamp_ns{static_cast<int64_t>(secs) * 1'000'000'000 + int64_t{ms} * 1'000'000};
}

char side_code(side s) {
  return s == side::buy ? '1' : '2';
}

char ord_type_code(order_type t) {
  return t == order_type::market ? '1' : '2';
}

char time_in_force_code(time_in_force t) {
  switch (t) {
    case time_in_force::gtc: return '1';
    case time_in_force::ioc: return '3';
    case time_in_force::fok: return '4';
  }
  return '1';
}

std::optional<side> parse_side(const std::string& v) {
  if (v == "1")
    return side::buy;
  if (v == "2")
    return side::sell;
  return std::nullopt;
}

std::optional<order_status> parse_ord_status(const std::string& v) {
  if (v.size() != 1)
    return std::nullopt;
  switch (v[0]) {
    case '0': return order_status::accepted;
    case '1': return order_status::partially_filled;
    case '2': return order_status::filled;
    case '4': return order_status::canceled;
    case '5': return order_status::accepted; // Replaced (FIX 4.4: the new order is live)
    case '6': return order_status::pending_cancel;
    case '8': return order_status::rejected;
    case 'A': return order_status::pending_new;
    case 'C': return order_status::expired;
    case 'E': return order_status::accepted; // Pending Replace: still live
    default: return std::nullopt;
  }
}

fix_message new_order_single(const order_request& req, timestamp_ns now) {
  fix_message m;
  m.type = msg::new_order_single;
  m.set(tag::cl_ord_id, req.id.value)
    .set(tag::symbol, req.sym.str())
    .set(tag::side, std::string(1, side_code(req.order_side)))
    .set(tag::transact_time, utc_timestamp(now))
    .set(tag::order_qty, req.quantity.to_string())
    .set(tag::ord_type, std::string(1, ord_type_code(req.type)))
    .set(tag::time_in_force, std::string(1, time_in_force_code(req.tif)));
  if (req.type == order_type::limit)
    m.set(tag::price, req.limit_price.to_string());
  return m;
}

fix_message order_cancel_request(const client_order_id& cancel_id, const client_order_id& orig,
                                 const symbol& sym, side s, timestamp_ns now) {
  fix_message m;
  m.type = msg::order_cancel_request;
  m.set(tag::orig_cl_ord_id, orig.value)
    .set(tag::cl_ord_id, cancel_id.value)
    .set(tag::symbol, sym.str())
    .set(tag::side, std::string(1, side_code(s)))
    .set(tag::transact_time, utc_timestamp(now));
  return m;
}

fix_message order_cancel_replace_request(const client_order_id& orig,
                                         const order_request& replacement, timestamp_ns now) {
  auto m = new_order_single(replacement, now);
  m.type = msg::order_cancel_replace_request;
  m.set(tag::orig_cl_ord_id, orig.value);
  return m;
}

fix_message order_status_request(const client_order_id& id, const symbol& sym, side s) {
  fix_message m;
  m.type = msg::order_status_request;
  m.set(tag::cl_ord_id, id.value)
    .set(tag::symbol, sym.str())
    .set(tag::side, std::string(1, side_code(s)));
  return m;
}

fix_message order_mass_cancel_request(const client_order_id& id, const std::optional<symbol>& sym,
                                      timestamp_ns now) {
  fix_message m;
  m.type = msg::order_mass_cancel_request;
  m.set(tag::cl_ord_id, id.value)
    .set(tag::mass_cancel_request_type, sym ? mass_by_symbol : mass_all)
    .set(tag::transact_time, utc_timestamp(now));
  if (sym)
    m.set(tag::symbol, sym->str());
  return m;
}

fix_message order_mass_status_request(const std::string& req_id, const std::optional<symbol>& sym) {
  fix_message m;
  m.type = msg::order_mass_status_request;
  m.set(tag::mass_status_req_id, req_id).set(tag::mass_status_req_type,
                                             sym ? mass_by_symbol : mass_all);
  if (sym)
    m.set(tag::symbol, sym->str());
  return m;
}

connector::outcome<fix_execution> parse_execution_report(const fix_message& m) {
  if (m.type != msg::execution_report)
    return codec_error{"not an ExecutionReport: 35=" + m.type};
  fix_execution e;
  std::string why;
  auto* id = need(m, tag::cl_ord_id, why);
  auto* exec_id = need(m, tag::exec_id, why);
  auto* exec_type = need(m, tag::exec_type, why);
  auto* status = need(m, tag::ord_status, why);
  auto* sym = need(m, tag::symbol, why);
  auto* s = need(m, tag::side, why);
  if (!why.empty())
    return codec_error{why};
  e.id.value = *id;
  e.orig_id.value = m.get(tag::orig_cl_ord_id);
  e.exec_id = *exec_id;
  if (exec_type->size() != 1)
    return codec_error{"tag 150: '" + *exec_type + "' is not one character"};
  e.exec_type = (*exec_type)[0];
  auto st = parse_ord_status(*status);
  if (!st)
    return codec_error{"tag 39: unsupported OrdStatus '" + *status + "'"};
  e.status = *st;
  e.rejected = *status == "8";
  auto parsed_sym = symbol::parse(*sym);
  if (!parsed_sym)
    return codec_error{"tag 55: '" + *sym + "' is not a symbol"};
  e.sym = *parsed_sym;
  auto parsed_side = parse_side(*s);
  if (!parsed_side)
    return codec_error{"tag 54: unsupported Side '" + *s + "'"};
  e.order_side = *parsed_side;
  if (auto* oid = m.find(tag::order_id); oid && *oid != "NONE") {
    try {
      e.venue_id.value = std::stoll(*oid);
    } catch (const std::exception&) {
      return codec_error{"tag 37: '" + *oid + "' is not a number"};
    }
  }
  read_decimal(m, tag::order_qty, e.order_qty, why);
  read_decimal(m, tag::price, e.limit_price, why);
  read_decimal(m, tag::last_qty, e.last_qty, why);
  read_decimal(m, tag::last_px, e.last_px, why);
  read_decimal(m, tag::cum_qty, e.cum_qty, why);
  read_decimal(m, tag::leaves_qty, e.leaves_qty, why);
  if (!why.empty())
    return codec_error{why};
  e.text = m.get(tag::text);
  e.ord_rej_reason = m.get(tag::ord_rej_reason);
  e.mass_status_req_id = m.get(tag::mass_status_req_id);
  if (auto* n = m.find(tag::tot_num_reports))
    e.tot_num_reports = std::atoi(n->c_str());
  e.last_rpt_requested = m.get(tag::last_rpt_requested) == "Y";
  e.poss_dup = m.poss_dup;
  if (auto* t = m.find(tag::transact_time))
    if (auto ts = parse_utc_timestamp(*t))
      e.transact_time = *ts;
  return e;
}

execution_report to_execution_report(const fix_execution& e, timestamp_ns now) {
  execution_report r;
  r.id = e.id;
  r.venue_id = e.venue_id;
  r.sym = e.sym;
  r.order_side = e.order_side;
  r.status = e.status;
  // Only a trade (150=F) carries a fill; other reports repeat LastQty=0.
  if (e.exec_type == 'F') {
    r.last_qty = e.last_qty;
    r.last_price = e.last_px;
  }
  r.cum_qty = e.cum_qty;
  r.leaves_qty = e.leaves_qty;
  r.text = e.text;
  r.ts_event = e.transact_time.ns != 0 ? e.transact_time : now;
  r.ts_init = now;
  return r;
}

venue_order_state to_order_state(const fix_execution& e) {
  venue_order_state s;
  s.id = e.id;
  s.venue_id = e.venue_id;
  s.sym = e.sym;
  s.order_side = e.order_side;
  s.status = e.status;
  s.limit_price = e.limit_price;
  s.orig_qty = e.order_qty;
  s.executed_qty = e.cum_qty;
  // FIX reports an average price, not the quote amount: cum_quote = AvgPx x CumQty.
  s.update_time = e.transact_time;
  return s;
}

connector::outcome<fix_mass_cancel_report> parse_mass_cancel_report(const fix_message& m) {
  if (m.type != msg::order_mass_cancel_report)
    return codec_error{"not an OrderMassCancelReport: 35=" + m.type};
  std::string why;
  auto* id = need(m, tag::cl_ord_id, why);
  auto* response = need(m, tag::mass_cancel_response, why);
  if (!why.empty())
    return codec_error{why};
  fix_mass_cancel_report r;
  r.id.value = *id;
  r.response = *response;
  if (auto* n = m.find(tag::total_affected_orders))
    r.total_affected = std::atoll(n->c_str());
  r.reject_reason = m.get(tag::mass_cancel_reject_reason);
  r.text = m.get(tag::text);
  return r;
}

connector::outcome<fix_cancel_reject> parse_cancel_reject(const fix_message& m) {
  if (m.type != msg::order_cancel_reject)
    return codec_error{"not an OrderCancelReject: 35=" + m.type};
  std::string why;
  auto* id = need(m, tag::cl_ord_id, why);
  auto* orig = need(m, tag::orig_cl_ord_id, why);
  if (!why.empty())
    return codec_error{why};
  fix_cancel_reject r;
  r.id.value = *id;
  r.orig_id.value = *orig;
  r.reason = m.get(tag::cxl_rej_reason);
  r.text = m.get(tag::text);
  r.replace = m.get(tag::cxl_rej_response_to) == "2";
  return r;
}

} // namespace cwts::fix
