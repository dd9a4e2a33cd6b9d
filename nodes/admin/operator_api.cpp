#include "nodes/admin/operator_api.hpp"

#include <set>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "nodes/admin/json_writer.hpp"

namespace cwts::admin {

namespace {

using json::doc;
using json::kv;
using json::writer;

// Reads one JSON object field by field; the first problem wins.
class object_reader {
public:
  object_reader(const std::string& body, std::set<std::string> fields)
    : fields_(std::move(fields)) {
    doc_.Parse(body.c_str(), body.size());
    if (doc_.HasParseError()) {
      error_ = std::string("body is not JSON: ") + rapidjson::GetParseError_En(doc_.GetParseError())
               + " at offset " + std::to_string(doc_.GetErrorOffset());
      return;
    }
    if (!doc_.IsObject()) {
      error_ = "body is not a JSON object";
      return;
    }
    for (auto& m : doc_.GetObject())
      if (!fields_.count(m.name.GetString())) {
        error_ = std::string("unknown field '") + m.name.GetString() + "'";
        return;
      }
  }

  const std::string& error() const { return error_; }

  std::string str(const char* name) {
    if (auto* v = field(name)) {
      if (v->IsString())
        return std::string(v->GetString(), v->GetStringLength());
      fail(name, "a string");
    }
    return {};
  }

  int64_t integer(const char* name) {
    if (auto* v = field(name)) {
      if (v->IsInt64())
        return v->GetInt64();
      fail(name, "an integer");
    }
    return 0;
  }

private:
  const rapidjson::Value* field(const char* name) {
    if (!error_.empty())
      return nullptr;
    auto it = doc_.FindMember(name);
    if (it == doc_.MemberEnd()) {
      error_ = std::string("missing field '") + name + "'";
      return nullptr;
    }
    return &it->value;
  }
  void fail(const char* name, const char* what) {
    error_ = std::string("field '") + name + "' must be " + what;
  }

  std::set<std::string> fields_;
  rapidjson::Document doc_;
  std::string error_;
};

std::optional<kill_scope> parse_scope(const std::string& text) {
  for (auto s : {kill_scope::cluster, kill_scope::node, kill_scope::strategy, kill_scope::symbol,
                 kill_scope::account})
    if (text == to_string(s))
      return s;
  return std::nullopt;
}

} // namespace

std::string to_json(const kill_command& c) {
  return doc([&](writer& w) {
    kv(w, "id", c.id.value);
    kv(w, "operator", c.issuer.value);
    kv(w, "level", static_cast<int64_t>(c.level));
    kv(w, "scope", std::string(to_string(c.scope)));
    kv(w, "scope_value", c.scope_value);
    kv(w, "reason", c.reason);
    kv(w, "issued_at_ns", c.issued_at.ns);
    kv(w, "cluster", c.cluster);
    kv(w, "signature", to_hex(c.signature));
  });
}

std::string to_json(const reset_command& c) {
  return doc([&](writer& w) {
    kv(w, "id", c.id.value);
    kv(w, "operator", c.issuer.value);
    kv(w, "reason", c.reason);
    kv(w, "issued_at_ns", c.issued_at.ns);
    kv(w, "cluster", c.cluster);
    kv(w, "epoch", c.epoch);
    kv(w, "halt_cause", c.halt_cause.value);
    kv(w, "signature", to_hex(c.signature));
  });
}

std::optional<kill_command> parse_kill_command(const std::string& body, std::string& error) {
  object_reader r(body, {"id", "operator", "level", "scope", "scope_value", "reason",
                         "issued_at_ns", "cluster", "signature"});
  kill_command c;
  c.id = kill_id{r.str("id")};
  c.issuer = operator_id{r.str("operator")};
  auto level = r.integer("level");
  auto scope = r.str("scope");
  c.scope_value = r.str("scope_value");
  c.reason = r.str("reason");
  c.issued_at = timestamp_ns{r.integer("issued_at_ns")};
  c.cluster = r.str("cluster");
  auto signature = r.str("signature");
  error = r.error();
  if (error.empty() && (level < 1 || level > 4))
    error = "field 'level' must be 1..4 (halt, cancel-all, flatten, full-stop)";
  auto s = parse_scope(scope);
  if (error.empty() && !s)
    error = "field 'scope' must be cluster, node, strategy, symbol or account";
  auto sig = from_hex(signature);
  if (error.empty() && !sig)
    error = "field 'signature' must be hex";
  if (error.empty() && c.id.value.empty())
    error = "field 'id' must not be empty";
  if (!error.empty())
    return std::nullopt;
  c.level = static_cast<kill_level>(level);
  c.scope = *s;
  c.signature = std::move(*sig);
  return c;
}

std::optional<reset_command> parse_reset_command(const std::string& body, std::string& error) {
  object_reader r(body, {"id", "operator", "reason", "issued_at_ns", "cluster", "epoch",
                         "halt_cause", "signature"});
  reset_command c;
  c.id = kill_id{r.str("id")};
  c.issuer = operator_id{r.str("operator")};
  c.reason = r.str("reason");
  c.issued_at = timestamp_ns{r.integer("issued_at_ns")};
  c.cluster = r.str("cluster");
  c.epoch = r.integer("epoch");
  c.halt_cause = kill_id{r.str("halt_cause")};
  auto signature = r.str("signature");
  error = r.error();
  auto sig = from_hex(signature);
  if (error.empty() && !sig)
    error = "field 'signature' must be hex";
  if (error.empty() && c.id.value.empty())
    error = "field 'id' must not be empty";
  if (!error.empty())
    return std::nullopt;
  c.signature = std::move(*sig);
  return c;
}

std::string to_json(const kill_report& r) {
  return doc([&](writer& w) {
    kv(w, "id", r.id.value);
    kv(w, "origin", r.origin.value);
    kv(w, "complete", r.complete);
    kv(w, "total_ns", r.total_ns);
    kv(w, "error", r.error);
    w.Key("acks");
    w.StartArray();
    for (auto& a : r.acks) {
      w.StartObject();
      kv(w, "node", a.node.value);
      kv(w, "applied", a.applied);
      kv(w, "verify_ns", a.verify_ns);
      kv(w, "gate_close_ns", a.gate_close_ns);
      kv(w, "accepted_at_ns", a.accepted_at.ns);
      kv(w, "gate_closed_at_ns", a.gate_closed_at.ns);
      kv(w, "channels_started", static_cast<int64_t>(a.channels_started));
      kv(w, "error", a.error);
      w.EndObject();
    }
    w.EndArray();
    w.Key("channels");
    w.StartArray();
    for (auto& c : r.channels) {
      w.StartObject();
      kv(w, "node", c.node.value);
      kv(w, "channel", c.channel);
      kv(w, "ok", c.ok);
      kv(w, "duration_ns", c.duration_ns);
      kv(w, "retries", static_cast<int64_t>(c.retries));
      kv(w, "orders_canceled", c.orders_canceled);
      kv(w, "open_orders_after", c.open_orders_after);
      kv(w, "orders_sent", c.orders_sent);
      kv(w, "positions_open_after", c.positions_open_after);
      kv(w, "error", c.error);
      w.EndObject();
    }
    w.EndArray();
  });
}

std::string to_json(const reset_report& r) {
  // The epoch trading resumes at, as the origin proposed it (its own vote
  // carries it); -1 when the origin did not vote.
  int64_t epoch = -1;
  for (auto& v : r.votes)
    if (v.node == r.origin)
      epoch = v.epoch;
  return doc([&](writer& w) {
    kv(w, "id", r.id.value);
    kv(w, "origin", r.origin.value);
    kv(w, "nodes", static_cast<int64_t>(r.nodes));
    kv(w, "quorum", static_cast<int64_t>(r.quorum));
    kv(w, "resumed", r.resumed);
    kv(w, "epoch", epoch);
    kv(w, "error", r.error);
    w.Key("votes");
    w.StartArray();
    for (auto& v : r.votes) {
      w.StartObject();
      kv(w, "node", v.node.value);
      kv(w, "yes", v.yes);
      kv(w, "epoch", v.epoch);
      kv(w, "reason", v.reason);
      w.EndObject();
    }
    w.EndArray();
  });
}

} // namespace cwts::admin
