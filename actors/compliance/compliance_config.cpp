#include "actors/compliance/compliance_config.hpp"

#include "actors/connector/tls_transport.hpp"

namespace cwts::compliance {

namespace {

bool within(const char* key, int64_t v, int64_t lo, int64_t hi, std::string& error) {
  if (v >= lo && v <= hi)
    return true;
  error = std::string("compliance.") + key + ": " + std::to_string(v) + " is outside "
          + std::to_string(lo) + ".." + std::to_string(hi);
  return false;
}

} // namespace

bool parse_compliance_config(const compliance_raw_options& raw, const std::string& outbox_path,
                             std::optional<outbox_config>& out, std::string& error) {
  out.reset();
  if (raw.endpoint.empty()) {
    if (!raw.ca_file.empty()) {
      error = "compliance.ca-file: set without compliance.endpoint";
      return false;
    }
    return true;
  }
  outbox_config c;
  auto to = parse_endpoint(raw.endpoint, error);
  if (!to) {
    error = "compliance.endpoint: " + error;
    return false;
  }
  c.to = *to;
  if (!c.to.tls && !raw.ca_file.empty()) {
    error = "compliance.ca-file: the endpoint is plain http (a CA file needs https)";
    return false;
  }
  if (auto why = connector::validate_tls(c.to.tls, raw.ca_file); !why.empty()) {
    error = "compliance.ca-file: " + why.substr(why.find(": ") + 2);
    return false;
  }
  c.ca_file = raw.ca_file;
  if (!within("request-timeout-ms", raw.request_timeout_ms, 100, 600'000, error)
      || !within("retry-min-ms", raw.retry_min_ms, 10, 3'600'000, error)
      || !within("retry-max-ms", raw.retry_max_ms, raw.retry_min_ms, 86'400'000, error)
      || !within("max-pending", raw.max_pending, 1, 10'000'000, error))
    return false;
  c.request_timeout = std::chrono::milliseconds(raw.request_timeout_ms);
  c.retry_min = std::chrono::milliseconds(raw.retry_min_ms);
  c.retry_max = std::chrono::milliseconds(raw.retry_max_ms);
  c.max_pending = raw.max_pending;
  c.path = outbox_path;
  out = std::move(c);
  return true;
}

} // namespace cwts::compliance
