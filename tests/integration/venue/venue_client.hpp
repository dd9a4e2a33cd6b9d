#pragma once
// What the venue integration tests share: a real cwts-venue process on
// --port 0 (its port read from the "listening" line) and a Binance-style
// REST client signing with the demo account's key. Include it after
// caf/test/unit_test.hpp (it checks with CAF_REQUIRE).

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <csignal>
#include <cstdio>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "common/hmac.hpp"
#include "tests/integration/support/venue_child.hpp"

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

const std::string api_key = "cwtsDemoKeyAlpha0000000000000000000000000000000000000000000001";
const std::string secret = "cwtsDemoSecretAlpha000000000000000000000000000000000000000000001";

// The venue on --port 0 for this test, refusing to go on without it.
struct venue_process : cwts::itest::venue_child {
  // `extra`: more command-line options (e.g. --tls-cert F --tls-key F).
  venue_process(const std::string& binary, const std::string& config,
                const char* speed = "2000", const std::vector<std::string>& extra = {})
    : venue_child(binary, arguments(config, speed, extra)) {
    CAF_REQUIRE_EQUAL(error, "");
    CAF_REQUIRE(listening_line.rfind("cwts-venue listening host=127.0.0.1 port=", 0) == 0);
    CAF_REQUIRE(port > 0);
  }

  static std::vector<std::string> arguments(const std::string& config, const char* speed,
                                            const std::vector<std::string>& extra) {
    std::vector<std::string> args{"--config", config, "--port", "0",
                                  "--speed", speed, "--duration", "50"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
};

// `config` (config/venue.ini) copied to a temporary file with its `data` and
// `keys-file` paths made absolute, the keys in `set` given new values and
// `append` (more sections) added at the end; the copy's path.
inline std::string venue_config_copy(const std::string& config,
                                     const std::map<std::string, std::string>& set = {},
                                     const std::string& append = {}) {
  char full[PATH_MAX] = {0};
  CAF_REQUIRE(realpath(config.c_str(), full) != nullptr);
  std::string absolute = full;
  auto dir = absolute.substr(0, absolute.rfind('/'));
  std::ifstream in(absolute);
  std::ostringstream out;
  std::string line;
  while (std::getline(in, line)) {
    auto key = line.substr(0, line.find(' '));
    if (auto value = set.find(key); value != set.end())
      line = key + " = " + value->second;
    else if (key == "data" || key == "keys-file")
      line = key + " = " + dir + "/" + line.substr(line.find('=') + 2);
    out << line << "\n";
  }
  out << append;
  char path[] = "/tmp/cwts-venue-config-XXXXXX";
  int fd = mkstemp(path);
  CAF_REQUIRE(fd >= 0);
  auto text = out.str();
  CAF_REQUIRE(write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  close(fd);
  return path;
}

inline int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

struct reply {
  int status = 0;
  std::string body;
  std::string used_weight; // X-MBX-USED-WEIGHT-1M
  std::string order_count_10s, order_count_1d; // X-MBX-ORDER-COUNT-10S / -1D
};

inline reply request(int port, http::verb verb, const std::string& target, bool with_key = false) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)));
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (with_key) req.set("X-MBX-APIKEY", api_key);
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(stream, buf, res);
  auto header = [&res](const char* name) {
    auto it = res.find(name);
    return it == res.end() ? std::string() : std::string(it->value());
  };
  return {static_cast<int>(res.result_int()), res.body(), header("X-MBX-USED-WEIGHT-1M"),
          header("X-MBX-ORDER-COUNT-10S"), header("X-MBX-ORDER-COUNT-1D")};
}

// Binance SIGNED request: signature = HMAC-SHA256(secret, totalParams).
inline reply signed_request(int port, http::verb verb, const std::string& path, std::string params,
                     bool corrupt = false) {
  params += "&timestamp=" + std::to_string(now_ms());
  auto sig = cwts::hmac_sha256_hex(secret, params);
  if (corrupt) sig[0] = sig[0] == '0' ? '1' : '0';
  return request(port, verb, path + "?" + params + "&signature=" + sig, true);
}

inline bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// The integer after "key": in a flat JSON text (-1 when absent).
inline int64_t int_field(const std::string& s, const std::string& key) {
  auto at = s.find("\"" + key + "\":");
  if (at == std::string::npos) return -1;
  return std::stoll(s.substr(at + key.size() + 3));
}

} // namespace
