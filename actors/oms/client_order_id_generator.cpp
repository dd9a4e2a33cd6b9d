#include "actors/oms/client_order_id_generator.hpp"

#include <stdexcept>

#include "common/base36.hpp"

namespace cwts::oms {

client_order_id_generator::client_order_id_generator(std::string node_prefix,
                                                     timestamp_ns start_time) {
  if (node_prefix.empty() || node_prefix.size() > max_prefix_length
      || !is_valid_client_order_id(node_prefix))
    throw std::invalid_argument("client order id prefix '" + node_prefix
                                + "' must be 1-10 characters of [.A-Z:/a-z0-9_-]");
  if (start_time.ns < 0)
    throw std::invalid_argument("client order id start time is negative");
  stem_ = node_prefix + "-" + to_base36(static_cast<uint64_t>(start_time.ns / 1000)) + "-";
}

client_order_id client_order_id_generator::next() {
  client_order_id id;
  id.value = stem_ + to_base36(++sequence_);
  return id;
}

} // namespace cwts::oms
