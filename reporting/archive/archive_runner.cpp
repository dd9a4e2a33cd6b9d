#include "reporting/archive/archive_runner.hpp"

#include <spdlog/spdlog.h>

#include "messages/time.hpp"

namespace cwts::archive {

archive_runner::archive_runner(retention_settings settings, retention_sources sources,
                               std::shared_ptr<const ed25519_signer> signer)
  : settings_(std::move(settings)), sources_(std::move(sources)), signer_(std::move(signer)) {}

archive_runner::~archive_runner() {
  stop();
}

void archive_runner::start() {
  if (thread_.joinable() || stopped_)
    return;
  spdlog::info("event=archive_start node={} dir={} days={} rotate_interval_s={} "
               "audit_rotate_bytes={} audit_rotate_daily={}",
               sources_.node, settings_.archive_dir, settings_.days,
               settings_.rotate_interval.count(), settings_.audit.max_bytes,
               settings_.audit.daily ? 1 : 0);
  thread_ = std::thread([this] { loop(); });
}

void archive_runner::loop() {
  for (;;) {
    run_once([this] { return stopping_.load(); });
    std::unique_lock<std::mutex> g(mtx_);
    if (cv_.wait_for(g, settings_.rotate_interval, [this] { return stopping_.load(); }))
      return;
  }
}

void archive_runner::stop(std::chrono::milliseconds final_wait) {
  if (stopped_ || !thread_.joinable())
    return;
  {
    std::lock_guard<std::mutex> g(mtx_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
  stopped_ = true;
  // The last pass: what was written since the last one is archived before
  // the node exits (a node restarted often still archives everything).
  const auto deadline = std::chrono::steady_clock::now() + final_wait;
  run_once([deadline] { return std::chrono::steady_clock::now() >= deadline; });
  spdlog::info("event=archive_stopped node={} passes={} archived={} errors={}", sources_.node,
               passes_.load(), archived_.load(), errors_.load());
}

cycle_report archive_runner::run_once(const std::function<bool()>& stop) {
  ++passes_;
  cycle_report r;
  std::string error;
  // Opened each pass: `cwts archive prune` may have appended meanwhile, and
  // a manifest found broken is reported every pass until an operator looks.
  auto dir = archive_dir::open(settings_.archive_dir, error, signer_);
  if (!dir) {
    ++errors_;
    spdlog::error("event=archive_error node={} dir={} error=\"{}\"", sources_.node,
                  settings_.archive_dir, error);
    r.errors.push_back(error);
    return r;
  }
  r = run_cycle(*dir, sources_, wall_clock_now().ns, settings_.days, stop);
  archived_ += r.archived;
  errors_ += r.errors.size();
  for (auto& e : r.added)
    spdlog::info("event=archived node={} kind={} file={} sha256={} size={} retain_until_ns={}",
                 sources_.node, to_string(e.kind), e.file, e.sha256, e.size, e.retain_until_ns);
  for (auto& why : r.errors)
    spdlog::error("event=archive_error node={} dir={} error=\"{}\"", sources_.node,
                  settings_.archive_dir, why);
  spdlog::info("event=archive_pass node={} archived={} unchanged={} errors={} entries={}",
               sources_.node, r.archived, r.unchanged, r.errors.size(), dir->entries());
  return r;
}

} // namespace cwts::archive
