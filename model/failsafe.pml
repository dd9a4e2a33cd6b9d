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
 * lost once, the halt closes the gate and never reopens it). Members 1, 2
 * are correct: each sends a signed heartbeat every tick, seq rising (the
 * seq of the heartbeat sent at tick t is t+1). Member 3 (BYZ) holds its own
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
 * counts from tick 0 (counting_from: the start grace is 0 here). A
 * heartbeat received during tick `now` is recorded at `now`, at or after
 * its real receipt, so a peer looks alive here at least as long as in the
 * code: a halt the model proves comes no later in the code.
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
 *                     the cut may arrive any time later (finding F1)
 *   TMAX=n, DMAX=n    the bound: ticks, delay bound of a working link
 */

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

/* member 0's quorum_monitor */
bool tracked[NP];         /* last_seen_ns_ has an entry */
byte ntracked;
byte lseq[NP];            /* last_seq_ */
byte lseen[NP];           /* last_seen_ns_, in ticks */
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

/* quorum_monitor::on_heartbeat(peer, seq, now), after kill_quorum.cpp's
 * on_heartbeat took it: own name, membership, signature, sender. */
inline on_hb(p, s) {
  if
  :: !MEMBER(p) -> skip                          /* own_name / not_a_member */
  :: else ->
    if
    :: !tracked[p] && ntracked >= N - 1 -> skip  /* not_a_peer: table full */
    :: !tracked[p] && ntracked < N - 1 ->
      tracked[p] = 1; ntracked++; lseq[p] = s; lseen[p] = now
#ifdef NO_SEQ_CHECK
    :: tracked[p] -> lseq[p] = s; lseen[p] = now
#else
    :: tracked[p] && s <= lseq[p] -> skip        /* stale_seq */
    :: tracked[p] && s > lseq[p] -> lseq[p] = s; lseen[p] = now
#endif
    fi
  fi
}

/* A heartbeat of correct member j with seq s arrives on link j -> 0 (its
 * own process: sender check passes; its own key: signature passes). s must
 * not name got[j] + ...: an inline's argument is substituted as text. */
inline deliver(j, s) {
  if :: s > got[j] -> got[j] = s :: else -> skip fi;
  on_hb(j, s)
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
    if :: tracked[i] && now - lseen[i] <= T -> visible++ :: else -> skip fi
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
  now++
}

proctype World() {
  byte i, s;          /* i: loop; s: a seq, passed by value to deliver (0 between steps) */
  do
  /* a heartbeat of 1 or 2 arriving within DMAX of its send */
  :: d_step { now < TMAX && FRESH(now + 1) -> deliver(1, now + 1) }
  :: d_step { now < TMAX && FRESH(now + 1) -> deliver(2, now + 1) }
  :: d_step { now < TMAX && FRESH(now) -> deliver(1, now) }
  :: d_step { now < TMAX && FRESH(now) -> deliver(2, now) }
  /* a recorded heartbeat replayed on its own link, cut or not */
  :: d_step { now < TMAX && got[1] > 0 -> deliver(1, got[1]) }
  :: d_step { now < TMAX && got[2] > 0 -> deliver(2, got[2]) }
#ifdef UNBOUNDED_DELAY
  /* the oldest heartbeat sent before the cut and never delivered, any time later */
  :: d_step { now < TMAX && SENT(got[1] + 1) && BEFORE_CUT(got[1] + 1) -> s = got[1] + 1; deliver(1, s); s = 0 }
  :: d_step { now < TMAX && SENT(got[2] + 1) && BEFORE_CUT(got[2] + 1) -> s = got[2] + 1; deliver(2, s); s = 0 }
#endif
  /* BYZ relays 1's or 2's newest heartbeat (it gets them as a member,
   * also after the cut): signature and seq fine, the sender is BYZ's
   * process (wrong_sender). Finding F2: CAF 0.17 takes a routed message's
   * source node from the message, so BYZ's process can pass the sender
   * check: NO_SENDER_CHECK is the code against a Byzantine member. The
   * relayed copy names member 2 as its receiver and member 0 refuses it
   * (wrong_receiver, the fix for F2); NO_TO_NODE is the code before it. */
#if defined(NO_SENDER_CHECK) && defined(NO_TO_NODE)
  :: d_step { now < TMAX -> on_hb(1, now + 1) }
  :: d_step { now < TMAX -> on_hb(2, now + 1) }
#endif
  /* a heartbeat in 1's or 2's name that BYZ or an outsider cannot sign:
   * refused (bad_signature); it may carry any seq, the highest hurts most */
#ifdef NO_HB_SIG
  :: d_step { now < TMAX -> on_hb(1, 250) }
  :: d_step { now < TMAX -> on_hb(2, 250) }
#endif
  /* BYZ's own heartbeat, any seq: one above its last counts, others are stale */
  :: d_step { now < TMAX -> on_hb(BYZ, now + 1) }
  :: d_step { now < TMAX && lseq[BYZ] > 0 -> on_hb(BYZ, lseq[BYZ]) }
  /* ROGUE's heartbeat, signed with its listed key (refused: no member) */
  :: d_step { now < TMAX -> on_hb(ROGUE, now + 1) }
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
