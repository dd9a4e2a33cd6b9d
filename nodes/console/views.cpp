#include "nodes/console/views.hpp"

#include <algorithm>
#include <cstdio>

#include <rapidjson/document.h>

#include "nodes/console/table.hpp"

namespace cwts::console {

namespace {

using value = rapidjson::Value;

// Field access that tolerates absence: "-" for a missing field.
std::string text(const value& v, const char* key) {
  if (!v.IsObject())
    return "-";
  auto it = v.FindMember(key);
  if (it == v.MemberEnd() || it->value.IsNull())
    return "-";
  auto& f = it->value;
  if (f.IsString())
    return f.GetStringLength() == 0 ? "-" : f.GetString();
  if (f.IsBool())
    return f.GetBool() ? "yes" : "no";
  if (f.IsInt64())
    return std::to_string(f.GetInt64());
  if (f.IsUint64())
    return std::to_string(f.GetUint64());
  if (f.IsNumber()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", f.GetDouble());
    return buf;
  }
  return "?";
}

int64_t integer(const value& v, const char* key, int64_t fallback = 0) {
  if (!v.IsObject())
    return fallback;
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : fallback;
}

bool flag(const value& v, const char* key) {
  if (!v.IsObject())
    return false;
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsBool() && it->value.GetBool();
}

const value* member(const value& v, const char* key) {
  if (!v.IsObject())
    return nullptr;
  auto it = v.FindMember(key);
  return it == v.MemberEnd() ? nullptr : &it->value;
}

const value* array(const value& v, const char* key) {
  auto* m = member(v, key);
  return m && m->IsArray() ? m : nullptr;
}

bool parse(rapidjson::Document& doc, const std::string& json) {
  doc.Parse(json.c_str(), json.size());
  return !doc.HasParseError() && doc.IsObject();
}

std::string ms(int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ns) / 1e6);
  return buf;
}

std::string state_line(const value& doc) {
  auto* t = member(doc, "trading_state");
  if (!t || !t->IsObject())
    return "trading state unknown (no kill coordinator answered)";
  return "trading state " + text(*t, "mode") + " (level " + text(*t, "level") + ", cause "
         + text(*t, "cause") + ")";
}

std::vector<std::pair<std::string, std::string>> counters_of(const value& v) {
  std::vector<std::pair<std::string, std::string>> out;
  if (v.IsObject())
    for (auto& m : v.GetObject())
      out.emplace_back(m.name.GetString(), text(v, m.name.GetString()));
  return out;
}

std::string rate(const value& a, actor_rates& rates, int64_t now_ns) {
  auto role = text(a, "role");
  auto handled = integer(a, "messages_handled", -1);
  if (handled < 0)
    return "-";
  auto prev = rates.last.find(role);
  std::string out = "-";
  if (prev != rates.last.end() && now_ns > prev->second.second) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f",
                  static_cast<double>(handled - prev->second.first) * 1e9
                    / static_cast<double>(now_ns - prev->second.second));
    out = buf;
  }
  rates.last[role] = {handled, now_ns};
  return out;
}

} // namespace

std::optional<std::string> render_nodes(const std::string& json) {
  rapidjson::Document doc;
  if (!parse(doc, json) || !member(doc, "node"))
    return std::nullopt;
  std::string out = "node " + text(doc, "node") + ": " + state_line(doc) + "\n";
  out += "quorum " + std::string(flag(doc, "quorum_held") ? "held" : "NOT held") + ", cluster size "
         + text(doc, "cluster_size") + "\n";
  std::vector<table_row> rows;
  if (auto* peers = array(doc, "peers"))
    for (auto& p : peers->GetArray())
      rows.push_back({text(p, "node"), text(p, "heartbeat_age_ms")});
  return out + render_table({"PEER", "HEARTBEAT_AGE_MS"}, rows);
}

std::optional<std::string> render_actors(const std::string& json, actor_rates& rates,
                                         int64_t now_ns) {
  rapidjson::Document doc;
  auto* actors = parse(doc, json) ? array(doc, "actors") : nullptr;
  if (!actors)
    return std::nullopt;
  std::vector<table_row> rows;
  for (auto& a : actors->GetArray()) {
    auto mailbox = member(a, "mailbox_depth") ? text(a, "mailbox_depth") + "/" + text(a, "mailbox_depth_max")
                                             : std::string("-");
    rows.push_back({text(a, "role"), mailbox, rate(a, rates, now_ns), text(a, "messages_handled"),
                    text(a, "restarts"), text(a, "handler_p50_us"), text(a, "handler_p99_us")});
  }
  return "node " + text(doc, "node") + "\n"
         + render_table({"ROLE", "MAILBOX/MAX", "RATE/S", "HANDLED", "RESTARTS", "P50_US", "P99_US"},
                        rows);
}

std::optional<std::string> render_inspect(const std::string& json, actor_rates& rates,
                                          int64_t now_ns) {
  rapidjson::Document doc;
  auto* actors = parse(doc, json) ? array(doc, "actors") : nullptr;
  if (!actors || actors->Empty())
    return std::nullopt;
  auto& a = (*actors)[0];
  std::vector<std::pair<std::string, std::string>> fields;
  fields.emplace_back("rate_per_s", rate(a, rates, now_ns));
  for (auto& m : a.GetObject())
    if (!m.value.IsObject())
      fields.emplace_back(m.name.GetString(), text(a, m.name.GetString()));
  std::string out = "node " + text(doc, "node") + " actor " + text(a, "role") + "\n"
                    + render_pairs(fields);
  if (auto* c = member(a, "counters"))
    out += "counters:\n" + render_pairs(counters_of(*c), "  ");
  return out;
}

std::optional<std::string> render_orders(const std::string& json) {
  rapidjson::Document doc;
  auto* orders = parse(doc, json) ? array(doc, "orders") : nullptr;
  if (!orders)
    return std::nullopt;
  if (!flag(doc, "oms"))
    return "node " + text(doc, "node") + " has no OMS (a trading node has one)\n";
  std::vector<table_row> rows;
  for (auto& o : orders->GetArray())
    rows.push_back({text(o, "client_order_id"), text(o, "venue"), text(o, "symbol"), text(o, "side"),
                    text(o, "type"),
                    text(o, "price"), text(o, "qty"), text(o, "cum_qty"), text(o, "acknowledged"),
                    text(o, "strategy")});
  return "node " + text(doc, "node") + ": " + std::to_string(rows.size()) + " live orders\n"
         + render_table({"CLIENT_ORDER_ID", "VENUE", "SYMBOL", "SIDE", "TYPE", "PRICE", "QTY",
                         "FILLED", "ACK", "STRATEGY"},
                        rows);
}

std::optional<std::string> render_positions(const std::string& json) {
  rapidjson::Document doc;
  auto* positions = parse(doc, json) ? array(doc, "positions") : nullptr;
  if (!positions)
    return std::nullopt;
  std::vector<table_row> rows;
  for (auto& p : positions->GetArray())
    rows.push_back({text(p, "symbol"), text(p, "qty"), text(p, "average_cost"),
                    text(p, "realized_pnl"), text(p, "unrealized_pnl")});
  return "node " + text(doc, "node") + "\n"
         + render_table({"SYMBOL", "QTY", "AVG_COST", "REALIZED_PNL", "UNREALIZED_PNL"}, rows);
}

std::optional<std::string> render_risk(const std::string& json) {
  rapidjson::Document doc;
  auto* health = parse(doc, json) ? array(doc, "health") : nullptr;
  if (!health)
    return std::nullopt;
  std::string out = "node " + text(doc, "node") + ": " + state_line(doc) + "\n";
  if (auto* c = member(doc, "counters"); c && c->IsObject())
    out += "risk counters:\n" + render_pairs(counters_of(*c));
  else
    out += "no risk actor on this node\n";
  std::vector<table_row> rows;
  for (auto& h : health->GetArray())
    rows.push_back({text(h, "rule"), text(h, "enabled"), text(h, "breached"), text(h, "value"),
                    text(h, "limit"), text(h, "unit"), text(h, "kill_level"),
                    text(h, "kills_triggered")});
  return out + "health rules:\n"
         + render_table({"RULE", "ENABLED", "BREACHED", "VALUE", "LIMIT", "UNIT", "KILL_LEVEL",
                         "KILLS"},
                        rows);
}

std::optional<std::string> render_status(const std::string& json) {
  rapidjson::Document doc;
  if (!parse(doc, json) || !member(doc, "trading_state"))
    return std::nullopt;
  std::string out = "node " + text(doc, "node") + ": " + state_line(doc) + "\n";
  if (auto* c = member(doc, "counters"); c && c->IsObject())
    out += "kill coordinator counters:\n" + render_pairs(counters_of(*c));
  return out;
}

std::optional<std::string> render_book(const std::string& json) {
  rapidjson::Document doc;
  auto* bids = parse(doc, json) ? array(doc, "bids") : nullptr;
  auto* asks = bids ? array(doc, "asks") : nullptr;
  if (!asks)
    return std::nullopt;
  auto venue = text(doc, "venue");
  std::string out = "node " + text(doc, "node") + " book " + text(doc, "symbol")
                    + (venue == "-" ? "" : " venue " + venue) + ": "
                    + (flag(doc, "synced") ? "synced" : "NOT synced")
                    + (flag(doc, "crossed") ? ", CROSSED" : "") + ", update id "
                    + text(doc, "update_id") + ", age " + text(doc, "age_ms") + " ms\n";
  std::vector<table_row> rows;
  auto n = std::max(bids->Size(), asks->Size());
  for (rapidjson::SizeType i = 0; i < n; ++i) {
    table_row r{"", "", "", ""};
    if (i < bids->Size()) {
      r[0] = text((*bids)[i], "qty");
      r[1] = text((*bids)[i], "price");
    }
    if (i < asks->Size()) {
      r[2] = text((*asks)[i], "price");
      r[3] = text((*asks)[i], "qty");
    }
    rows.push_back(r);
  }
  return out + render_table({"BID_QTY", "BID", "ASK", "ASK_QTY"}, rows);
}

std::optional<std::string> render_kill_report(const std::string& json) {
  rapidjson::Document doc;
  auto* acks = parse(doc, json) ? array(doc, "acks") : nullptr;
  auto* channels = acks ? array(doc, "channels") : nullptr;
  if (!channels)
    return std::nullopt;
  std::string out = "kill " + text(doc, "id") + " origin " + text(doc, "origin") + "\n";
  if (acks->Empty() && text(doc, "error") != "-")
    return out + "REFUSED: " + text(doc, "error") + "\n";
  std::vector<table_row> rows;
  for (auto& a : acks->GetArray())
    rows.push_back({text(a, "node"), text(a, "applied"), ms(integer(a, "verify_ns")),
                    ms(integer(a, "gate_close_ns")), text(a, "channels_started"), text(a, "error")});
  out += render_table({"NODE", "APPLIED", "VERIFY_MS", "GATE_CLOSE_MS", "CHANNELS", "NOTE"}, rows);
  rows.clear();
  for (auto& c : channels->GetArray())
    rows.push_back({text(c, "node"), text(c, "channel"), text(c, "ok"),
                    ms(integer(c, "duration_ns")), text(c, "retries"), text(c, "orders_canceled"),
                    text(c, "open_orders_after"), text(c, "error")});
  out += render_table({"NODE", "CHANNEL", "OK", "DURATION_MS", "RETRIES", "CANCELED", "OPEN_AFTER",
                       "ERROR"},
                      rows);
  out += "complete=" + std::string(flag(doc, "complete") ? "yes" : "no") + " total_ms="
         + ms(integer(doc, "total_ns"))
         + (text(doc, "error") == "-" ? "" : " error=\"" + text(doc, "error") + "\"") + "\n";
  return out;
}

std::optional<std::string> render_reset_report(const std::string& json) {
  rapidjson::Document doc;
  auto* votes = parse(doc, json) ? array(doc, "votes") : nullptr;
  if (!votes)
    return std::nullopt;
  std::string out = "reset " + text(doc, "id") + " origin " + text(doc, "origin") + " nodes "
                    + text(doc, "nodes") + " quorum " + text(doc, "quorum") + " epoch "
                    + text(doc, "epoch") + "\n";
  if (votes->Empty() && text(doc, "error") != "-")
    return out + "REFUSED: " + text(doc, "error") + "\n";
  std::vector<table_row> rows;
  for (auto& v : votes->GetArray())
    rows.push_back({text(v, "node"), text(v, "yes"), text(v, "epoch"), text(v, "reason")});
  out += render_table({"NODE", "YES", "EPOCH", "REASON"}, rows);
  out += "resumed=" + std::string(flag(doc, "resumed") ? "yes" : "no")
         + (text(doc, "error") == "-" ? "" : " error=\"" + text(doc, "error") + "\"") + "\n";
  return out;
}

} // namespace cwts::console
