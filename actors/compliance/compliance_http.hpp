#pragma once
// One delivery attempt of the compliance outbox: POST the entry's body to
// the configured endpoint (the connector's HTTP client over plain TCP or TLS
// verified against the CA file) and classify the answer. Owned by the
// outbox's worker thread only.

#include <memory>

#include "actors/compliance/compliance_outbox.hpp"

namespace cwts::connector {
class http_client;
}

namespace cwts::compliance {

class http_poster {
public:
  explicit http_poster(const outbox_config& cfg);
  ~http_poster();
  // acknowledged on a 2xx (oversized set when its body is above
  // max_answer_bytes: the receiver stored the entry, so it is an ack).
  attempt_result post(const outbox_entry& e);
  // Kept-alive connections dropped because an extra answer was waiting.
  uint64_t stale_connections() const;

private:
  const outbox_config& cfg_;
  std::unique_ptr<connector::http_client> client_;
};

} // namespace cwts::compliance
