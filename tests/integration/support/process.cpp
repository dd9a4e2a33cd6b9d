#include "tests/integration/support/process.hpp"

#include "common/process.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cwts::itest {

namespace {

using clock_type = std::chrono::steady_clock;

std::atomic<int> command_counter{0};

std::string sanitize(const std::string& name) {
  std::string out;
  for (char c : name)
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  return out.empty() ? "x" : out;
}

} // namespace

std::string make_test_dir(const std::string& test_name) {
  std::string base = env("TMPDIR");
  if (base.empty())
    base = "/tmp";
  std::string tmpl = base + "/cwts-itest-" + sanitize(test_name) + "-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr)
    return {};
  return std::string(buf.data());
}

namespace {

// Binds 127.0.0.1:`port` (0: any); the bound port, 0 when it is taken.
uint16_t bind_probe(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return 0;
  int on = 1; // as the servers bind: a port in TIME_WAIT is free to them
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  uint16_t bound = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0
      && ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    bound = ntohs(addr.sin_port);
  ::close(fd);
  return bound;
}

// The first port of the kernel's ephemeral range (32768 on Linux by default).
int ephemeral_start() {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  int lo = 0;
  if (in >> lo && lo > 2048)
    return lo;
  return 32768;
}

} // namespace

// The bind probe alone cannot tell two test processes apart that probe the
// same port before either's node binds it (two cluster tests side by side,
// one picking the other's fan-out partner): hence a claim between them.
bool claim_port(uint16_t port) {
  static const std::string dir = [] {
    std::string d = "/tmp/cwts-itest-ports";
    if (::mkdir(d.c_str(), 01777) == 0)
      ::chmod(d.c_str(), 01777); // every user's tests share it
    return d;
  }();
  auto path = dir + "/" + std::to_string(port);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0)
    return true; // no shared directory: the bind probe still guards
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return false;
  }
  return true; // fd kept open: the claim lasts as long as this process
}

uint16_t free_port() {
  // Below the ephemeral range: a port the kernel handed out for a bind(0) and
  // freed again is soon given to the next bind(0) or outgoing connection of
  // any process, and tests run side by side (ctest -j2) make many (venues on
  // port 0, every client connection): a node once found its cluster port
  // taken between this probe and its own bind. A random port below the range
  // meets only another test's pick. No port is returned twice by one test
  // process (a cluster config once got the same port for two nodes).
  //
  // A node also listens on its port + the kill fan-out's offset (1000 by
  // default, [kill] fanout-port-offset): that partner must be free, below
  // the ephemeral range too, and reserved with it (review p4 #13), or a
  // cluster test could collide with another test's pick and the node
  // refuses to start.
  static std::mutex mutex;
  static std::set<uint16_t> handed_out;
  static std::mt19937 rng(std::random_device{}() ^ static_cast<unsigned>(::getpid()));
  std::lock_guard<std::mutex> guard(mutex);
  constexpr int offset = fanout_port_offset;
  int hi = ephemeral_start() - 1 - offset;
  int lo = std::max(1024, hi - 16000);
  if (hi <= lo)
    return 0;
  auto usable = [&](int port) {
    auto p = static_cast<uint16_t>(port);
    auto partner = static_cast<uint16_t>(port + offset);
    // Neither may be another pick's partner or port.
    return handed_out.count(p) == 0 && handed_out.count(partner) == 0
           && bind_probe(p) == p && bind_probe(partner) == partner;
  };
  // Marks a usable port and its partner handed out, claimed across test
  // processes; false (a claim failed) when another test process holds one.
  // A port claimed here and its partner refused stays handed out: lost to
  // this process only.
  auto take = [&](int port) {
    auto p = static_cast<uint16_t>(port);
    auto partner = static_cast<uint16_t>(port + offset);
    handed_out.insert(p);
    handed_out.insert(partner);
    return claim_port(p) && claim_port(partner);
  };
  std::uniform_int_distribution<int> pick(lo, hi);
  for (int attempt = 0; attempt < 1000; ++attempt) {
    int port = pick(rng);
    if (usable(port) && take(port))
      return static_cast<uint16_t>(port);
  }
  for (int port = lo; port <= hi; ++port) // a crowded range: the first usable
    if (usable(port) && take(port))
      return static_cast<uint16_t>(port);
  return 0;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return {};
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string tail(const std::string& text, std::size_t n) {
  return text.size() <= n ? text : "..." + text.substr(text.size() - n);
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string::size_type start = 0;
  while (start < text.size()) {
    auto nl = text.find('\n', start);
    if (nl == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

namespace {

// A process restarted under the same name (a node restarted on its folder)
// writes fresh files; its earlier life's go to <name>.<n>.out/.err, n = 1,
// 2, ..., so a failure before the restart can still be read.
void keep_earlier_life(const std::string& path) {
  if (::access(path.c_str(), F_OK) != 0)
    return;
  auto dot = path.rfind('.');
  for (int n = 1; n < 100; ++n) {
    auto earlier = path.substr(0, dot) + "." + std::to_string(n) + path.substr(dot);
    if (::access(earlier.c_str(), F_OK) != 0) {
      ::rename(path.c_str(), earlier.c_str());
      return;
    }
  }
}

} // namespace

child_process::child_process(std::string name, std::vector<std::string> argv,
                             const std::string& dir, const std::string& cwd)
  : name_(std::move(name)),
    out_path_(dir + "/" + sanitize(name_) + ".out"),
    err_path_(dir + "/" + sanitize(name_) + ".err") {
  if (argv.empty())
    return;
  keep_earlier_life(out_path_);
  keep_earlier_life(err_path_);
  proc::spawn_spec spec;
  spec.argv = std::move(argv);
  spec.cwd = cwd;
  spec.out = proc::output::file(out_path_);
  spec.err = proc::output::file(err_path_);
  // Dies with the test process, even when that one is SIGKILLed.
  spec.die_with_parent = true;
  auto child = proc::spawn(spec);
  pid_ = child.pid; // -1 when it could not start
  // spawn() reports a failed exec/chdir itself (no child, no exit code):
  // the reason goes where the child's stderr would have, and to the test's.
  if (!child.ok()) {
    std::ofstream(err_path_, std::ios::app) << child.error << "\n";
    std::fprintf(stderr, "child_process %s: %s\n", name_.c_str(), child.error.c_str());
  }
}

child_process::~child_process() {
  if (pid_ > 0 && !exit_code_)
    stop(millis{5000});
}

bool child_process::running() {
  if (pid_ <= 0 || exit_code_)
    return false;
  exit_code_ = proc::poll_exit(pid_);
  return !exit_code_;
}

std::optional<int> child_process::wait_exit(millis timeout) {
  auto deadline = clock_type::now() + timeout;
  while (running()) {
    if (clock_type::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(millis{20});
  }
  return exit_code_;
}

std::optional<int> child_process::stop(millis grace) {
  if (!running())
    return exit_code_;
  exit_code_ = proc::terminate(pid_, grace, millis{10000}).exit_code;
  return exit_code_;
}

std::optional<std::string>
child_process::wait_for_line(stream s, const std::function<bool(const std::string&)>& pred,
                             millis timeout) {
  auto deadline = clock_type::now() + timeout;
  const auto& path = s == stream::out ? out_path_ : err_path_;
  for (;;) {
    // Read the state before the file: a child that printed and exited is
    // still seen printing.
    bool alive = running();
    for (auto& line : split_lines(read_file(path)))
      if (pred(line))
        return line;
    if (!alive || clock_type::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(millis{50});
  }
}

command_result run_command(const std::string& name, std::vector<std::string> argv,
                           const std::string& dir, millis timeout) {
  command_result res;
  auto unique = name + "-" + std::to_string(++command_counter);
  child_process proc(unique, std::move(argv), dir);
  if (!proc.started())
    return res;
  auto rc = proc.wait_exit(timeout);
  if (!rc) {
    res.timed_out = true;
    proc.stop(millis{2000});
    res.exit_code = -1000;
  } else {
    res.exit_code = *rc;
  }
  res.out = proc.out();
  res.err = proc.err();
  return res;
}

} // namespace cwts::itest
