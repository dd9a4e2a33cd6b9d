#include "reporting/archive/archive_runner.hpp"

#include <spdlog/spdlog.h>

#include "messages/time.hpp"

namespace cwts::archive {

archive_runner::archive_runner(retention_settings settings, retention_sources sources,
                               std::shared_ptr<const ed25519_signer> signer)
  : settings_(std::move(settings)), sources_(std::move(sources)), signer_(std::move(signer)) {
  spdlog::info("event=archive_start node={} dir={} days={} rotate_interval_s={} "
               "audit_rotate_bytes={} audit_rotate_daily={}",
               sources_.node, settings_.archive_dir, settings_.days,
               settings_.rotate_interval.count(), settings_.audit.max_bytes,
               settings_.audit.daily ? 1 : 0);
  timer_ = std::make_unique<periodic_timer>(
    std::chrono::duration_cast<std::chrono::milliseconds>(settings_.rotate_interval),
    [this] { run_once(); });
}

archive_runner::~archive_runner() {
  if (timer_)
    timer_->stop();
}

cycle_report archive_runner::run_once() {
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
  r = run_cycle(*dir, sources_, wall_clock_now().ns, settings_.days);
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
