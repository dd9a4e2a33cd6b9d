#pragma once
// Strong identifier types: a client order id cannot be passed where a venue
// order id belongs (CONVENTIONS.md, NautilusTrader's identifiers).

#include <cstdint>
#include <functional>
#include <string>

#include "caf/meta/type_name.hpp"

namespace cwts {

template <class Tag>
struct string_id {
  std::string value;

  bool empty() const { return value.empty(); }
  friend bool operator==(const string_id& a, const string_id& b) { return a.value == b.value; }
  friend bool operator!=(const string_id& a, const string_id& b) { return a.value != b.value; }
  friend bool operator<(const string_id& a, const string_id& b) { return a.value < b.value; }
};

template <class Tag>
struct int_id {
  int64_t value = 0;

  friend bool operator==(int_id a, int_id b) { return a.value == b.value; }
  friend bool operator!=(int_id a, int_id b) { return a.value != b.value; }
  friend bool operator<(int_id a, int_id b) { return a.value < b.value; }
};

// Binance newClientOrderId: ^[.A-Z:/a-z0-9_-]{1,36}$
using client_order_id = string_id<struct client_order_id_tag>;
// Binance orderId (int64, assigned by the venue).
using venue_order_id = int_id<struct venue_order_id_tag>;
using trade_id = int_id<struct trade_id_tag>;
using node_id = string_id<struct node_id_tag>;
using operator_id = string_id<struct operator_id_tag>;
using strategy_id = string_id<struct strategy_id_tag>;
using account_id = string_id<struct account_id_tag>;
using kill_id = string_id<struct kill_id_tag>;
using command_id = string_id<struct command_id_tag>;
// Which venue an order, report or position belongs to ("binance", "fix",
// "okx"): an instrument is (venue, symbol). Named in the node config
// ([venue] name); the connector of venue v holds the role "connector.v".
using venue_name = string_id<struct venue_name_tag>;

// True when `id` is a valid venue name: 1..15 of a-z, 0-9, '-'.
bool is_valid_venue_name(const std::string& id);

// True when `id` is a valid Binance newClientOrderId.
bool is_valid_client_order_id(const std::string& id);

template <class Inspector, class Tag>
typename Inspector::result_type inspect(Inspector& f, string_id<Tag>& x) {
  return f(caf::meta::type_name("string_id"), x.value);
}

template <class Inspector, class Tag>
typename Inspector::result_type inspect(Inspector& f, int_id<Tag>& x) {
  return f(caf::meta::type_name("int_id"), x.value);
}

} // namespace cwts

namespace std {
template <class Tag>
struct hash<cwts::string_id<Tag>> {
  size_t operator()(const cwts::string_id<Tag>& x) const noexcept {
    return std::hash<std::string>{}(x.value);
  }
};
template <class Tag>
struct hash<cwts::int_id<Tag>> {
  size_t operator()(cwts::int_id<Tag> x) const noexcept { return std::hash<int64_t>{}(x.value); }
};
} // namespace std
