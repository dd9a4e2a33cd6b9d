#include "actors/connector/request_signer.hpp"

#include "common/hex.hpp"
#include "common/hmac.hpp"

namespace cwts::connector {

std::string percent_encode(std::string_view text) { return percent_encode_if(text, is_unreserved); }

std::string build_query(const query_params& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty())
      out.push_back('&');
    out += percent_encode(key);
    out.push_back('=');
    out += percent_encode(value);
  }
  return out;
}

request_signer::request_signer(std::string secret, int64_t recv_window_ms)
  : secret_(std::move(secret)), recv_window_ms_(recv_window_ms) {}

std::string request_signer::sign(const query_params& params, int64_t timestamp_ms) const {
  auto all = params;
  all.emplace_back("recvWindow", std::to_string(recv_window_ms_));
  all.emplace_back("timestamp", std::to_string(timestamp_ms));
  auto query = build_query(all);
  auto signature = hmac_sha256_hex(secret_, query);
  query += "&signature=";
  query += signature;
  return query;
}

} // namespace cwts::connector
