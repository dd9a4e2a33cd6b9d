#include "nodes/console/load_view.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>

#include <rapidjson/document.h>

#include "nodes/console/table.hpp"

namespace cwts::console {

namespace {

using value = rapidjson::Value;

struct actor_row {
  bool has_mailbox = false;
  int64_t mailbox = 0;
  int64_t mailbox_max = 0;
  int64_t handled = 0;
  std::map<std::string, int64_t> counters;
};

struct actors_answer {
  std::string node;
  std::map<std::string, actor_row> actors; // by role
};

int64_t integer(const value& v, const char* key) {
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : 0;
}

std::optional<actors_answer> read(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject())
    return std::nullopt;
  auto list = doc.FindMember("actors");
  if (list == doc.MemberEnd() || !list->value.IsArray())
    return std::nullopt;
  actors_answer out;
  if (auto n = doc.FindMember("node"); n != doc.MemberEnd() && n->value.IsString())
    out.node = n->value.GetString();
  for (auto& a : list->value.GetArray()) {
    if (!a.IsObject())
      return std::nullopt;
    auto role = a.FindMember("role");
    if (role == a.MemberEnd() || !role->value.IsString())
      return std::nullopt;
    actor_row row;
    row.has_mailbox = a.HasMember("mailbox_depth");
    row.mailbox = integer(a, "mailbox_depth");
    row.mailbox_max = integer(a, "mailbox_depth_max");
    row.handled = integer(a, "messages_handled");
    if (auto c = a.FindMember("counters"); c != a.MemberEnd() && c->value.IsObject())
      for (auto& kv : c->value.GetObject())
        if (kv.value.IsInt64())
          row.counters[kv.name.GetString()] = kv.value.GetInt64();
    out.actors[role->value.GetString()] = std::move(row);
  }
  return out;
}

int64_t counter(const actors_answer& a, const std::string& role, const std::string& key) {
  auto r = a.actors.find(role);
  if (r == a.actors.end())
    return 0;
  auto c = r->second.counters.find(key);
  return c == r->second.counters.end() ? 0 : c->second;
}

// As the summary line (nodes/status): the validator's clean trades where the
// node has one, else what the strategy saw.
int64_t ticks(const actors_answer& a) {
  if (a.actors.count("validator"))
    return counter(a, "validator", "verdict.ok");
  return counter(a, "strategy", "trades_seen");
}

// Clean trades the validator passed on (book tops are not forwarded).
int64_t trades(const actors_answer& a) {
  if (a.actors.count("validator"))
    return counter(a, "validator", "trades_out");
  return counter(a, "strategy", "trades_seen");
}

int64_t drops(const actors_answer& a) {
  return counter(a, "validator", "trade_ids_missed")
         + counter(a, "strategy", "actions_dropped_stopped");
}

std::string fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

struct measured {
  actors_answer before, after;
  load_sample sample;
};

std::optional<measured> measure(const std::string& before, const std::string& after,
                                int64_t elapsed_ns) {
  if (elapsed_ns <= 0)
    return std::nullopt;
  auto b = read(before);
  auto a = read(after);
  if (!b || !a)
    return std::nullopt;
  measured m{std::move(*b), std::move(*a), {}};
  auto secs = static_cast<double>(elapsed_ns) / 1e9;
  m.sample.ticks = ticks(m.after);
  m.sample.ticks_per_s = static_cast<double>(m.sample.ticks - ticks(m.before)) / secs;
  m.sample.trades_per_s = static_cast<double>(trades(m.after) - trades(m.before)) / secs;
  m.sample.drops = drops(m.after);
  for (auto& [role, row] : m.after.actors)
    if (row.has_mailbox) {
      ++m.sample.actors;
      m.sample.max_mailbox = std::max(m.sample.max_mailbox, row.mailbox);
    }
  return m;
}

} // namespace

std::optional<load_sample> measure_load(const std::string& before, const std::string& after,
                                        int64_t elapsed_ns) {
  auto m = measure(before, after, elapsed_ns);
  if (!m)
    return std::nullopt;
  return m->sample;
}

std::optional<std::string> render_load(const std::string& before, const std::string& after,
                                       int64_t elapsed_ns) {
  auto m = measure(before, after, elapsed_ns);
  if (!m)
    return std::nullopt;
  auto secs = static_cast<double>(elapsed_ns) / 1e9;
  auto& s = m->sample;
  std::string out = "load node=" + m->after.node + " ticks/s=" + fixed(s.ticks_per_s)
                    + " trades/s=" + fixed(s.trades_per_s) + " ticks=" + std::to_string(s.ticks)
                    + " drops=" + std::to_string(s.drops)
                    + " (trade_ids_missed=" + std::to_string(counter(m->after, "validator", "trade_ids_missed"))
                    + " strategy_dropped="
                    + std::to_string(counter(m->after, "strategy", "actions_dropped_stopped"))
                    + ") max_mailbox=" + std::to_string(s.max_mailbox) + " over " + fixed(secs)
                    + " s\n";
  std::vector<table_row> rows;
  for (auto& [role, row] : m->after.actors) {
    auto prev = m->before.actors.find(role);
    auto handled_before = prev == m->before.actors.end() ? row.handled : prev->second.handled;
    rows.push_back({role,
                    row.has_mailbox ? std::to_string(row.mailbox) : std::string("-"),
                    row.has_mailbox ? std::to_string(row.mailbox_max) : std::string("-"),
                    fixed(static_cast<double>(row.handled - handled_before) / secs)});
  }
  return out + render_table({"ROLE", "MAILBOX", "MAILBOX_MAX", "MSGS/S"}, rows);
}

} // namespace cwts::console
