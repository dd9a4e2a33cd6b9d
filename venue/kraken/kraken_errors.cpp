#include "venue/kraken/kraken_errors.hpp"

#include "venue/json_writer.hpp"

namespace cwts::venue {

void kraken_error_counts::count(const std::string& text) {
  ++total_;
  auto it = counts_.find(text);
  if (it != counts_.end()) {
    ++it->second;
    return;
  }
  // "other" takes one of the slots, so the map never passes max_kinds.
  if (counts_.size() + 1 < max_kinds) counts_.emplace(text, 1);
  else ++counts_["other"];
}

std::string kraken_error_counts::to_json() const {
  json_writer w;
  w.begin_object();
  for (auto& [text, n] : counts_) w.field_num(text, static_cast<int64_t>(n));
  w.end_object();
  return w.take();
}

} // namespace cwts::venue
