#pragma once
// cwts keys: the keys and certificates of one deployment (issue 17 finding 7:
// no private key in the repository). No CAF.

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace cwts {

// cwts keys [--out=DIR] [--cluster=FILE ...] [--nodes=ID,...] [--operator=NAME=ROLES ...]
//           [--keep-ca-key=FILE]
int run_keys_command(int argc, char** argv);

// Creates `path` with exactly `mode`, never replacing a file: a key
// overwritten by accident cannot be recovered. False with `error` else.
bool write_new_file(const std::filesystem::path& path, const std::string& text, mode_t mode,
                    std::string& error);

} // namespace cwts
