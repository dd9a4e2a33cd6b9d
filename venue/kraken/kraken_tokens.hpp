#pragma once
// WebSocket authentication tokens (Kraken REST GetWebSocketsToken): a token
// names the account that asked for it; "The token should be used within 15
// minutes of creation" (expires: 900 s), but "does not expire once a
// successful WebSockets connection and private subscription has been made
// and is maintained": the WebSocket side binds a connection to the token
// of its first successful authorisation (kraken::ws_state::token) and asks
// this store only about other tokens, so expiry and eviction here never
// end a live connection's session.
//
// For the WebSocket v2 side: kraken_rest_api::tokens()
//   .account_of_token(token, now_ms) -> the account, or nullopt for an
//   unknown, expired or evicted token (answered as Kraken does:
//   "ESession:Invalid session").
//
// Tokens are 32 random bytes (OpenSSL RAND_bytes) in base64 without
// padding, as Kraken's look. Bounded: at most max_per_account live tokens
// per account (a new one drops the oldest), so the store is bounded by the
// key store.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>

namespace cwts::venue {

inline constexpr int64_t kraken_token_lifetime_s = 900;

class kraken_tokens {
public:
  static constexpr size_t max_per_account = 16;

  struct issued {
    std::string token;
    int64_t expires_s = kraken_token_lifetime_s;
  };
  // A new token for the account.
  issued issue(const std::string& account, int64_t now_ms);
  std::optional<std::string> account_of_token(const std::string& token, int64_t now_ms) const;
  size_t size() const { return tokens_.size(); }

private:
  struct entry {
    std::string account;
    int64_t expires_ms = 0;
  };
  void drop_expired(int64_t now_ms);

  std::map<std::string, entry> tokens_;
  std::map<std::string, std::deque<std::string>> by_account_; // oldest first
};

} // namespace cwts::venue
