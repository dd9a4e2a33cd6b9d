#include "nodes/status/node_status.hpp"

#include <sstream>

#include "caf/all.hpp"

namespace cwts {

int64_t node_status::counter(const std::string& role, const std::string& key) const {
  auto r = stats.find(role);
  if (r == stats.end())
    return 0;
  auto c = r->second.counters.find(key);
  return c == r->second.counters.end() ? 0 : c->second;
}

std::vector<venue_name> node_status::connector_venues() const {
  std::vector<venue_name> out;
  for (auto& [role, st] : stats)
    if (auto v = venue_of_role(role); !v.empty())
      out.push_back(v);
  return out;
}

node_status collect_status(caf::scoped_actor& self, const caf::node_id& owner,
                           const std::string& node, const role_directory& dir,
                           std::chrono::milliseconds timeout) {
  node_status out;
  out.node = node;
  // The trading state first, the actors' counters after it: a status that
  // says HALTED then holds every count that led to the halt (risk's breach,
  // the GPU worker's run). Asked last, the state could be newer than the
  // counters, and an operator saw HALTED beside var_breaches=0.
  if (auto i = dir.find("kill"); i != dir.end()) {
    self->request(i->second, timeout, gate_atom::value)
      .receive([&](trading_state& st) { out.state = st; }, [](caf::error&) {});
    if (i->second && i->second.node() == owner)
      self->request(i->second, timeout, quorum_atom::value)
        .receive([&](quorum_status& q) { out.quorum = q; }, [](caf::error&) {});
  }
  for (auto& [role, handle] : dir) {
    // The supervisor too: restarts per role and peers (admin port, cwts status).
    if (!handle || handle.node() != owner)
      continue;
    self->request(handle, timeout, stats_atom::value)
      .receive([&](actor_stats& s) { out.stats[role] = std::move(s); }, [](caf::error&) {});
  }
  if (auto i = dir.find("risk"); i != dir.end() && i->second.node() == owner)
    self->request(i->second, timeout, positions_atom::value)
      .receive([&](std::vector<position_snapshot>& p) { out.positions = std::move(p); },
               [](caf::error&) {});
  for (auto& [venue, connector] : connectors_in(dir))
    if (connector.node() == owner)
      self->request(connector, timeout, connector_status_atom::value)
        .receive([&, v = venue](connector_status& c) { out.connectors[v] = std::move(c); },
                 [](caf::error&) {});
  if (auto i = dir.find("oms"); i != dir.end() && i->second && i->second.node() == owner)
    self->request(i->second, timeout, precond_atom::value)
      .receive([&](reset_precondition& p) { out.oms = std::move(p); }, [](caf::error&) {});
  return out;
}

namespace {

// Validated ticks: counted by the validator where this node has one, else as
// the strategy saw them.
int64_t ticks(const node_status& s) {
  if (s.stats.count("validator"))
    return s.counter("validator", "verdict.ok");
  return s.counter("strategy", "trades_seen");
}

// The OMS's reconciliation phase (docs/reconciliation.md); empty when this
// node runs no OMS. Anything but "running" means new orders are refused.
std::string oms_phase(const node_status& s) {
  if (!s.stats.count("oms"))
    return {};
  if (s.counter("oms", "reconcile.phase_running") == 1)
    return "running";
  if (s.counter("oms", "reconcile.phase_unexplained") == 1)
    return "unexplained";
  return "reconciling";
}

} // namespace

std::string format_summary(const node_status& now, const node_status& before, double elapsed_s) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(1);
  double rate = elapsed_s > 0 ? (ticks(now) - ticks(before)) / elapsed_s : 0.0;
  out << "node=" << now.node << " ticks/s=" << rate
      << " orders=" << now.counter("oms", "orders_sent") << " fills=" << now.counter("oms", "fills")
      << " rejects=" << now.counter("oms", "rejects") + now.counter("risk", "checks_rejected")
      << " open=" << now.counter("oms", "live_orders");
  for (auto& p : now.positions) {
    out << " pos[" << p.sym.str() << "]=" << p.position.to_string()
        << " pnl=" << (p.realized_pnl + p.unrealized_pnl).to_string() << " (realized "
        << p.realized_pnl.to_string() << ")";
  }
  if (now.state)
    out << " state=" << to_string(now.state->mode) << " level=" << to_string(now.state->level);
  else
    out << " state=unknown";
  if (auto phase = oms_phase(now); !phase.empty())
    out << " oms=" << phase;
  return out.str();
}

std::string format_details(const node_status& s) {
  std::ostringstream out;
  out << "node " << s.node << "\n";
  if (s.state)
    out << "  trading state: " << to_string(s.state->mode) << " level " << to_string(s.state->level)
        << (s.state->cause.empty() ? "" : " cause " + s.state->cause.value) << "\n";
  if (auto phase = oms_phase(s); phase == "unexplained")
    out << "  order entry: refused, positions unexplained; an operator decides with "
           "cwts accept-positions (docs/reconciliation.md)\n";
  else if (phase == "reconciling")
    out << "  order entry: refused until the OMS has reconciled with the venue\n";
  for (auto& [role, st] : s.stats) {
    out << "  " << role << ":";
    for (auto& [k, v] : st.counters)
      out << " " << k << "=" << v;
    out << "\n";
  }
  for (auto& p : s.positions)
    out << "  position " << p.sym.str() << " qty=" << p.position.to_string()
        << " avg_cost=" << p.average_cost.to_string() << " realized=" << p.realized_pnl.to_string()
        << " unrealized=" << p.unrealized_pnl.to_string()
        << " mark=" << (p.marked ? p.mark.to_string() : std::string("none")) << "\n";
  return out.str();
}

} // namespace cwts
