#pragma once
// Where an HTTP client posts: the kill's compliance receiver, the trace
// collector. Parsed from a URL in a node's config, refused with a reason.

#include <cstdint>
#include <optional>
#include <string>

namespace cwts::connector {

// http://host:port/path or https://host:port/path (the port defaults to 80 / 443).
struct http_endpoint {
  bool tls = false;
  std::string host;
  uint16_t port = 0;
  std::string target = "/";
};

// nullopt with `error` (why) when `url` is not one of those forms.
std::optional<http_endpoint> parse_http_endpoint(const std::string& url, std::string& error);

} // namespace cwts::connector
