#include "common/trace/span_exporter.hpp"

#include <filesystem>
#include <fstream>
#include <vector>

#include "actors/connector/http_client.hpp"
#include "actors/connector/tls_transport.hpp"
#include "common/trace/otlp_json.hpp"

namespace cwts::trace {

span_exporter::span_exporter(ring_set& rings, exporter_config cfg)
  : rings_(rings), cfg_(std::move(cfg)) {
  if (cfg_.collector) {
    auto& c = *cfg_.collector;
    client_ = std::make_unique<connector::http_client>(
      connector::make_http_transport(c.host, c.port, c.tls, cfg_.ca_file),
      c.host + ":" + std::to_string(c.port), cfg_.request_timeout);
  }
  thread_ = std::thread([this] { run(); });
}

span_exporter::~span_exporter() {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void span_exporter::flush() {
  std::unique_lock<std::mutex> lock(mutex_);
  auto mine = ++asked_;
  wake_.notify_all();
  passed_.wait(lock, [&] { return done_ >= mine || stopping_; });
}

exporter_stats span_exporter::stats() const {
  std::lock_guard<std::mutex> guard(mutex_);
  auto s = stats_;
  s.ring_dropped = rings_.dropped();
  return s;
}

std::string span_exporter::file_path() const {
  return cfg_.dir + "/spans-" + cfg_.node + ".jsonl";
}

void span_exporter::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait_for(lock, cfg_.interval, [&] { return stopping_ || asked_ > done_; });
    bool last = stopping_;
    auto generation = asked_;
    lock.unlock();
    pass();
    lock.lock();
    done_ = generation;
    passed_.notify_all();
    if (last)
      return;
  }
}

// One pass: earlier failed batches first (in order), then the rings, in
// batches of batch_max.
void span_exporter::pass() {
  while (!pending_.empty()) {
    if (!ship(pending_.front().first, pending_.front().second))
      break;
    pending_.pop_front();
  }
  std::vector<span_record> batch;
  batch.reserve(cfg_.batch_max);
  span_record r;
  for (;;) {
    batch.clear();
    while (batch.size() < cfg_.batch_max && rings_.pop(r)) {
      batch.push_back(r);
      if (cfg_.index)
        cfg_.index->add(r);
    }
    if (batch.empty())
      return;
    auto body = otlp_json(cfg_.node, batch.data(), batch.size());
    if (!pending_.empty() || !ship(body, batch.size())) {
      if (!client_) // a file that cannot be written: counted in ship()
        continue;
      pending_.emplace_back(std::move(body), batch.size());
      while (pending_.size() > cfg_.pending_max) {
        std::lock_guard<std::mutex> guard(mutex_);
        stats_.spans_dropped += pending_.front().second;
        pending_.pop_front();
      }
    }
  }
}

bool span_exporter::ship(const std::string& body, size_t spans) {
  std::string error;
  bool ok = false;
  if (client_) {
    connector::http_request req;
    req.method = boost::beast::http::verb::post;
    req.target = cfg_.collector->target;
    req.body = body;
    req.headers = {{"Content-Type", "application/json"}};
    auto out = client_->send(req);
    if (!out)
      error = std::string(connector::to_string(out.error().failure)) + ": " + out.error().detail;
    else if (out.value().status < 200 || out.value().status > 299)
      error = "collector answered HTTP " + std::to_string(out.value().status);
    else
      ok = true;
  } else {
    ok = append_to_file(body);
    if (!ok)
      error = "cannot write " + file_path();
  }
  std::lock_guard<std::mutex> guard(mutex_);
  if (ok) {
    stats_.spans_exported += spans;
    ++stats_.batches_sent;
  } else {
    stats_.last_error = error;
    if (client_)
      ++stats_.post_failures;
    else
      stats_.spans_dropped += spans;
  }
  return ok;
}

// One OTLP request per line; past file_max_bytes the file becomes .1 (and
// .1 becomes .2, ...; the oldest beyond files_kept is removed).
bool span_exporter::append_to_file(const std::string& line) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto path = file_path();
  auto size = fs::file_size(path, ec);
  if (!ec && size > 0 && size + line.size() + 1 > cfg_.file_max_bytes) {
    auto numbered = [&](int i) { return path + "." + std::to_string(i); };
    fs::remove(numbered(cfg_.files_kept), ec);
    for (int i = cfg_.files_kept - 1; i >= 1; --i)
      if (fs::exists(numbered(i), ec))
        fs::rename(numbered(i), numbered(i + 1), ec);
    fs::rename(path, numbered(1), ec);
    std::lock_guard<std::mutex> guard(mutex_);
    ++stats_.files_rotated;
  }
  std::ofstream out(path, std::ios::app);
  out << line << '\n';
  out.flush();
  return static_cast<bool>(out);
}

} // namespace cwts::trace
