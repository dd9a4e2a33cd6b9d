/*
 * The kill switch's fail-safe: a member cut off from the quorum halts
 * itself (docs/kill-switch.md "Fail-safe: a node cut off from the quorum
 * halts itself"; actors/kill/quorum_monitor.{hpp,cpp}, kill_quorum.cpp).
 * docs/model.md maps every step to the C++ function it stands for.
 *
 * Members 0..3, n = 4, f = 1, quorum reset_quorum(4) = 3 counting the
 * member itself. Member 0 is the one watched: its quorum monitor is the
 * C++'s (members only, signature, sender, sequence must rise, the first n-1
 * distinct peers tracked, visible = 1 + peers heard within the timeout,
 * lost once, the halt closes the gate and never reopens it). A peer counts
 * as heard at member 0's own send time of the seq its heartbeat
 * acknowledges (finding F1's fix): member 0 sends seq t+1 to every peer at
 * tick t, a heartbeat carries the highest seq of member 0's its sender has
 * taken (0: none yet), and member 0 records the tick it sent that seq,
 * never the tick the heartbeat arrives. Members 1, 2
 * are correct: each sends a signed heartbeat every tick, seq rising (the
 * seq of the heartbeat sent at tick t is t+1), acknowledging member 0's
 * newest seq it got (at most its own seq: member 0's seq of the same tick;
 * when it hears member 0 within DMAX, at least seq - DMAX). Member 3 (BYZ) holds its own
 * node key: it sends its own heartbeats with any seq at any tick, or stays
 * silent; it relays copies of 1's and 2's heartbeats (it receives them as
 * a member) and sends heartbeats in their names it cannot sign. ROGUE has a
 * node key listed in the operators file but is no member (issue 17 #2); an
 * outsider without any key can only forge, as BYZ does.
 *
 * Only member 0's monitor is modelled: a monitor's verdicts depend only on
 * the heartbeats it receives (a node sends its heartbeats whatever its
 * gate, on_heartbeat_timer), so members 1 and 2 watching theirs changes
 * nothing member 0 sees; every correct member is member 0 under renaming.
 *
 * Time in ticks: one tick is the heartbeat interval, which is also the
 * check interval (on_heartbeat_timer sends, then check()s). T = 3 ticks is
 * the timeout (quorum-timeout-ms is at least 3 x the interval). Silence
 * counts from tick 0 (counting_from: the start grace is 0 here). Member 0
 * sends at the start of a tick and checks at its end; a peer may answer its
 * seq within the same tick (the freshest ack there is), so a peer looks
 * alive here at least as long as in the code: a halt the model proves comes
 * no later in the code. (RECEIPT_TIME: a heartbeat received during tick
 * `now` is recorded at `now`, at or after its real receipt.)
 *
 * The network: a link delivers a heartbeat within DMAX ticks of its send or
 * never (loss), in any order, any number of times (duplicates). The
 * adversary may cut links 1->0 and 2->0 as any tick starts (a partition
 * isolating member 0 from the other correct members; BYZ reaches it): a
 * heartbeat sent at or after the cut never arrives on them, one in flight
 * still may within DMAX. It may replay, on any link at any moment, cut or
 * not, a heartbeat it recorded (one delivered before on that link). Or the
 * run is `connected`: no cut, and every heartbeat of 1 and 2 arrives within
 * DMAX (the adversary still replays, relays, forges; BYZ, ROGUE anything).
 *
 * Switches (spin -D...):
 *   COUNT_NONMEMBERS  broken: ROGUE's heartbeats counted (no membership check)
 *   NO_SEQ_CHECK      broken: a replayed old heartbeat refreshes its peer
 *   NO_HB_SIG         broken: a heartbeat counted without its node's signature
 *   NO_SENDER_CHECK   a heartbeat counted from any process: the code against a
 *                     Byzantine member's process (CAF 0.17 routed messages name
 *                     their source node); holds: heartbeats name their receiver
 *   NO_TO_NODE        the heartbeat names no receiver: with NO_SENDER_CHECK BYZ
 *                     relays 1's and 2's fresh heartbeats to 0 and they count
 *                     (finding F2, the code before the fix)
 *   COUNT_SELF_TWICE  broken: the member counts itself twice
 *   QUORUM_HALF       broken: quorum n/2 = 2 (itself + BYZ stays open)
 *   QUORUM_ALL        broken: quorum n = 4 (a silent BYZ halts a connected member)
 *   UNBOUNDED_DELAY   the link's delay not bounded: a heartbeat sent before
 *                     the cut may arrive any time later (finding F1); holds:
 *                     it counts as old as the seq it acknowledges
 *   RECEIPT_TIME      a heartbeat counts at its receipt, its ack ignored: the
 *                     code before the fix for F1; with UNBOUNDED_DELAY a
 *                     held-back heartbeat keeps a cut-off member open
 *   TMAX=n, DMAX=n    the bound: ticks, delay bound of a working link
 */

#if defined(NO_TO_NODE) && !defined(RECEIPT_TIME)
#error "NO_TO_NODE is the code before the fix for F2, which had no ack either: add RECEIPT_TIME"
#endif

#define N      4    /* members */
#define BYZ    3
#define ROGUE  4    /* a listed node key, no member */
#define NP     5    /* names a heartbeat may claim: 0..3 members, ROGUE */
#define T      3    /* timeout, ticks */
#ifndef TMAX
#define TMAX   12
#endif
#ifndef DMAX
#define DMAX   1    /* 0 or 1: deliveries are written for a delay of 0 or 1 tick */
#endif
#define NEVER  255

#if defined(QUORUM_HALF)
#define Q 2
#elif defined(QUORUM_ALL)
#define Q 4
#else
#define Q 3         /* reset_quorum(4) = (4 + 1) / 2 + 1 */
#endif

byte now;                 /* real time, ticks */
byte cut = NEVER;         /* tick the partition began */
bool connected;           /* the run where 1 and 2 reach 0 within DMAX */
byte got[3];              /* network: highest seq delivered on link j -> 0 (j = 1, 2) */
#ifdef NO_SEQ_CHECK
byte gotack[3];           /* the ack that heartbeat carried (replayed with it) */
#define REPLAY_ACK(j) gotack[j]
#define KEEP_ACK(j, a) gotack[j] = a
#else
#define REPLAY_ACK(j) 0   /* a replay is stale_seq whatever it acks */
#define KEEP_ACK(j, a) skip
#endif

/* member 0's quorum_monitor */
bool tracked[NP];         /* last_seen_ns_ has an entry */
byte ntracked;
byte lseq[NP];            /* last_seq_ */
byte lseen[NP];           /* fresh_ns, as 1 + the tick member 0 sent the newest seq acked
                             (that seq); 0: none, or too old to count again (cleared) */
bool lost;                /* lost_ */
bool gate;                /* kill gate closed (halt_self; never reopened here) */
byte visible;

/* property monitors, set at the end of a tick after check() */
bool late_halt;           /* cut off, past the bound, gate still open */
bool false_halt;          /* connected run, gate closed */

#ifdef COUNT_NONMEMBERS
#define MEMBER(p) (p != 0)
#else
#define MEMBER(p) (p != 0 && p < N)
#endif

/* The freshness a taken heartbeat gives: member 0's send tick of the seq
 * it acknowledges (a > 0; 0: awaiting_ack), the newest wins; RECEIPT_TIME:
 * the tick it arrives. Callers pass only acks member 0 sent: 1 <= a <= now
 * + 1 (a correct member acks what it got; BYZ's ack_ahead or ack_never_sent
 * is refused and changes nothing, so it is not offered). */
#ifdef RECEIPT_TIME
#define FRESHEN(p, a) lseen[p] = now + 1
#else
#define FRESHEN(p, a) if :: a > lseen[p] -> lseen[p] = a :: else -> skip fi
#endif

/* quorum_monitor::on_heartbeat(peer, seq, ack), after kill_quorum.cpp's
 * on_heartbeat took it: own name, membership, signature, sender. */
inline on_hb(p, hs, ha) {
  if
  :: !MEMBER(p) -> skip                          /* own_name / not_a_member */
  :: else ->
    if
    :: !tracked[p] && ntracked >= N - 1 -> skip  /* not_a_peer: table full */
    :: !tracked[p] && ntracked < N - 1 ->
      tracked[p] = 1; ntracked++; lseq[p] = hs; FRESHEN(p, ha)
#ifdef NO_SEQ_CHECK
    :: tracked[p] -> lseq[p] = hs; FRESHEN(p, ha)
#else
    :: tracked[p] && hs <= lseq[p] -> skip        /* stale_seq */
    :: tracked[p] && hs > lseq[p] -> lseq[p] = hs; FRESHEN(p, ha)
#endif
    fi
  fi
}

/* A heartbeat of correct member j with seq s acking a arrives on link
 * j -> 0 (its own process: sender check passes; its own key: signature
 * passes). sq and ak must not name got[j] + ...: an inline's argument is
 * substituted as text. */
inline deliver(j, sq, ak) {
  if :: sq > got[j] -> got[j] = sq; KEEP_ACK(j, ak) :: else -> skip fi;
  on_hb(j, sq, ak)
}

#define SENT(s)  ((s) >= 1 && (s) <= now + 1)
#define BEFORE_CUT(s) ((s) - 1 < cut)
#define FRESH(s) (SENT(s) && BEFORE_CUT(s) && now + 1 - (s) <= DMAX)

/* quorum_monitor::check(now) at the tick (on_heartbeat_timer), then the
 * self-halt (halt_on_lost_quorum: halt_self closes the gate), then the
 * property monitors. */
inline check_and_tick() {
  visible = 1;
#ifdef COUNT_SELF_TWICE
  visible = 2;
#endif
  for (i : 1 .. NP - 1) {
    if :: lseen[i] > 0 && now + 1 - lseen[i] <= T -> visible++ :: else -> skip fi
  }
  if :: visible > N -> visible = N :: else -> skip fi;
  if
  :: visible >= Q -> lost = 0
  :: visible < Q && (now <= T || lost) -> skip   /* counting_from + timeout not passed, or reported */
  :: visible < Q && now > T && !lost -> lost = 1; gate = 1
  fi;
  /* cut_off_halts: the last heartbeat of 1 or 2 arrives by cut - 1 + DMAX;
   * T later it is silent, and check() runs every tick. Silence counts from
   * tick 0, so never before T + 1. */
  if
  :: cut != NEVER && now >= cut + DMAX + T && now >= T + 1 && !gate -> late_halt = 1
  :: else -> skip
  fi;
  if :: connected && gate -> false_halt = 1 :: else -> skip fi;
  /* a freshness that is too old at the next check never counts again
   * (newer acks replace it): one value, fewer states */
  for (i : 1 .. NP - 1) {
    if :: lseen[i] > 0 && now + 2 - lseen[i] > T -> lseen[i] = 0 :: else -> skip fi
  }
  now++
}

proctype World() {
  byte i, s;          /* i: loop; s: a seq, passed by value to deliver (0 between steps) */
  do
  /* a heartbeat of 1 or 2 arriving within DMAX of its send, acking member
   * 0's seq of the same tick (the freshest) or of DMAX ticks before (the
   * stalest while member 0's heartbeats reach it within DMAX) */
  :: d_step { now < TMAX && FRESH(now + 1) -> deliver(1, now + 1, now + 1) }
  :: d_step { now < TMAX && FRESH(now + 1) -> deliver(2, now + 1, now + 1) }
  :: d_step { now < TMAX && FRESH(now) -> deliver(1, now, now) }
  :: d_step { now < TMAX && FRESH(now) -> deliver(2, now, now) }
#if DMAX > 0 && !defined(RECEIPT_TIME)
  :: d_step { now < TMAX && FRESH(now + 1) -> deliver(1, now + 1, now + 1 - DMAX) }
  :: d_step { now < TMAX && FRESH(now + 1) -> deliver(2, now + 1, now + 1 - DMAX) }
  :: d_step { now < TMAX && FRESH(now) && now >= DMAX -> deliver(1, now, now - DMAX) }
  :: d_step { now < TMAX && FRESH(now) && now >= DMAX -> deliver(2, now, now - DMAX) }
#endif
  /* a recorded heartbeat replayed on its own link, cut or not, with its ack */
  :: d_step { now < TMAX && got[1] > 0 -> s = got[1]; deliver(1, s, REPLAY_ACK(1)); s = 0 }
  :: d_step { now < TMAX && got[2] > 0 -> s = got[2]; deliver(2, s, REPLAY_ACK(2)); s = 0 }
#ifdef UNBOUNDED_DELAY
  /* any time later: the oldest heartbeat sent before the cut and never
   * delivered (RECEIPT_TIME: one each timeout keeps the peer fresh), or
   * the last one sent before the cut (the freshest ack: member 0's seq of
   * that tick) */
  :: d_step { now < TMAX && SENT(got[1] + 1) && BEFORE_CUT(got[1] + 1) -> s = got[1] + 1; deliver(1, s, s); s = 0 }
  :: d_step { now < TMAX && SENT(got[2] + 1) && BEFORE_CUT(got[2] + 1) -> s = got[2] + 1; deliver(2, s, s); s = 0 }
  :: d_step { now < TMAX && SENT(cut) && cut > got[1] -> deliver(1, cut, cut) }
  :: d_step { now < TMAX && SENT(cut) && cut > got[2] -> deliver(2, cut, cut) }
#endif
  /* BYZ relays 1's or 2's newest heartbeat (it gets them as a member,
   * also after the cut): signature and seq fine, the sender is BYZ's
   * process (wrong_sender). Finding F2: CAF 0.17 takes a routed message's
   * source node from the message, so BYZ's process can pass the sender
   * check: NO_SENDER_CHECK is the code against a Byzantine member. The
   * relayed copy names member 2 as its receiver and member 0 refuses it
   * (wrong_receiver, the fix for F2); NO_TO_NODE is the code before it. */
#if defined(NO_SENDER_CHECK) && defined(NO_TO_NODE)
  :: d_step { now < TMAX -> on_hb(1, now + 1, 0) }
  :: d_step { now < TMAX -> on_hb(2, now + 1, 0) }
#endif
  /* a heartbeat in 1's or 2's name that BYZ or an outsider cannot sign:
   * refused (bad_signature); it may carry any seq, the highest hurts most */
#ifdef NO_HB_SIG
  :: d_step { now < TMAX -> on_hb(1, 250, now + 1) }
  :: d_step { now < TMAX -> on_hb(2, 250, now + 1) }
#endif
  /* BYZ's own heartbeat, any seq: one above its last counts, others are
   * stale; it acks member 0's newest seq (it hears member 0; and seqs are
   * predictable): the freshest it can be, as by receipt */
  :: d_step { now < TMAX -> on_hb(BYZ, now + 1, now + 1) }
  :: d_step { now < TMAX && lseq[BYZ] > 0 -> s = lseq[BYZ]; on_hb(BYZ, s, now + 1); s = 0 }
  /* ROGUE's heartbeat, signed with its listed key (refused: no member;
   * COUNT_NONMEMBERS: member 0 also heartbeats it, it acks the newest) */
  :: d_step { now < TMAX -> on_hb(ROGUE, now + 1, now + 1) }
  /* the tick: check(); a connected run first delivers what is due. The
   * partition isolating member 0 from 1 and 2 may begin with any tick. */
  :: d_step {
       now < TMAX && (!connected || (got[1] + DMAX >= now + 1 && got[2] + DMAX >= now + 1)) ->
       check_and_tick()
     }
  :: d_step {
       now < TMAX && !connected && cut == NEVER ->
       check_and_tick(); cut = now
     }
  :: now == TMAX -> break
  od
}

init {
  atomic {
    if
    :: connected = 0
    :: connected = 1
    :: cut = 0          /* cut off from the start */
    fi;
    run World()
  }
}

/* docs/kill-switch.md "Fail-safe": a correct member cut off from the other
 * correct members (only BYZ still reaches it) closes its gate within the
 * timeout + one check interval (+ the link's delay) of the cut; BYZ's
 * heartbeats, relays, forgeries and replays never keep it open. */
ltl cut_off_halts { [] !late_halt }

/* A correct member that hears the other correct members (each heartbeat
 * within DMAX) never halts itself, whatever BYZ and ROGUE send. */
ltl no_halt_while_connected { [] !false_halt }

ltl failsafe { [] !(late_halt || false_halt) }
