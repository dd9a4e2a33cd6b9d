#include "venue/json_reader.hpp"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

namespace cwts::venue {

namespace {

// Nesting past this is refused: the requests the venue reads are two or three
// levels deep, and a hostile one must not build a tree whose destruction
// recurses without bound.
constexpr std::size_t max_depth = 32;

// RapidJSON's SAX events into a json_value tree. Numbers arrive as their text
// (kParseNumbersAsStringsFlag); objects keep member order.
class tree_builder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, tree_builder> {
public:
  json_value root;

  bool Null() {
    put_value(json_value::kind::null);
    return true;
  }
  bool Bool(bool b) {
    put_value(json_value::kind::boolean)->flag = b;
    return true;
  }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) { return text(json_value::kind::number, s, n); }
  bool String(const char* s, rapidjson::SizeType n, bool) { return text(json_value::kind::string, s, n); }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    open_.back()->members.emplace_back(std::string(s, n), json_value{});
    return true;
  }
  bool StartObject() { return start(json_value::kind::object); }
  bool EndObject(rapidjson::SizeType) { return end(); }
  bool StartArray() { return start(json_value::kind::array); }
  bool EndArray(rapidjson::SizeType) { return end(); }

private:
  // Where the next value goes: the root, the array's next item or the value
  // of the member whose key came last.
  json_value* put_value(json_value::kind k) {
    json_value* v = &root;
    if (!open_.empty()) {
      auto* parent = open_.back();
      if (parent->type == json_value::kind::array) {
        parent->items.emplace_back();
        v = &parent->items.back();
      } else {
        v = &parent->members.back().second;
      }
    }
    v->type = k;
    return v;
  }
  bool text(json_value::kind k, const char* s, rapidjson::SizeType n) {
    put_value(k)->text.assign(s, n);
    return true;
  }
  bool start(json_value::kind k) {
    if (open_.size() >= max_depth) return false;
    open_.push_back(put_value(k));
    return true;
  }
  bool end() {
    open_.pop_back();
    return true;
  }

  // The containers being filled, outermost first. Pointers stay valid: only
  // the innermost container grows, and it is the last element of its parent.
  std::vector<json_value*> open_;
};

} // namespace

const json_value* json_value::member(std::string_view name) const {
  for (auto& [k, v] : members)
    if (k == name) return &v;
  return nullptr;
}

std::variant<json_value, json_error> parse_json(std::string_view text) {
  rapidjson::MemoryStream in(text.data(), text.size());
  rapidjson::Reader reader;
  tree_builder tree;
  constexpr unsigned flags = rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag;
  if (!reader.Parse<flags>(in, tree)) return json_error{reader.GetErrorOffset() + 1};
  return std::move(tree.root);
}

} // namespace cwts::venue
