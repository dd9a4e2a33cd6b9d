// The admin HTTP client and the console session against a real admin
// http_server on 127.0.0.1 (its handler is the test's stand-in for a node):
// GET and POST, the server's 413/400 refusals (counted), a refused
// connection and a silent server (bounded by the client's deadline), and
// the exit code each answer means.
#define CAF_SUITE console_admin_client
#include "tests/support/unit_test.hpp"

#include <atomic>
#include <mutex>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include "nodes/admin/http_server.hpp"
#include "nodes/console/admin_client.hpp"
#include "nodes/console/session.hpp"

using namespace cwts;
using namespace cwts::console;
using namespace std::chrono_literals;

namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Answers from a table (method + path -> reply) and records the last request.
struct fake_node {
  std::map<std::string, admin::http_reply> replies;
  std::mutex mtx;
  admin::http_request last;
  admin::http_server server{[this](const admin::http_request& req) {
    std::lock_guard<std::mutex> guard(mtx);
    last = req;
    auto it = replies.find(req.method + " " + req.target);
    return it != replies.end() ? it->second
                               : admin::http_reply{404, "application/json",
                                                   admin::json_error("unknown path")};
  }, 1024};

  fake_node() {
    std::string error;
    CAF_REQUIRE(server.start("127.0.0.1", 0, error));
  }
  admin_address address() const { return {"127.0.0.1", server.port()}; }
  admin::http_request last_request() {
    std::lock_guard<std::mutex> guard(mtx);
    return last;
  }
};

// A port nothing listens on: bound, then closed.
uint16_t closed_port() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  auto port = a.local_endpoint().port();
  a.close();
  return port;
}

const std::string refused_kill =
  R"({"id":"k-1","origin":"solo","complete":false,"total_ns":0,)"
  R"("error":"signature does not verify for issuer 'alice'","acks":[],"channels":[]})";

} // namespace

CAF_TEST(get_and_post_reach_the_handler_with_method_target_and_body) {
  fake_node node;
  node.replies["GET /api/nodes"] = {200, "application/json", R"({"node":"solo"})"};
  node.replies["POST /api/kill"] = {403, "application/json", refused_kill};
  admin_client client(node.address(), 5s);
  auto r = client.get("/api/nodes");
  CAF_CHECK_EQUAL(r.status, 200);
  CAF_CHECK_EQUAL(r.body, R"({"node":"solo"})");
  auto p = client.post("/api/kill", R"({"a":1})");
  CAF_CHECK_EQUAL(p.status, 403);
  CAF_CHECK_EQUAL(node.last_request().method, "POST");
  CAF_CHECK_EQUAL(node.last_request().body, R"({"a":1})");
  CAF_CHECK(has(p.error_text(), "signature does not verify"));
  CAF_CHECK_EQUAL(client.get("/nope").error_text(), "unknown path");
}

CAF_TEST(the_server_refuses_a_body_over_its_limit_and_a_non_http_request) {
  fake_node node;
  admin_client client(node.address(), 5s);
  auto big = client.post("/api/kill", std::string(4096, 'x'));
  CAF_CHECK_EQUAL(big.status, 413);
  CAF_CHECK(has(big.error_text(), "request body over 1024 bytes"));
  CAF_CHECK_EQUAL(node.server.refused_too_large(), 1u);
  // Not HTTP at all.
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket s(ioc);
  s.connect({boost::asio::ip::make_address("127.0.0.1"), node.server.port()});
  boost::asio::write(s, boost::asio::buffer(std::string("HELLO THERE\r\n\r\n")));
  std::string answer(512, '\0');
  boost::system::error_code ec;
  auto n = s.read_some(boost::asio::buffer(answer), ec);
  answer.resize(n);
  CAF_CHECK(has(answer, "400 Bad Request"));
  CAF_CHECK(has(answer, "malformed HTTP request"));
  CAF_CHECK_EQUAL(node.server.refused_malformed(), 1u);
  CAF_CHECK_EQUAL(node.server.requests(), 0u); // neither reached the handler
}

CAF_TEST(no_listener_and_a_silent_server_are_errors_not_hangs) {
  admin_client nobody({"127.0.0.1", closed_port()}, 2s);
  auto r = nobody.get("/healthz");
  CAF_CHECK(!r.reached());
  CAF_CHECK(has(r.error, "cannot connect to 127.0.0.1:"));
  // Accepts and reads, never answers.
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor silent(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  admin_client slow({"127.0.0.1", silent.local_endpoint().port()}, 300ms);
  auto t = slow.get("/healthz");
  CAF_CHECK(!t.reached());
  CAF_CHECK(has(t.error, "timed out after 300 ms"));
  std::string error;
  CAF_CHECK(!parse_admin_address("localhost", error));
  CAF_CHECK(!parse_admin_address("h:70000", error));
  auto a = parse_admin_address("127.0.0.1:47110", error);
  CAF_REQUIRE(a);
  CAF_CHECK_EQUAL(a->port, 47110);
}

CAF_TEST(the_session_maps_answers_to_exit_codes) {
  fake_node node;
  node.replies["GET /api/actors"] = {
    200, "application/json",
    R"({"node":"solo","actors":[{"role":"oms","messages_handled":5,"restarts":0,"counters":{}}]})"};
  node.replies["POST /api/kill"] = {403, "application/json", refused_kill};
  node.replies["POST /api/drill/crash/oms"] = {
    403, "application/json", admin::json_error("drills are not enabled on this node")};
  node.replies["GET /healthz"] = {200, "application/json", R"({"node":"solo","alive":true})"};
  // What a command is signed for (cluster, epoch, halt cause).
  node.replies["GET /api/nodes"] = {
    200, "application/json",
    R"({"node":"solo","trading_state":{"mode":"ACTIVE","level":"none","cause":"","since_ns":0,)"
    R"("epoch":3,"cluster":"c-test"}})"};
  console_options opts;
  opts.operator_name = "alice";
  opts.key = std::make_shared<const ed25519_signer>(ed25519_signer::generate());
  console_session s(node.address(), opts);
  auto actors = s.run_line("actors");
  CAF_CHECK_EQUAL(actors.code, exit_code::ok);
  CAF_CHECK(has(actors.out, "oms"));
  CAF_CHECK_EQUAL(s.completion().roles, std::vector<std::string>{"oms"});
  auto raw = s.run_line("actors --json");
  CAF_CHECK_EQUAL(raw.out.substr(0, 15), R"({"node":"solo",)");
  auto kill = s.run_line("kill 2 cluster --reason drill");
  CAF_CHECK_EQUAL(kill.code, exit_code::refused);
  CAF_CHECK(has(kill.out, "REFUSED: signature does not verify"));
  CAF_CHECK(has(node.last_request().body, R"("reason":"drill")"));
  CAF_CHECK(has(node.last_request().body, R"("cluster":"c-test")"));
  auto drill = s.run_line("drill crash oms");
  CAF_CHECK_EQUAL(drill.code, exit_code::refused);
  CAF_CHECK(has(drill.err, "drills are not enabled"));
  CAF_CHECK_EQUAL(s.run_line("inspect ghost").code, exit_code::refused);
  CAF_CHECK_EQUAL(s.run_line("kill 2").code, exit_code::usage);
  CAF_CHECK(s.run_line("quit").quit);
  // Unreachable: the session stays where it was.
  auto away = s.run_line("connect 127.0.0.1:" + std::to_string(closed_port()));
  CAF_CHECK_EQUAL(away.code, exit_code::unreachable);
  CAF_CHECK(has(away.err, "still on " + node.address().str()));
  CAF_CHECK_EQUAL(s.run_line("connect " + node.address().str()).code, exit_code::ok);
  // Without a key a kill is a usage error, before anything is sent.
  console_session unsigned_session(node.address(), console_options{});
  auto k = unsigned_session.run_line("kill 1 cluster --reason x");
  CAF_CHECK_EQUAL(k.code, exit_code::usage);
  CAF_CHECK(has(k.err, "--operator=NAME --key-file=PEM"));
  console_session nowhere({"127.0.0.1", closed_port()}, console_options{});
  CAF_CHECK_EQUAL(nowhere.run_line("nodes").code, exit_code::unreachable);
}

CAF_TEST(an_applied_kill_that_did_not_complete_exits_3) {
  fake_node node;
  node.replies["POST /api/kill"] = {
    200, "application/json",
    R"({"id":"k-2","origin":"solo","complete":false,"total_ns":10,"error":"report deadline",)"
    R"("acks":[{"node":"solo","applied":true,"verify_ns":1,"gate_close_ns":1,"channels_started":1,)"
    R"("error":""}],"channels":[]})"};
  // What a command is signed for (cluster, epoch, halt cause).
  node.replies["GET /api/nodes"] = {
    200, "application/json",
    R"({"node":"solo","trading_state":{"mode":"ACTIVE","level":"none","cause":"","since_ns":0,)"
    R"("epoch":3,"cluster":"c-test"}})"};
  console_options opts;
  opts.operator_name = "alice";
  opts.key = std::make_shared<const ed25519_signer>(ed25519_signer::generate());
  console_session s(node.address(), opts);
  auto kill = s.run_line("kill 1 cluster --reason drill");
  CAF_CHECK_EQUAL(kill.code, exit_code::incomplete);
  CAF_CHECK(has(kill.out, "complete=no"));
}
