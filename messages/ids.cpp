#include "messages/ids.hpp"

namespace cwts {

bool is_valid_client_order_id(const std::string& id) {
  if (id.empty() || id.size() > 36)
    return false;
  for (char c : id) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
              || c == '.' || c == ':' || c == '/' || c == '_' || c == '-';
    if (!ok)
      return false;
  }
  return true;
}

bool is_valid_venue_name(const std::string& id) {
  if (id.empty() || id.size() > 15)
    return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
      return false;
  return true;
}

} // namespace cwts
