#include "venue/stream_control.hpp"

#include <algorithm>
#include <cctype>

#include "venue/json_reader.hpp"
#include "venue/json_writer.hpp"

namespace cwts::venue {

namespace {

std::string error_reply(int code, const std::string& msg, const std::string& id_json) {
  json_writer w;
  w.begin_object().key("error").begin_object().field_num("code", code).field("msg", msg)
    .end_object().key("id").raw(id_json).end_object();
  return w.take();
}

std::string result_reply(const std::string& result_json, const std::string& id_json) {
  json_writer w;
  w.begin_object().key("result").raw(result_json).key("id").raw(id_json).end_object();
  return w.take();
}

// The id as it goes back: a 64-bit integer, an alphanumeric string of at
// most 36 characters, or null; nullopt for anything else.
std::optional<std::string> id_json(const json_value* id) {
  if (!id || id->type == json_value::kind::null) return std::string("null");
  if (id->type == json_value::kind::number) {
    auto& t = id->text;
    auto digits = t[0] == '-' ? t.substr(1) : t;
    bool ok = !digits.empty() && digits.size() <= 19
              && std::all_of(digits.begin(), digits.end(),
                             [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    return ok ? std::optional<std::string>(t) : std::nullopt;
  }
  if (id->type == json_value::kind::string && id->text.size() <= 36
      && std::all_of(id->text.begin(), id->text.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)); }))
    return json_quote(id->text);
  return std::nullopt;
}

std::string change_streams(const json_value* params, bool subscribe, stream_request& subs,
                           const std::function<bool(symbol)>& known, const std::string& id) {
  if (!params || params->type != json_value::kind::array)
    return error_reply(2, "Invalid request: params must be an array of stream names", id);
  std::vector<stream_id> named;
  for (auto& p : params->items) {
    auto s = p.type == json_value::kind::string ? parse_stream_name(p.text) : std::nullopt;
    if (!s || !known(s->sym))
      return error_reply(2, "Invalid request: unknown stream " + json_quote(p.text), id);
    named.push_back(*s);
  }
  auto& v = subs.streams;
  for (auto& s : named) {
    auto at = std::find(v.begin(), v.end(), s);
    if (!subscribe && at != v.end()) v.erase(at);
    if (subscribe && at == v.end()) v.push_back(s);
  }
  if (v.size() > max_streams_per_connection) {
    v.resize(max_streams_per_connection);
    return error_reply(2, "Invalid request: at most 1024 streams per connection", id);
  }
  return result_reply("null", id);
}

std::string property(const json_value* params, bool set, stream_request& subs,
                     const std::string& id) {
  const json_value* name = params && params->type == json_value::kind::array
                               && !params->items.empty() ? &params->items[0] : nullptr;
  if (!name || name->type != json_value::kind::string)
    return error_reply(2, "Invalid request: property name must be a string", id);
  if (name->text != "combined") return error_reply(0, "Unknown property", id);
  if (!set) return result_reply(subs.combined ? "true" : "false", id);
  if (params->items.size() != 2 || params->items[1].type != json_value::kind::boolean)
    return error_reply(1, "Invalid value type: expected Boolean", id);
  subs.combined = params->items[1].flag;
  return result_reply("null", id);
}

} // namespace

std::string apply_stream_control(std::string_view text, stream_request& subs,
                                 const std::function<bool(symbol)>& known_symbol) {
  auto parsed = parse_json(text);
  if (auto e = std::get_if<json_error>(&parsed))
    return error_reply(3, "Invalid JSON: expected value at line 1 column "
                            + std::to_string(e->column), "null");
  auto& msg = std::get<json_value>(parsed);
  auto id = id_json(msg.member("id"));
  if (!id) return error_reply(2, "Invalid request: request ID must be an unsigned integer", "null");
  auto method = msg.member("method");
  if (!method)
    return error_reply(2, "Invalid request: missing field `method` at line 1 column "
                            + std::to_string(text.size()), *id);
  auto params = msg.member("params");
  const auto& m = method->text;
  if (method->type == json_value::kind::string) {
    if (m == "SUBSCRIBE" || m == "UNSUBSCRIBE")
      return change_streams(params, m == "SUBSCRIBE", subs, known_symbol, *id);
    if (m == "SET_PROPERTY" || m == "GET_PROPERTY")
      return property(params, m == "SET_PROPERTY", subs, *id);
    if (m == "LIST_SUBSCRIPTIONS") {
      json_writer w;
      w.begin_array();
      for (auto& s : subs.streams) w.str(stream_name(s));
      w.end_array();
      return result_reply(w.take(), *id);
    }
  }
  return error_reply(2, "Invalid request: unknown variant `" + m + "`, expected one of "
                        "`SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, "
                        "`GET_PROPERTY`", *id);
}

} // namespace cwts::venue
