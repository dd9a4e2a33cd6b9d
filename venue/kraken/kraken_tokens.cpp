#include "venue/kraken/kraken_tokens.hpp"

#include <openssl/rand.h>

#include <stdexcept>

#include "common/base64.hpp"

namespace cwts::venue {

namespace {

std::string random_token() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1)
    throw std::runtime_error("kraken tokens: RAND_bytes failed");
  auto out = base64_encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

} // namespace

void kraken_tokens::drop_expired(int64_t now_ms) {
  for (auto it = by_account_.begin(); it != by_account_.end();) {
    auto& q = it->second;
    while (!q.empty()) {
      auto t = tokens_.find(q.front());
      if (t != tokens_.end() && t->second.expires_ms > now_ms) break;
      if (t != tokens_.end()) tokens_.erase(t);
      q.pop_front();
    }
    it = q.empty() ? by_account_.erase(it) : std::next(it);
  }
}

kraken_tokens::issued kraken_tokens::issue(const std::string& account, int64_t now_ms) {
  drop_expired(now_ms);
  issued out;
  out.token = random_token();
  tokens_[out.token] = entry{account, now_ms + kraken_token_lifetime_s * 1000};
  auto& q = by_account_[account];
  q.push_back(out.token);
  while (q.size() > max_per_account) {
    tokens_.erase(q.front());
    q.pop_front();
  }
  return out;
}

std::optional<std::string> kraken_tokens::account_of_token(const std::string& token,
                                                           int64_t now_ms) const {
  auto it = tokens_.find(token);
  if (it == tokens_.end() || it->second.expires_ms <= now_ms) return std::nullopt;
  return it->second.account;
}

} // namespace cwts::venue
