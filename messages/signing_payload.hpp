#pragma once
// The bytes a command's signature covers: a tag naming the command and its
// version, then every field length-prefixed ("<length>:<bytes>|"), so no two
// commands, however their fields split, share a payload.

#include <string>

namespace cwts {

class signing_payload_builder {
public:
  explicit signing_payload_builder(const char* tag) : out_(tag) { out_ += '|'; }

  signing_payload_builder& field(const std::string& value) {
    out_ += std::to_string(value.size());
    out_ += ':';
    out_ += value;
    out_ += '|';
    return *this;
  }

  const std::string& str() const { return out_; }

private:
  std::string out_;
};

} // namespace cwts
