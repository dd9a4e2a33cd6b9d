#include "actors/connector/okx/okx_signer.hpp"

#include <cstdio>
#include <ctime>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/base64.hpp"

namespace cwts::connector::okx {

std::string iso8601_ms(int64_t unix_ms) {
  // Floor division: a time before 1970 still gets a 0..999 fraction.
  int64_t secs = unix_ms >= 0 ? unix_ms / 1000 : -((-unix_ms + 999) / 1000);
  auto millis = static_cast<int>(unix_ms - secs * 1000);
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96]; // room for any int year the compiler can imagine
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

std::string okx_sign(std::string_view secret, std::string_view prehash) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(prehash.data()), prehash.size(), digest, &len);
  return base64_encode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

std::vector<std::pair<std::string, std::string>>
signed_headers(const okx_credentials& c, int64_t unix_ms, std::string_view method,
               std::string_view path, std::string_view body) {
  auto ts = iso8601_ms(unix_ms);
  std::string prehash;
  prehash.reserve(ts.size() + method.size() + path.size() + body.size());
  prehash.append(ts).append(method).append(path).append(body);
  return {{"OK-ACCESS-KEY", c.api_key},
          {"OK-ACCESS-SIGN", okx_sign(c.secret, prehash)},
          {"OK-ACCESS-TIMESTAMP", ts},
          {"OK-ACCESS-PASSPHRASE", c.passphrase}};
}

std::string login_request(const okx_credentials& c, int64_t unix_s) {
  auto ts = std::to_string(unix_s);
  auto sign = okx_sign(c.secret, ts + "GET/users/self/verify");
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("op");
  w.String("login");
  w.Key("args");
  w.StartArray();
  w.StartObject();
  w.Key("apiKey");
  w.String(c.api_key.c_str());
  w.Key("passphrase");
  w.String(c.passphrase.c_str());
  w.Key("timestamp");
  w.String(ts.c_str());
  w.Key("sign");
  w.String(sign.c_str());
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

} // namespace cwts::connector::okx
