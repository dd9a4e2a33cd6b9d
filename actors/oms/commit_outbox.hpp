#pragma once
// Group commit's outbox (issue 21, docs/risk-oms-strategy.md "Group
// commit"): while the OMS has a journal batch open, what it would send (orders
// and cancels to a connector, reports and rejects to risk and the strategy)
// waits here, in order, until the batch is committed: an order never reaches
// the venue, and a report never reaches the strategy, before the commit that
// holds its event. The OMS sends itself one flush message when it opens a
// batch; CAF queues it behind every message already in the mailbox, so one
// commit covers what arrived together.
//
// Bounded by the mailbox: a batch holds at most what the OMS handled before
// its flush message came up, and every entry is one message it handled.

#include <optional>
#include <utility>
#include <vector>

#include "caf/actor.hpp"
#include "caf/message.hpp"

#include "messages/orders.hpp"

namespace cwts::oms {

struct deferred_send {
  caf::actor dest;
  caf::message msg;
  // Set for an order going to the venue: if the commit fails its submission
  // is not durable, so it is rejected instead of sent.
  std::optional<order_request> order;
};

class commit_outbox {
public:
  void add(caf::actor dest, caf::message msg, std::optional<order_request> order = std::nullopt) {
    items_.push_back(deferred_send{std::move(dest), std::move(msg), std::move(order)});
  }
  std::vector<deferred_send> take() { return std::exchange(items_, {}); }
  std::size_t size() const { return items_.size(); }

private:
  std::vector<deferred_send> items_;
};

} // namespace cwts::oms
