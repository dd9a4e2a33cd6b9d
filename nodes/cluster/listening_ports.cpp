#include "nodes/cluster/listening_ports.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace cwts::cluster {

namespace {

// Socket inodes the process holds open ("socket:[12345]" links in fd/).
std::set<std::string> socket_inodes(pid_t pid) {
  std::set<std::string> out;
  auto dir = "/proc/" + std::to_string(pid) + "/fd";
  DIR* d = ::opendir(dir.c_str());
  if (!d)
    return out;
  while (auto* e = ::readdir(d)) {
    std::array<char, 128> target{};
    auto n = ::readlink((dir + "/" + e->d_name).c_str(), target.data(), target.size() - 1);
    std::string t(target.data(), n > 0 ? static_cast<size_t>(n) : 0);
    if (t.rfind("socket:[", 0) == 0 && t.size() > 9)
      out.insert(t.substr(8, t.size() - 9));
  }
  ::closedir(d);
  return out;
}

} // namespace

std::set<uint16_t> listening_tcp_ports(pid_t pid) {
  std::set<uint16_t> ports;
  auto mine = socket_inodes(pid);
  for (auto* table : {"tcp", "tcp6"}) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/net/" + table);
    std::string line;
    std::getline(in, line); // the header
    while (std::getline(in, line)) {
      std::istringstream row(line);
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
      row >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout
        >> inode;
      auto colon = local.rfind(':');
      if (state != "0A" || colon == std::string::npos || !mine.count(inode)) // 0A: LISTEN
        continue;
      ports.insert(static_cast<uint16_t>(std::stoul(local.substr(colon + 1), nullptr, 16)));
    }
  }
  return ports;
}

std::string plain_client_outcome(uint16_t port, std::chrono::milliseconds wait) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return std::string("unreachable: socket: ") + std::strerror(errno);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    auto why = std::string("unreachable: ") + std::strerror(errno);
    ::close(fd);
    return why;
  }
  // A plain client's first bytes: not a TLS record (0x16 0x03 ...).
  const std::array<char, 64> hello{'\0', '\0', '\0', 'B', 'A', 'S', 'P'};
  ::send(fd, hello.data(), hello.size(), MSG_NOSIGNAL);
  auto deadline = std::chrono::steady_clock::now() + wait;
  size_t other_bytes = 0;
  std::string outcome = "open";
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0)
      break;
    std::array<unsigned char, 512> buf{};
    auto n = ::recv(fd, buf.data(), buf.size(), 0);
    if (n <= 0) {
      outcome = other_bytes == 0 ? "closed" : "answered " + std::to_string(other_bytes) + " bytes";
      break;
    }
    // A TLS alert record (content type 21) is a TLS server refusing us.
    if (buf[0] != 21)
      other_bytes += static_cast<size_t>(n);
  }
  ::close(fd);
  return outcome;
}

} // namespace cwts::cluster
