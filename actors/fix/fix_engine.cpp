// The one translation unit that includes QuickFIX (C++14: Debian's headers
// use dynamic exception specifications, removed in C++17). It turns
// fix_message into FIX::Message and back and builds the session settings.

#include "actors/fix/fix_engine.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <exception>
#include <mutex>
#include <sstream>

#include <quickfix/Application.h>
#include <quickfix/FileLog.h>
#include <quickfix/FileStore.h>
#include <quickfix/Log.h>
#include <quickfix/Message.h>
#include <quickfix/Session.h>
#include <quickfix/SessionSettings.h>
#include <quickfix/SocketAcceptor.h>
#include <quickfix/SocketInitiator.h>

namespace cwts {
namespace fix {

namespace {

const char* begin_string = "FIX.4.4";
constexpr int tag_msg_type = 35;
constexpr int tag_msg_seq_num = 34;
constexpr int tag_poss_dup = 43;
constexpr int tag_orig_sending_time = 122;

// A port that was free on 127.0.0.1 a moment ago: QuickFIX's acceptor needs
// a number up front and cannot report the one the kernel picked.
uint16_t probe_free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  uint16_t port = 0;
  socklen_t len = sizeof(a);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0
      && ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

fix_message to_plain(const FIX::Message& m) {
  fix_message out;
  const auto& header = m.getHeader();
  if (header.isSetField(tag_msg_type))
    out.type = header.getField(tag_msg_type);
  if (header.isSetField(tag_msg_seq_num))
    out.seq_num = std::atoi(header.getField(tag_msg_seq_num).c_str());
  out.poss_dup = header.isSetField(tag_poss_dup) && header.getField(tag_poss_dup) == "Y";
  for (auto i = m.begin(); i != m.end(); ++i)
    out.fields.emplace_back(i->getTag(), i->getString());
  return out;
}

FIX::Message to_quickfix(const fix_message& m) {
  FIX::Message out;
  out.getHeader().setField(8, begin_string);
  out.getHeader().setField(tag_msg_type, m.type);
  for (auto& f : m.fields)
    out.setField(f.first, f.second);
  return out;
}

} // namespace

struct fix_engine::impl : FIX::Application {
  impl(fix_engine& owner) : self(owner) {}

  void onCreate(const FIX::SessionID&) override {}
  void onLogon(const FIX::SessionID& id) override {
    ++self.counters_.logons;
    if (self.cbs_.on_logon)
      self.cbs_.on_logon(id.getTargetCompID().getValue());
  }
  void onLogout(const FIX::SessionID& id) override {
    ++self.counters_.logouts;
    if (self.cbs_.on_logout)
      self.cbs_.on_logout(id.getTargetCompID().getValue(), "logout or disconnect");
  }
  void toAdmin(FIX::Message& m, const FIX::SessionID&) override {
    auto type = m.getHeader().getField(tag_msg_type);
    if (type == "2")
      ++self.counters_.resend_requests_sent;
    else if (type == "3")
      ++self.counters_.session_rejects_sent;
  }
  void toApp(FIX::Message& m, const FIX::SessionID&) throw(FIX::DoNotSend) override {
    const auto& h = m.getHeader();
    bool resend = h.isSetField(tag_poss_dup) && h.getField(tag_poss_dup) == "Y";
    if (!resend)
      return;
    int limit = self.cfg_.resend_max_age_s;
    if (limit >= 0) {
      int age = limit + 1;
      if (h.isSetField(tag_orig_sending_time))
        age = FIX::UtcTimeStamp() - FIX::UtcTimeStampConvertor::convert(h.getField(tag_orig_sending_time));
      if (age > limit) {
        ++self.counters_.resends_gap_filled;
        throw FIX::DoNotSend(); // QuickFIX sends a SequenceReset-GapFill instead
      }
    }
    ++self.counters_.app_resent;
  }
  void fromAdmin(const FIX::Message& m, const FIX::SessionID& id) throw(
    FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue,
    FIX::RejectLogon) override {
    auto type = m.getHeader().getField(tag_msg_type);
    if (type == "0")
      ++self.counters_.heartbeats_received;
    else if (type == "2")
      ++self.counters_.resend_requests_received;
    else if (type == "3") {
      ++self.counters_.session_rejects_received;
      if (self.cbs_.on_session_reject)
        self.cbs_.on_session_reject(id.getTargetCompID().getValue(), to_plain(m));
    }
  }
  void fromApp(const FIX::Message& m, const FIX::SessionID& id) throw(
    FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue,
    FIX::UnsupportedMessageType) override {
    auto plain = to_plain(m);
    ++self.counters_.app_received;
    if (plain.poss_dup)
      ++self.counters_.poss_dup_received;
    if (self.cbs_.on_message)
      self.cbs_.on_message(id.getTargetCompID().getValue(), plain);
  }

  FIX::Session* session(const std::string& remote) const {
    for (auto& id : ids)
      if (id.getTargetCompID().getValue() == remote)
        return FIX::Session::lookupSession(id);
    return nullptr;
  }

  fix_engine& self;
  uint16_t port = 0;
  std::vector<FIX::SessionID> ids;
  std::unique_ptr<FIX::SessionSettings> settings;
  std::unique_ptr<FIX::FileStoreFactory> store;
  std::unique_ptr<FIX::FileLogFactory> log;
  std::unique_ptr<FIX::Initiator> initiator;
  std::unique_ptr<FIX::Acceptor> acceptor;
  std::mutex mtx; // start/stop
};

std::string validate(const fix_engine_config& cfg) {
  if (cfg.local_comp_id.empty())
    return "sender-comp-id: empty";
  if (cfg.remote_comp_ids.empty())
    return "target-comp-id: empty";
  if (cfg.initiator && cfg.remote_comp_ids.size() != 1)
    return "target-comp-id: an initiator has exactly one session";
  for (auto& r : cfg.remote_comp_ids)
    if (r.empty() || r == cfg.local_comp_id)
      return "target-comp-id: '" + r + "' is empty or equal to the sender";
  if (cfg.initiator && cfg.port == 0)
    return "port: 0 (an initiator needs the acceptor's port)";
  if (cfg.heartbeat_s < 1 || cfg.heartbeat_s > 3600)
    return "heartbeat: must be in [1, 3600] seconds";
  if (cfg.reconnect_s < 1)
    return "reconnect: must be at least 1 second";
  if (cfg.store_dir.empty())
    return "store: empty (sequence numbers must survive a restart)";
  return {};
}

fix_engine::fix_engine(fix_engine_config cfg, fix_callbacks cbs)
  : cfg_(std::move(cfg)), cbs_(std::move(cbs)), impl_(new impl(*this)) {
}

fix_engine::~fix_engine() {
  stop();
}

std::string fix_engine::start() {
  std::lock_guard<std::mutex> guard(impl_->mtx);
  if (impl_->initiator || impl_->acceptor)
    return "already started";
  auto why = validate(cfg_);
  if (!why.empty())
    return why;
  impl_->port = cfg_.port;
  if (!cfg_.initiator && impl_->port == 0)
    impl_->port = probe_free_port();
  std::ostringstream ini;
  ini << "[DEFAULT]\n"
      << "ConnectionType=" << (cfg_.initiator ? "initiator" : "acceptor") << "\n"
      << "BeginString=" << begin_string << "\n"
      << "SenderCompID=" << cfg_.local_comp_id << "\n"
      // Always in session: 00:00:00-00:00:00 is the whole day.
      << "StartTime=00:00:00\nEndTime=00:00:00\n"
      << "HeartBtInt=" << cfg_.heartbeat_s << "\n"
      << "ReconnectInterval=" << cfg_.reconnect_s << "\n"
      << "FileStorePath=" << cfg_.store_dir << "\n"
      << "PersistMessages=Y\n"
      << "ResetOnLogon=" << (cfg_.reset_on_logon ? "Y" : "N") << "\n"
      << "ResetOnLogout=N\nResetOnDisconnect=N\nRefreshOnLogon=Y\n"
      << "LogonTimeout=5\nLogoutTimeout=2\n"
      << "SocketNodelay=Y\nSocketReuseAddress=Y\n"
      << "ValidateUserDefinedFields=N\nAllowUnknownMsgFields=N\n";
  if (cfg_.data_dictionary.empty())
    ini << "UseDataDictionary=N\n";
  else
    ini << "UseDataDictionary=Y\nDataDictionary=" << cfg_.data_dictionary << "\n";
  if (!cfg_.log_dir.empty())
    ini << "FileLogPath=" << cfg_.log_dir << "\n";
  if (cfg_.initiator)
    ini << "SocketConnectHost=" << cfg_.host << "\nSocketConnectPort=" << cfg_.port << "\n";
  else
    ini << "SocketAcceptPort=" << impl_->port << "\n";
  for (auto& r : cfg_.remote_comp_ids)
    ini << "[SESSION]\nTargetCompID=" << r << "\n";
  try {
    std::istringstream in(ini.str());
    impl_->settings.reset(new FIX::SessionSettings(in));
    impl_->ids.clear();
    for (auto& id : impl_->settings->getSessions())
      impl_->ids.push_back(id);
    impl_->store.reset(new FIX::FileStoreFactory(*impl_->settings));
    if (!cfg_.log_dir.empty())
      impl_->log.reset(new FIX::FileLogFactory(*impl_->settings));
    if (cfg_.initiator) {
      if (impl_->log)
        impl_->initiator.reset(
          new FIX::SocketInitiator(*impl_, *impl_->store, *impl_->settings, *impl_->log));
      else
        impl_->initiator.reset(new FIX::SocketInitiator(*impl_, *impl_->store, *impl_->settings));
      impl_->initiator->start();
    } else {
      if (impl_->log)
        impl_->acceptor.reset(
          new FIX::SocketAcceptor(*impl_, *impl_->store, *impl_->settings, *impl_->log));
      else
        impl_->acceptor.reset(new FIX::SocketAcceptor(*impl_, *impl_->store, *impl_->settings));
      impl_->acceptor->start();
    }
  } catch (const std::exception& e) {
    impl_->initiator.reset();
    impl_->acceptor.reset();
    return std::string("quickfix: ") + e.what();
  }
  return {};
}

void fix_engine::stop() {
  std::lock_guard<std::mutex> guard(impl_->mtx);
  if (impl_->initiator) {
    impl_->initiator->stop();
    impl_->initiator.reset();
  }
  if (impl_->acceptor) {
    impl_->acceptor->stop();
    impl_->acceptor.reset();
  }
}

bool fix_engine::send(const std::string& remote, const fix_message& msg) {
  auto* s = impl_->session(remote);
  if (s == nullptr) {
    ++counters_.app_send_failures;
    return false;
  }
  try {
    auto m = to_quickfix(msg);
    if (s->send(m)) {
      ++counters_.app_sent;
      return true;
    }
  } catch (const std::exception&) {
  }
  ++counters_.app_send_failures;
  return false;
}

bool fix_engine::logged_on(const std::string& remote) const {
  auto* s = impl_->session(remote);
  return s != nullptr && s->isLoggedOn();
}

int fix_engine::next_sender_seq(const std::string& remote) const {
  auto* s = impl_->session(remote);
  return s ? s->getExpectedSenderNum() : 0;
}

int fix_engine::next_target_seq(const std::string& remote) const {
  auto* s = impl_->session(remote);
  return s ? s->getExpectedTargetNum() : 0;
}

uint16_t fix_engine::port() const {
  return impl_->port;
}

} // namespace fix
} // namespace cwts
