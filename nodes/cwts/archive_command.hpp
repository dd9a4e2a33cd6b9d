#pragma once
// `cwts archive rotate|verify|prune|list --dir=DIR` (docs/retention.md): a
// node's archive by hand. No CAF.

namespace cwts {

// 0 done; 1 a pass with errors; 2 usage or unreadable input; 4 the archive
// does not verify (verify, prune).
int run_archive_command(int argc, char** argv);

} // namespace cwts
