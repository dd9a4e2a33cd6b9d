#pragma once
// Line parsing shared by the audit chain's verifier (audit_chain.cpp) and
// its writer (audit_log.cpp), and by readers of files in the chain's format
// (reporting/archive's manifest). CAF-free.

#include <cstdint>
#include <string>
#include <vector>

namespace cwts::audit_detail {

struct parsed_line {
  bool ok = false;
  uint64_t seq = 0;
  std::string prev;
  std::string hash;
  std::string record;
  std::string signature; // hex, "-" or empty (a line from before signing)
};

// `<seq> TAB <prev> TAB <hash> TAB <record> [TAB <signature>]`; ok=false
// when it is not that.
parsed_line parse_line(const std::string& line);
// The lines of `text` without their newlines; `unterminated` when the last
// one had none.
std::vector<std::string> split_lines(const std::string& text, bool& unterminated);
// fsync of the folder holding `path`, so a rename, link or unlink in it is
// durable (the audit log's rotation, the archive's copies and prunes).
bool sync_parent_dir(const std::string& path);

} // namespace cwts::audit_detail
