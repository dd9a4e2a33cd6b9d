#include "actors/compliance/compliance_http.hpp"

#include "actors/compliance/compliance_notification.hpp"
#include "actors/connector/http_client.hpp"
#include "actors/connector/tls_transport.hpp"

namespace cwts::compliance {

http_poster::http_poster(const outbox_config& cfg) : cfg_(cfg) {
  auto host_header = cfg.to.host + ":" + std::to_string(cfg.to.port);
  client_ = std::make_unique<connector::http_client>(
    connector::make_http_transport(cfg.to.host, cfg.to.port, cfg.to.tls, cfg.ca_file), host_header,
    cfg.request_timeout);
}

http_poster::~http_poster() = default;

attempt_result http_poster::post(const outbox_entry& e) {
  connector::http_request req;
  req.method = boost::beast::http::verb::post;
  req.target = cfg_.to.target;
  req.body = e.body;
  req.headers = {{"Content-Type", "application/json"},
                 {idempotency_header, e.key},
                 {signature_header, e.signature},
                 {key_id_header, e.key_id}};
  // A POST is never resent by the client itself: the outbox decides, and
  // the receiver dedupes by the idempotency key.
  req.idempotent = false;
  auto out = client_->send(req);
  attempt_result r;
  if (!out) {
    // The answer's size is bounded below Beast's own limits too (8 KiB of
    // header, 8 MiB of body): beyond them the read fails as a protocol error.
    r.reason = connector::to_string(out.error().failure);
    r.detail = out.error().detail;
    return r;
  }
  const auto& reply = out.value();
  if (reply.status < 200 || reply.status > 299) {
    r.reason = reply.status >= 500 ? "http_5xx" : reply.status >= 400 ? "http_4xx" : "http_other";
    r.detail = "status " + std::to_string(reply.status);
    return r;
  }
  // A 2xx means stored: resending it forever because its body is large
  // would flood the receiver, so it is an ack, counted apart.
  r.oversized = reply.body.size() > cfg_.max_answer_bytes;
  r.acknowledged = true;
  return r;
}

uint64_t http_poster::stale_connections() const {
  return client_->stale_connections();
}

} // namespace cwts::compliance
