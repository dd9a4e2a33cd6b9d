#pragma once
// One FIX application message as tag=value pairs, free of QuickFIX and of
// anything past C++14: the QuickFIX translation unit (fix_engine.cpp, built
// as C++14) includes it, and the codecs (C++17) build and read these. The
// header and trailer (BeginString, SenderCompID, sequence numbers, checksum)
// belong to the session layer; only MsgType and PossDupFlag are shown here.

#include <string>
#include <utility>
#include <vector>

namespace cwts {
namespace fix {

struct fix_message {
  std::string type;                                 // MsgType (35)
  std::vector<std::pair<int, std::string>> fields;  // body fields, no groups
  bool poss_dup = false;                            // PossDupFlag (43=Y): a resent message
  int seq_num = 0;                                  // MsgSeqNum (34); 0 when not yet sent

  // Sets `tag` (replacing an earlier value).
  fix_message& set(int tag, std::string value) {
    for (auto& f : fields)
      if (f.first == tag) {
        f.second = std::move(value);
        return *this;
      }
    fields.emplace_back(tag, std::move(value));
    return *this;
  }
  // Null when absent.
  const std::string* find(int tag) const {
    for (auto& f : fields)
      if (f.first == tag)
        return &f.second;
    return nullptr;
  }
  // Empty when absent.
  std::string get(int tag) const {
    auto* v = find(tag);
    return v ? *v : std::string();
  }
};

} // namespace fix
} // namespace cwts
