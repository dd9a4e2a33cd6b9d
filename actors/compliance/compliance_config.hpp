#pragma once
// [compliance] (docs/operations.md): the kill's compliance channel. A node
// without an endpoint has no such channel.
//   endpoint            http://host:port/path or https://host:port/path
//   outbox              the SQLite outbox (default run/<node-id>-compliance-outbox.sqlite)
//   ca-file             https: the CA (PEM) the receiver's certificate chains to
//   request-timeout-ms  one POST: connect + write + read (a hung receiver fails then)
//   retry-min-ms        the first retry's wait; doubled per failure ...
//   retry-max-ms        ... up to this
//   max-pending         undelivered notifications kept; one more is refused

#include <cstdint>
#include <optional>
#include <string>

#include "actors/compliance/compliance_outbox.hpp"

namespace cwts::compliance {

inline constexpr const char* default_outbox_path = "run/<node-id>-compliance-outbox.sqlite";

struct compliance_raw_options {
  std::string endpoint; // empty: no compliance channel
  std::string outbox = default_outbox_path;
  std::string ca_file;
  int64_t request_timeout_ms = 2'000;
  int64_t retry_min_ms = 200;
  int64_t retry_max_ms = 30'000;
  int64_t max_pending = 10'000;
};

// `out` stays empty when no endpoint is set. `outbox_path` is raw.outbox
// resolved by the caller (<node-id> replaced, folder made). False with
// `error` naming the key (compliance.<key>) otherwise.
bool parse_compliance_config(const compliance_raw_options& raw, const std::string& outbox_path,
                             std::optional<outbox_config>& out, std::string& error);

} // namespace cwts::compliance
