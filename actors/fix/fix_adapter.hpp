#pragma once
// FIX 4.4 behind the venue-adapter contract (actors/connector/venue_adapter.hpp,
// docs/fix.md): order entry, replaces and the kill switch's cancel-all on a
// fix_order_session; market data stays on the venue's WebSocket streams,
// which the connector shell runs for every adapter.
//
// start() starts the initiator (logon follows, and again after every
// disconnect); a logon after the first asks the OMS for a reconciliation
// round: reports missed while logged out come back by resend, anything else
// by the snapshot. ExecutionReports reach the OMS from the FIX engine's
// thread. Sends never block (place and cancel run on the actor); mass cancel,
// open orders and status wait for replies with a deadline (on the worker).
// The order channel's liveness is the logon state. FIX 4.4 has no
// cancel-on-disconnect in the contract here: no dead-man's switch.

#include <memory>
#include <vector>

#include "actors/connector/venue_adapter.hpp"
#include "actors/fix/fix_order_session.hpp"
#include "actors/fix/fix_settings.hpp"

namespace cwts::fix {

class fix_adapter final : public connector::venue_adapter {
public:
  fix_adapter(fix_connector_settings cfg, std::vector<symbol> symbols,
              connector::adapter_context ctx);

  const char* protocol() const override { return "fix"; }
  connector::adapter_capabilities capabilities() const override;
  void start() override;
  void stop() override;
  std::vector<connector::adapter_output> place(const order_request& req, bool gate_open) override;
  std::vector<connector::adapter_output> cancel(const cancel_request& c) override;
  std::vector<connector::adapter_output> amend(const client_order_id& orig,
                                               const order_request& replacement) override;
  channel_result cancel_all(const kill_id& id, const node_id& self, const std::vector<symbol>& which,
                            std::chrono::milliseconds deadline,
                            std::vector<connector::adapter_output>& out) override;
  venue_snapshot snapshot(const reconcile_orders& req) override;
  std::vector<asset_balance> balances() override { return {}; }
  bool may_probe() const override { return true; }
  connector::channel_probe probe() override;
  std::optional<bool> fill_stream_connected() override { return std::nullopt; }
  void add_counters(counters& out) const override;

private:
  fix_connector_settings cfg_;
  fix_order_session session_;
};

} // namespace cwts::fix
