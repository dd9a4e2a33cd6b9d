/*
 * The trading lease of one role (docs/supervision.md "Trading lease";
 * actors/supervisor/trading_lease.{hpp,cpp}, lease_actor.cpp): grantors,
 * two candidates, epochs, clocks with drift, a grantor restart, a Byzantine
 * grantor and an outsider. docs/model.md maps every step to the C++
 * function it stands for, and states the bound of the search.
 *
 * Members 0..3: A (0) the active, B (1) the standby, W (2) a witness, X (3)
 * Byzantine: it grants every request at once, to both. OUT (4) is no member.
 * The majority is 3 of 4. A candidate's own grantor judges its request when
 * the round starts (lease_actor send_round: grant(self, req) before the
 * requests leave); every other request may be delayed or dropped: a grantor
 * answers it at any later tick or never (the candidate's next round
 * replaces it); rounds start at any tick, up to ROUNDS per candidate.
 *
 * Time: `now` is real time in ticks. Member i's monotonic clock reads
 * now * rate[i] / 5, rate 4 or 6: a drift bound of 20% (200000 ppm), both
 * extremes. A grant is worth D = 5 ticks of real time: a holder keeps
 * D * (1 - drift) = 4 of its clock from the round's start, a grantor grants
 * no one else for D * (1 + drift) = 6 of its.
 *
 * A tick is two steps, each a d_step (one transition: only its end is a
 * state), one alternative per choice: A's part (start a round or not, each
 * pending request answered now or not); B's part, W's restart or not, and
 * the tick. The never claims see only these ends; the properties are
 * therefore watched by monitor flags set inside the steps after every
 * change (a lease taken, time advanced), so an overlap that lasts only part
 * of a tick is seen too. At the end of a tick what can no longer change
 * anything is forgotten (a grant or lease that ran out, a round no answer
 * is pending for, an epoch seen below the own, a fence below both epochs),
 * and of a state and its mirror image (A and B swapped) one is kept:
 * states that differ only in such values are one state. Within this bound
 * (TMAX ticks, ROUNDS rounds per candidate, one restart of W) the search is
 * exhaustive (docs/model.md "The lease model's bound").
 *
 * Not modelled: the standby's pre-vote (it only withholds requests; here a
 * candidate may ask at any tick), releases (the holder closes its gate
 * before it sends one), the supersession notice (it only stops a holder).
 *
 * Switches (spin -D...):
 *   NO_EPOCH_BUMP     the holder never moves a held lease to a newer epoch
 *                     (before stop 37; the properties hold either way)
 *   NO_DRIFT_MARGIN   broken: holder and grantor both count D = 5 of their clocks
 *   NO_QUIET          broken: a restarted grantor grants at once
 *   COUNT_NONMEMBERS  broken: a grant from OUT counts toward the majority
 *   FENCE_ON_ONE_GRANT broken: a connector's fence rises on one member's grant
 *   COUNT_FROM_ANSWER broken: the holder counts its lease from the majority's
 *                     answer, not from its round's start
 *   NO_GRANT_MARGIN   broken: a grantor counts D, not D * (1 + drift), of its clock
 *   TMAX=n, ROUNDS=n  the bound: ticks of real time, rounds per candidate
 */

#define A    0
#define B    1
#define W    2
#define X    3
#define OUT  4
#define MAJORITY 3
#define D    5
#ifdef NO_DRIFT_MARGIN
#define HOLD  5
#define GRANT 5
#else
#define HOLD  4    /* scaled(duration, drift, -1) */
#ifdef NO_GRANT_MARGIN
#define GRANT 5
#else
#define GRANT 6    /* lease_grantor::grant_ns: scaled(duration, drift, +1) */
#endif
#endif
#ifndef TMAX
#define TMAX 9
#endif
#ifndef ROUNDS
#define ROUNDS 2   /* rounds each candidate starts */
#endif

byte now;                    /* real time */
byte rate[3];                /* clock rate of A, B, W, fifths (X keeps no time) */
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

/* pending requests of candidate c's current round: bit g set while grantor
 * g has not answered it. A request carries the round's epoch c_epoch[c].
 * An answer is counted when the grantor gives it: a holder that takes it
 * later is held from later on to the same end (the round's start + HOLD),
 * and one taken after the next round started is dropped (round id), so
 * counting at once gives every holding interval the code can have, and
 * more. */
byte pend[2];
byte phase;                  /* 0: A's part of the tick next, 1: B's part and the tick's end */

/* the epoch fence of a connector (lease_gate::granted): the newest epoch
 * a majority certificate proved. Raised at once when a candidate acquires
 * (its notice may reach a member at any later moment: at once is the
 * highest any fence can be at any moment). */
byte fence;

/* monitors (ghost), set inside the step */
bool two_holders;            /* HELD(A) && HELD(B) at some moment */
bool held_too_long;          /* a holder held past D of real time from its round's start */
bool holder_fenced;          /* a holder's orders refused by a fence above its epoch */

#define HELD(c) (LOCAL(c) < c_until[c])
#define COUNT(m) (((m) & 1) + (((m) >> 1) & 1) + (((m) >> 2) & 1) + (((m) >> 3) & 1) + CNT_OUT(m))
#ifdef COUNT_NONMEMBERS
#define CNT_OUT(m) (((m) >> 4) & 1)
#else
#define CNT_OUT(m) 0               /* lease_holder::on_answer: members only */
#endif

inline watch() {
  if :: HELD(A) && HELD(B) -> two_holders = 1 :: else -> skip fi;
  if :: HELD(A) && now >= c_bought_real[A] + D -> held_too_long = 1 :: else -> skip fi;
  if :: HELD(B) && now >= c_bought_real[B] + D -> held_too_long = 1 :: else -> skip fi;
  if :: (HELD(A) && fence > c_epoch[A]) || (HELD(B) && fence > c_epoch[B]) -> holder_fenced = 1 :: else -> skip fi
}

/* lease_grantor::judge + commit at correct grantor g for candidate c at epoch e */
inline judge(jg, jc, je) {
  granted = 0;
  if
  :: LOCAL(jg) < g_quiet[jg] -> skip                       /* restarted: unsure */
  :: LOCAL(jg) >= g_quiet[jg] && g_holder[jg] == jc && g_epoch[jg] == je ->
     granted = 1                                         /* renewal */
  :: LOCAL(jg) >= g_quiet[jg] && !(g_holder[jg] == jc && g_epoch[jg] == je) ->
     if
     :: je <= g_epoch[jg] -> skip                          /* epoch not above */
     :: je > g_epoch[jg] && LOCAL(jg) < g_until[jg] && g_holder[jg] != jc -> skip  /* held by another */
     :: je > g_epoch[jg] && !(LOCAL(jg) < g_until[jg] && g_holder[jg] != jc) -> granted = 1
     fi
  fi;
  if
  :: granted -> g_holder[jg] = jc; g_epoch[jg] = je; g_until[jg] = LOCAL(jg) + GRANT;
#ifdef FENCE_ON_ONE_GRANT
     fence = (je > fence -> je : fence);
#endif
     skip
  :: else -> skip
  fi
}

/* lease_holder::on_answer: grantor g answered candidate c's current round;
 * e is the epoch granted, or on a refusal the one g promised */
inline take_answer(tc, tg, te) {
  c_seen[tc] = (te > c_seen[tc] -> te : c_seen[tc]);
  if
  :: granted && te == c_epoch[tc] ->
     c_granted[tc] = c_granted[tc] | (1 << tg);
     if
     :: COUNT(c_granted[tc]) >= MAJORITY && c_sent[tc] + HOLD > c_until[tc] ->
#ifdef COUNT_FROM_ANSWER
        c_until[tc] = LOCAL(tc) + HOLD; c_bought_real[tc] = c_sent_real[tc];
#else
        c_until[tc] = c_sent[tc] + HOLD; c_bought_real[tc] = c_sent_real[tc];
#endif
        c_heldonce[tc] = 1;
        /* lease_actor announce_acquired: its own fence, the notice with
         * the majority's signed grants to every member (on_notice:
         * check_certificate, then raise_fence) */
        fence = (c_epoch[tc] > fence -> c_epoch[tc] : fence);
        watch()
     :: else -> skip
     fi
  :: else -> skip
  fi
}

/* grantor g judges candidate c's request (a correct grantor or OUT) */
inline answer(ag, ac) {
  e = c_epoch[ac];
  if
  :: ag < X -> judge(ag, ac, e)
  :: ag == OUT -> granted = 1                             /* OUT signs a "grant" */
  fi;
  /* the answer carries the epoch granted, or the one promised */
  if :: !granted && ag < X -> e = g_epoch[ag] :: else -> skip fi;
  take_answer(ac, ag, e);
  e = 0; granted = 0
}

/* lease_holder::start_round + lease_actor send_round: the own grantor
 * judges at once, X grants at once, the other requests leave */
inline start_round(sc) {
  if
  :: !HELD(sc) && (c_heldonce[sc] || c_epoch[sc] <= c_seen[sc]) ->
     c_epoch[sc] = (c_epoch[sc] > c_seen[sc] -> c_epoch[sc] : c_seen[sc]) + 1;
     c_heldonce[sc] = 0
#ifndef NO_EPOCH_BUMP
  :: HELD(sc) && c_seen[sc] > c_epoch[sc] ->
     /* held, and a grantor promised a newer epoch to the other candidate:
      * the holder asks above it (lease_holder::start_round's bump); its
      * lease stays held until what earlier rounds bought */
     c_epoch[sc] = c_seen[sc] + 1
#endif
  :: else -> skip
  fi;
  c_round[sc]++;
  c_sent[sc] = LOCAL(sc); c_sent_real[sc] = now; c_granted[sc] = 0;
  pend[sc] = 7 & ~(1 << sc);                               /* the other correct grantors */
  answer(sc, sc);
#ifdef COUNT_NONMEMBERS
  answer(OUT, sc);                                        /* OUT "grants" at once */
#endif
  granted = 1; take_answer(sc, X, c_epoch[sc]); granted = 0
}

/* Grantor g answers candidate c's pending request now, or not yet (a
 * request never answered is a dropped one) */
/* swaps A and B everywhere (candidates, their grantors, their clocks) */
#define SWAP(x, y) t = x; x = y; y = t
#define SWAPBITS(m) m = ((m) & ~3) | (((m) & 1) << 1) | (((m) >> 1) & 1)
#define SWAPID(v) v = ((v) == A -> B : ((v) == B -> A : (v)))
inline swap_ab() {
  SWAP(rate[A], rate[B]);
  SWAP(g_holder[A], g_holder[B]); SWAP(g_epoch[A], g_epoch[B]);
  SWAP(g_until[A], g_until[B]); SWAP(g_quiet[A], g_quiet[B]);
  SWAPID(g_holder[A]); SWAPID(g_holder[B]); SWAPID(g_holder[W]);
  SWAP(c_epoch[A], c_epoch[B]); SWAP(c_round[A], c_round[B]);
  SWAP(c_sent[A], c_sent[B]); SWAP(c_sent_real[A], c_sent_real[B]);
  SWAP(c_granted[A], c_granted[B]); SWAP(c_until[A], c_until[B]);
  SWAP(c_bought_real[A], c_bought_real[B]); SWAP(c_seen[A], c_seen[B]);
  SWAP(c_heldonce[A], c_heldonce[B]); SWAP(pend[A], pend[B]);
  SWAPBITS(c_granted[A]); SWAPBITS(c_granted[B]); SWAPBITS(pend[A]); SWAPBITS(pend[B]);
  t = 0
}
/* A and B run the same code, and every property is the same for both:
 * of a state and its mirror image only one is kept (the one whose A has
 * the smaller key), which halves the states */
#define KEY(c) ((((((rate[c] * 16 + c_epoch[c]) * 4 + c_round[c]) * 32 + c_until[c]) * 16 \
                 + g_epoch[c]) * 32 + g_until[c]) * 16 + c_sent[c])
inline symmetry() {
#ifndef NO_SYMMETRY
  if :: KEY(B) < KEY(A) -> swap_ab() :: else -> skip fi
#else
  skip
#endif
}

/* after the tick: forget what can no longer matter */
inline forget() {
  g = 0;
  do
  :: g < 3 ->
     if :: LOCAL(g) >= g_until[g] -> g_until[g] = 0 :: else -> skip fi;
     if :: LOCAL(g) >= g_quiet[g] -> g_quiet[g] = 0 :: else -> skip fi;
     /* a holder whose grant ended and who cannot ask for its epoch again
      * (a candidate's epoch only grows): no renewal, no refusal names it */
     if
     :: g_until[g] == 0 && !(g_holder[g] < 2 && c_epoch[g_holder[g]] == g_epoch[g]) -> g_holder[g] = 9
     :: else -> skip
     fi;
     g++
  :: else -> break
  od;
  g = 0;
  do
  :: g < 2 ->
     /* a lease that ran out: a later majority's end is above 0 as it is
      * above the old end (take_answer) */
     if :: !HELD(g) -> c_until[g] = 0; c_bought_real[g] = 0 :: else -> skip fi;
     /* no answer pending: the round can change nothing more */
     if :: pend[g] == 0 -> c_sent[g] = 0; c_sent_real[g] = 0; c_granted[g] = 0 :: else -> skip fi;
     /* an epoch seen below the own one decides nothing (start_round) */
     if :: c_seen[g] < c_epoch[g] -> c_seen[g] = 0 :: else -> skip fi;
     g++
  :: else -> break
  od;
  /* a fence at or below both candidates' epochs can refuse neither of
   * them again (epochs only grow) */
  if :: fence <= c_epoch[A] && fence <= c_epoch[B] -> fence = 0 :: else -> skip fi;
  g = 0;
  symmetry()
}

/* Candidate c's part of a tick, with the choices of `plan` (bits): 1: c
 * starts a round; 2: the other candidate's grantor answers c's pending
 * request; 4: W answers it. Its round is answered in the tick it starts
 * when chosen; an answer to a round that a newer round replaced is never
 * given, the same as a dropped one. */
inline part(c) {
  if :: plan & 1 -> start_round(c) :: else -> skip fi;
  if :: plan & 2 -> answer(1 - c, c); pend[c] = pend[c] & ~(1 << (1 - c)) :: else -> skip fi;
  if :: plan & 4 -> answer(W, c); pend[c] = pend[c] & ~(1 << W) :: else -> skip fi;
  watch();
  plan = 0
}
#define CAN(c, p) ((!((p) & 1) || c_round[c] < ROUNDS) \
  && (!((p) & 2) || ((p) & 1) || (pend[c] & (1 << (1 - c)))) \
  && (!((p) & 4) || ((p) & 1) || (pend[c] & (1 << W))))

/* The end of a tick: W restarts (once) or not, time advances. A restart
 * forgets W's running grant; the promised epoch and its holder come back
 * from the store (lease_store); if it promised an epoch it is quiet for
 * one grant's time (lease actor start: quiet_until). */
inline tick(restart) {
  if
  :: restart ->
     w_restarted = 1;
     g_until[W] = 0;
#ifndef NO_QUIET
     if :: g_epoch[W] > 0 -> g_quiet[W] = LOCAL(W) + GRANT :: else -> skip fi;
#endif
     skip
  :: else -> skip
  fi;
  now++;
  watch();
  forget()
}

/* A tick is two steps, each one d_step (only its end is stored), one
 * alternative per choice: A's part; B's part, W's restart or not, the tick. */
#define PA(p) :: d_step { phase == 0 && now < TMAX && CAN(A, p) -> plan = p; part(A); phase = 1 }
#define PB(p) :: d_step { phase == 1 && CAN(B, p) -> plan = p; part(B); tick(0); phase = 0 } \
              :: d_step { phase == 1 && CAN(B, p) && !w_restarted -> plan = p; part(B); tick(1); phase = 0 }

proctype World() {
  byte g, e, t, plan;
  bool granted;
  do
  PA(0) PA(1) PA(2) PA(3) PA(4) PA(5) PA(6) PA(7)
  PB(0) PB(1) PB(2) PB(3) PB(4) PB(5) PB(6) PB(7)
  :: phase == 0 && now == TMAX -> break
  od
}

init {
  atomic {
    if :: rate[A] = 4 :: rate[A] = 6 fi;
    if :: rate[B] = 4 :: rate[B] = 6 fi;
    if :: rate[W] = 4 :: rate[W] = 6 fi;
    g_holder[0] = 9; g_holder[1] = 9; g_holder[2] = 9;
    run World()
  }
}

/* docs/supervision.md "Why the design cannot give two holders": at most one
 * member holds the trading lease of a role at any moment (real time). */
ltl one_holder { [] !two_holders }
/* docs/supervision.md "Trading lease": a holder cut off from a majority has
 * its gate closed by time alone within one lease (D of real time) of the
 * start of its last round that a majority granted. */
ltl gate_closes_in_bound { [] !held_too_long }
/* docs/supervision.md "Why the design cannot give two holders" 4: a fence
 * rises only on a majority certificate, so no connector refuses the orders
 * of the member that holds the lease (a restarted or cut-off grantor's
 * single grant of a newer epoch fences nobody). */
ltl fence_spares_holder { [] !holder_fenced }
/* The three above in one search (the pass run: one search of the state
 * space instead of three); the broken variants run against each alone. */
ltl lease_safe { [] !(two_holders || held_too_long || holder_fenced) }
