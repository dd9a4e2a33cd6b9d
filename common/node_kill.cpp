#include "common/node_kill.hpp"

namespace cwts {

kill_command make_node_kill(const node_kill_signer& signer, kill_level level,
                            const std::string& source, const std::string& kind,
                            const std::string& reason) {
  auto now = wall_clock_now();
  kill_id id{source + "-" + signer.self.value + "-" + kind + "-" + std::to_string(now.ns)};
  // A node's own kill must never be refused for its size (a long breach
  // text): the reason is cut to the cap every path holds (kill_limits)
  // before it is signed, never after.
  auto text = reason.substr(0, kill_limits::max_reason);
  kill_command cmd{id,          level, kill_scope::node, signer.self.value, signer.issuer,
                   signer.self, text,  now,           {},                signer.cluster};
  if (signer.key)
    cmd.signature = signer.key->sign(signing_payload(cmd));
  return cmd;
}

} // namespace cwts
