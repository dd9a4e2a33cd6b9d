#include "actors/connector/http_endpoint.hpp"

namespace cwts::connector {

std::optional<http_endpoint> parse_http_endpoint(const std::string& url, std::string& error) {
  http_endpoint e;
  std::string rest;
  if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else if (url.rfind("https://", 0) == 0) {
    e.tls = true;
    rest = url.substr(8);
  } else {
    error = "'" + url + "' is not an http:// or https:// URL";
    return std::nullopt;
  }
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  e.target = slash == std::string::npos ? "/" : rest.substr(slash);
  if (authority.find('@') != std::string::npos) {
    error = "'" + url + "': user information in the URL is not supported";
    return std::nullopt;
  }
  // The transports resolve host names and IPv4 literals; "[::1]" would
  // pass here and fail only at the first POST.
  if (!authority.empty() && authority.front() == '[') {
    error = "'" + url + "': IPv6 literals are not supported (use a host name or IPv4)";
    return std::nullopt;
  }
  auto colon = authority.rfind(':');
  e.host = authority.substr(0, colon);
  int64_t port = e.tls ? 443 : 80;
  if (colon != std::string::npos) {
    auto p = authority.substr(colon + 1);
    if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos) {
      error = "'" + url + "': the port must be a number 1..65535";
      return std::nullopt;
    }
    port = std::stoll(p);
  }
  if (e.host.empty() || port < 1 || port > 65535) {
    error = "'" + url + "': a host and a port 1..65535 are required";
    return std::nullopt;
  }
  if (e.target.find_first_of(" \r\n") != std::string::npos) {
    error = "'" + url + "': the path holds a space or a line break";
    return std::nullopt;
  }
  e.port = static_cast<uint16_t>(port);
  return e;
}

} // namespace cwts::connector
