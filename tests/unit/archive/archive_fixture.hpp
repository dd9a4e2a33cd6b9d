#pragma once
// A scratch folder with an archive in it, and helpers to read and rewrite
// its manifest the way an attacker with write access would.

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "reporting/archive/archive_dir.hpp"

// CAF 0.17 has no CHECK with a message: print the reason, then check.
#define ARCHIVE_CHECK(cond, why)                                                                  \
  do {                                                                                            \
    if (!(cond))                                                                                  \
      CAF_MESSAGE("reason: " << (why));                                                           \
    CAF_CHECK(cond);                                                                              \
  } while (false)
#define ARCHIVE_REQUIRE(cond, why)                                                                \
  do {                                                                                            \
    if (!(cond))                                                                                  \
      CAF_MESSAGE("reason: " << (why));                                                           \
    CAF_REQUIRE(cond);                                                                            \
  } while (false)

namespace cwts::archive::test {

inline constexpr int64_t t0 = 1'780'000'000LL * 1'000'000'000LL; // 2026-05-28

struct scratch {
  std::string root;

  explicit scratch(const std::string& name) {
    root = (std::filesystem::temp_directory_path()
            / ("cwts-" + name + "-" + std::to_string(::getpid())))
             .string();
    std::filesystem::remove_all(root);
    std::filesystem::create_directories(root + "/src");
  }
  ~scratch() { std::filesystem::remove_all(root); }

  std::string dir() const { return root + "/archive"; }

  std::string write_source(const std::string& name, const std::string& content) const {
    auto p = root + "/src/" + name;
    std::ofstream(p, std::ios::binary | std::ios::trunc) << content;
    return p;
  }

  std::vector<std::string> manifest_lines() const {
    std::ifstream in(dir() + "/MANIFEST");
    std::vector<std::string> out;
    for (std::string l; std::getline(in, l);)
      out.push_back(l);
    return out;
  }

  void rewrite_manifest(const std::vector<std::string>& ls, bool last_newline = true) const {
    std::ofstream out(dir() + "/MANIFEST", std::ios::trunc | std::ios::binary);
    for (size_t i = 0; i < ls.size(); ++i)
      out << ls[i] << (i + 1 < ls.size() || last_newline ? "\n" : "");
  }

  // Overwrites an archived (read-only) file, as someone with the folder's
  // rights could.
  void tamper(const std::string& rel, const std::string& content) const {
    auto p = dir() + "/" + rel;
    ::chmod(p.c_str(), 0644);
    std::ofstream(p, std::ios::binary | std::ios::trunc) << content;
  }
};

inline add_request request(file_kind k, const std::string& source, int64_t period_to,
                           int64_t days) {
  add_request r;
  r.kind = k;
  r.source = source;
  r.node = "n1";
  r.period_from_ns = period_to - ns_per_day;
  r.period_to_ns = period_to;
  r.now_ns = period_to;
  r.retention_days = days;
  return r;
}

} // namespace cwts::archive::test
