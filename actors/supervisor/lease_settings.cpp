#include "actors/supervisor/lease_settings.hpp"

namespace cwts {

std::string validate_lease_settings(const lease_settings& s) {
  auto range = [](const char* key, int64_t v, int64_t lo, int64_t hi) -> std::string {
    if (v >= lo && v <= hi)
      return "";
    return std::string(key) + ": " + std::to_string(v) + " is outside " + std::to_string(lo) + ".."
           + std::to_string(hi);
  };
  if (auto e = range("lease.duration-ms", s.duration_ms, 100, 60'000); !e.empty())
    return e;
  if (auto e = range("lease.renew-ms", s.renew_ms, 10, 20'000); !e.empty())
    return e;
  if (auto e = range("lease.drift-ppm", s.drift_ppm, 0, 100'000); !e.empty())
    return e;
  // At least three rounds per grant: one lost round must not end the lease.
  if (s.renew_ms * 3 > s.duration_ms)
    return "lease.renew-ms: " + std::to_string(s.renew_ms)
           + " is not well under lease.duration-ms (" + std::to_string(s.duration_ms)
           + "): at most a third of it, so that one lost round does not end the lease";
  return "";
}

std::vector<std::string> lease_roles(const std::vector<std::string>& venues) {
  std::vector<std::string> out{"oms"};
  for (auto& v : venues)
    out.push_back("connector." + v);
  return out;
}

std::set<std::string> leased_among(const std::set<std::string>& roles,
                                   const std::vector<std::string>& leased) {
  std::set<std::string> out;
  for (auto& r : leased)
    if (roles.count(r))
      out.insert(r);
  return out;
}

} // namespace cwts
