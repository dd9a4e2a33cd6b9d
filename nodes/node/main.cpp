// cwts-node: one actor system running the roles its config names, trading
// against the venue its config names, printing one summary line per second.
//
//   cwts-node --config-file=config/node.ini --venue.port=8090 --cwts.duration=30

#include "nodes/node/node_main.hpp"

int main(int argc, char** argv) {
  return cwts::run_node(argc, argv);
}
