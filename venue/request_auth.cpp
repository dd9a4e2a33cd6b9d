#include "venue/request_auth.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "common/hmac.hpp"

namespace cwts::venue {

namespace {

// Removes "signature=<v>" (and the '&' joining it) from one source.
bool strip_signature(std::string_view text, std::string& rest, std::string& signature) {
  size_t pos = 0;
  while (pos <= text.size()) {
    auto amp = text.find('&', pos);
    auto end = amp == std::string_view::npos ? text.size() : amp;
    auto part = text.substr(pos, end - pos);
    if (part.substr(0, 10) == "signature=") {
      signature = std::string(part.substr(10));
      auto before = text.substr(0, pos == 0 ? 0 : pos - 1);
      auto after = end < text.size() ? text.substr(end + 1) : std::string_view{};
      rest = std::string(before);
      if (!before.empty() && !after.empty()) rest += '&';
      rest += after;
      return true;
    }
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  rest = std::string(text);
  return false;
}

std::optional<int64_t> parse_ms(const std::string* text) {
  if (!text || text->empty()) return std::nullopt;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || p != text->data() + text->size()) return std::nullopt;
  return v;
}

std::optional<venue_error> check_timestamp(const request_params& params, int64_t now_ms) {
  auto ts = parse_ms(params.get("timestamp"));
  if (!ts) return missing_param("timestamp");
  int64_t window = 5000;
  if (auto rw = params.get("recvWindow")) {
    auto v = parse_ms(rw);
    if (!v || *v <= 0) return illegal_param("recvWindow", "^[0-9]{1,5}$");
    // errors.md -1131 BAD_RECV_WINDOW.
    if (*v > 60000) return venue_error{-1131, "recvWindow must be less than 60000", 400};
    window = *v;
  }
  if (*ts >= now_ms + 1000)
    return venue_error{-1021, "Timestamp for this request was 1000ms ahead of the server's time.",
                       400};
  if (now_ms - *ts > window)
    return venue_error{-1021, "Timestamp for this request is outside of the recvWindow.", 400};
  return std::nullopt;
}

} // namespace

std::vector<const api_account*> key_store::accounts() const {
  std::vector<const api_account*> out;
  for (auto& [key, a] : by_key_)
    out.push_back(&a);
  return out;
}

bool key_store::add(api_account account) {
  auto key = account.api_key;
  return by_key_.emplace(std::move(key), std::move(account)).second;
}

const api_account* key_store::find(std::string_view api_key) const {
  auto it = by_key_.find(std::string(api_key));
  return it == by_key_.end() ? nullptr : &it->second;
}

bool api_key_format_ok(std::string_view key) {
  if (key.empty() || key.size() > 128) return false;
  for (char c : key)
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  return true;
}

std::optional<std::string> signed_payload(std::string_view query, std::string_view body,
                                          std::string& signature) {
  std::string q, b;
  bool in_query = strip_signature(query, q, signature);
  bool in_body = !in_query && strip_signature(body, b, signature);
  if (!in_query && !in_body) return std::nullopt;
  return (in_query ? q : std::string(query)) + (in_body ? b : std::string(body));
}

std::optional<venue_error> check_api_key(const key_store& keys,
                                         std::optional<std::string_view> api_key) {
  // errors.md -2014 BAD_API_KEY_FMT / -2015 REJECTED_MBX_KEY; Binance sends
  // both with HTTP 401.
  if (!api_key || !api_key_format_ok(*api_key))
    return venue_error{-2014, "API-key format invalid.", 401};
  if (!keys.find(*api_key))
    return venue_error{-2015, "Invalid API-key, IP, or permissions for action.", 401};
  return std::nullopt;
}

std::variant<std::string, venue_error>
verify_signed(const key_store& keys, std::optional<std::string_view> api_key,
              std::string_view payload, std::optional<std::string> signature,
              const request_params& params, int64_t now_ms) {
  if (auto e = check_api_key(keys, api_key)) return *e;
  auto account = keys.find(*api_key);
  if (!signature || signature->empty()) return missing_param("signature");
  if (auto err = check_timestamp(params, now_ms)) return *err;
  // "signature is not case sensitive": compare in lower case.
  auto sig = *signature;
  for (auto& c : sig)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!signatures_equal(hmac_sha256_hex(account->secret, payload), sig))
    return venue_error{-1022, "Signature for this request is not valid.", 400};
  return account->name;
}

std::variant<std::string, venue_error>
authenticate(const key_store& keys, std::optional<std::string_view> api_key,
             std::string_view query, std::string_view body, const request_params& params,
             int64_t now_ms) {
  std::string signature;
  auto payload = signed_payload(query, body, signature);
  std::optional<std::string> sent;
  if (payload) sent = signature;
  return verify_signed(keys, api_key, payload ? *payload : std::string{}, sent, params, now_ms);
}

std::string ws_signature_payload(const request_params& params) {
  std::vector<const std::pair<std::string, std::string>*> sorted;
  for (auto& item : params.items())
    if (item.first != "signature") sorted.push_back(&item);
  std::sort(sorted.begin(), sorted.end(),
            [](auto* a, auto* b) { return a->first < b->first; });
  std::string out;
  for (auto* item : sorted) {
    if (!out.empty()) out += '&';
    out += item->first + '=' + item->second;
  }
  return out;
}

} // namespace cwts::venue
