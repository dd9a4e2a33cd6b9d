#include "messages/registry.hpp"

#include <vector>

#include "messages/order_history.hpp"

namespace cwts {

void register_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<trade>("cwts::trade");
  cfg.add_message_type<std::vector<trade>>("cwts::trade_batch");
  cfg.add_message_type<book_top>("cwts::book_top");
  cfg.add_message_type<market_batch>("cwts::market_batch");
  cfg.add_message_type<book_level>("cwts::book_level");
  cfg.add_message_type<quorum_status>("cwts::quorum_status");
  cfg.add_message_type<std::vector<book_level>>("cwts::book_levels");
  cfg.add_message_type<order_book_snapshot>("cwts::order_book_snapshot");
  cfg.add_message_type<order_request>("cwts::order_request");
  cfg.add_message_type<cancel_request>("cwts::cancel_request");
  cfg.add_message_type<amend_request>("cwts::amend_request");
  cfg.add_message_type<execution_report>("cwts::execution_report");
  cfg.add_message_type<order_reject>("cwts::order_reject");
  cfg.add_message_type<kill_command>("cwts::kill_command");
  cfg.add_message_type<kill_ack>("cwts::kill_ack");
  cfg.add_message_type<channel_result>("cwts::channel_result");
  cfg.add_message_type<trading_state>("cwts::trading_state");
  cfg.add_message_type<heartbeat>("cwts::heartbeat");
  cfg.add_message_type<peer_announce>("cwts::peer_announce");
  cfg.add_message_type<lease_request>("cwts::lease_request");
  cfg.add_message_type<lease_reply>("cwts::lease_reply");
  cfg.add_message_type<lease_release>("cwts::lease_release");
  cfg.add_message_type<lease_notice>("cwts::lease_notice");
  cfg.add_message_type<lease_view>("cwts::lease_view");
  cfg.add_message_type<journal_batch>("cwts::journal_batch");
  cfg.add_message_type<journal_ack>("cwts::journal_ack");
  cfg.add_message_type<journal_resend>("cwts::journal_resend");
  cfg.add_message_type<audit_anchor>("cwts::audit_anchor");
  cfg.add_message_type<symbol>("cwts::symbol");
  cfg.add_message_type<kill_id>("cwts::kill_id");
  cfg.add_message_type<std::vector<channel_result>>("cwts::channel_results");
  cfg.add_message_type<kill_report>("cwts::kill_report");
  cfg.add_message_type<std::vector<kill_ack>>("cwts::kill_acks");
  cfg.add_message_type<actor_stats>("cwts::actor_stats");
  cfg.add_message_type<position_snapshot>("cwts::position_snapshot");
  cfg.add_message_type<std::vector<position_snapshot>>("cwts::position_snapshots");
  cfg.add_message_type<role_directory>("cwts::role_directory");
  cfg.add_message_type<operator_command>("cwts::operator_command");
  cfg.add_message_type<command_result>("cwts::command_result");
  cfg.add_message_type<reconcile_orders>("cwts::reconcile_orders");
  cfg.add_message_type<venue_snapshot>("cwts::venue_snapshot");
  cfg.add_message_type<order_history_query>("cwts::order_history_query");
  cfg.add_message_type<order_history_answer>("cwts::order_history_answer");
  cfg.add_message_type<std::vector<journaled_fill>>("cwts::journaled_fills");
  cfg.add_message_type<std::vector<restored_order>>("cwts::restored_orders");
  cfg.add_message_type<open_orders_query>("cwts::open_orders_query");
  cfg.add_message_type<open_orders_answer>("cwts::open_orders_answer");
  cfg.add_message_type<reset_command>("cwts::reset_command");
  cfg.add_message_type<reset_vote>("cwts::reset_vote");
  cfg.add_message_type<std::vector<reset_vote>>("cwts::reset_votes");
  cfg.add_message_type<reset_report>("cwts::reset_report");
  cfg.add_message_type<reset_precondition>("cwts::reset_precondition");
  cfg.add_message_type<connector_status>("cwts::connector_status");
  cfg.add_message_type<correlation_report>("cwts::correlation_report");
  cfg.add_message_type<var_report>("cwts::var_report");
}

} // namespace cwts
