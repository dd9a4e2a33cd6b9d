#include "nodes/cwts/audit_verify_command.hpp"

#include <fstream>
#include <iostream>
#include <memory>
#include <vector>

#include "actors/kill/audit_anchor.hpp"
#include "actors/kill/audit_chain.hpp"
#include "actors/kill/audit_content.hpp"
#include "common/operator_auth.hpp"
#include "common/split_commas.hpp"
#include "reporting/archive/archive_cycle.hpp"
#include "reporting/archive/archive_dir.hpp"
#include "reporting/archive/archive_sources.hpp"

namespace cwts::cli {

namespace {

int failed(const audit_verify_options& o, const audit_verdict& v) {
  std::cout << "audit FAILED file=" << o.file << " records=" << v.records
            << " first_bad=" << v.first_bad << " problem=\"" << v.problem << "\"" << std::endl;
  return v.first_bad < 0 ? 2 : 4;
}

} // namespace

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

audit_chain_check check_audit_chain(const std::vector<std::string>& files,
                                    const operator_registry* ops,
                                    const std::vector<std::string>& anchor_files) {
  audit_chain_check out;
  auto config_error = [&](std::string why) {
    out.rc = 2;
    out.error = std::move(why);
    return out;
  };
  if (files.empty())
    return config_error("no audit file given");
  for (auto& f : files)
    if (!std::ifstream(f))
      return config_error("cannot open '" + f + "'");
  cwts::audit_verify_options check;
  out.node = log_node(files.front());
  if (ops) {
    auto* key = ops->node_key(out.node);
    if (!key)
      return config_error("the operators file lists no key with node = \"" + out.node
                          + "\" (the node that wrote " + files.front() + ")");
    check.node_key = key->public_key;
    check.check_record = [&out, ops](uint64_t, const std::string& record) {
      return check_record_content(record, *ops, out.content);
    };
  } else {
    out.not_checked.push_back("record signatures and stored command/vote signatures (no "
                              "--operators=FILE)");
  }
  std::vector<audit_anchor> anchors;
  for (auto& path : anchor_files) {
    std::string error;
    auto a = load_anchor(path, error);
    if (!a)
      return config_error("anchor: " + error);
    if (a->node.value != out.node)
      return config_error("anchor " + path + " is for node '" + a->node.value
                          + "', the log was written by '" + out.node + "'");
    if (ops && !verify_anchor(*a, ops->node_key(out.node)->public_key))
      return config_error("anchor " + path + " is not signed by node " + out.node + "'s key");
    anchors.push_back(*a);
  }
  if (anchors.empty())
    out.not_checked.push_back("truncation of the tail (no --anchor=FILE from a peer)");
  else if (!ops)
    out.not_checked.push_back("the anchors' signatures (no --operators=FILE)");
  auto verify = [&](const cwts::audit_verify_options& o) {
    return files.size() == 1 ? verify_audit_file(files.front(), o) : verify_audit_files(files, o);
  };
  // The chain and signatures once, then each anchor against it.
  out.verdict = verify(check);
  if (!out.verdict.ok) {
    out.rc = 4;
    return out;
  }
  for (auto& a : anchors) {
    cwts::audit_verify_options at;
    at.anchor_seq = a.seq;
    at.anchor_head = a.head;
    auto va = verify(at);
    if (!va.ok) {
      out.verdict = va;
      out.rc = 4;
      return out;
    }
  }
  out.anchors = anchors.size();
  if (out.verdict.first_seq > 0)
    out.not_checked.push_back("records 0 to " + std::to_string(out.verdict.first_seq - 1)
                              + " (in rotated files not given)");
  return out;
}

bool node_audit_files(const std::string& live, const std::string& archive_dir,
                      std::vector<std::string>& files, std::string& error) {
  if (!archive_dir.empty() && std::ifstream(archive_dir + "/MANIFEST")) {
    auto a = archive::archive_dir::open_read(archive_dir, error);
    if (!a)
      return false;
    size_t archived = 0;
    files = archive::live_audit_chain(*a, live, archived);
    return true;
  }
  files = archive::rotated_audit_files(live);
  files.push_back(live);
  return true;
}

int run_audit_verify(const audit_verify_options& o) {
  if (o.file.empty()) {
    std::cerr << "cwts audit-verify: --file=PATH is required\n";
    return 2;
  }
  // Rotated files, oldest first, then the live one (docs/retention.md): the
  // chain is checked across them.
  const auto files = split_commas(o.file);
  std::unique_ptr<operator_registry> ops; // not assignable: held by pointer
  if (!o.operators.empty()) {
    std::string error;
    auto loaded = operator_registry::load(o.operators, error);
    if (!loaded) {
      std::cerr << "cwts audit-verify: --operators: " << error << "\n";
      return 2;
    }
    ops = std::make_unique<operator_registry>(std::move(*loaded));
  }
  auto c = check_audit_chain(files, ops.get(), split_commas(o.anchors));
  if (c.rc == 2) {
    if (c.error.rfind("anchor ", 0) == 0 && c.error.find("is not signed") != std::string::npos)
      std::cout << "audit FAILED file=" << o.file << " first_bad=-1 problem=\"" << c.error << "\""
                << std::endl;
    else
      std::cerr << "cwts audit-verify: " << c.error << "\n";
    return 2;
  }
  if (c.rc != 0)
    return failed(o, c.verdict);
  auto& v = c.verdict;
  std::cout << "audit ok file=" << o.file << " records=" << v.records << " head=" << v.head
            << " node=" << c.node << " signed_records=" << v.signed_records
            << " commands_verified=" << c.content.commands_verified
            << " votes_verified=" << c.content.votes_verified
            << " refused_not_reverified=" << c.content.refused_skipped
            << " anchors=" << c.anchors << " files=" << files.size()
            << " first_seq=" << v.first_seq << std::endl;
  for (auto& n : c.not_checked)
    std::cout << "not checked: " << n
              << (n.rfind("records 0 to", 0) == 0 ? "; give them first: --file=OLDEST,...,LIVE" : "")
              << std::endl;
  return 0;
}

} // namespace cwts::cli
