#include "actors/fix/fix_adapter.hpp"

#include <spdlog/spdlog.h>

namespace cwts::fix {

fix_adapter::fix_adapter(fix_connector_settings cfg, std::vector<symbol> symbols,
                         connector::adapter_context ctx)
  : cfg_(cfg), session_(std::move(cfg), std::move(symbols), ctx.report) {
  // Every logon after the first: whatever the resend did not bring back is
  // found by a reconciliation round.
  session_.on_logon([reconcile = ctx.request_reconcile](int64_t logons) {
    spdlog::info("event=fix_logon count={}", logons);
    if (logons >= 2)
      reconcile();
  });
}

connector::adapter_capabilities fix_adapter::capabilities() const {
  connector::adapter_capabilities c;
  c.amend = true; // 35=G
  return c;
}

void fix_adapter::start() {
  if (auto why = session_.start(); !why.empty())
    spdlog::error("event=fix_session_failed target={} host={} port={} reason=\"{}\"",
                  cfg_.target_comp_id, cfg_.host, cfg_.port, why);
  else
    spdlog::info("event=fix_session_started sender={} target={} host={} port={} heartbeat_s={} "
                 "store={} next_sender_seq={} next_target_seq={}",
                 cfg_.sender_comp_id, cfg_.target_comp_id, cfg_.host, cfg_.port, cfg_.heartbeat_s,
                 cfg_.store_dir, session_.next_sender_seq(), session_.next_target_seq());
}

void fix_adapter::stop() {
  session_.stop(); // logs out
}

std::vector<connector::adapter_output> fix_adapter::place(const order_request& req, bool gate_open) {
  return session_.place(req, gate_open);
}

std::vector<connector::adapter_output> fix_adapter::cancel(const cancel_request& c) {
  return session_.cancel(c);
}

std::vector<connector::adapter_output> fix_adapter::amend(const client_order_id& orig,
                                                          const order_request& replacement) {
  return session_.replace(orig, replacement);
}

// Reports of the canceled orders reach the OMS from the engine's thread as
// they come: nothing is left for `out`.
channel_result fix_adapter::cancel_all(const kill_id& id, const node_id& self,
                                       const std::vector<symbol>& which,
                                       std::chrono::milliseconds deadline,
                                       std::vector<connector::adapter_output>&) {
  auto result = session_.cancel_all(id, self, which, deadline);
  spdlog::warn("event=fix_cancel_all kill={} ok={} canceled={} open_after={} retries={} "
               "duration_us={} error=\"{}\"",
               id.value, result.ok, result.orders_canceled, result.open_orders_after,
               result.retries, result.duration_ns / 1000, result.error);
  return result;
}

venue_snapshot fix_adapter::snapshot(const reconcile_orders& req) {
  return session_.snapshot(req);
}

// Logged out counts as the order channel unanswered.
connector::channel_probe fix_adapter::probe() {
  bool up = session_.logged_on();
  return connector::channel_probe{
    up, up ? std::string() : "FIX session to " + cfg_.target_comp_id + " not logged on"};
}

void fix_adapter::add_counters(counters& k) const {
  auto& c = session_.counters();
  auto& e = session_.engine_counters();
  k["protocol_fix"] = 1;
  k["fix_logged_on"] = session_.logged_on() ? 1 : 0;
  k["fix_logons"] = e.logons.load();
  k["fix_logouts"] = e.logouts.load();
  k["fix_next_sender_seq"] = session_.next_sender_seq();
  k["fix_next_target_seq"] = session_.next_target_seq();
  k["fix_resend_requests_sent"] = e.resend_requests_sent.load();
  k["fix_resend_requests_received"] = e.resend_requests_received.load();
  k["fix_poss_dup_received"] = e.poss_dup_received.load();
  k["fix_resends_gap_filled"] = e.resends_gap_filled.load();
  k["fix_app_resent"] = e.app_resent.load();
  k["fix_session_rejects_received"] = e.session_rejects_received.load();
  k["fix_session_rejects_sent"] = e.session_rejects_sent.load();
  k["orders_placed"] = c.orders_sent.load();
  k["orders_refused_logged_out"] = c.orders_refused_logged_out.load();
  k["cancels_sent"] = c.cancels_sent.load();
  k["venue_rejects"] = c.venue_rejects.load();
  k["cancel_rejects"] = c.cancel_rejects.load();
  k["stream_reports"] = c.reports.load();
  k["duplicate_reports"] = c.duplicate_reports.load();
  k["unknown_order_reports"] = c.unknown_order_reports.load();
  k["malformed_messages"] = c.malformed.load();
  k["mass_cancels"] = c.mass_cancels.load();
  k["request_timeouts"] = c.request_timeouts.load();
}

} // namespace cwts::fix
