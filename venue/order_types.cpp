#include "venue/order_types.hpp"

namespace cwts::venue {

std::string_view to_string(order_side x) {
  return x == order_side::buy ? "BUY" : "SELL";
}

std::string_view to_string(order_type x) {
  switch (x) {
    case order_type::limit: return "LIMIT";
    case order_type::market: return "MARKET";
    case order_type::limit_maker: return "LIMIT_MAKER";
  }
  return "LIMIT";
}

std::string_view to_string(time_in_force x) {
  switch (x) {
    case time_in_force::gtc: return "GTC";
    case time_in_force::ioc: return "IOC";
    case time_in_force::fok: return "FOK";
  }
  return "GTC";
}

std::string_view to_string(order_status x) {
  switch (x) {
    case order_status::new_order: return "NEW";
    case order_status::partially_filled: return "PARTIALLY_FILLED";
    case order_status::filled: return "FILLED";
    case order_status::canceled: return "CANCELED";
    case order_status::expired: return "EXPIRED";
    case order_status::rejected: return "REJECTED";
    case order_status::expired_in_match: return "EXPIRED_IN_MATCH";
  }
  return "REJECTED";
}

std::string_view to_string(stp_mode x) {
  switch (x) {
    case stp_mode::none: return "NONE";
    case stp_mode::expire_taker: return "EXPIRE_TAKER";
    case stp_mode::expire_maker: return "EXPIRE_MAKER";
    case stp_mode::expire_both: return "EXPIRE_BOTH";
  }
  return "NONE";
}

std::optional<stp_mode> parse_stp_mode(std::string_view text) {
  if (text == "NONE") return stp_mode::none;
  if (text == "EXPIRE_TAKER") return stp_mode::expire_taker;
  if (text == "EXPIRE_MAKER") return stp_mode::expire_maker;
  if (text == "EXPIRE_BOTH") return stp_mode::expire_both;
  return std::nullopt;
}

std::optional<order_side> parse_side(std::string_view text) {
  if (text == "BUY") return order_side::buy;
  if (text == "SELL") return order_side::sell;
  return std::nullopt;
}

std::optional<order_type> parse_order_type(std::string_view text) {
  if (text == "LIMIT") return order_type::limit;
  if (text == "MARKET") return order_type::market;
  if (text == "LIMIT_MAKER") return order_type::limit_maker;
  return std::nullopt;
}

std::optional<time_in_force> parse_time_in_force(std::string_view text) {
  if (text == "GTC") return time_in_force::gtc;
  if (text == "IOC") return time_in_force::ioc;
  if (text == "FOK") return time_in_force::fok;
  return std::nullopt;
}

} // namespace cwts::venue
