#pragma once
// What a strategy asks for: place an order, cancel one, or move one with an
// amend (cancel/replace). Stays inside the
// trading node (the strategy actor turns each into its message), so a
// std::variant is fine here (STACK.md: it would not serialize as a message).

#include <functional>
#include <variant>

#include "messages/ids.hpp"
#include "messages/orders.hpp"

namespace cwts::strategy {

using strategy_action = std::variant<order_request, cancel_request, amend_request>;

// Source of fresh client order ids, e.g. the OMS's
// client_order_id_generator: [&gen] { return gen.next(); }.
using id_source = std::function<client_order_id()>;

} // namespace cwts::strategy
