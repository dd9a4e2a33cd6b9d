#include "common/node_kill.hpp"

namespace cwts {

kill_command make_node_kill(const node_kill_signer& signer, kill_level level,
                            const std::string& source, const std::string& kind,
                            const std::string& reason) {
  auto now = wall_clock_now();
  kill_id id{source + "-" + signer.self.value + "-" + kind + "-" + std::to_string(now.ns)};
  kill_command cmd{id,          level, kill_scope::node, signer.self.value, signer.issuer,
                   signer.self, reason, now,           {},                signer.cluster};
  if (signer.key)
    cmd.signature = signer.key->sign(signing_payload(cmd));
  return cmd;
}

} // namespace cwts
