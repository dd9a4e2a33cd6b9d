#include "fix_acceptor.hpp"

#include <boost/asio/post.hpp>
#include <chrono>
#include <spdlog/spdlog.h>

#include "common/base36.hpp"
#include "common/text.hpp"
#include "fix_venue_codec.hpp"

namespace cwts::venue {

namespace ftag = fix::tag;
using fixv::report_event;

namespace {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

bool terminal(order_status s) {
  return s != order_status::new_order && s != order_status::partially_filled;
}

} // namespace

std::variant<venue_fix_config, std::string> read_fix_config(const ini_sections& ini,
                                                            const std::string& base_dir) {
  venue_fix_config c;
  auto it = ini.find("fix");
  if (it == ini.end())
    return c;
  for (auto& [key, e] : it->second) {
    auto where = "[fix] " + key + ": ";
    if (key == "enabled") {
      if (e.value != "true" && e.value != "false")
        return where + "must be true or false";
      c.enabled = e.value == "true";
    } else if (key == "port") {
      char* end = nullptr;
      long v = std::strtol(e.value.c_str(), &end, 10);
      if (e.value.empty() || *end != '\0' || v < 0 || v > 65535)
        return where + "must be a port number (0: a free one)";
      c.port = static_cast<uint16_t>(v);
    } else if (key == "comp-id") {
      if (e.value.empty())
        return where + "empty";
      c.comp_id = e.value;
    } else if (key == "clients") {
      // CompID=account, comma-separated.
      std::string rest = e.value;
      while (!rest.empty()) {
        auto comma = rest.find(',');
        auto item = trim(rest.substr(0, comma));
        rest = comma == std::string::npos ? std::string() : rest.substr(comma + 1);
        auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
          return where + "'" + item + "' is not CompID=account";
        c.clients[trim(item.substr(0, eq))] = trim(item.substr(eq + 1));
      }
    } else if (key == "store") {
      c.store_dir = e.value;
    } else if (key == "log") {
      c.log_dir = e.value;
    } else if (key == "data-dictionary") {
      c.data_dictionary = (e.value.empty() || e.value[0] == '/') ? e.value : base_dir + "/" + e.value;
    } else {
      return where + "unknown key (line " + std::to_string(e.line) + ")";
    }
  }
  if (c.enabled && c.clients.empty())
    return std::string("[fix] clients: at least one CompID=account when enabled");
  if (c.clients.count(c.comp_id))
    return "[fix] clients: '" + c.comp_id + "' is the venue's own comp-id";
  return c;
}

venue_fix_acceptor::venue_fix_acceptor(boost::asio::io_context& ioc, matching_engine& engine,
                                       venue_fix_config cfg, std::function<void()> settled)
  : ioc_(ioc), engine_ref_(engine), cfg_(std::move(cfg)), settled_(std::move(settled)) {
  exec_base_ = to_base36(static_cast<uint64_t>(now_ms())) + "-";
  fix::fix_engine_config e;
  e.initiator = false;
  e.local_comp_id = cfg_.comp_id;
  for (auto& [client, account] : cfg_.clients)
    e.remote_comp_ids.push_back(client);
  e.port = cfg_.port;
  e.store_dir = cfg_.store_dir;
  e.log_dir = cfg_.log_dir;
  e.data_dictionary = cfg_.data_dictionary;
  e.resend_max_age_s = -1; // every ExecutionReport missed while a client was away
  fix::fix_callbacks cbs;
  cbs.on_logon = [this](const std::string& client) {
    // Each logon is a new connection in the order log; the map holds one
    // entry per configured client at most (only those can log on).
    auto id = next_connection_id();
    boost::asio::post(ioc_, [this, client, id] { connections_[client] = id; });
    spdlog::info("event=fix_logon client={} connection={}", client, id);
  };
  cbs.on_logout = [](const std::string& client, const std::string& why) {
    spdlog::info("event=fix_logout client={} reason=\"{}\"", client, why);
  };
  cbs.on_message = [this](const std::string& client, const fix::fix_message& m) {
    on_message(client, m);
  };
  engine_ = std::make_unique<fix::fix_engine>(std::move(e), std::move(cbs));
  engine_ref_.on_order_update([this](const order& o) { on_order(o); });
}

venue_fix_acceptor::~venue_fix_acceptor() {
  stop();
}

std::string venue_fix_acceptor::start() {
  return engine_->start();
}

void venue_fix_acceptor::stop() {
  engine_->stop();
}

uint16_t venue_fix_acceptor::port() const {
  return engine_->port();
}

std::string venue_fix_acceptor::account_of(const std::string& client) const {
  auto i = cfg_.clients.find(client);
  return i == cfg_.clients.end() ? std::string() : i->second;
}

std::string venue_fix_acceptor::next_exec_id() {
  return exec_base_ + std::to_string(++exec_seq_);
}

void venue_fix_acceptor::send(const std::string& client, const fix::fix_message& m) {
  if (m.type == fix::msg::execution_report)
    ++stats_.reports;
  engine_->send(client, m);
}

void venue_fix_acceptor::send_to_account(const std::string& account, const fix::fix_message& m) {
  for (auto& [client, acct] : cfg_.clients)
    if (acct == account)
      send(client, m);
}

// QuickFIX's thread: onto the io thread, where the engine lives.
void venue_fix_acceptor::on_message(const std::string& client, const fix::fix_message& m) {
  auto received = wall_ns();
  boost::asio::post(ioc_, [this, client, m, received] {
    // Who sends it, for the per-account order log (venue/order_log.hpp).
    // QuickFIX does not tell its sessions' peer addresses: remote stays empty.
    auto c = connections_.find(client);
    order_origin origin{"fix", c == connections_.end() ? 0 : c->second, {}, client, received};
    origin_scope scope(engine_ref_.log(), origin);
    handle(client, m);
    if (settled_)
      settled_();
  });
}

void venue_fix_acceptor::handle(const std::string& client, const fix::fix_message& m) {
  namespace msg = fix::msg;
  if (m.type == msg::new_order_single)
    new_order(client, m);
  else if (m.type == msg::order_cancel_request)
    cancel(client, m);
  else if (m.type == msg::order_cancel_replace_request)
    replace(client, m);
  else if (m.type == msg::order_status_request)
    status(client, m);
  else if (m.type == msg::order_mass_cancel_request)
    mass_cancel(client, m);
  else if (m.type == msg::order_mass_status_request)
    mass_status(client, m);
  else {
    ++stats_.unsupported;
    fix::fix_message j;
    j.type = msg::business_message_reject;
    j.set(ftag::ref_seq_num, std::to_string(m.seq_num))
      .set(372, m.type)  // RefMsgType
      .set(380, "3")     // BusinessRejectReason: unsupported message type
      .set(ftag::text, "message type " + m.type + " is not supported (docs/fix.md)");
    send(client, j);
  }
}

void venue_fix_acceptor::new_order(const std::string& client, const fix::fix_message& m) {
  auto req = fixv::read_new_order(m, account_of(client));
  auto now = now_ms();
  if (auto why = std::get_if<fixv::fix_refusal>(&req)) {
    ++stats_.rejects;
    record_refusal(client, m, *why);
    send(client, fixv::reject_report('8', m.get(ftag::cl_ord_id), m.get(ftag::symbol),
                                     m.get(ftag::side), next_exec_id(), *why, now));
    return;
  }
  auto r = engine_ref_.place(std::get<place_request>(req), now);
  if (auto e = std::get_if<venue_error>(&r)) {
    ++stats_.rejects;
    send(client, fixv::reject_report('8', m.get(ftag::cl_ord_id), m.get(ftag::symbol),
                                     m.get(ftag::side), next_exec_id(), fixv::refusal_of(*e), now));
    return;
  }
  ++stats_.orders; // its reports went out from on_order
}

// A NewOrderSingle refused before it reached the book (a missing or bad
// field) is still an order this client sent: the order log has it too.
void venue_fix_acceptor::record_refusal(const std::string& client, const fix::fix_message& m,
                                        const fixv::fix_refusal& why) {
  auto* log = engine_ref_.log();
  if (!log)
    return;
  order_log_record r;
  r.account = account_of(client);
  r.action = "new";
  r.client_order_id = m.get(ftag::cl_ord_id);
  r.symbol = m.get(ftag::symbol);
  r.side = m.get(ftag::side) == "1" ? "BUY" : m.get(ftag::side) == "2" ? "SELL" : m.get(ftag::side);
  r.quantity = m.get(ftag::order_qty);
  r.price = m.get(ftag::price);
  r.outcome = "refused";
  r.error = why.text;
  log->record(std::move(r));
}

void venue_fix_acceptor::cancel(const std::string& client, const fix::fix_message& m) {
  auto ref = fixv::read_order_ref(m);
  if (auto why = std::get_if<fixv::fix_refusal>(&ref)) {
    ++stats_.cancel_rejects;
    fixv::order_ref bad{m.get(ftag::cl_ord_id), m.get(ftag::orig_cl_ord_id), symbol{},
                        order_side::buy};
    send(client, fixv::cancel_reject(bad, false, *why));
    return;
  }
  auto& r = std::get<fixv::order_ref>(ref);
  order_key key;
  key.orig_client_order_id = r.orig_id;
  auto out = engine_ref_.cancel(account_of(client), r.sym, key, now_ms(), r.request_id);
  if (auto e = std::get_if<venue_error>(&out)) {
    ++stats_.cancel_rejects;
    auto why = fixv::refusal_of(*e);
    if (why.reason_code == fix::reject_unknown_order)
      why.reason_code = fix::cxl_reject_unknown_order;
    send(client, fixv::cancel_reject(r, false, why));
    return;
  }
  ++stats_.cancels;
}

// Cancel the original and place the replacement (a new order at the venue,
// losing the original's queue position); CumQty carries over, so the
// replacement rests with OrderQty - CumQty.
void venue_fix_acceptor::replace(const std::string& client, const fix::fix_message& m) {
  auto ref = fixv::read_order_ref(m);
  auto account = account_of(client);
  auto req = fixv::read_new_order(m, account);
  auto refuse = [&](fixv::fix_refusal why) {
    ++stats_.cancel_rejects;
    fixv::order_ref r{m.get(ftag::cl_ord_id), m.get(ftag::orig_cl_ord_id), symbol{},
                      order_side::buy};
    send(client, fixv::cancel_reject(r, true, why));
  };
  if (auto why = std::get_if<fixv::fix_refusal>(&ref))
    return refuse(*why);
  if (auto why = std::get_if<fixv::fix_refusal>(&req))
    return refuse(*why);
  auto& r = std::get<fixv::order_ref>(ref);
  auto& p = std::get<place_request>(req);
  order_key key;
  key.orig_client_order_id = r.orig_id;
  auto q = engine_ref_.query(account, r.sym, key);
  if (auto e = std::get_if<venue_error>(&q)) {
    auto why = fixv::refusal_of(*e);
    why.reason_code = fix::cxl_reject_unknown_order;
    return refuse(why);
  }
  auto orig = std::get<order>(q);
  if (terminal(orig.status))
    return refuse({"0", "order " + r.orig_id + " is no longer open"}); // 102=0 too late
  if (p.sym != orig.sym || p.side != orig.side)
    return refuse({fix::reject_other, "a replacement cannot change symbol or side"});
  if (p.quantity <= orig.executed_qty)
    return refuse({fix::reject_other, "OrderQty must exceed the quantity already filled"});
  auto now = now_ms();
  replacing_ = orig.order_id;
  replace_new_id_ = p.client_order_id;
  replace_orig_id_ = r.orig_id;
  auto canceled = engine_ref_.cancel(account, r.sym, key, now, r.request_id);
  if (auto e = std::get_if<venue_error>(&canceled)) {
    replacing_.reset();
    replace_new_id_.clear();
    return refuse(fixv::refusal_of(*e));
  }
  auto carried = orig.executed_qty;
  p.quantity = p.quantity - carried;
  auto placed = engine_ref_.place(p, now);
  replacing_.reset();
  replace_new_id_.clear();
  if (auto e = std::get_if<venue_error>(&placed)) {
    // The original is gone and the replacement refused: say both.
    auto gone = std::get<order>(canceled);
    report_event ev;
    ev.exec_type = '4';
    ev.exec_id = next_exec_id();
    ev.cl_ord_id = r.request_id;
    ev.orig_cl_ord_id = r.orig_id;
    ev.text = "replaced order canceled; replacement refused";
    send(client, fixv::execution_report(gone, ev, now));
    send(client, fixv::reject_report('8', p.client_order_id, std::string(p.sym.view()),
                                     m.get(ftag::side), next_exec_id(), fixv::refusal_of(*e), now));
    ++stats_.rejects;
    return;
  }
  ++stats_.replaces;
}

void venue_fix_acceptor::status(const std::string& client, const fix::fix_message& m) {
  ++stats_.status_requests;
  auto ref = fixv::read_order_ref(m);
  auto now = now_ms();
  if (auto why = std::get_if<fixv::fix_refusal>(&ref)) {
    send(client, fixv::reject_report('I', m.get(ftag::cl_ord_id), m.get(ftag::symbol),
                                     m.get(ftag::side), next_exec_id(), *why, now));
    return;
  }
  auto& r = std::get<fixv::order_ref>(ref);
  order_key key;
  key.orig_client_order_id = r.orig_id;
  auto q = engine_ref_.query(account_of(client), r.sym, key);
  if (auto e = std::get_if<venue_error>(&q)) {
    send(client, fixv::reject_report('I', r.request_id, std::string(r.sym.view()),
                                     m.get(ftag::side), next_exec_id(), fixv::refusal_of(*e), now));
    return;
  }
  auto& o = std::get<order>(q);
  report_event ev;
  ev.exec_type = 'I';
  ev.exec_id = next_exec_id();
  if (auto i = cum_offset_.find(o.order_id); i != cum_offset_.end())
    ev.cum_offset = i->second;
  send(client, fixv::execution_report(o, ev, now));
}

void venue_fix_acceptor::mass_cancel(const std::string& client, const fix::fix_message& m) {
  ++stats_.mass_cancels;
  auto scope = fixv::read_mass_scope(m);
  auto report_id = "mc" + next_exec_id();
  if (auto why = std::get_if<fixv::fix_refusal>(&scope)) {
    fixv::mass_scope s{m.get(ftag::cl_ord_id), m.get(ftag::mass_cancel_request_type), {}};
    send(client, fixv::mass_cancel_report(s, report_id, 0, *why));
    return;
  }
  auto& s = std::get<fixv::mass_scope>(scope);
  std::vector<symbol> syms;
  if (s.sym) {
    if (engine_ref_.rules(*s.sym) == nullptr) {
      send(client, fixv::mass_cancel_report(s, report_id, 0,
                                            fixv::fix_refusal{"1", "unknown symbol"}));
      return;
    }
    syms.push_back(*s.sym);
  } else {
    for (auto& r : engine_ref_.all_rules())
      syms.push_back(r.sym);
  }
  int64_t affected = 0;
  auto account = account_of(client);
  auto now = now_ms();
  for (auto& sym : syms) {
    // Each canceled order's 35=8 (150=4) goes out from on_order, before the report.
    auto out = engine_ref_.cancel_all(account, sym, now);
    if (auto canceled = std::get_if<std::vector<order>>(&out))
      affected += static_cast<int64_t>(canceled->size());
    // -2011: nothing was open on `sym`.
  }
  send(client, fixv::mass_cancel_report(s, report_id, affected, std::nullopt));
  spdlog::info("event=fix_mass_cancel client={} account={} type={} symbol={} affected={}", client,
               account, s.type, s.sym ? std::string(s.sym->view()) : std::string("all"), affected);
}

void venue_fix_acceptor::mass_status(const std::string& client, const fix::fix_message& m) {
  ++stats_.mass_status_requests;
  auto scope = fixv::read_mass_scope(m);
  auto now = now_ms();
  if (auto why = std::get_if<fixv::fix_refusal>(&scope)) {
    fixv::mass_scope s{m.get(ftag::mass_status_req_id), "7", {}};
    auto r = fixv::no_orders_report(s, next_exec_id(), now);
    r.set(ftag::text, why->text);
    send(client, r);
    return;
  }
  auto& s = std::get<fixv::mass_scope>(scope);
  auto open = engine_ref_.open_orders(account_of(client), s.sym);
  if (open.empty()) {
    send(client, fixv::no_orders_report(s, next_exec_id(), now));
    return;
  }
  for (std::size_t i = 0; i < open.size(); ++i) {
    report_event ev;
    ev.exec_type = 'I';
    ev.exec_id = next_exec_id();
    ev.mass_status_req_id = s.request_id;
    ev.tot_num_reports = static_cast<int>(open.size());
    ev.last_rpt_requested = i + 1 == open.size();
    if (auto c = cum_offset_.find(open[i].order_id); c != cum_offset_.end())
      ev.cum_offset = c->second;
    send(client, fixv::execution_report(open[i], ev, now));
  }
}

// Every state change of an account's order, whatever caused it.
void venue_fix_acceptor::on_order(const order& o) {
  if (o.venue_owned)
    return;
  bool fix_account = false;
  for (auto& [client, account] : cfg_.clients)
    fix_account = fix_account || account == o.account;
  if (!fix_account)
    return;
  auto& s = seen_[o.order_id];
  auto now = now_ms();
  if (replacing_ && *replacing_ == o.order_id) {
    // The original's cancel inside a 35=G: reported as the replace.
    seen_.erase(o.order_id);
    return;
  }
  qty offset;
  if (!s.reported) {
    s.reported = true;
    order base = o;
    base.executed_qty = qty{};
    base.cummulative_quote_qty = notional{};
    base.status = order_status::new_order;
    report_event ev;
    ev.exec_type = '0';
    ev.exec_id = next_exec_id();
    if (!replace_new_id_.empty() && o.client_order_id == replace_new_id_) {
      ev.exec_type = '5';
      ev.orig_cl_ord_id = replace_orig_id_;
      // The replaced order's fills count toward the replacement's CumQty.
      order_key key;
      key.orig_client_order_id = replace_orig_id_;
      auto orig = engine_ref_.query(o.account, o.sym, key);
      if (auto prev = std::get_if<order>(&orig)) {
        qty carried = prev->executed_qty;
        if (auto c = cum_offset_.find(prev->order_id); c != cum_offset_.end())
          carried = carried + c->second;
        cum_offset_[o.order_id] = carried;
      }
    }
    if (auto c = cum_offset_.find(o.order_id); c != cum_offset_.end())
      offset = ev.cum_offset = c->second;
    send_to_account(o.account, fixv::execution_report(base, ev, now));
  } else if (auto c = cum_offset_.find(o.order_id); c != cum_offset_.end()) {
    offset = c->second;
  }
  // One 150=F per fill, each with the cumulative state after it.
  order partial = o;
  partial.executed_qty = qty{};
  partial.cummulative_quote_qty = notional{};
  for (std::size_t i = 0; i < o.fills.size(); ++i) {
    auto& f = o.fills[i];
    partial.executed_qty = partial.executed_qty + f.quantity;
    if (auto n = notional_of(f.px, f.quantity))
      partial.cummulative_quote_qty = partial.cummulative_quote_qty + *n;
    if (i < s.fills)
      continue;
    partial.status =
      partial.executed_qty >= o.orig_qty ? order_status::filled : order_status::partially_filled;
    report_event ev;
    ev.exec_type = 'F';
    ev.exec_id = next_exec_id();
    ev.last_qty = f.quantity;
    ev.last_px = f.px;
    ev.cum_offset = offset;
    send_to_account(o.account, fixv::execution_report(partial, ev, now));
  }
  s.fills = o.fills.size();
  if (terminal(o.status) && o.status != order_status::filled && !terminal(s.status)) {
    report_event ev;
    ev.exec_type = o.status == order_status::canceled ? '4' : o.status == order_status::rejected ? '8' : 'C';
    ev.exec_id = next_exec_id();
    ev.cum_offset = offset;
    if (o.status == order_status::canceled && !o.cancel_client_order_id.empty()) {
      ev.cl_ord_id = o.cancel_client_order_id;
      ev.orig_cl_ord_id = o.client_order_id;
    }
    send_to_account(o.account, fixv::execution_report(o, ev, now));
  }
  s.status = o.status;
  if (terminal(o.status))
    seen_.erase(o.order_id);
}

} // namespace cwts::venue
