#include "actors/oms/oms_open_orders_query.hpp"

#include <map>
#include <string>
#include <vector>

#include "actors/oms/open_orders_query.hpp"
#include "common/lease_gate.hpp"
#include "messages/time.hpp"

namespace cwts::oms_shell {

open_orders_answer on_open_orders_query(oms_ptr self, const open_orders_query& q) {
  auto& st = self->state;
  std::vector<venue_name> known;
  std::map<venue_name, std::string> not_ready;
  for (auto& [venue, link] : st.venues) {
    known.push_back(venue);
    if (link.phase != reconcile_phase::running)
      not_ready[venue] = std::string(to_string(link.phase)) + ": " + link.not_reconciled_why;
  }
  std::vector<restored_order> live;
  for (const auto* rec : st.store.live_orders())
    live.push_back(restored_order{rec->request, rec->cum_qty, rec->acknowledged});
  // The trading lease of role "oms" (common/lease_gate.hpp): a standby, or
  // a node that has not been granted it yet, sends nothing.
  std::string cannot_send;
  if (st.cfg.lease && !st.cfg.lease->check("oms", lease_clock_ns()))
    cannot_send = "no trading lease of role 'oms' held now";
  auto answer = oms::answer_open_orders(q, st.cfg.self, known, not_ready, cannot_send, live);
  if (answer.refused)
    st.guard.refuse(self, "open_orders_query", answer.detail);
  return answer;
}

} // namespace cwts::oms_shell
