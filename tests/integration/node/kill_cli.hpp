#pragma once
// `cwts reset` and `cwts audit-verify` from the kill tests, with their output
// parsed. Use inside a CAF_TEST.

#include <map>
#include <string>
#include <vector>

#include "tests/integration/support/cluster.hpp"

namespace cwts::itest {

struct reset_view {
  command_result raw;
  std::map<std::string, std::string> head;              // reset <id> origin= nodes= quorum=
  std::vector<std::map<std::string, std::string>> votes; // one per "  vote" line
  std::string resumed = "<absent>";
};

// Signed as the demo operator alice unless `args` name --operator/--key-file.
inline reset_view run_reset(const cluster_paths& paths, const std::string& dir, uint16_t port,
                            std::vector<std::string> args) {
  bool signer_given = false;
  for (auto& a : args)
    signer_given = signer_given || a.rfind("--operator=", 0) == 0;
  if (!signer_given) {
    args.push_back("--operator=alice");
    args.push_back("--key-file=" + paths.operator_key("alice"));
  }
  std::vector<std::string> argv{paths.cli_bin, "reset", "--node=127.0.0.1:" + std::to_string(port)};
  argv.insert(argv.end(), args.begin(), args.end());
  reset_view v;
  v.raw = run_command("reset", std::move(argv), dir, millis{30000});
  for (auto& line : split_lines(v.raw.out)) {
    if (line.rfind("reset ", 0) == 0)
      v.head = parse_fields(line.substr(6));
    else if (line.rfind("  vote ", 0) == 0)
      v.votes.push_back(parse_fields(line.substr(7)));
    else if (line.rfind("resumed=", 0) == 0)
      v.resumed = parse_fields(line)["resumed"];
  }
  return v;
}

inline command_result run_audit_verify(const cluster_paths& paths, const std::string& dir,
                                       const std::string& file) {
  return run_command("audit-verify", {paths.cli_bin, "audit-verify", "--file=" + file}, dir,
                     millis{10000});
}

// The vote of `node` in a reset, or an empty map.
inline std::map<std::string, std::string> vote_of(const reset_view& r, const std::string& node) {
  for (auto& v : r.votes) {
    auto n = v.find("node");
    if (n != v.end() && n->second == node)
      return v;
  }
  return {};
}

} // namespace cwts::itest
