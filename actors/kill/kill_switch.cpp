#include "actors/kill/kill_switch.hpp"

#include <algorithm>

#include "actors/kill/kill_auth.hpp"

namespace cwts {

kill_switch::kill_switch(kill_switch_config cfg, kill_gate& gate)
  : cfg_(std::move(cfg)), gate_(gate) {
}

std::optional<std::string> kill_switch::validate(const kill_command& cmd, timestamp_ns now) const {
  if (cmd.id.empty())
    return "missing kill id";
  if (cmd.level == kill_level::none || static_cast<uint8_t>(cmd.level) > 4)
    return "level must be 1..4";
  if (cmd.issuer.empty())
    return "missing issuer";
  if (cmd.reason.empty())
    return "missing reason";
  if (cmd.scope == kill_scope::node && cmd.scope_value.empty())
    return "node scope needs the node name";
  if (to_gate_scope(cmd.scope)) {
    if (cmd.scope_value.empty())
      return std::string(to_string(cmd.scope)) + " scope needs the " + to_string(cmd.scope)
             + " name";
    if (cmd.scope_value.size() > kill_gate::max_scope_value)
      return std::string(to_string(cmd.scope)) + " name longer than "
             + std::to_string(kill_gate::max_scope_value) + " characters";
  }
  if (cmd.scope == kill_scope::cluster && !cmd.scope_value.empty())
    return "cluster scope takes no scope value";
  // DESIGN.md: level 4 is the cluster-wide full stop.
  if (cmd.level == kill_level::full_stop && cmd.scope != kill_scope::cluster)
    return "level 4 (full stop) is cluster-wide: scope must be cluster";
  // Positions are kept per symbol, not per strategy (risk's position book).
  if (cmd.level == kill_level::flatten && cmd.scope == kill_scope::strategy)
    return "level 3 (flatten) cannot be scoped to a strategy: positions are kept per symbol "
           "(flatten the symbol or the account)";
  // Ed25519 over signing_payload, issuer's role, time window (replays
  // outside it); a replay inside it is a kill id seen before.
  if (auto why = authorize(cfg_.operators.get(), cmd, now); !why.empty())
    return why;
  return std::nullopt;
}

kill_decision kill_switch::on_command(const kill_command& cmd, timestamp_ns now) {
  int64_t received = monotonic_ns();
  kill_decision out;
  if (kills_.count(cmd.id.value) > 0) {
    ++duplicates_;
    out.verdict = kill_verdict::duplicate;
    return out;
  }
  if (auto why = validate(cmd, now)) {
    ++rejected_;
    last_rejection_ = *why;
    out.verdict = kill_verdict::rejected;
    out.reason = std::move(*why);
    return out;
  }
  int64_t accepted = monotonic_ns();
  auto accepted_at = wall_clock_now();
  // A strategy, symbol or account halt applies on every node (each closes
  // that scope in its own gate); a node kill only on the node it names.
  auto scoped = to_gate_scope(cmd.scope);
  bool for_this_node = cmd.scope != kill_scope::node || cmd.scope_value == cfg_.self.value;
  std::string note = for_this_node ? "" : "scope does not include this node";
  if (for_this_node && scoped) {
    // Gate first: nothing else happens before the order path sees it closed.
    if (gate_.close_scoped(*scoped, cmd.scope_value, static_cast<uint8_t>(cmd.level))) {
      note_scoped(cmd);
    } else {
      gate_.close(static_cast<uint8_t>(cmd.level));
      note_node_wide(cmd);
      note = "scoped gate table full: closed node-wide";
    }
  } else if (for_this_node) {
    gate_.close(static_cast<uint8_t>(cmd.level));
    note_node_wide(cmd);
  }
  int64_t closed = monotonic_ns();
  ++applied_;
  auto& rec = kills_[cmd.id.value];
  rec.command = cmd;
  rec.received_mono_ns = received;
  rec.last_update_mono_ns = closed;
  out.verdict = kill_verdict::applied;
  out.ack = kill_ack{cmd.id, cfg_.self, for_this_node, accepted - received, closed - accepted,
                     accepted_at, wall_clock_now(), 0, note};
  return out;
}

void kill_switch::note_node_wide(const kill_command& cmd) {
  if (static_cast<uint8_t>(cmd.level) > static_cast<uint8_t>(level_)) {
    level_ = cmd.level;
    cause_ = cmd.id;
    cause_reason_ = cmd.reason;
    since_ = wall_clock_now();
  }
}

void kill_switch::note_scoped(const kill_command& cmd) {
  for (auto& h : scoped_)
    if (h.scope == cmd.scope && h.value == cmd.scope_value) {
      if (static_cast<uint8_t>(cmd.level) > static_cast<uint8_t>(h.level)) {
        h.level = cmd.level;
        h.cause = cmd.id;
      }
      return;
    }
  scoped_.push_back(scoped_halt{cmd.scope, cmd.scope_value, cmd.level, cmd.id});
}

void kill_switch::restore(const halt_state& s) {
  epoch_ = s.epoch;
  apply_halt(s, gate_);
  scoped_ = s.scoped;
  if (!s.halted())
    return;
  level_ = s.level;
  cause_ = s.cause;
  cause_reason_ = s.reason;
  since_ = s.since;
}

halt_state kill_switch::halt() const {
  halt_state s;
  s.level = static_cast<kill_level>(gate_.level());
  if (s.halted()) {
    s.cause = cause_;
    s.reason = cause_reason_;
    s.since = since_;
  }
  s.epoch = epoch_;
  s.scoped = scoped_;
  return s;
}

bool kill_switch::halt_self(kill_level level, const kill_id& cause, const std::string& reason) {
  if (static_cast<uint8_t>(level) <= gate_.level())
    return false;
  gate_.close(static_cast<uint8_t>(level));
  level_ = level;
  cause_ = cause;
  cause_reason_ = reason;
  since_ = wall_clock_now();
  return true;
}

void kill_switch::reopen(const kill_id& reset, const std::string& reason, int64_t epoch) {
  gate_.reopen();
  scoped_.clear();
  level_ = kill_level::none;
  cause_ = reset;
  cause_reason_ = reason;
  since_ = wall_clock_now();
  epoch_ = epoch;
}

bool kill_switch::on_ack(const kill_ack& ack) {
  auto i = kills_.find(ack.id.value);
  if (i == kills_.end())
    return false;
  i->second.acks[ack.node.value] = ack;
  i->second.last_update_mono_ns = monotonic_ns();
  return true;
}

bool kill_switch::on_channel_result(const channel_result& result) {
  auto i = kills_.find(result.id.value);
  if (i == kills_.end())
    return false;
  auto& channels = i->second.channels;
  // A retried channel replaces its earlier result.
  auto same = std::find_if(channels.begin(), channels.end(), [&](const channel_result& c) {
    return c.node == result.node && c.channel == result.channel;
  });
  if (same != channels.end())
    *same = result;
  else
    channels.push_back(result);
  i->second.last_update_mono_ns = monotonic_ns();
  return true;
}

bool kill_switch::is_complete(const kill_id& id, size_t expected_peers) const {
  auto i = kills_.find(id.value);
  if (i == kills_.end())
    return false;
  const auto& rec = i->second;
  // Our own ack counts as one; every peer must ack.
  if (rec.acks.size() < expected_peers + 1)
    return false;
  size_t announced = 0;
  for (const auto& [node, ack] : rec.acks)
    announced += static_cast<size_t>(ack.channels_started);
  return rec.channels.size() >= announced;
}

kill_report kill_switch::report(const kill_id& id) const {
  kill_report out;
  out.id = id;
  auto i = kills_.find(id.value);
  if (i == kills_.end()) {
    out.error = "unknown kill id";
    return out;
  }
  const auto& rec = i->second;
  out.origin = rec.command.origin;
  for (const auto& [node, ack] : rec.acks)
    out.acks.push_back(ack);
  out.channels = rec.channels;
  out.total_ns = rec.last_update_mono_ns - rec.received_mono_ns;
  return out;
}

trading_state kill_switch::state() const {
  trading_state s;
  s.node = cfg_.self;
  s.mode = gate_.is_open() ? trading_mode::active : trading_mode::halted;
  s.level = static_cast<kill_level>(gate_.level());
  s.cause = cause_;
  s.since = since_;
  return s;
}

} // namespace cwts
