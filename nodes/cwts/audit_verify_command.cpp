#include "nodes/cwts/audit_verify_command.hpp"

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <vector>

#include "actors/kill/audit_anchor.hpp"
#include "actors/kill/audit_chain.hpp"
#include "actors/kill/audit_content.hpp"
#include "common/operator_auth.hpp"

namespace cwts::cli {

namespace {

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ','))
    if (!part.empty())
      out.push_back(part);
  return out;
}

// The node that wrote the log: `node=` of its first record that has one (a
// rotated file begins with `audit_rotated`, which names none).
std::string log_node(const std::string& file) {
  audit_line_reader in(file, audit_max_line);
  std::string line;
  bool terminated = false;
  for (int n = 0; n < 100 && in.next(line, terminated) == audit_line_reader::result::line; ++n) {
    size_t tab = 0;
    for (int i = 0; i < 3 && tab != std::string::npos; ++i)
      tab = line.find('\t', tab == 0 ? 0 : tab + 1);
    if (tab == std::string::npos)
      return "";
    auto record = line.substr(tab + 1);
    record = record.substr(0, record.find('\t'));
    if (auto node = parse_audit_record(record)["node"]; !node.empty())
      return node;
  }
  return "";
}

int failed(const audit_verify_options& o, const audit_verdict& v) {
  std::cout << "audit FAILED file=" << o.file << " records=" << v.records
            << " first_bad=" << v.first_bad << " problem=\"" << v.problem << "\"" << std::endl;
  return v.first_bad < 0 ? 2 : 4;
}

} // namespace

int run_audit_verify(const audit_verify_options& o) {
  if (o.file.empty()) {
    std::cerr << "cwts audit-verify: --file=PATH is required\n";
    return 2;
  }
  // Rotated files, oldest first, then the live one (docs/retention.md): the
  // chain is checked across them.
  const auto files = split_commas(o.file);
  for (auto& f : files)
    if (!std::ifstream(f)) {
      std::cerr << "cwts audit-verify: cannot open '" << f << "'\n";
      return 2;
    }
  cwts::audit_verify_options check;
  std::unique_ptr<operator_registry> ops; // not assignable: held by pointer
  content_check_stats content;
  auto node = log_node(files.front());
  std::vector<std::string> not_checked;
  if (!o.operators.empty()) {
    std::string error;
    auto loaded = operator_registry::load(o.operators, error);
    if (!loaded) {
      std::cerr << "cwts audit-verify: --operators: " << error << "\n";
      return 2;
    }
    ops = std::make_unique<operator_registry>(std::move(*loaded));
    auto* key = ops->node_key(node);
    if (!key) {
      std::cerr << "cwts audit-verify: the operators file lists no key with node = \"" << node
                << "\" (the node that wrote " << o.file << ")\n";
      return 2;
    }
    check.node_key = key->public_key;
    check.check_record = [&](uint64_t, const std::string& record) {
      return check_record_content(record, *ops, content);
    };
  } else {
    not_checked.push_back("record signatures and stored command/vote signatures (no "
                          "--operators=FILE)");
  }
  std::vector<audit_anchor> anchors;
  for (auto& path : split_commas(o.anchors)) {
    std::string error;
    auto a = load_anchor(path, error);
    if (!a) {
      std::cerr << "cwts audit-verify: --anchor: " << error << "\n";
      return 2;
    }
    if (a->node.value != node) {
      std::cerr << "cwts audit-verify: anchor " << path << " is for node '" << a->node.value
                << "', the log was written by '" << node << "'\n";
      return 2;
    }
    if (ops && !verify_anchor(*a, ops->node_key(node)->public_key)) {
      std::cout << "audit FAILED file=" << o.file << " first_bad=-1 problem=\"anchor " << path
                << " is not signed by node " << node << "'s key\"" << std::endl;
      return 2;
    }
    anchors.push_back(*a);
  }
  if (anchors.empty())
    not_checked.push_back("truncation of the tail (no --anchor=FILE from a peer)");
  else if (!ops)
    not_checked.push_back("the anchors' signatures (no --operators=FILE)");
  // The chain and signatures once, then each anchor against it.
  auto v = files.size() == 1 ? verify_audit_file(o.file, check) : verify_audit_files(files, check);
  if (!v.ok)
    return failed(o, v);
  for (auto& a : anchors) {
    cwts::audit_verify_options at;
    at.anchor_seq = a.seq;
    at.anchor_head = a.head;
    auto va = files.size() == 1 ? verify_audit_file(o.file, at) : verify_audit_files(files, at);
    if (!va.ok)
      return failed(o, va);
  }
  std::cout << "audit ok file=" << o.file << " records=" << v.records << " head=" << v.head
            << " node=" << node << " signed_records=" << v.signed_records
            << " commands_verified=" << content.commands_verified
            << " votes_verified=" << content.votes_verified
            << " refused_not_reverified=" << content.refused_skipped
            << " anchors=" << anchors.size() << " files=" << files.size()
            << " first_seq=" << v.first_seq << std::endl;
  if (v.first_seq > 0)
    not_checked.push_back("records 0 to " + std::to_string(v.first_seq - 1)
                          + " (in rotated files not given; give them first: --file=OLDEST,...,LIVE)");
  for (auto& n : not_checked)
    std::cout << "not checked: " << n << std::endl;
  return 0;
}

} // namespace cwts::cli
