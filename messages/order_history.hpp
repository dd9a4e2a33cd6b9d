#pragma once
// A takeover's catch-up from the venue (issue 24, partition drill finding 1;
// docs/reconciliation.md "Takeover from the truth"): the new active's OMS
// asks its connector for the account's orders updated since a time, each
// with its executed quantity and quote, to recover what the old active
// traded after its journal stopped reaching the standby. Kept out of
// registry.hpp's includes so only its users rebuild; registered in
// registry.cpp.

#include <cstdint>
#include <string>
#include <vector>

#include "messages/ids.hpp"
#include "messages/reconciliation.hpp"
#include "messages/time.hpp"

namespace cwts {

// Command (OMS -> connector): the account's orders of every configured
// symbol updated at or after `since`, at most `page` per symbol.
struct order_history_query {
  int64_t round = 0; // echoed
  timestamp_ns since;
  int32_t page = 500;
  venue_name venue{};
};

// Event (connector -> OMS).
struct order_history_answer {
  int64_t round = 0;
  bool supported = false; // the venue protocol has an order history query
  bool complete = false;  // every symbol answered; otherwise `error` says which not
  std::string error;
  std::vector<venue_order_state> orders;
  int32_t requests = 0;
  venue_name venue{};
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order_history_query& x) {
  return f(caf::meta::type_name("order_history_query"), x.round, x.since, x.page, x.venue);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order_history_answer& x) {
  return f(caf::meta::type_name("order_history_answer"), x.round, x.supported, x.complete, x.error,
           x.orders, x.requests, x.venue);
}

} // namespace cwts
