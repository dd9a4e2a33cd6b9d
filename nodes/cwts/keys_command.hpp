#pragma once
// cwts keys: the keys and certificates of one deployment (issue 17 finding 7:
// no private key in the repository). No CAF.

namespace cwts {

// cwts keys [--out=DIR] [--cluster=FILE ...] [--nodes=ID,...] [--operator=NAME=ROLES ...]
//           [--keep-ca-key=FILE]
int run_keys_command(int argc, char** argv);

} // namespace cwts
