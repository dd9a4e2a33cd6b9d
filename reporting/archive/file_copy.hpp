#pragma once
// Durable file copies for the archive: copied through a 1 MiB buffer while
// hashed (never read whole), written under a temporary name, fsynced,
// renamed, and the folder fsynced, so an archived file is either whole
// under its name or not there. CAF-free.

#include <cstdint>
#include <optional>
#include <string>

#include "actors/kill/audit_chain_detail.hpp"

namespace cwts::archive {

struct copied {
  std::string sha256; // hex of the bytes copied
  uint64_t size = 0;
};

// SHA-256 of a file, streamed; nullopt and why when it cannot be read.
std::optional<copied> hash_file(const std::string& path, std::string& error);

// Copies `length` bytes of `source` from `offset` (length UINT64_MAX: to its
// end) to `dest`; `dest` must not exist.
std::optional<copied> durable_copy(const std::string& source, uint64_t offset, uint64_t length,
                                   const std::string& dest, std::string& error);

// fsync of the folder holding `path` (a rename or unlink in it is durable).
using audit_detail::sync_parent_dir;

// Size of a regular file; nullopt when absent or not a regular file.
std::optional<uint64_t> regular_file_size(const std::string& path);

} // namespace cwts::archive
