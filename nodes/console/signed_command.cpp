#include "nodes/console/signed_command.hpp"

#include <cstdio>
#include <random>
#include <stdexcept>

#include <rapidjson/document.h>

#include "actors/kill/kill_auth.hpp"
#include "actors/kill/kill_switch.hpp"
#include "nodes/admin/operator_api.hpp"

namespace cwts::console {

std::string new_command_id(const std::string& prefix) {
  std::random_device rd;
  std::mt19937_64 gen{(static_cast<uint64_t>(rd()) << 32) ^ rd()};
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(gen()));
  return prefix + buf;
}

std::optional<command_target> fetch_target(const admin_client& node, std::string& error) {
  auto r = node.get("/api/nodes");
  if (!r.ok()) {
    error = "GET /api/nodes: " + r.error_text();
    return std::nullopt;
  }
  rapidjson::Document doc;
  doc.Parse(r.body.c_str(), r.body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("trading_state")
      || !doc["trading_state"].IsObject()) {
    error = "GET /api/nodes: no trading_state in the answer";
    return std::nullopt;
  }
  const auto& t = doc["trading_state"];
  if (!t.HasMember("cluster") || !t["cluster"].IsString() || !t.HasMember("epoch")
      || !t["epoch"].IsInt64() || !t.HasMember("cause") || !t["cause"].IsString()) {
    error = "GET /api/nodes: trading_state lacks cluster, epoch or cause";
    return std::nullopt;
  }
  return command_target{t["cluster"].GetString(), t["epoch"].GetInt64(), t["cause"].GetString()};
}

kill_command signed_kill(const std::string& operator_name, const ed25519_signer& key,
                         kill_level level, kill_scope scope, const std::string& scope_value,
                         const std::string& reason, const command_target& target) {
  kill_command cmd;
  cmd.cluster = target.cluster;
  cmd.id = kill_id{new_command_id("k-")};
  cmd.level = level;
  cmd.scope = scope;
  cmd.scope_value = scope_value;
  cmd.issuer = operator_id{operator_name};
  cmd.reason = reason;
  cmd.issued_at = wall_clock_now();
  // A kill every node would refuse (a field over messages/kill.hpp
  // kill_limits, a scope the level cannot take) is never signed: the
  // operator hears why at once instead of a refusal from each node. Throws
  // std::invalid_argument with the node's own reason.
  if (auto why = kill_switch::check_fields(cmd))
    throw std::invalid_argument("refused before signing: " + *why);
  sign(cmd, key);
  return cmd;
}

reset_command signed_reset(const std::string& operator_name, const ed25519_signer& key,
                           const std::string& reason, const command_target& target) {
  reset_command cmd;
  cmd.cluster = target.cluster;
  cmd.epoch = target.epoch + 1;
  cmd.halt_cause = kill_id{target.halt_cause};
  cmd.id = kill_id{new_command_id("r-")};
  cmd.issuer = operator_id{operator_name};
  cmd.reason = reason;
  cmd.issued_at = wall_clock_now();
  sign(cmd, key);
  return cmd;
}

std::string kill_body(const std::string& operator_name, const ed25519_signer& key, kill_level level,
                      kill_scope scope, const std::string& scope_value, const std::string& reason,
                      const command_target& target) {
  return admin::to_json(signed_kill(operator_name, key, level, scope, scope_value, reason, target));
}

std::string reset_body(const std::string& operator_name, const ed25519_signer& key,
                       const std::string& reason, const command_target& target) {
  return admin::to_json(signed_reset(operator_name, key, reason, target));
}

std::optional<kill_level> parse_kill_level(const std::string& text) {
  if (text == "1" || text == "halt")
    return kill_level::halt_new_orders;
  if (text == "2" || text == "cancel-all")
    return kill_level::cancel_all;
  if (text == "3" || text == "flatten")
    return kill_level::flatten;
  if (text == "4" || text == "full-stop")
    return kill_level::full_stop;
  return std::nullopt;
}

std::optional<kill_scope> parse_kill_scope(const std::string& text) {
  for (auto s : {kill_scope::cluster, kill_scope::node, kill_scope::strategy, kill_scope::symbol,
                 kill_scope::account})
    if (text == to_string(s))
      return s;
  return std::nullopt;
}

} // namespace cwts::console
