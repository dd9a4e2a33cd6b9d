#include "actors/oms/journal_ship_takeover.hpp"

namespace cwts::oms {

takeover_verdict judge_takeover(const takeover_view& v) {
  takeover_verdict out;
  auto add = [&](const std::string& what) {
    out.agree = false;
    out.difference += (out.difference.empty() ? "" : "; ") + what;
  };
  if (!v.replica_incomplete.empty())
    add("replica of " + v.from + " incomplete: " + v.replica_incomplete);
  for (auto& c : v.contradictions)
    add("orders: " + c);
  if (v.positions == nullptr)
    add("positions: no journal to check the venue against");
  else if (!v.positions->explained())
    add("positions: " + v.positions->summary());
  return out;
}

} // namespace cwts::oms
