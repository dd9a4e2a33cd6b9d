#include "reporting/archive/retention_config.hpp"

namespace cwts::archive {

bool parse_retention_config(const retention_raw_options& raw, const std::string& archive_dir,
                            const std::string& reports_dir, const std::vector<std::string>& logs,
                            std::optional<retention_settings>& out, std::string& error) {
  out.reset();
  // Checked with or without an archive: a period of 0 is a mistake either way.
  if (raw.days <= 0 || raw.days > 36'500) {
    error = "retention.days: " + std::to_string(raw.days)
            + " is not a retention period (1 to 36500 days; MiFID II asks 5 to 7 years, "
              "default 2557)";
    return false;
  }
  if (raw.archive_dir.empty())
    return true;
  if (raw.rotate_interval_s < 1 || raw.rotate_interval_s > 7 * 86'400) {
    error = "retention.rotate-interval-s: " + std::to_string(raw.rotate_interval_s)
            + " is not between 1 and 604800 seconds";
    return false;
  }
  if (raw.journal_interval_s < 1 || raw.journal_interval_s > 30 * 86'400) {
    error = "retention.journal-interval-s: " + std::to_string(raw.journal_interval_s)
            + " is not between 1 and 2592000 seconds";
    return false;
  }
  if (raw.audit_rotate_bytes < 0 || (raw.audit_rotate_bytes > 0 && raw.audit_rotate_bytes < 4096)) {
    error = "retention.audit-rotate-bytes: " + std::to_string(raw.audit_rotate_bytes)
            + " is neither 0 (not by size) nor at least 4096";
    return false;
  }
  if (raw.audit_rotate_daily != 0 && raw.audit_rotate_daily != 1) {
    error = "retention.audit-rotate-daily: " + std::to_string(raw.audit_rotate_daily)
            + " is not 0 or 1";
    return false;
  }
  retention_settings s;
  s.archive_dir = archive_dir;
  s.days = raw.days;
  s.rotate_interval = std::chrono::seconds(raw.rotate_interval_s);
  s.journal_interval = std::chrono::seconds(raw.journal_interval_s);
  s.audit.max_bytes = static_cast<uint64_t>(raw.audit_rotate_bytes);
  s.audit.daily = raw.audit_rotate_daily == 1;
  s.reports_dir = reports_dir;
  s.logs = logs;
  out = std::move(s);
  return true;
}

} // namespace cwts::archive
