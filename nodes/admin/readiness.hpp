#pragma once
// /readyz: is this node fit to trade? Each reason is checked on a snapshot
// and listed with its verdict; the node is ready when every applicable
// reason holds. CAF-free.
//
//   venue_connected   the connector's venue (REST and streams) is up     (gateway, per venue)
//   quorum_held       the kill coordinator sees a quorum of the cluster
//   market_data_fresh every symbol's newest market-data frame is younger than the limit, books synced
//                     (per venue)
//
// The per-venue reasons come once for each connector of the node
// (connector.<venue>), each with its venue: {"name":"venue_connected",
// "ok":true,"detail":"...","venue":"binance"}.
//   oms_reconciled    the OMS has reconciled with the venue             (trading)
//   not_halted        the kill switch's trading state is ACTIVE
//   health.<rule>     each enabled health rule not breached
//
// Every reason is decided on typed answers (node_status::connectors for the
// venue, the books and the market-data age, node_status::oms,
// node_status::quorum, the trading state), never on counter names, so
// renaming a metric cannot make a node look ready (issue 17 finding 11).

#include <string>
#include <vector>

#include "nodes/admin/node_snapshot.hpp"

namespace cwts::admin {

struct readiness_reason {
  std::string name;
  bool ok = false;
  std::string detail;
  venue_name venue{}; // the venue of a per-venue reason; empty for the others
};

struct readiness {
  bool ready = false;
  std::vector<readiness_reason> reasons;
};

// `stale_after_s`: market data older than this is not fresh (the health
// rule's limit, else the node's stale-halt).
readiness check_readiness(const node_snapshot& snap, double stale_after_s);

std::string to_json(const readiness& r, const std::string& node);

} // namespace cwts::admin
