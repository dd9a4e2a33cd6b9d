#include "actors/kill/kill_switch.hpp"

#include <algorithm>
#include <tuple>
#include <utility>

#include "actors/kill/kill_auth.hpp"

namespace cwts {

command_policy kill_switch_config::policy() const {
  command_policy p;
  p.registry = operators.get();
  p.cluster = cluster;
  p.max_future_skew = max_future_skew;
  p.node_halt_signatures = node_halt_signatures;
  p.members = members;
  return p;
}

kill_switch::kill_switch(kill_switch_config cfg, kill_gate& gate)
  : cfg_(std::move(cfg)), policy_(cfg_.policy()), gate_(gate) {
}

namespace {

// A copy in flight is known by its signed content and all its endorsements:
// only an identical copy is sure to verify the same way.
std::string flight_key(const std::string& digest, const kill_command& cmd) {
  std::string out = digest;
  for (auto& c : cmd.cosignatures) {
    out += "#" + std::to_string(c.node.value.size()) + ":" + c.node.value;
    out.append(reinterpret_cast<const char*>(c.signature.data()), c.signature.size());
  }
  return out;
}

std::optional<std::string> check_sizes(const kill_command& cmd) {
  using namespace kill_limits;
  for (auto* f : {&cmd.id.value, &cmd.scope_value, &cmd.issuer.value, &cmd.origin.value,
                  &cmd.cluster})
    if (f->size() > max_name)
      return "kill field of " + std::to_string(f->size()) + " bytes, more than "
             + std::to_string(max_name) + " (id, scope value, issuer, origin, cluster)";
  if (cmd.reason.size() > max_reason)
    return "reason of " + std::to_string(cmd.reason.size()) + " bytes, more than "
           + std::to_string(max_reason);
  if (cmd.signature.size() > max_signature)
    return "signature of " + std::to_string(cmd.signature.size()) + " bytes, more than "
           + std::to_string(max_signature);
  if (cmd.cosignatures.size() > max_cosignatures)
    return std::to_string(cmd.cosignatures.size()) + " cosignatures, more than "
           + std::to_string(max_cosignatures);
  for (auto& c : cmd.cosignatures)
    if (c.node.value.size() > max_name || c.signature.size() > max_signature)
      return "cosignature of '" + c.node.value.substr(0, 64) + "' over the size caps ("
             + std::to_string(max_name) + " byte name, " + std::to_string(max_signature)
             + " byte signature)";
  if (auto n = kill_encoded_size(cmd); n > max_encoded)
    return "kill of " + std::to_string(n) + " bytes in all, more than "
           + std::to_string(max_encoded) + " (the fan-out's largest frame)";
  return std::nullopt;
}

} // namespace

std::optional<std::string> kill_switch::check_fields(const kill_command& cmd) {
  if (auto why = check_sizes(cmd))
    return why;
  // Names travel into logs, audit lines and HTTP headers (the compliance
  // notification's key): a CR or LF there would forge a line or a header.
  auto control = [](const std::string& s) {
    return std::any_of(s.begin(), s.end(), [](char ch) {
      auto c = static_cast<unsigned char>(ch);
      return c < 0x20 || c == 0x7f;
    });
  };
  for (auto* f : {&cmd.id.value, &cmd.scope_value, &cmd.issuer.value, &cmd.origin.value,
                  &cmd.cluster})
    if (control(*f))
      return "a control character (below 0x20 or 0x7f) in the kill id, scope value, issuer, "
             "origin or cluster";
  for (auto& c : cmd.cosignatures)
    if (control(c.node.value))
      return "a control character (below 0x20 or 0x7f) in a cosigning node's name";
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
  return std::nullopt;
}

bool kill_switch::seen_before(const std::string& key, const std::string& digest) const {
  auto i = kills_.find(key);
  if (i != kills_.end() && i->second.digests.count(digest))
    return true;
  for (auto& c : seen_)
    if (c.kind == "kill" && c.key == key && c.digest == digest)
      return true;
  return false;
}

// Commands older than the window are refused by their time alone: what
// only guarded against their replay can go (kept twice the window, so a
// node whose clock steps a little does not forget too early).
void kill_switch::prune(timestamp_ns now) {
  if (!cfg_.operators)
    return;
  const int64_t keep_ns = 2 * std::chrono::nanoseconds(cfg_.operators->window()).count()
                          + std::chrono::nanoseconds(cfg_.max_future_skew).count();
  seen_.erase(std::remove_if(seen_.begin(), seen_.end(),
                             [&](const seen_command& c) { return now.ns - c.issued_at.ns > keep_ns; }),
              seen_.end());
  for (auto i = kills_.begin(); i != kills_.end();)
    i = now.ns - i->second.command.issued_at.ns > keep_ns ? kills_.erase(i) : std::next(i);
  pending_.erase(std::remove_if(pending_.begin(), pending_.end(),
                                [&](const kill_command& c) { return now.ns - c.issued_at.ns > keep_ns; }),
                 pending_.end());
}

// Keeps a node-raised kill short of signatures, merging the endorsements of
// every copy; bounded (a member may raise many, each needs another member
// to become anything).
// Only verified endorsements get here (on_command), one per member, so the
// first copy naming a member can no longer shadow that member's real one.
kill_command kill_switch::keep_pending(const kill_command& cmd) {
  auto key = kill_key(cmd);
  for (auto& p : pending_)
    if (kill_key(p) == key && p.signature == cmd.signature
        && signing_payload(p) == signing_payload(cmd)) {
      for (auto& c : cmd.cosignatures) {
        bool have = std::any_of(p.cosignatures.begin(), p.cosignatures.end(),
                                [&](const kill_cosignature& x) { return x.node == c.node; });
        if (!have && p.cosignatures.size() < kill_limits::max_cosignatures)
          p.cosignatures.push_back(c);
      }
      return p;
    }
  ++pending_seen_;
  if (pending_.size() >= cfg_.max_pending)
    pending_.erase(pending_.begin());
  pending_.push_back(cmd);
  return pending_.back();
}

void kill_switch::forget_pending(const std::string& key) {
  std::lock_guard<std::mutex> g(mtx_);
  forget_pending_locked(key);
}

void kill_switch::forget_pending_locked(const std::string& key) {
  pending_.erase(std::remove_if(pending_.begin(), pending_.end(),
                                [&](const kill_command& c) { return kill_key(c) == key; }),
                 pending_.end());
}

bool kill_switch::reset_seen(const kill_id& id) const {
  std::lock_guard<std::mutex> g(mtx_);
  return std::any_of(seen_.begin(), seen_.end(), [&](const seen_command& c) {
    return c.kind == "reset" && c.key == id.value;
  });
}

void kill_switch::remember_reset(const reset_command& cmd) {
  std::lock_guard<std::mutex> g(mtx_);
  prune(wall_clock_now());
  seen_.push_back(seen_command{"reset", cmd.id.value,
                               content_digest(signing_payload(cmd), cmd.signature),
                               cmd.issued_at});
}

kill_decision kill_switch::on_command(const kill_command& cmd, timestamp_ns now, kill_path path,
                                      int64_t received) {
  if (received == 0)
    received = monotonic_ns();
  auto key = kill_key(cmd);
  auto digest = content_digest(signing_payload(cmd), cmd.signature);
  // The same bytes with other endorsements may add up to more signatures:
  // such a copy is verified on its own, never taken for the one in flight.
  auto flight = flight_key(digest, cmd);
  {
    std::lock_guard<std::mutex> g(mtx_);
    auto& p = paths_[static_cast<size_t>(path)];
    ++p.received;
    if (p.last_key != key) {
      p.last_key = key;
      p.last_receipt_wall_ns = now.ns;
    }
    prune(now);
    // Content seen before: an echo, or a replay (also after a restart). The
    // first copy was verified when it was accepted; one being verified now
    // on the other path ends the same way.
    if (seen_before(key, digest) || in_flight_.count(flight)) {
      ++duplicates_;
      ++p.duplicates;
      kill_decision out;
      out.verdict = kill_verdict::duplicate;
      return out;
    }
    in_flight_.insert(flight);
  }
  // The signature check (the slow part) runs unlocked: the other path and
  // the actor go on meanwhile.
  auto why = check_fields(cmd);
  kill_authorization auth;
  if (!why) {
    auth = authorize(policy_, cmd, now);
    if (!auth.refusal.empty())
      why = auth.refusal;
  }
  // A node-raised cluster kill goes on with the endorsements that verified
  // only: a forged one in a member's name is never kept or merged.
  std::optional<kill_command> verified;
  if (!why && auth.needed > 0) {
    verified = cmd;
    verified->cosignatures = auth.endorsements;
  }
  std::lock_guard<std::mutex> g(mtx_);
  in_flight_.erase(flight);
  return decide(verified ? *verified : cmd, auth, why, path, received);
}

kill_decision kill_switch::decide(const kill_command& cmd, const kill_authorization& first_auth,
                                  const std::optional<std::string>& why, kill_path path,
                                  int64_t received) {
  kill_decision out;
  auto& p = paths_[static_cast<size_t>(path)];
  auto key = kill_key(cmd);
  auto digest = content_digest(signing_payload(cmd), cmd.signature);
  if (why) {
    ++rejected_;
    count_refusal(p, *why);
    last_rejection_ = *why;
    out.verdict = kill_verdict::rejected;
    out.reason = *why;
    return out;
  }
  // Another copy (other endorsements) was applied while this one was checked.
  if (seen_before(key, digest)) {
    ++duplicates_;
    ++p.duplicates;
    out.verdict = kill_verdict::duplicate;
    return out;
  }
  auto auth = first_auth;
  if (auth.needs_endorsement) {
    // Endorsements gathered from every copy may add up to enough.
    // Every endorsement kept was verified when its copy came, and the
    // issuer's signature and time were checked on this copy just now: the
    // count needs no verification under the lock.
    auto merged = keep_pending(cmd);
    auth.signatures = 1 + static_cast<int32_t>(merged.cosignatures.size());
    auth.needs_endorsement = auth.signatures < auth.needed;
    if (auth.needs_endorsement) {
      out.verdict = kill_verdict::pending;
      out.reason = "cluster-wide kill raised by a node: " + std::to_string(auth.signatures)
                   + " of " + std::to_string(auth.needed) + " member signatures";
      return out;
    }
    forget_pending_locked(key);
    out = apply(merged, key, digest, received);
  } else {
    forget_pending_locked(key);
    out = apply(cmd, key, digest, received);
  }
  ++p.first;
  int64_t gate_ns = out.ack.verify_ns + out.ack.gate_close_ns;
  p.gate_ns_last = gate_ns;
  p.gate_ns_max = std::max(p.gate_ns_max, gate_ns);
  p.gate_ns_sum += gate_ns;
  return out;
}

kill_decision kill_switch::apply(const kill_command& cmd, const std::string& key,
                                 const std::string& digest, int64_t received) {
  kill_decision out;
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
  if (for_this_node)
    note_applied(cmd.id);
  int64_t closed = monotonic_ns();
  ++applied_;
  auto existing = kills_.find(key);
  if (existing != kills_.end()) {
    // The issuer signed two contents under one id: both apply (a valid kill
    // is never dropped), the first stays the record's command.
    ++equivocations_;
    out.equivocation = true;
  } else {
    existing = kills_.emplace(key, record{}).first;
    existing->second.command = cmd;
    existing->second.received_mono_ns = received;
  }
  auto& rec = existing->second;
  rec.digests.insert(digest);
  rec.last_update_mono_ns = closed;
  seen_.push_back(seen_command{"kill", key, digest, cmd.issued_at});
  out.verdict = kill_verdict::applied;
  out.command = cmd;
  out.ack = kill_ack{cmd.id, cfg_.self, for_this_node, accepted - received, closed - accepted,
                     accepted_at, wall_clock_now(), 0, note, cmd.issuer};
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

void kill_switch::note_applied(const kill_id& id) {
  ++apply_seq_;
  last_applied_ = id;
  last_applied_wall_ns_ = wall_clock_now().ns;
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

namespace {

// A halt state from before `last_kill` was written: the newest kill in the
// replay guard stands in, its issued_at as the time. Only a fallback: `seen`
// also holds kills for other nodes (never applied here), has the signing
// time, not the apply time (a kill signed before a reset but applied after
// it is missed), and is pruned by time. Wrong only towards voting no (a kill
// for another node) or towards the behaviour before the field (no kill).
std::pair<kill_id, int64_t> newest_seen_kill(const std::vector<seen_command>& seen) {
  const seen_command* newest = nullptr;
  for (auto& c : seen)
    if (c.kind == "kill" && (!newest || c.issued_at.ns > newest->issued_at.ns))
      newest = &c;
  if (!newest)
    return {kill_id{}, 0};
  // The key is <issuer>/<id> (kill_key); operator names are [A-Za-z0-9_-]
  // (operator_auth.cpp), so the first '/' ends the issuer.
  auto slash = newest->key.find('/');
  return {kill_id{slash == std::string::npos ? newest->key : newest->key.substr(slash + 1)},
          newest->issued_at.ns};
}

} // namespace

void kill_switch::restore(const halt_state& s) {
  std::lock_guard<std::mutex> g(mtx_);
  epoch_ = s.epoch;
  seen_ = s.seen;
  apply_halt(s, gate_);
  scoped_ = s.scoped;
  // Finding M1 (docs/model.md): the latest kill applied here outlives the
  // process, so a reset signed before it is voted down after a restart as it
  // was before. Persisted, not derived from `seen` (newest_seen_kill says
  // why that is not exact). apply_seq_ restarts at 0: the reopen compares it
  // only with snapshots taken in this process.
  if (s.last_kill_known) {
    last_applied_ = s.last_kill;
    last_applied_wall_ns_ = s.last_kill_ns;
  } else {
    std::tie(last_applied_, last_applied_wall_ns_) = newest_seen_kill(s.seen);
  }
  if (!s.halted())
    return;
  level_ = s.level;
  cause_ = s.cause;
  cause_reason_ = s.reason;
  since_ = s.since;
}

halt_state kill_switch::halt() const {
  std::lock_guard<std::mutex> g(mtx_);
  halt_state s;
  s.level = static_cast<kill_level>(gate_.level());
  if (s.halted()) {
    s.cause = cause_;
    s.reason = cause_reason_;
    s.since = since_;
  }
  s.epoch = epoch_;
  s.scoped = scoped_;
  s.seen = seen_;
  s.last_kill = last_applied_;
  s.last_kill_ns = last_applied_wall_ns_;
  return s;
}

bool kill_switch::halt_self(kill_level level, const kill_id& cause, const std::string& reason) {
  std::lock_guard<std::mutex> g(mtx_);
  if (static_cast<uint8_t>(level) <= gate_.level())
    return false;
  gate_.close(static_cast<uint8_t>(level));
  level_ = level;
  cause_ = cause;
  cause_reason_ = reason;
  since_ = wall_clock_now();
  note_applied(cause);
  return true;
}

bool kill_switch::reopen(const kill_id& reset, const std::string& reason, int64_t epoch,
                         uint64_t seen_seq) {
  std::lock_guard<std::mutex> g(mtx_);
  // Checked and reopened under one lock: the fan-out's I/O thread cannot
  // apply a kill between the two.
  if (apply_seq_ != seen_seq)
    return false;
  gate_.reopen();
  scoped_.clear();
  level_ = kill_level::none;
  cause_ = reset;
  cause_reason_ = reason;
  since_ = wall_clock_now();
  epoch_ = epoch;
  return true;
}

bool kill_switch::has_applied(const kill_command& cmd) const {
  std::lock_guard<std::mutex> g(mtx_);
  auto i = kills_.find(kill_key(cmd));
  return i != kills_.end()
         && i->second.digests.count(content_digest(signing_payload(cmd), cmd.signature)) > 0;
}

bool kill_switch::on_ack(const kill_ack& ack) {
  std::lock_guard<std::mutex> g(mtx_);
  auto i = kills_.find(kill_key(ack.issuer, ack.id));
  if (i == kills_.end())
    return false;
  i->second.acks[ack.node.value] = ack;
  i->second.last_update_mono_ns = monotonic_ns();
  return true;
}

bool kill_switch::on_channel_result(const channel_result& result) {
  std::lock_guard<std::mutex> g(mtx_);
  auto i = kills_.find(kill_key(result.issuer, result.id));
  if (i == kills_.end())
    return false;
  auto& channels = i->second.channels;
  // A retried channel replaces its earlier result (a venue channel: that
  // venue's only).
  auto same = std::find_if(channels.begin(), channels.end(), [&](const channel_result& c) {
    return c.node == result.node && c.channel == result.channel && c.venue == result.venue;
  });
  if (same != channels.end())
    *same = result;
  else
    channels.push_back(result);
  i->second.last_update_mono_ns = monotonic_ns();
  return true;
}

bool kill_switch::is_complete(const std::string& key, size_t expected_peers) const {
  std::lock_guard<std::mutex> g(mtx_);
  auto i = kills_.find(key);
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

kill_report kill_switch::report(const std::string& key) const {
  std::lock_guard<std::mutex> g(mtx_);
  kill_report out;
  auto i = kills_.find(key);
  if (i == kills_.end()) {
    out.error = "unknown kill " + key;
    return out;
  }
  const auto& rec = i->second;
  out.id = rec.command.id;
  out.origin = rec.command.origin;
  for (const auto& [node, ack] : rec.acks)
    out.acks.push_back(ack);
  out.channels = rec.channels;
  out.total_ns = rec.last_update_mono_ns - rec.received_mono_ns;
  return out;
}

trading_state kill_switch::state() const {
  std::lock_guard<std::mutex> g(mtx_);
  trading_state s;
  s.node = cfg_.self;
  s.mode = gate_.is_open() ? trading_mode::active : trading_mode::halted;
  s.level = static_cast<kill_level>(gate_.level());
  s.cause = cause_;
  s.since = since_;
  s.epoch = epoch_;
  s.cluster = cfg_.cluster;
  return s;
}

} // namespace cwts
