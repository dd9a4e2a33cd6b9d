#include "venue/venue_stats.hpp"

#include "venue/json_writer.hpp"

namespace cwts::venue {

void text_counts::count(const std::string& text) {
  ++total_;
  auto it = counts_.find(text);
  if (it != counts_.end()) {
    ++it->second;
    return;
  }
  // "other" takes one of the slots, so the map never passes max_kinds.
  if (counts_.size() + 1 < max_kinds)
    counts_.emplace(text, 1);
  else
    ++counts_["other"];
}

std::string text_counts::to_json() const {
  json_writer w;
  w.begin_object();
  for (auto& [text, n] : counts_)
    w.field_num(text, static_cast<int64_t>(n));
  w.end_object();
  return w.take();
}

uint64_t venue_stats::total_rejects() const {
  uint64_t n = 0;
  for (auto& [code, count] : rejects)
    n += count;
  return n;
}

std::string venue_stats::rejects_summary() const {
  std::string out;
  for (auto& [code, count] : rejects) {
    if (!out.empty()) out += ',';
    out += std::to_string(code) + ':' + std::to_string(count);
  }
  return out.empty() ? "none" : out;
}

std::string venue_stats::to_json(const fault_counters& faults) const {
  json_writer w;
  w.begin_object()
    .field_num("requests", static_cast<int64_t>(requests))
    .field_num("tapeTrades", static_cast<int64_t>(tape_trades))
    .field_num("trades", static_cast<int64_t>(trades))
    .field_num("accountFills", static_cast<int64_t>(account_fills))
    .field_num("userOrders", static_cast<int64_t>(user_orders))
    .field_num("wsClients", static_cast<int64_t>(ws_clients))
    .field_num("wsDropped", static_cast<int64_t>(ws_dropped))
    .field_num("tlsHandshakeFailures", static_cast<int64_t>(tls_handshake_failures))
    .key("rejects")
    .begin_object();
  for (auto& [code, count] : rejects)
    w.field_num(std::to_string(code), static_cast<int64_t>(count));
  w.end_object()
    .key("krakenRejects")
    .raw(kraken_rejects.to_json())
    .key("faults")
    .raw(fault_counters_json(faults))
    .end_object();
  return w.take();
}

} // namespace cwts::venue
