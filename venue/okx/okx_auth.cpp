#include "venue/okx/okx_auth.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <ctime>

#include "common/base64.hpp"
#include "common/hmac.hpp"

namespace cwts::venue {

namespace {

bool digits(std::string_view s, size_t from, size_t n, int& out) {
  out = 0;
  for (size_t i = from; i < from + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil), so no time zone or locale is involved.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

} // namespace

std::string okx_sign(std::string_view secret, std::string_view prehash) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(prehash.data()), prehash.size(), digest, &len);
  return base64_encode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

std::string okx_iso_time(int64_t unix_ms) {
  auto secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(unix_ms % 1000));
  return buf;
}

std::optional<int64_t> parse_okx_iso_time(std::string_view s) {
  // 2020-12-08T09:08:57.715Z
  if (s.size() != 24 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':'
      || s[16] != ':' || s[19] != '.' || s[23] != 'Z')
    return std::nullopt;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0, ms = 0;
  if (!digits(s, 0, 4, y) || !digits(s, 5, 2, mo) || !digits(s, 8, 2, d) || !digits(s, 11, 2, h)
      || !digits(s, 14, 2, mi) || !digits(s, 17, 2, se) || !digits(s, 20, 3, ms))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) return std::nullopt;
  auto days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return ((days * 24 + h) * 60 + mi) * 60'000 + se * 1000 + ms;
}

bool okx_passphrase_ok(const api_account& a, std::string_view passphrase) {
  return !a.passphrase.empty() && signatures_equal(a.passphrase, passphrase);
}

std::variant<const api_account*, okx_error>
okx_verify(const key_store& keys, const okx_credentials& c, std::string_view method,
           std::string_view request_path, std::string_view body, int64_t now_ms) {
  auto header_empty = [](int code, const char* name) {
    return okx_error{code, std::string("Request header ") + name + " can not be empty.", 401};
  };
  if (!c.key || c.key->empty()) return header_empty(okx_code::key_empty, "OK-ACCESS-KEY");
  if (!c.passphrase || c.passphrase->empty())
    return header_empty(okx_code::passphrase_empty, "OK-ACCESS-PASSPHRASE");
  if (!c.sign || c.sign->empty()) return header_empty(okx_code::sign_empty, "OK-ACCESS-SIGN");
  if (!c.timestamp || c.timestamp->empty())
    return header_empty(okx_code::timestamp_empty, "OK-ACCESS-TIMESTAMP");
  const api_account* account = keys.find(*c.key);
  if (!account) return okx_error{okx_code::key_invalid, "Invalid OK-ACCESS-KEY.", 401};
  auto ts = parse_okx_iso_time(*c.timestamp);
  if (!ts) return okx_error{okx_code::timestamp_invalid, "Invalid OK-ACCESS-TIMESTAMP.", 401};
  if (*ts > now_ms + okx_timestamp_window_ms || now_ms - *ts > okx_timestamp_window_ms)
    return okx_error{okx_code::timestamp_expired, "Timestamp request expired.", 401};
  if (!okx_passphrase_ok(*account, *c.passphrase))
    return okx_error{okx_code::passphrase_wrong, "Request header OK-ACCESS-PASSPHRASE incorrect.",
                     401};
  std::string prehash;
  prehash.reserve(c.timestamp->size() + method.size() + request_path.size() + body.size());
  prehash.append(*c.timestamp).append(method).append(request_path).append(body);
  if (!signatures_equal(okx_sign(account->secret, prehash), *c.sign))
    return okx_error{okx_code::sign_invalid, "Invalid Sign.", 401};
  return account;
}

} // namespace cwts::venue
