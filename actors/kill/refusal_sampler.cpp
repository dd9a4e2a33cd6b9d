#include "actors/kill/refusal_sampler.hpp"

#include <cctype>

namespace cwts {

std::string refusal_class(const std::string& reason) {
  std::string out;
  for (char c : reason) {
    if (c == '\'' || c == '"' || c == ':' || c == '(' || std::isdigit(static_cast<unsigned char>(c)))
      break;
    out += c;
    if (out.size() == 48)
      break;
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == ','))
    out.pop_back();
  return out.empty() ? "unspecified" : out;
}

std::vector<refusal_summary> refusal_sampler::roll(int64_t now_ns) {
  std::vector<refusal_summary> out;
  if (window_start_ >= 0 && now_ns < window_start_ + cfg_.window_ns)
    return out;
  for (auto& [reason, t] : tallies_)
    if (t.seen > t.written)
      out.push_back(refusal_summary{reason, t.seen, t.written, window_start_, now_ns});
  tallies_.clear();
  suppressed_in_window_ = 0;
  window_start_ = now_ns;
  return out;
}

bool refusal_sampler::admit(const std::string& reason, int64_t now_ns) {
  if (window_start_ < 0)
    window_start_ = now_ns;
  auto key = refusal_class(reason);
  if (!tallies_.count(key) && tallies_.size() >= cfg_.max_reasons)
    key = "other";
  auto& t = tallies_[key];
  ++t.seen;
  ++total_seen_;
  if (t.written < cfg_.per_reason) {
    ++t.written;
    return true;
  }
  ++total_suppressed_;
  ++suppressed_in_window_;
  return false;
}

} // namespace cwts
