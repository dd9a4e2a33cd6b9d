#include "venue/json_writer.hpp"

namespace cwts::venue {

std::string json_writer::take() {
  std::string out(buf_.GetString(), buf_.GetSize());
  buf_.Clear();
  w_.Reset(buf_);
  return out;
}

std::string json_quote(std::string_view v) {
  json_writer w;
  w.str(v);
  return w.take();
}

} // namespace cwts::venue
