/*
 * Reset quorum with epochs, the durable seen list and halt state, a later
 * kill, a crash and restart, replays. docs/model.md maps every step to the
 * C++ function it stands for.
 *
 * Members 0..3, n = 4, f = 1, quorum floor((n+f)/2)+1 = 3 = 2f+1. Member 3
 * (BYZ) is Byzantine: it votes yes to some and no to others (equivocation),
 * sends votes in correct members' names that its key cannot sign (forged),
 * and replays the reset and the old kill it saw. ROGUE (4) is an outsider
 * whose node key is listed in the operators file but who is no member: its
 * signed yes votes go to everyone. Every member starts halted by kill K at
 * epoch 0 (K in its durable seen list). The operator signs reset R (epoch 1,
 * ends K) and sends it to member 0; later it signs kill K2, which may reach
 * any member at any moment. Each correct member's preconditions (OMS
 * reconciled, no breach) hold or not, chosen when it votes. Member 0 may
 * crash once anywhere and restart from its halt state.
 *
 * Switches (spin -D...):
 *   COUNT_NONMEMBERS  broken: votes of non-members count (issue 17 #2)
 *   NO_VOTE_SIG       broken: a vote counts without its node's signature
 *   NO_SEQ            broken: reopen does not compare the apply sequence
 *                     (a kill applied after the vote is undone, issue 21)
 *   VOLATILE_SEEN     broken: the seen list is not in the halt state (issue 17 #3)
 *   FORGET_LAST_KILL  broken: the last applied kill not in the halt state
 *                     (finding M1, docs/model.md, the code before its fix): a
 *                     restart forgets a kill that came after the reset was
 *                     signed, and the reset undoes it
 *   CRASH_OFF         no crash, K2_OFF no later kill, BUDGET=n replays (1),
 *                     VBUDGET=n votes of BYZ and ROGUE (3): smaller runs for properties that need
 *                     less (model/check names what each run has)
 */

#define N      4
#define BYZ    3
#define ROGUE  4
#define NV     5          /* voters: members and ROGUE */
#define QUORUM 3
#define R_EPOCH 1

/* in flight (sets: any may be taken next; sent again = a duplicate) */
bool prop[N];             /* reset R to member i */
bool kbag[N];             /* old kill K (a replay) to member i */
bool k2bag[N];            /* the later kill K2 to member i */
byte vin[N*NV];           /* votes for R to i from j: bit 1 yes, bit 2 no, bit 4 forged yes */

/* member state (memory) */
bool gate[N];             /* halted */
byte epoch[N];
bool seenR[N];            /* seen list: R, K, K2 */
bool seenK[N];
bool seenK2[N];
bool open[N];             /* a round for R is open */
byte myvote[N];           /* 0 none, 1 yes, 2 no */
byte vsnap[N];             /* apply_seq when the vote was taken */
byte counted[N*NV];       /* votes counted in the round: 0 none, 1 yes, 2 no */
byte seq[N];              /* kill_switch::apply_seq */
bool k2[N];               /* kill_switch::last_applied is K2 */
/* member state (disk: halt state) */
bool dgate[N];
byte depoch[N];
bool dseenR[N];
bool dseenK[N];
bool dseenK2[N];
bool dk2[N];              /* the last applied kill in the halt state (last_kill=) */

/* ghosts */
bool yes_cast[N];         /* correct member cast yes for R's epoch */
bool k2g[N];              /* K2 applied here, in memory or durably (ghost) */
bool dk2g[N];             /* K2's halt made durable here (ghost) */
bool bad_quorum, bad_later_kill, bad_replay;   /* a property broken (ghosts) */
bool crashed[N];
bool hR[N];               /* member accepted R and wrote it down (ghost) */
bool replayed_round[N];   /* the open round came from R replayed after a restart */
#ifndef BUDGET
#define BUDGET 1    /* replays */
#endif
#ifndef VBUDGET
#define VBUDGET 3   /* votes BYZ and ROGUE send */
#endif
byte budget = BUDGET;

#define YES_COUNT(i) ((counted[(i)*NV+0] == 1) + (counted[(i)*NV+1] == 1) + (counted[(i)*NV+2] == 1) \
                      + (counted[(i)*NV+3] == 1) + (counted[(i)*NV+4] == 1))

#ifdef CRASH_OFF
#define CRASH_POINT(i) skip
#else
/* member 0 crashes (once): the round, the in-memory seen list and the gate
 * die with the process; the restart reads the halt state */
#define CRASH_POINT(i) if :: (i) == 0 && !crashed[i] -> crash(i); goto end_loop :: skip fi
#endif

inline persist(i) {
  /* halt state: temp file + fsync + rename, all or nothing */
  dgate[i] = gate[i]; depoch[i] = epoch[i];
#ifndef VOLATILE_SEEN
  dseenR[i] = seenR[i]; dseenK[i] = seenK[i]; dseenK2[i] = seenK2[i];
#endif
  dk2[i] = k2[i];
  dk2g[i] = k2g[i]
}

#ifdef NO_SEQ
#define SEQ_OK(i) 1
#else
#define SEQ_OK(i) (seq[i] == vsnap[i])   /* no kill applied since the vote's snapshot */
#endif

/* kill_reset.cpp decide + kill_switch::reopen */
inline decide(i) {
  if
  :: myvote[i] == 1 && YES_COUNT(i) >= QUORUM && R_EPOCH > epoch[i] && SEQ_OK(i) ->
     /* reset_needs_quorum: its own yes, and 2f+1 members voted yes for
      * this epoch (BYZ may have: it counts as one) */
     bad_quorum = bad_quorum || !yes_cast[i] || yes_cast[0] + yes_cast[1] + yes_cast[2] + 1 < QUORUM;
     /* reset_spares_later_kill: K2, signed after R, is never undone by R */
     bad_later_kill = bad_later_kill || k2g[i];
     /* no_replay_after_restart: a round opened by R replayed after a restart */
     bad_replay = bad_replay || replayed_round[i];
     gate[i] = 0; epoch[i] = R_EPOCH;
     CRASH_POINT(i);
     persist(i)
  :: else -> skip
  fi
}


inline crash(i) {
  crashed[i] = 1;
  gate[i] = dgate[i]; epoch[i] = depoch[i];
  seenR[i] = dseenR[i]; seenK[i] = dseenK[i]; seenK2[i] = dseenK2[i];
  open[i] = 0; myvote[i] = 0; vsnap[i] = 0; seq[i] = 0;
  k2g[i] = dk2g[i];   /* a halt lost before it was written is a documented limit */
#ifdef FORGET_LAST_KILL
  k2[i] = 0;   /* before the fix: restore() set level, cause, since, epoch, seen only */
#else
  k2[i] = dk2[i];   /* kill_switch::restore: last_applied from the halt state's last_kill */
#endif
  replayed_round[i] = 0;
  jj = 0;
  do :: jj < NV -> counted[i*NV+jj] = 0; jj++ :: else -> break od;
  jj = 0
}

proctype Member(byte i) {
  byte j, jj, v;
  bool pre;
end_loop:
  do
  /* reset_command (kill_reset.cpp on_reset_request / on_reset_proposal -> open_round) */
  :: atomic { prop[i] -> prop[i] = 0;
       if
       :: open[i] || seenR[i] -> skip            /* replayed reset id (seen before) */
       :: else ->
          seenR[i] = 1; open[i] = 1;
          replayed_round[i] = crashed[i] && hR[i];
          CRASH_POINT(i);
          persist(i);                            /* durable before any vote */
          hR[i] = 1;
          CRASH_POINT(i);
          /* echoed on first sight */
          j = 0;
          do :: j < BYZ -> if :: j != i -> prop[j] = 1 :: else -> skip fi; j++
             :: else -> break od;
          /* cast_vote: snapshot, decide_vote */
          vsnap[i] = seq[i];
          if :: pre = 1 :: pre = 0 fi;           /* OMS reconciled, no breach: or not */
          if
          :: R_EPOCH <= epoch[i] -> myvote[i] = 2           /* stale epoch */
          :: R_EPOCH > epoch[i] && k2[i] -> myvote[i] = 2   /* halted again after R was signed */
          :: R_EPOCH > epoch[i] && !k2[i] && !pre -> myvote[i] = 2
          :: R_EPOCH > epoch[i] && !k2[i] && pre -> myvote[i] = 1; yes_cast[i] = 1
          fi;
          counted[i*NV+i] = myvote[i];
          /* signed and sent to every member; a no is never counted as a
           * yes anywhere, so only a yes is carried in the model */
          j = 0;
          do :: j < N && myvote[i] == 1 -> if :: j != i -> vin[j*NV+i] = vin[j*NV+i] | 1 :: else -> skip fi; j++
             :: else -> break od;
          decide(i)
       fi;
       j = 0; pre = 0 }
  /* reset_vote from j (kill_reset.cpp on_reset_vote -> record_vote); a vote
   * for a round not open yet waits (early_votes) */
  :: atomic {
       open[i] && (vin[i*NV+0] | vin[i*NV+1] | vin[i*NV+2] | vin[i*NV+3] | vin[i*NV+4]) != 0 ->
       if
       :: vin[i*NV+0] != 0 -> j = 0
       :: vin[i*NV+1] != 0 -> j = 1
       :: vin[i*NV+2] != 0 -> j = 2
       :: vin[i*NV+3] != 0 -> j = 3
       :: vin[i*NV+4] != 0 -> j = 4
       fi;
       if
       :: vin[i*NV+j] & 1 -> v = 1; vin[i*NV+j] = vin[i*NV+j] & 6
       :: vin[i*NV+j] & 2 -> v = 2; vin[i*NV+j] = vin[i*NV+j] & 5
       :: vin[i*NV+j] & 4 -> v = 5; vin[i*NV+j] = vin[i*NV+j] & 3   /* forged: signature fails */
       fi;
       if
       :: j == i -> skip                                  /* in this node's own name from outside */
#ifndef COUNT_NONMEMBERS
       :: j == ROGUE -> skip                              /* not a member */
#endif
#ifndef NO_VOTE_SIG
       :: v == 5 -> skip                                  /* not signed by the key listed for j */
#endif
       :: counted[i*NV+j] != 0 -> skip                    /* node voted already */
       :: else ->
          counted[i*NV+j] = (v == 5 -> 1 : v);
          decide(i)
       fi;
       j = 0; v = 0 }
  /* a kill: K2 (signed after R), or K replayed (kill_switch::on_command) */
  :: atomic { k2bag[i] -> k2bag[i] = 0;
       if
       :: seenK2[i] -> skip
       :: else ->
          gate[i] = 1; seq[i]++; k2[i] = 1; k2g[i] = 1; seenK2[i] = 1;
          CRASH_POINT(i);
          persist(i)
       fi }
  :: atomic { kbag[i] -> kbag[i] = 0;
       if
       :: seenK[i] -> skip                                /* duplicate: seen before */
       :: else ->
          /* no_replay_after_restart: K was applied before the model starts */
          bad_replay = 1;
          gate[i] = 1; seq[i]++; seenK[i] = 1;
          persist(i)
       fi }
#ifndef CRASH_OFF
  :: atomic { (i == 0 && !crashed[i]) -> crash(i) }
#endif
  od
}

/* The votes BYZ and ROGUE send: a vote waits in the set until the round is
 * open and is then taken in any order, so sending them all at the start
 * covers every arrival order (a second copy would be "voted already"). */
inline inject_votes() {
  vb = VBUDGET;
  do
  :: vb > 0 -> vb--;
     if :: to = 0 :: to = 1 :: to = 2 fi;
     if
     :: vin[to*NV+BYZ] = vin[to*NV+BYZ] | 1       /* BYZ votes yes here (equivocation:
                                                     no, or nothing, elsewhere) */
     :: vin[to*NV+ROGUE] = vin[to*NV+ROGUE] | 1   /* the outsider's signed yes */
     :: vin[to*NV+0] = vin[to*NV+0] | 4           /* forged yes in 0's name */
     :: vin[to*NV+1] = vin[to*NV+1] | 4
     :: vin[to*NV+2] = vin[to*NV+2] | 4
     fi
  :: break
  od;
  to = 0
}

/* Replays of the operator-signed R and K, at any moment (BYZ got them as a
 * member; an outsider on the wire captures them the same way). */
proctype Adversary() {
  byte to;
  do
  :: atomic { budget > 0 -> budget--;
       if :: to = 0 :: to = 1 :: to = 2 fi;
       if
       :: prop[to] = 1                              /* replay R */
       :: kbag[to] = 1                              /* replay K */
       fi;
       to = 0 }
  :: budget == 0 -> break
  od
}

proctype Operator() {
  byte to;
#ifdef K2_OFF
  to = BYZ;
#endif
  /* K2, signed after R: reaches any members (echoed among them) */
  do
  :: atomic { to < BYZ -> k2bag[to] = 1; to++ }
  :: atomic { to < BYZ -> to++ }
  :: to == BYZ -> break
  od
}

init {
  byte i, vb, to;
  atomic {
    inject_votes();
    i = 0;
    do
    :: i < N -> gate[i] = 1; dgate[i] = 1; seenK[i] = 1; dseenK[i] = 1; i++
    :: else -> break
    od;
    run Member(0); run Member(1); run Member(2);
    run Adversary(); run Operator();
    prop[0] = 1    /* cwts reset --node=member 0 */
  }
}

/* docs/kill-switch.md "Reset quorum": no correct member resumes unless the
 * operator signed the reset and 2f+1 members voted yes for its epoch, its
 * own vote among them. */
ltl reset_needs_quorum { [] !bad_quorum }
/* docs/kill-switch.md "A reset never undoes a kill it did not see". */
ltl reset_spares_later_kill { [] !bad_later_kill }
/* docs/kill-switch.md "Replays across restarts": a command seen before a
 * restart changes nothing after it. */
ltl no_replay_after_restart { [] !bad_replay }
