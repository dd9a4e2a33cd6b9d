#pragma once
// Waits shared by the actor tests whose scoped actor stands in for an
// order's next hop (risk_actor_test: the OMS behind risk; oms_lease_test: the
// connector behind the OMS): the order that went out, or the reject that came
// back instead. Either fails the test on the other message or after 5 s.
// Include after caf/test/unit_test.hpp (CAF_FAIL).

#include <chrono>

#include "caf/all.hpp"

#include "messages/orders.hpp"

namespace cwts::testing {

inline order_request expect_order_sent(caf::scoped_actor& self) {
  order_request got;
  self->receive([&](const order_request& req) { got = req; },
                [](const order_reject& rej) { CAF_FAIL("rejected: " << rej.detail); },
                caf::after(std::chrono::seconds(5)) >> [] { CAF_FAIL("order not sent"); });
  return got;
}

inline order_reject expect_order_reject(caf::scoped_actor& self) {
  order_reject got;
  self->receive([&](const order_reject& rej) { got = rej; },
                [](const order_request& req) { CAF_FAIL("order sent: " << req.id.value); },
                caf::after(std::chrono::seconds(5)) >> [] { CAF_FAIL("no reject"); });
  return got;
}

} // namespace cwts::testing
