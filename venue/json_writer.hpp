#pragma once
// A small streaming JSON writer: the venue's replies are flat and known in
// advance, so a DOM would only add allocations.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cwts::venue {

class json_writer {
public:
  json_writer& begin_object() { return open('{'); }
  json_writer& end_object() { return close('}'); }
  json_writer& begin_array() { return open('['); }
  json_writer& end_array() { return close(']'); }
  json_writer& key(std::string_view k);
  json_writer& str(std::string_view v);
  json_writer& num(int64_t v);
  json_writer& boolean(bool v);
  // Inserts an already valid JSON value.
  json_writer& raw(std::string_view json);
  // key + value shorthands.
  json_writer& field(std::string_view k, std::string_view v) { return key(k).str(v); }
  json_writer& field_num(std::string_view k, int64_t v) { return key(k).num(v); }
  json_writer& field_bool(std::string_view k, bool v) { return key(k).boolean(v); }

  const std::string& str_view() const { return out_; }
  std::string take() { return std::move(out_); }

private:
  json_writer& open(char c);
  json_writer& close(char c);
  void separate();

  std::string out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

// The JSON string literal for `v`, quotes included.
std::string json_quote(std::string_view v);

} // namespace cwts::venue
