#pragma once
// What the tests with a real Prometheus (and Alertmanager) share: the
// node's admin port from its log, the docs/monitoring configs pointed at
// the test's own ports, and instant queries over Prometheus' HTTP API.

#include <fstream>
#include <regex>
#include <string>

#include "tests/integration/admin/http_get.hpp"
#include "tests/integration/support/cluster.hpp"

namespace cwts::itest {

inline uint16_t admin_port_of(child_process& node) {
  auto line = node.wait_for_line(
    stream::err,
    [](const std::string& l) { return l.find("event=admin_listening") != std::string::npos; },
    std::chrono::seconds(20));
  if (!line)
    return 0;
  auto f = parse_fields(line->substr(line->find("event=")));
  return static_cast<uint16_t>(std::stoi(f["port"]));
}

// docs/monitoring/prometheus.yml with its scrape targets replaced by the
// node's admin `port`, its Alertmanager by `alertmanager_port` (0: none,
// the alerting section goes) and the rule file by its full path.
inline std::string scrape_config(const std::string& docs_dir, uint16_t port,
                                 uint16_t alertmanager_port = 0) {
  auto text = read_file(docs_dir + "/prometheus.yml");
  const std::regex alertmanager(R"(targets: \["127\.0\.0\.1:9093"\])");
  if (alertmanager_port != 0)
    text = std::regex_replace(text, alertmanager,
                              "targets: [\"127.0.0.1:" + std::to_string(alertmanager_port) + "\"]");
  else
    text = std::regex_replace(text, std::regex(R"(\nalerting:\n(  .*\n)*)"), "\n");
  std::regex targets(R"(targets: \["127\.0\.0\.1:47\d+"\])");
  text = std::regex_replace(text, targets, "targets: [\"127.0.0.1:" + std::to_string(port) + "\"]");
  text = std::regex_replace(text, std::regex("alerts.yml"), docs_dir + "/alerts.yml");
  return text;
}

// A real Prometheus (/usr/bin/prometheus) in `dir` with `config` (YAML text)
// on 127.0.0.1:`port`, its data in dir/tsdb; stopped with the object.
inline child_process start_prometheus(const std::string& dir, const std::string& config,
                                      uint16_t port) {
  {
    std::ofstream(dir + "/prometheus.yml") << config;
  }
  return child_process("prometheus",
                       {"/usr/bin/prometheus", "--config.file=" + dir + "/prometheus.yml",
                        "--storage.tsdb.path=" + dir + "/tsdb",
                        "--web.listen-address=127.0.0.1:" + std::to_string(port)},
                       dir, dir);
}

// The value of the first sample of an instant query, or "" when none.
inline std::string query_value(uint16_t prom_port, const std::string& promql) {
  auto r = http_get(prom_port, "/api/v1/query?query=" + url_encode(promql));
  if (r.status != 200)
    return "";
  std::smatch m;
  std::regex value(R"re("value":\[[0-9.]+,"([^"]+)"\])re");
  return std::regex_search(r.body, m, value) ? m[1].str() : "";
}

} // namespace cwts::itest
