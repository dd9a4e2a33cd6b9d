// The OMS shell's catch-up from the venue at a takeover (issue 24, partition
// drill finding 1; takeover_catch_up.hpp, docs/reconciliation.md "Takeover
// from the truth"). The first round after a takeover that settled every
// order asks the connector for the account's order history since the
// replica's last event (minus a margin); what the journal lacks is
// journaled as recovered from the venue, with its fill, and a fresh round
// then judges the takeover with those fills counted.
#include "actors/oms/oms_shell.hpp"

#include <spdlog/spdlog.h>

#include "actors/oms/takeover_catch_up.hpp"

namespace cwts::oms_shell {

namespace {

// Journaled as submitted, then at the venue's state with its whole fill at
// the quote-weighted price, both at the venue's time, initiator
// reconciliation: risk's rebuild (all_fills) and the position check count it.
bool journal_recovered(oms_ptr self, const oms::order_record& rec) {
  auto& st = self->state;
  open_batch(self);
  bool lost = false;
  oms::event_context ctx{"reconciliation", {}, {}, {}, rec.last_update,
                         "recovered from the venue at a takeover from " + st.takeover_from,
                         "venue"};
  auto err = st.commits.submitted(rec.request, rec.last_update, ctx);
  if (!err)
    err = st.commits.updated(rec, order_status::pending_new, rec.cum_qty, rec.avg_fill_price,
                             lost, ctx);
  if (err) {
    spdlog::error("event=journal_write_failed id={} error=\"{}\"", rec.request.id.value,
                  err.message());
    return false;
  }
  if (lost)
    halt_trading(self, "the recovered order " + rec.request.id.value + " is not durable");
  spdlog::warn("event=order_recovered id={} symbol={} side={} status={} cum={} avg_px={} "
               "venue_time_ns={}", rec.request.id.value, rec.request.sym.str(),
               to_string(rec.request.order_side), to_string(rec.status), rec.cum_qty.to_string(),
               rec.avg_fill_price.to_string(), rec.last_update.ns);
  return !lost;
}

} // namespace

bool catch_up_pending(oms_ptr self, const venue_name& venue, venue_link& link) {
  auto& st = self->state;
  if (st.takeover_from.empty() || st.takeover_judged.count(venue) != 0 || !st.journal.is_open())
    return false;
  auto it = st.catch_up.find(venue);
  if (it != st.catch_up.end() && it->second)
    return false; // caught up: this round judges
  oms::position_baseline base;
  if (auto err = st.journal.load_baseline(venue, base))
    spdlog::error("event=journal_read_failed what=baseline error=\"{}\"", err.message());
  oms::catch_up_limits limits;
  auto since = oms::catch_up_since(st.takeover_last_event, base.taken_at, limits);
  st.catch_up[venue] = false;
  link.not_reconciled_why = "takeover: reading the venue's order history";
  // Asked again by the next round when no answer comes (the round's retry).
  self->send(link.connector, order_history_query{link.round, since, limits.page, venue});
  spdlog::info("event=journal_takeover node={} from={} venue={} step=catch_up_asked since_ms={} "
               "page={}", st.cfg.self.value, st.takeover_from, venue.value, since.millis(),
               limits.page);
  return true;
}

void on_order_history(oms_ptr self, const order_history_answer& a) {
  auto& st = self->state;
  auto* link = link_of(self, a.venue);
  auto it = st.catch_up.find(a.venue);
  if (link == nullptr || a.round != link->round || it == st.catch_up.end() || it->second)
    return; // an answer to a round already given up
  if (!a.supported) {
    // Nothing to recover from: the position check decides alone (as before).
    spdlog::warn("event=journal_takeover node={} from={} venue={} step=catch_up supported=0 "
                 "reason=\"{}\"", st.cfg.self.value, st.takeover_from, a.venue.value, a.error);
    it->second = true;
    return start_round(self, a.venue);
  }
  if (!a.complete) {
    spdlog::warn("event=journal_takeover node={} from={} venue={} step=catch_up complete=0 "
                 "error=\"{}\"", st.cfg.self.value, st.takeover_from, a.venue.value, a.error);
    ++link->failed_rounds;
    link->not_reconciled_why = "takeover: the venue's order history is incomplete: " + a.error;
    self->delayed_send(self, st.cfg.reconcile_retry, retry_atom::value, a.venue.value,
                       link->round);
    return;
  }
  oms::position_baseline base;
  if (auto err = st.journal.load_baseline(a.venue, base))
    spdlog::error("event=journal_read_failed what=baseline error=\"{}\"", err.message());
  oms::catch_up_limits limits;
  auto since = oms::catch_up_since(st.takeover_last_event, base.taken_at, limits);
  auto journaled = [&](const client_order_id& id) {
    bool known = false;
    if (auto err = st.journal.contains(id, known))
      return true; // unreadable: not recovered twice; the position check decides
    return known;
  };
  auto plan = oms::plan_catch_up(st.store, journaled, a.orders, {}, a.venue, since, limits.page);
  int64_t orders = 0;
  int64_t fills = 0;
  for (auto& rec : plan.recovered)
    if (journal_recovered(self, rec)) {
      ++orders;
      fills += rec.cum_qty.is_positive() ? 1 : 0;
    }
  flush(self);
  st.recovered_orders += orders;
  st.recovered_fills += fills;
  for (auto& c : plan.contradictions) {
    spdlog::error("event=reconcile_contradiction detail=\"{}\"", c);
    st.catch_up_contradictions.push_back(c);
  }
  spdlog::warn("event=journal_takeover node={} from={} venue={} step=catch_up supported=1 "
               "since_ms={} venue_orders={} recovered_orders={} recovered_fills={} "
               "contradictions={} page_full={} requests={}", st.cfg.self.value, st.takeover_from,
               a.venue.value, since.millis(), a.orders.size(), orders, fills,
               plan.contradictions.size(), plan.page_full ? 1 : 0, a.requests);
  it->second = true;
  start_round(self, a.venue); // balances read after the catch-up: the check sees both
}

} // namespace cwts::oms_shell
