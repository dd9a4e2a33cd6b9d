#include "nodes/node/cluster_link.hpp"

#include <thread>

#include <spdlog/spdlog.h>

#include "caf/all.hpp"
#include "caf/io/all.hpp"

#include "messages/registry.hpp"

namespace cwts {

uint16_t publish_node(caf::actor_system& sys, const caf::actor& supervisor, uint16_t port,
                      std::string& error) {
  auto bound = sys.middleman().publish(supervisor, port, "127.0.0.1", true);
  if (!bound) {
    error = sys.render(bound.error());
    return 0;
  }
  return *bound;
}

namespace {

bool join_one(caf::actor_system& sys, const caf::actor& supervisor, const peer_address& peer,
              std::chrono::steady_clock::time_point deadline) {
  while (std::chrono::steady_clock::now() < deadline) {
    auto remote = sys.middleman().remote_actor(peer.host, peer.port);
    if (!remote) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    caf::scoped_actor self{sys};
    bool joined = false;
    self->request(*remote, std::chrono::seconds(5), directory_atom::value)
      .receive(
        [&](const std::string& node, const role_directory& roles) {
          self->send(supervisor, peer_atom::value, node, *remote, roles);
          spdlog::info("event=peer_connected node={} address={}:{} roles={}", node, peer.host,
                       peer.port, roles.size());
          joined = true;
        },
        [&](caf::error& err) {
          spdlog::warn("event=peer_directory_failed address={}:{} error=\"{}\"", peer.host,
                       peer.port, sys.render(err));
        });
    if (joined)
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

} // namespace

std::vector<std::string> join_peers(caf::actor_system& sys, const caf::actor& supervisor,
                                    const std::vector<peer_address>& peers,
                                    std::chrono::milliseconds timeout) {
  std::vector<std::string> missing;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (auto& p : peers)
    if (!join_one(sys, supervisor, p, deadline))
      missing.push_back(p.host + ":" + std::to_string(p.port));
  return missing;
}

} // namespace cwts
