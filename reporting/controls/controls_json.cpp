#include "reporting/controls/controls_json.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "reporting/orders/journal_reader.hpp"

namespace cwts::report {

namespace {

template <class W>
struct json {
  W& w;

  void str(const char* key, const std::string& v) {
    w.Key(key);
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  }
  void num(const char* key, int64_t v) {
    w.Key(key);
    w.Int64(v);
  }
  void flag(const char* key, bool v) {
    w.Key(key);
    w.Bool(v);
  }
  // ns and its UTC text; a 0 (unknown) time is null.
  void time(const char* key, int64_t ns) {
    w.Key(key);
    if (ns == 0)
      w.Null();
    else
      w.Int64(ns);
    str((std::string(key) + "_utc").c_str(), ns ? format_utc_time(timestamp_ns{ns}) : "");
  }
  void counts(const char* key, const std::map<std::string, int64_t>& m) {
    w.Key(key);
    w.StartObject();
    for (auto& [k, v] : m)
      num(k.c_str(), v);
    w.EndObject();
  }

  void control(const control_row& c) {
    w.StartObject();
    str("name", c.name);
    str("rule", c.rule);
    w.Key("limits");
    w.StartArray();
    for (auto& [k, v] : c.limits) {
      w.StartObject();
      str("key", k);
      str("value", v);
      w.EndObject();
    }
    w.EndArray();
    w.Key("reasons");
    w.StartArray();
    for (auto& r : c.reasons)
      w.String(r.c_str());
    w.EndArray();
    w.Key("checked");
    if (c.checked < 0)
      w.Null();
    else
      w.Int64(c.checked);
    counts("rejected", c.rejected);
    w.Key("changes");
    w.StartArray();
    for (auto& ch : c.changes) {
      w.StartObject();
      str("target", ch.target);
      str("field", ch.field);
      str("value", ch.value);
      str("command", ch.command);
      str("issuer", ch.issuer);
      time("ts_ns", ch.ts_ns);
      str("time_source", ch.time_source);
      w.Key("on_day");
      w.Bool(ch.on_day);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }

  void kill(const kill_row& k) {
    w.StartObject();
    str("id", k.id);
    time("ts_ns", k.ts_ns);
    time("issued_at_ns", k.issued_at_ns);
    num("level", k.level);
    str("scope", k.scope);
    str("scope_value", k.scope_value);
    str("issuer", k.issuer);
    str("origin", k.origin);
    str("via", k.via);
    str("reason", k.reason);
    str("audit_note", k.audit_note);
    num("audit_seq", k.audit_seq);
    str("reset_id", k.reset_id);
    w.Key("acks");
    w.StartArray();
    for (auto& a : k.acks) {
      w.StartObject();
      str("node", a.node);
      flag("applied", a.applied);
      num("verify_ns", a.verify_ns);
      num("gate_close_ns", a.gate_close_ns);
      str("error", a.error);
      w.EndObject();
    }
    w.EndArray();
    w.Key("channels");
    w.StartArray();
    for (auto& c : k.channels) {
      w.StartObject();
      str("node", c.node);
      str("channel", c.channel);
      str("venue", c.venue);
      flag("ok", c.ok);
      num("duration_ns", c.duration_ns);
      // Started this long after the kill was accepted here: the result's
      // audit time less its measured duration.
      num("start_offset_ns", c.recorded_ns - c.duration_ns - k.ts_ns);
      time("recorded_ns", c.recorded_ns);
      num("retries", c.retries);
      num("canceled", c.canceled);
      num("open_after", c.open_after);
      str("error", c.error);
      num("audit_seq", c.audit_seq);
      w.EndObject();
    }
    w.EndArray();
    w.Key("escalations");
    w.StartArray();
    for (auto& e : k.escalations)
      w.String(e.c_str(), static_cast<rapidjson::SizeType>(e.size()));
    w.EndArray();
    w.EndObject();
  }

  void reset(const reset_row& r) {
    w.StartObject();
    str("id", r.id);
    time("ts_ns", r.ts_ns);
    str("issuer", r.issuer);
    str("reason", r.reason);
    str("verdict", r.verdict);
    flag("resumed", r.resumed);
    time("resumed_ns", r.resumed_ns);
    num("yes", r.yes);
    num("quorum", r.quorum);
    w.Key("votes");
    w.StartArray();
    for (auto& v : r.votes) {
      w.StartObject();
      str("node", v.node);
      flag("yes", v.yes);
      num("epoch", v.epoch);
      str("why", v.why);
      str("verdict", v.verdict);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }

  void drill(const drill_row& d) {
    w.StartObject();
    str("scenario", d.scenario);
    time("started_ns", d.started_ms * 1'000'000);
    time("finished_ns", d.finished_ms * 1'000'000);
    str("result", d.result);
    str("error", d.error);
    counts("measured_ms", d.measured_ms);
    w.Key("expectations");
    w.StartArray();
    for (auto& [name, pass] : d.expectations) {
      w.StartObject();
      str("name", name);
      flag("pass", pass);
      w.EndObject();
    }
    w.EndArray();
    str("report", d.report);
    w.EndObject();
  }

  void orders(const controls_report& r) {
    w.Key("orders");
    w.StartObject();
    flag("known", r.orders_known);
    num("checked", r.orders_checked);
    num("rejected_by_us", r.rejected_by_us);
    counts("other_rejects", r.other_rejects);
    w.Key("rejects_per_hour");
    w.StartObject();
    for (auto& [reason, hours] : r.rejects_hourly) {
      w.Key(reason.c_str());
      w.StartArray();
      for (auto n : hours)
        w.Int64(n);
      w.EndArray();
    }
    w.EndObject();
    w.Key("rejects");
    w.StartArray();
    for (auto& x : r.rejects) {
      w.StartObject();
      time("ts_ns", x.ts_ns);
      str("id", x.id);
      str("rule", x.rule);
      str("text", x.text);
      str("symbol", x.symbol);
      str("account", x.account);
      str("strategy", x.strategy);
      str("venue", x.venue);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }

  void report(const controls_report& r) {
    w.StartObject();
    str("schema", controls_report_schema);
    str("day", r.day);
    time("from_ns", r.from_ns);
    time("to_ns", r.to_ns);
    str("node", r.node);
    time("generated_ns", r.generated_ns);
    w.Key("sources");
    w.StartArray();
    for (auto& s : r.sources) {
      w.StartObject();
      str("section", s.section);
      str("record", s.record);
      str("status", s.status);
      w.EndObject();
    }
    w.EndArray();
    w.Key("controls");
    w.StartArray();
    for (auto& c : r.controls)
      control(c);
    w.EndArray();
    orders(r);
    w.Key("throttle_events");
    w.StartArray();
    for (auto& t : r.throttle_events) {
      w.StartObject();
      str("kind", t.kind);
      str("strategy", t.strategy);
      str("command", t.command);
      str("issuer", t.issuer);
      time("ts_ns", t.ts_ns);
      w.EndObject();
    }
    w.EndArray();
    w.Key("audit");
    w.StartObject();
    flag("verified", r.audit_verified);
    flag("complete", r.audit_complete);
    str("verdict", r.audit_verdict);
    w.EndObject();
    w.Key("kills");
    w.StartArray();
    for (auto& k : r.kills)
      kill(k);
    w.EndArray();
    w.Key("resets");
    w.StartArray();
    for (auto& x : r.resets)
      reset(x);
    w.EndArray();
    flag("drills_known", r.drills_known);
    w.Key("drills");
    w.StartArray();
    for (auto& d : r.drills)
      drill(d);
    w.EndArray();
    flag("clock_known", r.clock_known);
    w.Key("clock");
    w.StartArray();
    for (auto& c : r.clock) {
      w.StartObject();
      time("ts_ns", c.ts_ns);
      str("venue", c.venue);
      w.Key("failed");
      w.Bool(c.failed);
      str("detail", c.detail);
      num("offset_ms", c.offset_ms);
      w.Key("rtt_us");
      if (c.rtt_us < 0)
        w.Null();
      else
        w.Int64(c.rtt_us);
      num("log_line", c.line);
      w.EndObject();
    }
    w.EndArray();
    w.Key("problems");
    w.StartArray();
    for (auto& p : r.problems)
      w.String(p.c_str(), static_cast<rapidjson::SizeType>(p.size()));
    w.EndArray();
    w.EndObject();
  }
};

} // namespace

std::string to_json(const controls_report& r, bool pretty) {
  rapidjson::StringBuffer buf;
  if (pretty) {
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
    json<decltype(w)>{w}.report(r);
  } else {
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    json<decltype(w)>{w}.report(r);
  }
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

} // namespace cwts::report
