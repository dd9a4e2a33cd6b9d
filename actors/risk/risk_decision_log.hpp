#pragma once
// Durable risk decisions (issue 5: a tripped execution throttle "stays tripped
// until an operator re-enables it", and operator-changed limits hold until an
// operator changes them again). Both must survive a process crash, not only
// a restart of the risk actor. An append-only text file, one record per line,
// fsynced at each append (these are rare: trips and operator commands):
//
//   trip<TAB>strategy<TAB>ts_ns
//   reenable<TAB>strategy<TAB>command id<TAB>issuer<TAB>ts_ns
//   limit<TAB>target<TAB>field<TAB>value<TAB>command id<TAB>issuer<TAB>ts_ns
//
// (ts_ns: wall clock, ns since the epoch, when the decision was applied;
// reenable and limit lines from before it was recorded lack it and read 0.)
//
// CAF-free; the risk actor appends after applying and replays at start.

#include <cstdint>
#include <string>
#include <vector>

namespace cwts::risk {

struct risk_decision {
  enum class kind : uint8_t { trip, reenable, limit };
  kind what = kind::trip;
  std::string strategy_or_target;
  std::string field; // limit only
  std::string value; // limit only
  std::string command; // reenable, limit
  std::string issuer;  // reenable, limit
  int64_t ts_ns = 0;   // when applied (0: not recorded, older lines)
};

class risk_decision_log {
public:
  // Opens (creating) the file for appends; false and `error` on failure.
  bool open(const std::string& path, std::string& error);
  bool is_open() const { return fd_ >= 0; }
  ~risk_decision_log();

  // Appends one record and fsyncs; false and `error` on failure. Fields with
  // a tab or a line break are refused (they would break the format).
  bool append(const risk_decision& d, std::string& error);

  // Every record of `path` in order; a missing file is an empty log. False
  // and `error` (with the line number) on a line that does not parse.
  static bool read(const std::string& path, std::vector<risk_decision>& out, std::string& error);

private:
  int fd_ = -1;
};

} // namespace cwts::risk
