#include "venue/json_reader.hpp"

#include <cctype>

namespace cwts::venue {

namespace {

// Recursive descent over one text; depth bounded so hostile input cannot
// exhaust the stack.
class reader {
public:
  explicit reader(std::string_view s) : s_(s) {}

  bool document(json_value& out) {
    if (!value(out, 0)) return false;
    skip();
    return pos_ == s_.size();
  }
  size_t column() const { return pos_ + 1; }

private:
  void skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  bool string(std::string& out) {
    if (pos_ >= s_.size() || s_[pos_] != '"') return false;
    for (++pos_; pos_ < s_.size(); ++pos_) {
      char c = s_[pos_];
      if (c == '"') { ++pos_; return true; }
      if (c == '\\') {
        if (++pos_ >= s_.size()) return false;
        char e = s_[pos_];
        // A \u escape (four hex digits) is kept as written: control messages carry ASCII names.
        out.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e);
        continue;
      }
      out.push_back(c);
    }
    return false;
  }
  bool number(std::string& out) {
    auto start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    while (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_]))
                                || s_[pos_] == '.' || s_[pos_] == 'e' || s_[pos_] == 'E'
                                || s_[pos_] == '+' || s_[pos_] == '-'))
      ++pos_;
    out = std::string(s_.substr(start, pos_ - start));
    return pos_ > start && out != "-";
  }
  bool value(json_value& v, int depth) {
    if (depth > 32) return false;
    skip();
    if (pos_ >= s_.size()) return false;
    char c = s_[pos_];
    if (c == '{') return object(v, depth);
    if (c == '[') return array(v, depth);
    if (c == '"') { v.type = json_value::kind::string; return string(v.text); }
    if (literal("null")) { v.type = json_value::kind::null; return true; }
    if (literal("true")) { v.type = json_value::kind::boolean; v.flag = true; return true; }
    if (literal("false")) { v.type = json_value::kind::boolean; return true; }
    v.type = json_value::kind::number;
    return number(v.text);
  }
  bool array(json_value& v, int depth) {
    v.type = json_value::kind::array;
    ++pos_;
    skip();
    if (pos_ < s_.size() && s_[pos_] == ']') { ++pos_; return true; }
    while (true) {
      v.items.emplace_back();
      if (!value(v.items.back(), depth + 1)) return false;
      skip();
      if (pos_ < s_.size() && s_[pos_] == ',') { ++pos_; continue; }
      if (pos_ < s_.size() && s_[pos_] == ']') { ++pos_; return true; }
      return false;
    }
  }
  bool object(json_value& v, int depth) {
    v.type = json_value::kind::object;
    ++pos_;
    skip();
    if (pos_ < s_.size() && s_[pos_] == '}') { ++pos_; return true; }
    while (true) {
      skip();
      std::string key;
      if (!string(key)) return false;
      skip();
      if (pos_ >= s_.size() || s_[pos_] != ':') return false;
      ++pos_;
      v.members.emplace_back(std::move(key), json_value{});
      if (!value(v.members.back().second, depth + 1)) return false;
      skip();
      if (pos_ < s_.size() && s_[pos_] == ',') { ++pos_; continue; }
      if (pos_ < s_.size() && s_[pos_] == '}') { ++pos_; return true; }
      return false;
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
};

} // namespace

const json_value* json_value::member(std::string_view name) const {
  for (auto& [k, v] : members)
    if (k == name) return &v;
  return nullptr;
}

std::variant<json_value, json_error> parse_json(std::string_view text) {
  reader r(text);
  json_value v;
  if (!r.document(v)) return json_error{r.column()};
  return v;
}

} // namespace cwts::venue
