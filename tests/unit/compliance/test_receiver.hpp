#pragma once
// A compliance receiver for the tests (docs/kill-switch.md "Compliance
// channel"): HTTP/1.1 (or HTTPS) on 127.0.0.1 that acknowledges (200), refuses (500),
// hangs (reads the request, never answers), answers oversized (200 with a
// body past the outbox's bound) or malformed (bytes that are not HTTP), as
// set at any time. It records every request it read with whether its
// signature verified against the node's public key, and counts the ones it
// acknowledged: no dedup, so a notification sent twice is counted twice.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cwts::compliance_test {

// double_ack: two 200 answers in one write to the next request, then refuse
// (an extra answer must never acknowledge the next entry); interim: a
// "100 Continue" then the 200 in one write.
enum class receiver_mode { acknowledge, refuse, hang, oversized, malformed, double_ack, interim };

struct received {
  std::string target;
  std::string key;       // Idempotency-Key
  std::string key_id;    // X-CWTS-Key-Id
  std::string signature; // X-CWTS-Signature
  std::string content_type;
  std::string body;
  bool verified = false;
  bool acknowledged = false;
};

class test_receiver {
public:
  // `public_key`: the node key's 32 raw bytes (empty: nothing verifies).
  explicit test_receiver(std::vector<uint8_t> public_key);
  ~test_receiver();

  // Listens on 127.0.0.1:`port` (0: a free one); the port, or 0 on failure.
  uint16_t start(uint16_t port = 0);
  // The same over TLS with this certificate chain and key (PEM files).
  uint16_t start_tls(uint16_t port, const std::string& cert_file, const std::string& key_file);
  // Closes the listener and every connection (a hung one too): connects
  // are refused until start() again.
  void stop();
  void set_mode(receiver_mode m);

  uint16_t port() const { return port_; }
  std::vector<received> requests() const;
  size_t acknowledged() const;
  size_t hung() const;

  struct impl; // asio state, one io_context thread

private:
  std::vector<uint8_t> public_key_;
  std::shared_ptr<impl> impl_;
  std::shared_ptr<void> tls_; // the server context start_tls hands to start
  uint16_t port_ = 0;
};

} // namespace cwts::compliance_test
