#include "actors/fix/fix_order_session.hpp"

#include <algorithm>
#include <thread>

#include "common/base36.hpp"

namespace cwts::fix {

namespace {

order_reject reject(const client_order_id& id, const symbol& sym, reject_reason why,
                    std::string text) {
  return order_reject{id, sym, why, std::move(text), wall_clock_now()};
}

// ExecIDs remembered to drop resent duplicates (PossDupFlag=Y).
constexpr std::size_t exec_ids_kept = 65536;

} // namespace

fix_engine_config fix_order_session::engine_config(const fix_connector_settings& cfg) {
  fix_engine_config e;
  e.initiator = true;
  e.local_comp_id = cfg.sender_comp_id;
  e.remote_comp_ids = {cfg.target_comp_id};
  e.host = cfg.host;
  e.port = cfg.port;
  e.heartbeat_s = cfg.heartbeat_s;
  e.store_dir = cfg.store_dir;
  e.log_dir = cfg.log_dir;
  e.data_dictionary = cfg.data_dictionary;
  e.reset_on_logon = cfg.reset_on_logon;
  // A stored order is resent only while fresh; a stale one is gap-filled.
  e.resend_max_age_s = cfg.resend_max_age_s;
  return e;
}

fix_order_session::fix_order_session(fix_connector_settings cfg, std::vector<symbol> symbols,
                                     output_sink sink)
  : cfg_(std::move(cfg)), symbols_(std::move(symbols)), sink_(std::move(sink)) {
  // Ids of our cancels and requests: unique across restarts (wall-clock base).
  id_base_ = "fx" + to_base36(static_cast<uint64_t>(wall_clock_now().millis())) + "-";
  fix_callbacks cbs;
  cbs.on_logon = [this](const std::string&) {
    int64_t n = 0;
    {
      std::lock_guard<std::mutex> guard(mtx_);
      logged_on_ = true;
      n = ++logons_;
      cv_.notify_all();
    }
    if (on_logon_)
      on_logon_(n);
  };
  cbs.on_logout = [this](const std::string&, const std::string&) {
    std::lock_guard<std::mutex> guard(mtx_);
    logged_on_ = false;
    cv_.notify_all();
  };
  cbs.on_message = [this](const std::string&, const fix_message& m) { on_message(m); };
  engine_ = std::make_unique<fix_engine>(engine_config(cfg_), std::move(cbs));
}

fix_order_session::~fix_order_session() {
  stop();
}

std::string fix_order_session::start() {
  return engine_->start();
}

void fix_order_session::stop() {
  engine_->stop();
  std::lock_guard<std::mutex> guard(mtx_);
  logged_on_ = false;
  cv_.notify_all();
}

bool fix_order_session::logged_on() const {
  std::lock_guard<std::mutex> guard(mtx_);
  return logged_on_;
}

bool fix_order_session::wait_logged_on(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mtx_);
  return cv_.wait_for(lock, timeout, [this] { return logged_on_; });
}

std::string fix_order_session::next_id(const char* prefix) {
  return id_base_ + prefix + std::to_string(++next_seq_);
}

bool fix_order_session::send(const fix_message& m) {
  return logged_on() && engine_->send(cfg_.target_comp_id, m);
}

std::vector<session_output> fix_order_session::place(const order_request& req, bool gate_open) {
  std::vector<session_output> out;
  if (!gate_open) {
    out.emplace_back(reject(req.id, req.sym, reject_reason::kill_gate_closed,
                            "kill gate closed at the gateway"));
    return out;
  }
  {
    std::lock_guard<std::mutex> guard(mtx_);
    orders_[req.id.value] = order_info{req.sym, req.order_side, qty{}, order_status::pending_new};
  }
  if (!send(new_order_single(req, wall_clock_now()))) {
    ++counters_.orders_refused_logged_out;
    std::lock_guard<std::mutex> guard(mtx_);
    orders_.erase(req.id.value);
    out.emplace_back(reject(req.id, req.sym, reject_reason::venue_unreachable,
                            "FIX session to " + cfg_.target_comp_id + " not logged on"));
    return out;
  }
  ++counters_.orders_sent;
  return out;
}

std::vector<session_output> fix_order_session::cancel(const cancel_request& c) {
  std::vector<session_output> out;
  side s = side::buy;
  {
    std::lock_guard<std::mutex> guard(mtx_);
    auto i = orders_.find(c.id.value);
    if (i == orders_.end()) {
      // FIX needs the order's side (54) in 35=F; an order we never saw is
      // not ours to cancel here (reconciliation adopts the venue's).
      ++counters_.cancel_rejects;
      return out;
    }
    s = i->second.order_side;
  }
  // A cancel that cannot be sent is retried by the OMS after reconnecting.
  if (send(order_cancel_request(client_order_id{next_id("c")}, c.id, c.sym, s, wall_clock_now())))
    ++counters_.cancels_sent;
  return out;
}

std::vector<session_output> fix_order_session::replace(const client_order_id& orig,
                                                       const order_request& replacement) {
  std::vector<session_output> out;
  {
    std::lock_guard<std::mutex> guard(mtx_);
    orders_[replacement.id.value] =
      order_info{replacement.sym, replacement.order_side, qty{}, order_status::pending_new};
  }
  if (!send(order_cancel_replace_request(orig, replacement, wall_clock_now()))) {
    std::lock_guard<std::mutex> guard(mtx_);
    orders_.erase(replacement.id.value);
    out.emplace_back(reject(replacement.id, replacement.sym, reject_reason::venue_unreachable,
                            "FIX session to " + cfg_.target_comp_id + " not logged on"));
    return out;
  }
  ++counters_.replaces_sent;
  return out;
}

bool fix_order_session::first_time(const std::string& exec_id) {
  if (!exec_ids_.insert(exec_id).second)
    return false;
  exec_order_.push_back(exec_id);
  if (exec_order_.size() > exec_ids_kept) {
    exec_ids_.erase(exec_order_.front());
    exec_order_.pop_front();
  }
  return true;
}

// Called with mtx_ held. Status reports (150=I) answer a request; others
// update the order and go to the OMS when they change something.
void fix_order_session::on_execution(const fix_execution& e, std::vector<session_output>& out) {
  if (e.exec_type == 'I') {
    if (!e.mass_status_req_id.empty()) {
      auto i = mass_status_.find(e.mass_status_req_id);
      if (i != mass_status_.end()) {
        if (e.tot_num_reports != 0)
          i->second.orders.push_back(e);
        if (e.last_rpt_requested || e.tot_num_reports == 0)
          i->second.done = true;
      }
      return;
    }
    if (auto i = status_.find(e.id.value); i != status_.end())
      i->second = e;
    return;
  }
  if (!first_time(e.exec_id)) {
    ++counters_.duplicate_reports;
    return;
  }
  // A cancel's report names the cancel in 11 and the order in 41; a
  // replace's names the new order in 11 and the old one in 41.
  bool replaced = e.exec_type == '5';
  auto order = (!replaced && !e.orig_id.empty()) ? e.orig_id : e.id;
  if (e.exec_type == '4')
    for (auto& [id, mc] : mass_cancels_)
      if (!mc.report && (!mc.sym || *mc.sym == e.sym))
        ++mc.confirmed;
  if (replaced) {
    if (auto i = orders_.find(e.orig_id.value); i != orders_.end())
      i->second.status = order_status::canceled;
  }
  auto i = orders_.find(order.value);
  if (i == orders_.end()) {
    ++counters_.unknown_order_reports;
    return;
  }
  if (e.exec_type == '8' || e.rejected) {
    ++counters_.venue_rejects;
    i->second.status = order_status::rejected;
    out.emplace_back(reject(order, e.sym, reject_reason::venue_rejected,
                            "fix 103=" + e.ord_rej_reason + " 58=" + e.text));
    return;
  }
  bool changed = e.exec_type == 'F' || e.status != i->second.status || e.cum_qty != i->second.cum;
  i->second.status = e.status;
  i->second.cum = e.cum_qty;
  if (!changed) {
    ++counters_.unchanged_reports;
    return;
  }
  auto r = to_execution_report(e, wall_clock_now());
  r.id = order;
  out.emplace_back(std::move(r));
  ++counters_.reports;
}

void fix_order_session::on_message(const fix_message& m) {
  std::vector<session_output> out;
  {
    std::lock_guard<std::mutex> guard(mtx_);
    if (m.type == msg::execution_report) {
      auto e = parse_execution_report(m);
      if (!e)
        ++counters_.malformed;
      else
        on_execution(e.value(), out);
    } else if (m.type == msg::order_mass_cancel_report) {
      auto r = parse_mass_cancel_report(m);
      if (!r)
        ++counters_.malformed;
      else if (auto i = mass_cancels_.find(r.value().id.value); i != mass_cancels_.end())
        i->second.report = r.value();
    } else if (m.type == msg::order_cancel_reject) {
      ++counters_.cancel_rejects;
      // The order's state follows in its own reports (filled, canceled);
      // an unknown one is settled by the next reconciliation.
    } else {
      ++counters_.malformed;
    }
    cv_.notify_all();
  }
  if (!out.empty() && sink_)
    sink_(out);
}

std::optional<fix_execution> fix_order_session::status(const client_order_id& id,
                                                       const symbol& sym,
                                                       steady_deadline deadline,
                                                       std::string& error) {
  side s = side::buy;
  std::unique_lock<std::mutex> lock(mtx_);
  if (auto i = orders_.find(id.value); i != orders_.end())
    s = i->second.order_side;
  status_[id.value].reset();
  lock.unlock();
  ++counters_.status_requests;
  if (!send(order_status_request(id, sym, s))) {
    lock.lock();
    status_.erase(id.value);
    error = "not logged on";
    return std::nullopt;
  }
  lock.lock();
  cv_.wait_until(lock, deadline, [&] { return status_[id.value].has_value(); });
  auto answer = status_[id.value];
  status_.erase(id.value);
  if (!answer) {
    ++counters_.request_timeouts;
    error = "no OrderStatus reply before the deadline";
  }
  return answer;
}

open_orders_result fix_order_session::open_orders(const std::optional<symbol>& sym,
                                                  steady_deadline deadline) {
  open_orders_result out;
  auto id = next_id("s");
  std::unique_lock<std::mutex> lock(mtx_);
  mass_status_[id];
  lock.unlock();
  ++counters_.mass_status_requests;
  if (!send(order_mass_status_request(id, sym))) {
    lock.lock();
    mass_status_.erase(id);
    out.error = "not logged on";
    return out;
  }
  lock.lock();
  cv_.wait_until(lock, deadline, [&] { return mass_status_[id].done; });
  auto& p = mass_status_[id];
  out.ok = p.done;
  out.orders = std::move(p.orders);
  mass_status_.erase(id);
  if (!out.ok) {
    ++counters_.request_timeouts;
    out.error = "no complete OrderMassStatus reply before the deadline";
  }
  // The venue's open orders are ours to track from here (reports, cancels).
  for (auto& o : out.orders)
    if (orders_.find(o.id.value) == orders_.end())
      orders_[o.id.value] = order_info{o.sym, o.order_side, o.cum_qty, o.status};
  return out;
}

mass_cancel_result fix_order_session::mass_cancel(const std::optional<symbol>& sym,
                                                  steady_deadline deadline) {
  mass_cancel_result out;
  auto id = next_id("m");
  std::unique_lock<std::mutex> lock(mtx_);
  mass_cancels_[id].sym = sym;
  lock.unlock();
  ++counters_.mass_cancels;
  if (!send(order_mass_cancel_request(client_order_id{id}, sym, wall_clock_now()))) {
    lock.lock();
    mass_cancels_.erase(id);
    out.error = "not logged on";
    return out;
  }
  lock.lock();
  // The venue sends every per-order cancel before its report; the wait
  // covers both, so the result says how many cancels were confirmed.
  cv_.wait_until(lock, deadline, [&] {
    auto& p = mass_cancels_[id];
    return p.report && p.confirmed >= p.report->total_affected;
  });
  auto p = mass_cancels_[id];
  mass_cancels_.erase(id);
  if (!p.report) {
    ++counters_.request_timeouts;
    out.error = "no OrderMassCancelReport before the deadline";
    return out;
  }
  out.affected = p.report->total_affected;
  out.confirmed = p.confirmed;
  if (p.report->rejected()) {
    out.error = "mass cancel rejected: 532=" + p.report->reject_reason + " " + p.report->text;
    return out;
  }
  out.ok = true;
  if (out.confirmed < out.affected)
    out.error = std::to_string(out.affected - out.confirmed) + " canceled orders not confirmed";
  return out;
}

channel_result fix_order_session::cancel_all(const kill_id& id, const node_id& self,
                                             const std::vector<symbol>& which,
                                             std::chrono::milliseconds deadline) {
  auto started = monotonic_ns();
  channel_result r{id, self, "venue_cancel_all", true, 0, 0, 0, 0, ""};
  auto until = std::chrono::steady_clock::now() + deadline;
  bool everything = std::all_of(symbols_.begin(), symbols_.end(), [&](const symbol& s) {
    return std::find(which.begin(), which.end(), s) != which.end();
  });
  std::vector<std::optional<symbol>> scopes;
  if (everything)
    scopes.emplace_back(std::nullopt); // 530=7: one request for the whole account
  else
    for (auto& s : which)
      scopes.emplace_back(s);
  for (auto& scope : scopes) {
    std::string error;
    for (int round = 0;; ++round) {
      if (round > 0)
        ++r.retries;
      auto request_deadline = std::min(until, std::chrono::steady_clock::now() + cfg_.request_timeout);
      auto mc = mass_cancel(scope, request_deadline);
      r.orders_canceled += mc.affected;
      error = mc.error;
      // Orders in flight may land after the cancel: the query decides.
      auto open = open_orders(scope, request_deadline);
      if (open.ok && open.orders.empty()) {
        error.clear();
        break;
      }
      if (!open.ok)
        error += (error.empty() ? "" : "; ") + std::string("query: ") + open.error;
      else
        error = std::to_string(open.orders.size()) + " open orders remaining";
      if (std::chrono::steady_clock::now() + std::chrono::milliseconds(20) >= until) {
        if (open.ok)
          r.open_orders_after += static_cast<int64_t>(open.orders.size());
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!error.empty()) {
      r.ok = false;
      r.error += (scope ? scope->str() : std::string("all")) + ": " + error + "; ";
    }
  }
  r.duration_ns = monotonic_ns() - started;
  return r;
}

venue_snapshot fix_order_session::snapshot(const reconcile_orders& req) {
  auto started = monotonic_ns();
  venue_snapshot snap;
  snap.round = req.round;
  snap.complete = true;
  auto until = [&] { return std::chrono::steady_clock::now() + cfg_.request_timeout; };
  // At start the OMS asks before the first logon has completed.
  wait_logged_on(cfg_.request_timeout);
  auto open = open_orders(std::nullopt, until());
  ++snap.requests;
  if (!open.ok) {
    snap.complete = false;
    snap.error += "OrderMassStatus: " + open.error + "; ";
  }
  for (auto& o : open.orders)
    if (std::find(symbols_.begin(), symbols_.end(), o.sym) != symbols_.end())
      snap.open_orders.push_back(to_order_state(o));
  for (auto& order : req.live) {
    bool listed = std::any_of(snap.open_orders.begin(), snap.open_orders.end(),
                              [&](const venue_order_state& o) { return o.id == order.id; });
    if (listed || !open.ok)
      continue;
    {
      std::lock_guard<std::mutex> guard(mtx_);
      if (orders_.find(order.id.value) == orders_.end())
        orders_[order.id.value] =
          order_info{order.sym, order.order_side, qty{}, order_status::pending_new};
    }
    std::string error;
    auto q = status(order.id, order.sym, until(), error);
    ++snap.requests;
    if (!q) {
      snap.complete = false;
      snap.error += "OrderStatus " + order.id.value + ": " + error + "; ";
    } else if (q->rejected && q->ord_rej_reason == reject_unknown_order) {
      snap.unknown_at_venue.push_back(order.id);
    } else {
      snap.ended.push_back(to_order_state(*q));
    }
  }
  snap.duration_ns = monotonic_ns() - started;
  snap.taken_at = wall_clock_now();
  return snap;
}

} // namespace cwts::fix
