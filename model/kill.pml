/*
 * Kill propagation: signed kills, the seen-id store, gate first, echo over
 * two paths (CAF echo and the direct fan-out), durable halt across a crash.
 * docs/model.md maps every step to the C++ function it stands for.
 *
 * Members 0..3, n = 4, f = 1. Member 3 (BYZ) is Byzantine: it holds its own
 * node key, never echoes (drops everything it gets), and may send, at any
 * moment and to any correct member, a kill signed with its own key under the
 * operator's id (decoy; equivocation: three contents under one id), a forged
 * kill in the operator's name (what an outsider without keys can send too),
 * and replays of the operator's kill once it has seen it. The network may
 * cut one path of any link, or both paths of a link while every correct
 * member stays connected to the origin.
 *
 * Messages in flight are a set per member (a kind is in flight or not): any
 * may be taken next, so delay and reordering are in every interleaving; a
 * copy sent again after the first was taken is the duplicate (an echo from
 * another member, the other path's copy, the adversary's replay).
 *
 * Switches (spin -D...):
 *   BARE_ID            broken: de-duplicate by bare id (issue 17 #1)
 *   ACK_BEFORE_PERSIST broken: ack sent before the halt state is written
 *   ONE_PATH           broken: no direct fan-out (CAF echo only)
 *   ANY_NODE_KEY       broken: a node key's kill counts for any scope (issue 17 #4)
 *   CRASH              member 0 may crash once and restart from its halt state
 */

#define N      4   /* members */
#define BYZ    3   /* the Byzantine member */

/* The kinds of kill that exist, all under the operator's id KID. */
#define K_OP      0  /* operator, cluster scope, signed: the real kill */
#define K_FORGED  1  /* operator's name, other content, signature does not verify */
#define K_DECOY   2  /* BYZ's node key, scope node=BYZ: valid, for BYZ only */
#define K_CLUSTER 3  /* BYZ's node key, cluster scope (needs f+1 signatures) or another
                        node's scope (a node key halts its own node only): refused */
#define NK        4

#define CLUSTER 9
byte scope_of[NK];   /* scope of each kind: CLUSTER or a node */
bool sig_of[NK];     /* the signature verifies with the issuer's listed key */
bool nodekey_of[NK]; /* signed with a node key (else an operator key) */

bool bag[N*NK];      /* a copy of kind k is in flight to member i */
byte gate[N];        /* kill_gate level: 0 open, 1 halted */
bool durable[N];     /* halt state on disk says halted */
bool seen[N*NK];     /* seen list in memory (issuer, id, content digest) */
bool dseen[N*NK];    /* seen list on disk (halt state `seen=` lines) */
bool seenid[N];      /* BARE_ID: seen by id alone */
bool acked[N];       /* member sent its kill_ack for the operator's kill */
bool crashed[N];     /* member crashed once (ghost) */
bool issued;         /* the operator's kill was sent (ghost) */
bool down[N*N];      /* no path of link i -> j carries anything */
byte budget = 2;     /* adversary actions */

#define ALL_CLOSED (gate[0] > 0 && gate[1] > 0 && gate[2] > 0)
#define ADD(j, k) bag[(j)*NK + (k)] = 1

/* Sends kind k from i to j over both paths (gate first: only called after
 * the gate closed); the copies are one in the set, so a link carries the
 * kill unless every path of it is cut (down, chosen in init). */
#define SEND(i, j, k) if :: !down[(i)*N+(j)] -> ADD(j, k) :: else -> skip fi

/* Member 0 crashes (once) here: the gate, the in-memory seen list and the
 * work in progress die with the process; the restart reads the halt state
 * before any actor exists (run_node: read_halt_state + apply_halt,
 * kill_switch::restore). */
#ifdef CRASH
#define CRASH_NOW(i) \
  (i) == 0 && !crashed[i] -> \
     crashed[i] = 1; \
     gate[i] = durable[i]; \
     seenid[i] = 0; \
     kk = 0; \
     do \
     :: kk < NK -> seen[(i)*NK+kk] = dseen[(i)*NK+kk]; \
                   seenid[i] = seenid[i] || dseen[(i)*NK+kk]; kk++ \
     :: else -> break \
     od; \
     kk = 0
#define CRASH_POINT(i) if :: CRASH_NOW(i); goto next :: skip fi
#else
#define CRASH_POINT(i) skip
#endif

/* kill_switch::on_command -> decide -> apply at member i for one copy of
 * kind k, then the coordinator's after-apply work (kill_coordinator_actor:
 * halt state, ack, echo). */
inline handle(i, k) {
  if
#ifdef BARE_ID
  :: seenid[i] -> skip                 /* "duplicate" by id: dropped */
#else
  :: seen[i*NK+k] -> skip              /* same issuer, id and content: echo or replay */
#endif
  :: else ->
     if
     :: !sig_of[k] -> skip                                   /* bad signature */
#ifdef ANY_NODE_KEY
     :: sig_of[k] ->
#else
     :: sig_of[k] && nodekey_of[k] && scope_of[k] != BYZ -> skip
        /* node key: own node only; a cluster scope stays pending */
     :: sig_of[k] && (!nodekey_of[k] || scope_of[k] == BYZ) ->
#endif
        if   /* gate first */
        :: scope_of[k] == CLUSTER || scope_of[k] == i -> gate[i] = 1
        :: else -> skip                                      /* not this node */
        fi;
        seen[i*NK+k] = 1;
        seenid[i] = 1;
        CRASH_POINT(i);
#ifdef ACK_BEFORE_PERSIST
        if :: k == K_OP -> acked[i] = 1 :: else -> skip fi;
        CRASH_POINT(i);
#endif
        /* halt state: temp file + fsync + rename, all or nothing */
        if :: gate[i] > 0 -> durable[i] = 1 :: else -> skip fi;
        dseen[i*NK+k] = 1;
        CRASH_POINT(i);
#ifndef ACK_BEFORE_PERSIST
        if :: k == K_OP -> acked[i] = 1 :: else -> skip fi;
#endif
        /* echo to every peer: fan-out and CAF */
        j = 0;
        do
        :: j < N -> if :: j != i -> SEND(i, j, k) :: else -> skip fi; j++
        :: else -> break
        od
     fi
  fi
}

proctype Member(byte i) {
  byte k, j, kk;
  do
  :: atomic {
       /* take any copy in flight: delay and reordering */
       if
       :: bag[i*NK+0] > 0 -> k = 0
       :: bag[i*NK+1] > 0 -> k = 1
       :: bag[i*NK+2] > 0 -> k = 2
       :: bag[i*NK+3] > 0 -> k = 3
       fi;
       bag[i*NK+k] = 0;
       handle(i, k);
       k = 0; j = 0
     };
next: skip
#ifdef CRASH
  :: atomic { CRASH_NOW(i) }
#endif
  od
}

/* The Byzantine member and the outsider: what they may send. */
proctype Adversary() {
  byte to;
  do
  :: atomic {
       budget > 0 -> budget--;
       if :: to = 0 :: to = 1 :: to = 2 fi;
       if
       :: ADD(to, K_DECOY)
       :: ADD(to, K_CLUSTER)
       :: ADD(to, K_FORGED)
       :: bag[BYZ*NK+K_OP] > 0 -> ADD(to, K_OP)   /* replay, duplicate */
       fi;
       to = 0
     }
  :: budget == 0 -> break
  od
}

/* A link's paths: cut 0 none, 1 CAF cut, 2 fan-out cut, 3 both cut. */
#define CHOOSE_CUT(c) if :: c = 0 :: c = 1 :: c = 2 :: c = 3 fi
#ifdef ONE_PATH
#define DOWN(c) (((c) & 1) != 0)   /* the CAF path is the only one */
#else
#define DOWN(c) ((c) == 3)
#endif

init {
  byte cut[N*N];
  byte j;
  atomic {
    scope_of[K_OP] = CLUSTER;   sig_of[K_OP] = 1;
    scope_of[K_FORGED] = CLUSTER;
    scope_of[K_DECOY] = BYZ;    sig_of[K_DECOY] = 1;   nodekey_of[K_DECOY] = 1;
    scope_of[K_CLUSTER] = CLUSTER; sig_of[K_CLUSTER] = 1; nodekey_of[K_CLUSTER] = 1;
    /* members are symmetric: the origin is 0. Links into the origin and
     * to BYZ change nothing (the origin has the kill, BYZ drops). */
#ifndef CRASH   /* (the crash checks need no cuts) */
    CHOOSE_CUT(cut[0*N+1]); CHOOSE_CUT(cut[0*N+2]);
    CHOOSE_CUT(cut[1*N+2]); CHOOSE_CUT(cut[2*N+1]);
#endif
    /* connected: 1 and 2 each reachable from 0 over an uncut path,
     * directly or through the other */
    (cut[0*N+1] != 3 || (cut[0*N+2] != 3 && cut[2*N+1] != 3));
    (cut[0*N+2] != 3 || (cut[0*N+1] != 3 && cut[1*N+2] != 3));
    down[0*N+1] = DOWN(cut[0*N+1]); down[0*N+2] = DOWN(cut[0*N+2]);
    down[1*N+2] = DOWN(cut[1*N+2]); down[2*N+1] = DOWN(cut[2*N+1]);
    d_step { j = 0; do :: j < N*N -> cut[j] = 0; j++ :: else -> break od; j = 0 };
    run Member(0); run Member(1); run Member(2);
    run Adversary()
  };
  /* the operator: a signed cluster kill to the origin (cwts kill --node=) */
  atomic { ADD(0, K_OP); issued = 1 }
}

/* docs/kill-switch.md "Protocol": a valid operator kill reaches and halts
 * every correct member connected to the origin; a decoy, an equivocation or
 * a forgery under its id suppresses nothing; either path alone suffices. */
ltl kill_reaches_all { [] (issued -> <> ALL_CLOSED) }
/* docs/kill-switch.md "Durable halt": written before the ack, so a member
 * that acked stays halted across a crash and restart. */
ltl ack_is_durable { [] (acked[0] -> gate[0] > 0) }
/* docs/kill-switch.md "Node keys halt their own node only": a correct
 * member's gate closes only for the operator's kill, never for what the
 * Byzantine member signs with its node key. */
ltl node_key_halts_own_only { [] ((gate[0] > 0 -> seen[0*NK+K_OP]) && (gate[1] > 0 -> seen[1*NK+K_OP])
                                  && (gate[2] > 0 -> seen[2*NK+K_OP])) }
