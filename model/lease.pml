/*
 * The trading lease of one role (docs/supervision.md "Trading lease";
 * actors/supervisor/trading_lease.{hpp,cpp}): grantors, two candidates,
 * epochs, clocks with drift, a grantor restart, a Byzantine grantor and an
 * outsider. docs/model.md maps every step to the C++ function it stands for.
 *
 * Members 0..3: A (0) the active, B (1) the standby, W (2) a witness, X (3)
 * Byzantine: it grants every request at once, to both. OUT (4) is no member.
 * The majority is 3 of 4. Every message may be delayed or dropped: a grantor
 * answers a request at any later moment or never (the next round's request
 * replaces it), a holder takes an answer at any later moment or never;
 * rounds start at any moment.
 *
 * Time: `now` is real time in ticks. Member i's monotonic clock reads
 * now * rate[i] / 5, rate 4 or 6: a drift bound of 20% (200000 ppm), both
 * extremes. A grant is worth D = 5 ticks of real time: a holder keeps
 * D * (1 - drift) = 4 of its clock from the round's start, a grantor grants
 * no one else for D * (1 + drift) = 6 of its clock.
 *
 * Switches (spin -D...):
 *   NO_DRIFT_MARGIN   broken: holder and grantor both count D = 10 of their clocks
 *   NO_QUIET          broken: a restarted grantor grants at once
 *   COUNT_NONMEMBERS  broken: a grant from OUT counts toward the majority
 */

#define A    0
#define B    1
#define W    2
#define X    3
#define OUT  4
#define NG   5
#define MAJORITY 3
#define D    5
#ifdef NO_DRIFT_MARGIN
#define HOLD  5
#define GRANT 5
#else
#define HOLD  4    /* scaled(duration, drift, -1) */
#define GRANT 6    /* lease_grantor::grant_ns: scaled(duration, drift, +1) */
#endif
#ifndef TMAX
#define TMAX 9
#endif
#ifndef ROUNDS
#define ROUNDS 2   /* rounds each candidate starts */
#endif

byte now;                    /* real time */
byte rate[4];                /* clock rate of each member, fifths */
#define LOCAL(i) ((now * rate[i]) / 5)

/* grantors (correct: A, B, W) */
byte g_holder[3];            /* 9: none */
byte g_epoch[3];             /* promised (durable: lease_store) */
byte g_until[3];             /* grant runs while LOCAL(g) < g_until (memory) */
byte g_quiet[3];             /* grants nothing while LOCAL(g) < g_quiet */
bool w_restarted;

/* candidates A and B */
byte c_epoch[2];
byte c_round[2];             /* rounds started */
byte c_sent[2];              /* the current round's start on its clock */
byte c_sent_real[2];         /* ... in real time (ghost) */
byte c_granted[2];           /* grantors (bits) that granted the current round */
byte c_until[2];             /* held while LOCAL(c) < c_until */
byte c_bought_real[2];       /* real start of the round that made it held (ghost) */
byte c_seen[2];              /* highest epoch any answer showed */
bool c_heldonce[2];          /* the current epoch was held */

/* in flight: a request of candidate c's round r at epoch e to grantor g.
 * An answer is counted when the grantor gives it: a holder that takes it
 * later is held from later on to the same end (the round's start + HOLD),
 * and one taken after the next round started is dropped (round id), so
 * counting at once gives every holding interval the code can have, and
 * more. X's grant is counted when the round starts, for the same reason. */
byte req_round[NG*2];        /* 0: none */
byte req_epoch[NG*2];

#define HELD(c) (LOCAL(c) < c_until[c])
#define COUNT(m) (((m) & 1) + (((m) >> 1) & 1) + (((m) >> 2) & 1) + (((m) >> 3) & 1) + CNT_OUT(m))
#ifdef COUNT_NONMEMBERS
#define CNT_OUT(m) (((m) >> 4) & 1)
#else
#define CNT_OUT(m) 0               /* lease_holder::on_answer: members only */
#endif

/* lease_holder::start_round + the lease actor sending the requests */
inline start_round(c) {
  /* (g is the caller's) */
  if
  :: !HELD(c) && (c_heldonce[c] || c_epoch[c] <= c_seen[c]) ->
     c_epoch[c] = (c_epoch[c] > c_seen[c] -> c_epoch[c] : c_seen[c]) + 1;
     c_heldonce[c] = 0
  :: else -> skip
  fi;
  c_round[c]++;
  c_sent[c] = LOCAL(c); c_sent_real[c] = now; c_granted[c] = 0;
  g = 0;
  do
  :: g < X -> req_round[g*2+c] = c_round[c]; req_epoch[g*2+c] = c_epoch[c]; g++
  :: else -> break
  od;
#ifdef COUNT_NONMEMBERS
  req_round[OUT*2+c] = c_round[c]; req_epoch[OUT*2+c] = c_epoch[c];
#endif
  g = 0
}

/* lease_grantor::judge + commit at correct grantor g for candidate c */
inline judge(g, c, e) {
  granted = 0;
  if
  :: LOCAL(g) < g_quiet[g] -> skip                       /* restarted: unsure */
  :: LOCAL(g) >= g_quiet[g] && g_holder[g] == c && g_epoch[g] == e ->
     granted = 1                                         /* renewal */
  :: LOCAL(g) >= g_quiet[g] && !(g_holder[g] == c && g_epoch[g] == e) ->
     if
     :: e <= g_epoch[g] -> skip                          /* epoch not above */
     :: e > g_epoch[g] && LOCAL(g) < g_until[g] && g_holder[g] != c -> skip  /* held by another */
     :: e > g_epoch[g] && !(LOCAL(g) < g_until[g] && g_holder[g] != c) -> granted = 1
     fi
  fi;
  if
  :: granted -> g_holder[g] = c; g_epoch[g] = e; g_until[g] = LOCAL(g) + GRANT
  :: else -> skip
  fi
}

/* lease_holder::on_answer: grantor g granted round r of candidate c at epoch e */
inline take_answer(c, g, r, e) {
  if
  :: r == c_round[c] ->
     c_seen[c] = (e > c_seen[c] -> e : c_seen[c]);
     if
     :: granted && e == c_epoch[c] ->
        c_granted[c] = c_granted[c] | (1 << g);
        if
        :: COUNT(c_granted[c]) >= MAJORITY && c_sent[c] + HOLD > c_until[c] ->
           c_until[c] = c_sent[c] + HOLD; c_bought_real[c] = c_sent_real[c];
           c_heldonce[c] = 1
        :: else -> skip
        fi
     :: else -> skip
     fi
  :: else -> skip                                        /* an older round's answer */
  fi
}

/* Grantor g answers candidate c's pending request now, or not yet (a
 * request never answered is a dropped one) */
inline maybe_answer(g, c) {
  if
  :: req_round[g*2+c] != 0 ->
     if
     :: e = req_epoch[g*2+c];
        r = req_round[g*2+c];
        if
        :: g < X -> judge(g, c, e)
        :: g == OUT -> granted = 1                       /* OUT signs a "grant" */
        fi;
        /* the answer carries the epoch granted, or the one promised */
        if :: !granted && g < X -> e = g_epoch[g] :: else -> skip fi;
        take_answer(c, g, r, e);
        req_round[g*2+c] = 0; req_epoch[g*2+c] = 0;
        e = 0; r = 0; granted = 0
     :: skip
     fi
  :: else -> skip
  fi
}

inline answers() {
  maybe_answer(0, A); maybe_answer(0, B);
  maybe_answer(1, A); maybe_answer(1, B);
  maybe_answer(2, A); maybe_answer(2, B);
#ifdef COUNT_NONMEMBERS
  maybe_answer(OUT, A); maybe_answer(OUT, B);
#endif
  skip
}

/* Candidate c starts a round now, or not */
inline maybe_round(c) {
  if
  :: c_round[c] < ROUNDS ->
     if
     :: start_round(c);
        /* X, Byzantine, grants every request at once */
        granted = 1; take_answer(c, X, c_round[c], c_epoch[c]); granted = 0
     :: skip
     fi
  :: else -> skip
  fi
}

/* Everything that happens in one tick of real time, then the tick. The
 * order inside a tick: rounds started, answers (so a round can be answered
 * in the tick it starts; an answer to a round that a newer round replaced
 * is dropped by the round id, the same as not answering), W's restart.
 * Time-dependent steps read `now` only. */
proctype World() {
  byte g, r, e;
  bool granted;
  do
  :: atomic { now < TMAX ->
       maybe_round(A); maybe_round(B);
       answers();
       /* W restarts (once): its running grant is forgotten, the promised
        * epoch and its holder come back from the store (lease_store), and
        * it is quiet for one grant's time (lease_actor start: quiet_until) */
       if
       :: !w_restarted ->
          w_restarted = 1;
          g_until[W] = 0;
#ifndef NO_QUIET
          g_quiet[W] = LOCAL(W) + GRANT;
#endif
          skip
       :: skip
       fi;
       now++ }
  :: now == TMAX -> break
  od
}

init {
  atomic {
    if :: rate[A] = 4 :: rate[A] = 6 fi;
    if :: rate[B] = 4 :: rate[B] = 6 fi;
    if :: rate[W] = 4 :: rate[W] = 6 fi;
    rate[X] = 5;
    g_holder[0] = 9; g_holder[1] = 9; g_holder[2] = 9;
    run World()
  }
}

/* docs/supervision.md "Why the design cannot give two holders": at most one
 * member holds the trading lease of a role at any moment (real time). */
ltl one_holder { [] !(HELD(A) && HELD(B)) }
/* docs/supervision.md "Trading lease": a holder cut off from a majority has
 * its gate closed by time alone within one lease (D of real time) of the
 * start of its last round that a majority granted. */
ltl gate_closes_in_bound { [] ((HELD(A) -> now < c_bought_real[A] + D) && (HELD(B) -> now < c_bought_real[B] + D)) }
