#include "actors/oms/client_order_id_generator.hpp"

#include <algorithm>
#include <stdexcept>

namespace cwts::oms {

namespace {

std::string base36(uint64_t v) {
  static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out;
  do {
    out.push_back(digits[v % 36]);
    v /= 36;
  } while (v != 0);
  std::reverse(out.begin(), out.end());
  return out;
}

} // namespace

client_order_id_generator::client_order_id_generator(std::string node_prefix,
                                                     timestamp_ns start_time) {
  if (node_prefix.empty() || node_prefix.size() > max_prefix_length
      || !is_valid_client_order_id(node_prefix))
    throw std::invalid_argument("client order id prefix '" + node_prefix
                                + "' must be 1-10 characters of [.A-Z:/a-z0-9_-]");
  if (start_time.ns < 0)
    throw std::invalid_argument("client order id start time is negative");
  stem_ = node_prefix + "-" + base36(static_cast<uint64_t>(start_time.ns / 1000)) + "-";
}

client_order_id client_order_id_generator::next() {
  client_order_id id;
  id.value = stem_ + base36(++sequence_);
  return id;
}

} // namespace cwts::oms
