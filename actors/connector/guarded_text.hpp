#pragma once
// A reason a stream's own thread keeps (the last parse error, the last
// connection failure, ...) and any thread may read.

#include <mutex>
#include <string>
#include <utility>

namespace cwts::connector {

class guarded_text {
public:
  void set(std::string text) {
    std::lock_guard<std::mutex> guard(mtx_);
    text_ = std::move(text);
  }

  std::string get() const {
    std::lock_guard<std::mutex> guard(mtx_);
    return text_;
  }

private:
  mutable std::mutex mtx_;
  std::string text_;
};

} // namespace cwts::connector
