#pragma once
// A 4-node cluster (n = 4, f = 1, reset quorum 3) on 127.0.0.1 against one
// cwts-venue: gw1 (gateway, config/node-gateway.ini), tr1 (trading,
// config/node-trading.ini), w1 (witness: kill coordinator only) and a
// fourth node that is a correct witness (w2) or the test-only Byzantine
// build (byz, byzantine_node.cpp). Every node lists the three others as
// peers; all four are the configured members. The test's own operators.ini
// (in the test folder) lists alice and the node keys of gw1 and tr1 from this
// test process's `cwts keys` (cluster_paths::keys_dir), and node keys made for
// w1 and the fourth node with `cwts keygen` in the test folder. Use inside a
// CAF_TEST.

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/unit_test.hpp"
#include "tests/integration/node/kill_cli.hpp"
#include "tests/integration/node/two_node_cluster.hpp"
#include "tests/integration/node/venue_view.hpp"
#include "tests/integration/support/cluster.hpp"

namespace cwts::itest {

struct cluster4_options {
  std::string fourth = "w2";        // node id of the fourth node
  std::string byzantine_modes;      // empty: the fourth node is a correct witness
  std::string echo_to;              // crash mode: the one peer that gets the echo
  std::map<std::string, std::vector<std::string>> extra; // more --key=value per node id
};

struct cluster4_node {
  std::string id;
  std::string ini;
  bool byzantine = false;
  uint16_t port = 0;
  std::unique_ptr<child_process> proc;
};

class four_node_cluster {
public:
  cluster_paths paths = cluster_paths::from_env();
  std::string byzantine_bin = env("CWTS_BYZANTINE_NODE_BIN");
  std::string dir;
  cluster4_options opts;
  std::unique_ptr<venue_process> venue;
  std::vector<cluster4_node> nodes; // gw1, tr1, w1, fourth
  std::string setup_error;          // empty when everything started

  four_node_cluster(const std::string& name, cluster4_options o) : dir(make_test_dir(name)), opts(std::move(o)) {
    if (auto m = paths.missing(); !m.empty()) {
      setup_error = "environment lacks" + m;
      return;
    }
    if (!opts.byzantine_modes.empty() && byzantine_bin.empty()) {
      setup_error = "environment lacks CWTS_BYZANTINE_NODE_BIN";
      return;
    }
    nodes.push_back({"gw1", "node-gateway.ini", false, free_port(), nullptr});
    nodes.push_back({"tr1", "node-trading.ini", false, free_port(), nullptr});
    nodes.push_back({"w1", "node-gateway.ini", false, free_port(), nullptr});
    nodes.push_back({opts.fourth, "node-gateway.ini", !opts.byzantine_modes.empty(), free_port(), nullptr});
    if (!write_operators())
      return;
    venue = std::make_unique<venue_process>(paths, dir);
    if (venue->port() == 0) {
      setup_error = "cwts-venue did not start";
      return;
    }
    for (auto& n : nodes)
      start(n);
  }

  cluster4_node& node(const std::string& id) {
    for (auto& n : nodes)
      if (n.id == id)
        return n;
    CAF_FAIL("no node " << id);
    return nodes.front();
  }
  uint16_t port(const std::string& id) { return node(id).port; }

  // (Re)starts `n` in the test folder (its run/ files stay): the same port,
  // the same peers.
  void start(cluster4_node& n) {
    std::vector<std::string> extra;
    std::vector<std::pair<std::string, uint16_t>> peers;
    for (auto& p : nodes)
      if (p.id != n.id)
        peers.emplace_back(p.id, p.port);
    extra.push_back(peers_arg(peers));
    // All four are the configured members (issue 17: membership is configuration).
    std::string members;
    for (auto& p : nodes)
      members += std::string(members.empty() ? "" : ",") + "\"" + p.id + "\"";
    extra.push_back("--cluster.members=[" + members + "]");
    extra.push_back("--operators.file=" + dir + "/operators.ini");
    if (n.id != "gw1" && n.id != "tr1") {
      extra.push_back("--cwts.node-id=" + n.id);
      extra.push_back("--cwts.roles=[\"witness\"]");
      extra.push_back("--kill.node-key-name=node-" + n.id);
      extra.push_back("--kill.node-key-file=" + dir + "/keys/node-" + n.id + ".pem");
    }
    for (auto& e : opts.extra[n.id])
      extra.push_back(e);
    auto argv = node_argv(paths, n.ini, venue->port(), n.port, extra);
    if (n.byzantine) {
      argv[0] = byzantine_bin;
      argv.push_back("--byzantine.modes=" + opts.byzantine_modes);
      if (!opts.echo_to.empty())
        argv.push_back("--byzantine.echo-to=" + opts.echo_to);
    }
    n.proc.reset(); // a previous process is stopped first (its destructor kills it)
    n.proc = std::make_unique<child_process>(n.id, argv, dir, dir);
  }

  std::string audit_path(const std::string& id) const { return dir + "/run/" + id + "-kill-audit.log"; }
  std::string halt_state(const std::string& id) const {
    return read_file(dir + "/run/" + id + "-halt.state");
  }

  std::string logs() {
    std::string out;
    for (auto& n : nodes)
      if (n.proc)
        out += n.id + " stderr:\n" + tail(n.proc->err(), 1500) + "\n";
    return out;
  }

private:
  bool keygen(const std::string& name) {
    auto r = run_command("keygen-" + name, {paths.cli_bin, "keygen", "--out=" + dir + "/keys/" + name},
                         dir, millis{10000});
    if (r.exit_code != 0)
      setup_error = "cwts keygen " + name + ": " + r.out + r.err;
    return r.exit_code == 0;
  }

  // The operators file every node of this cluster reads: alice (kill,
  // kill-full, reset), and each node's key with role kill and its node id.
  bool write_operators() {
    std::filesystem::create_directories(dir + "/keys");
    std::string text = "[operators]\nwindow-seconds = 30\n\n[operator.alice]\npublic-key-file = \""
                       + paths.operator_public_key("alice")
                       + "\"\nroles = \"risk-officer,operations,kill,kill-full,reset\"\n";
    for (auto& n : nodes) {
      std::string pub;
      if (n.id == "gw1" || n.id == "tr1") {
        pub = paths.node_public_key(n.id); // this test process's `cwts keys`
      } else {
        if (!keygen("node-" + n.id))
          return false;
        pub = dir + "/keys/node-" + n.id + ".pub.pem";
      }
      text += "\n[operator.node-" + n.id + "]\npublic-key-file = \"" + pub
              + "\"\nroles = \"kill\"\nnode = \"" + n.id + "\"\n";
    }
    auto file = dir + "/operators.ini";
    std::ofstream(file) << text;
    if (read_file(file) != text) {
      setup_error = "cannot write " + file;
      return false;
    }
    return true;
  }
};

// ---- checks shared by the cluster4 tests --------------------------------

// Every node up, its kill coordinator wired to the 3 others.
inline void require_wired(four_node_cluster& c) {
  for (auto& n : c.nodes) {
    auto st = wait_for_status(
      c.paths, c.dir, n.port,
      [](const node_status_view& s) { return s.counter("kill", "peers").value_or(0) == 3; },
      millis{40000});
    if (!st.met)
      CAF_MESSAGE("node " << n.id << " not wired; last status:\n" << st.last.text << c.logs());
    CAF_REQUIRE(st.met);
  }
}

inline bool halted_within(four_node_cluster& c, const std::string& id, millis timeout) {
  auto st = wait_for_status(
    c.paths, c.dir, c.port(id), [](const node_status_view& s) { return s.mode == "HALTED"; }, timeout);
  if (!st.met)
    CAF_MESSAGE("node " << id << " not halted; last status:\n" << st.last.text << c.logs());
  return st.met;
}

inline std::string mode_of(four_node_cluster& c, const std::string& id) {
  return query_status(c.paths, c.dir, c.port(id)).mode;
}

// `field` of the first line of `text` that starts with `prefix`.
inline std::string field_of_line(const std::string& text, const std::string& prefix,
                                 const std::string& field) {
  for (auto& line : split_lines(text))
    if (line.rfind(prefix, 0) == 0)
      return parse_fields(line)[field];
  return "<absent>";
}

// The key=value fields from `marker` on, in the first line of `text` that
// holds it (a log line: "<time> <level> event=... key=value ...").
inline std::map<std::string, std::string> fields_after(const std::string& text,
                                                       const std::string& marker) {
  for (auto& line : split_lines(text))
    if (auto at = line.find(marker); at != std::string::npos)
      return parse_fields(line.substr(at));
  return {};
}

// The kill id the CLI printed ("kill k-... origin=...").
inline std::string kill_id_of(const command_result& r) {
  for (auto& line : split_lines(r.out))
    if (line.rfind("kill ", 0) == 0)
      return line.substr(5, line.find(' ', 5) - 5);
  return "<absent>";
}

// The trading node's market maker has quotes resting at the venue (asked
// of the venue itself), so a cancel-all has something to cancel.
inline void require_orders_resting(four_node_cluster& c, venue_view& venue) {
  size_t open = 0;
  bool met = wait_until(
    [&] {
      auto o = venue.try_open_orders();
      open = o ? o->size() : 0;
      return open > 0;
    },
    millis{45000}, millis{500});
  if (!met)
    CAF_MESSAGE("no order resting at the venue: " << venue.error << "\n" << c.logs());
  CAF_REQUIRE(met);
}

// Nothing open at the venue (the cancel-all channel runs after the ack, so
// this polls, bounded); fails with what is left.
inline void check_venue_empty(venue_view& venue) {
  size_t open = 1;
  wait_until(
    [&] {
      auto o = venue.try_open_orders();
      open = o ? o->size() : 1;
      return open == 0;
    },
    millis{15000}, millis{250});
  CAF_CHECK_EQUAL(open, 0u);
}

// audit-verify accepts the node's log.
inline void check_audit_intact(four_node_cluster& c, const std::string& id) {
  auto r = run_audit_verify(c.paths, c.dir, c.audit_path(id));
  if (r.exit_code != 0)
    CAF_MESSAGE("audit-verify " << id << ": " << r.out << r.err);
  CAF_CHECK_EQUAL(r.exit_code, 0);
}

} // namespace cwts::itest
