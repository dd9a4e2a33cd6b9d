#pragma once
// A value or an error, for C++17 (no std::expected). Cores return these so a
// caller (the actor shell) always sees a reason instead of an exception.

#include <string>
#include <utility>
#include <variant>

namespace cwts::connector {

// Why a piece of venue text could not be understood.
struct codec_error {
  std::string reason;
};

template <class T, class E = codec_error>
class outcome {
public:
  outcome(T value) : data_(std::in_place_index<0>, std::move(value)) {}
  outcome(E error) : data_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }
  const T& value() const { return std::get<0>(data_); }
  T& value() { return std::get<0>(data_); }
  const E& error() const { return std::get<1>(data_); }

private:
  std::variant<T, E> data_;
};

} // namespace cwts::connector
