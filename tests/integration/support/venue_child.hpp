#pragma once
// A real cwts-venue process for a test or a bench: started through the one
// launcher (common/process.hpp) with its stdout on a pipe, its port read from
// the one line it prints there ("cwts-venue listening host=127.0.0.1
// port=N ..."), stopped (SIGTERM, SIGKILL after a grace) when it goes out of
// scope, and killed with the test process if that one dies first.
// Header-only: the venue and connector tests link only cwts_common.

#include <charconv>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <unistd.h>

#include "common/process.hpp"

namespace cwts::itest {

class venue_child {
public:
  // `binary` with `args` (--config F --port P ...); the venue's log (stderr)
  // goes to `log`: the test's own stderr unless told otherwise.
  venue_child(const std::string& binary, const std::vector<std::string>& args,
              proc::output log = proc::output::inherit()) {
    proc::spawn_spec spec;
    spec.argv.push_back(binary);
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.out = proc::output::pipe();
    spec.err = std::move(log);
    spec.die_with_parent = true;
    auto child = proc::spawn(spec);
    pid = child.pid;
    out_ = child.out_pipe;
    error = child.error;
    if (!child.ok())
      return;
    // A venue that cannot start (bad config, port taken) exits: end of file.
    auto line = proc::read_line(out_, std::chrono::seconds{30});
    if (!line) {
      error = "no 'listening' line from " + binary;
      return;
    }
    listening_line = *line;
    auto at = listening_line.find(" port=");
    unsigned value = 0;
    if (at != std::string::npos) {
      const char* first = listening_line.data() + at + 6;
      const char* last = listening_line.data() + listening_line.size();
      auto [end, ec] = std::from_chars(first, last, value);
      if (ec != std::errc() || end == first || (end != last && *end != ' '))
        value = 0;
    }
    if (value == 0 || value > 65535) {
      error = "no port in the 'listening' line from " + binary + ": " + listening_line;
      return;
    }
    port = static_cast<uint16_t>(value);
  }

  ~venue_child() { stop(); }
  venue_child(const venue_child&) = delete;
  venue_child& operator=(const venue_child&) = delete;

  // SIGTERM, up to 10 s to exit, then SIGKILL; the port may be bound again
  // once this returns.
  void stop() {
    if (pid > 0)
      proc::terminate(pid, std::chrono::seconds{10});
    pid = -1;
    if (out_ >= 0)
      ::close(out_);
    out_ = -1;
  }

  pid_t pid = -1;
  uint16_t port = 0; // 0: it did not start (see `error`)
  std::string listening_line; // the venue's one stdout line, without '\n'
  std::string error;

private:
  int out_ = -1; // kept open while it runs: a closed pipe would SIGPIPE it
};

} // namespace cwts::itest
