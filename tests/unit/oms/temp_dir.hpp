#pragma once
// A fresh directory under $TMPDIR (or /tmp) for one test's journal files,
// removed with everything in it when the test ends.

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include <stdlib.h>

namespace cwts::oms::testing {

struct temp_dir {
  std::filesystem::path path;

  temp_dir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/cwts-oms-test-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) != nullptr)
      path = buf.data();
  }

  ~temp_dir() {
    std::error_code ec;
    if (!path.empty()) {
      // A test may have made a folder read-only; make it removable again.
      std::filesystem::permissions(path, std::filesystem::perms::owner_all,
                                   std::filesystem::perm_options::add, ec);
      std::filesystem::remove_all(path, ec);
    }
  }

  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  std::string file(const std::string& name) const { return (path / name).string(); }
};

} // namespace cwts::oms::testing
