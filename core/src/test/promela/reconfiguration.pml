/*
 * Reconfiguration of a Physalia cell, for SPIN: Multi-Paxos slots whose configuration lives in
 * the log (a membership change chosen at slot j counts from slot j + ALPHA), one member changed
 * at a time (a change while another is pending is refused when applied), and members that are
 * (node, incarnation) pairs, the incarnation being one more than the slot of the AddMember.
 *
 * The property: no two proposers ever conclude different values chosen for one slot, which is
 * what a client is told ("Applied") and what every replica applies.
 *
 * What runs: P proposers, proposer p with the fixed ballot p + 1 (so one outranks the other),
 * over S slots and N nodes, founded with every node at incarnation 0. Each proposer proposes a
 * fixed script where no promise reported a value (SCRIPT_OP below): proposer 0 removes node N - 1
 * and adds it back, proposer 1 proposes no-ops, so every slot has two candidate values. Each step
 * is one indivisible action (a d_step: SPIN stores no state inside it), in any order SPIN likes:
 * an acceptor promises a proposer's ballot (its reply reports what it accepted at every slot, as
 * of that moment: a promise read later is a delayed message); a proposer is taught a chosen slot;
 * a proposer proposes its next slot; an acceptor accepts a proposal; a proposer counts a quorum of
 * acceptances and concludes the value chosen. Acceptor instances are never destroyed: a removed
 * member's replica lingers (a stale replica, or messages from it still in the network) and
 * answers whatever is addressed to it.
 *
 * The rules as Proposer.java keeps them:
 *   - the alpha rule: a proposer proposes slot s only when it knows every slot up to s - ALPHA
 *     chosen, so it knows the configuration of s (Proposer.pump: nextSlot < chosenUpTo + alpha);
 *   - a quorum of promises from the configuration of every slot it proposes, not only its first
 *     (Proposer.pump: prepareNewMembers when a new configuration's quorum has not promised);
 *   - the highest-ballot value a promise reported for a slot is proposed there;
 *   - votes and promises count for a member, node and incarnation (Configuration.isQuorum).
 *
 * Mutants, each one rule broken, each compiled with -D<NAME> (ReconfigurationModelTest requires
 * SPIN to find a violation in each, so the model is not vacuous):
 *   NO_ALPHA             propose past the window, with the configuration known so far
 *   NO_INCARNATIONS      count promises and votes by node, whatever the incarnation (ABA)
 *   FIRST_CONFIG_ONLY    check the promise quorum in the first configuration led only
 * And one variant that must stay safe:
 *   TWO_AT_ONCE          no refusal of a change while another is pending. With ALPHA 1 no change
 *                        is ever pending when the next is applied, so this needs ALPHA 2 and 4
 *                        slots: a long run, not in CI (docs/protocol.md has the command and figures).
 *
 * Not modelled: leases and reads, teaching's transport (a taught slot is a chosen one),
 * snapshots, crashes of acceptors (their state is durable before they answer: that is the
 * node's job), retries with new ballots, batching.
 */

#ifndef N
#define N 3
#endif
#ifndef S
#define S 3
#endif
#ifndef ALPHA
#define ALPHA 1
#endif
#define P 2

/*
 * What a proposer proposes at a slot no promise reported a value for: proposer 0 removes node
 * N - 1 at slot 0 and adds it back at ADD_SLOT (the ABA case), proposer 1 proposes no-ops. Every
 * value names its proposer, so the two never propose the same value at a slot. A fixed script
 * instead of any command at any slot keeps the state space small enough for CI; the changes it
 * makes are the ones the mutants need to go wrong.
 */
#ifndef ADD_SLOT
#define ADD_SLOT 1
#endif
#define SCRIPT_OP(p, s) ((p) == 0 -> ((s) == 0 -> OP_REMOVE : ((s) == ADD_SLOT -> OP_ADD : OP_NOOP)) : OP_NOOP)
#define SCRIPT_NODE(p, s) (((p) == 0 && ((s) == 0 || (s) == ADD_SLOT)) -> N - 1 : 0)
#define NONE 255
#define INCS (S + 1)
#define NA (N * INCS)
#define INST(n, i) ((n) * INCS + (i))

/* a value: 1 + proposer * 32 + op * 8 + node; op 0 no-op, 1 add node, 2 remove node */
#define OP_NOOP 0
#define OP_ADD 1
#define OP_REMOVE 2
#define VALUE(p, op, n) (1 + (p) * 32 + (op) * 8 + (n))
#define OPOF(v) ((((v) - 1) % 32) / 8)
#define NODEOF(v) (((v) - 1) % 8)

byte promised[NA];
byte accBal[NA * S];
byte accVal[NA * S];
byte decided[S];           /* what some proposer concluded chosen (0: nothing yet) */
byte learned[P * S];       /* what proposer p knows chosen */
bool promise[P * NA];      /* instance a promised p's ballot */
byte repBal[P * S];        /* highest ballot promises reported accepted, per slot */
byte repVal[P * S];
byte propVal[P * S];       /* what p proposed at s (0: not yet) */
byte propCfg[P * S * N];   /* the configuration p proposed s in: each node's incarnation, or NONE */
byte nextSlot[P];
byte firstSlot[P];

/*
 * Scratch for one action: every action is one atomic step that writes these before it reads
 * them, so they are left out of the state (hidden) and shared by the proposers. As locals they
 * would keep the last action's leftovers and multiply the states for nothing.
 */
hidden byte cfg[N];
hidden byte k, j, i, s, n, a, v, op, members, count, effective;
hidden byte refused, found, ok;

/*
 * The configuration of slot s as proposer p knows it (its learned values; a slot it does not
 * know counts as a no-op), into the proposer's cfg[]: replay the changes at slots 0 .. s - ALPHA in order.
 */
inline configOf(p, s) {
    k = 0;
    do
    :: k < N -> cfg[k] = 0; k++
    :: else -> break
    od;
    members = N;
    effective = 0;
    j = 0;
    do
    :: j + ALPHA <= s ->
        v = learned[p * S + j];
        refused = false;
#ifndef TWO_AT_ONCE
        k = 1;
        do
        :: k < ALPHA && k <= j -> if :: (effective >> (j - k)) & 1 -> refused = true :: else -> skip fi; k++
        :: else -> break
        od;
#endif
        if
        :: v != 0 && !refused && OPOF(v) == OP_ADD && cfg[NODEOF(v)] == NONE ->
            cfg[NODEOF(v)] = j + 1; members++; effective = effective | (1 << j)
        :: v != 0 && !refused && OPOF(v) == OP_REMOVE && cfg[NODEOF(v)] != NONE && members > 1 ->
            cfg[NODEOF(v)] = NONE; members--; effective = effective | (1 << j)
        :: else -> skip
        fi;
        j++
    :: else -> break
    od
}

/* How many members of cfg[] (members of them) have flag(instance) set, into count. */
#ifdef NO_INCARNATIONS
#define COUNTS(n, i, cond) (cond)
#else
#define COUNTS(n, i, cond) ((cfg[n] == i) && (cond))
#endif

inline countPromises(p) {
    count = 0; members = 0; k = 0;
    do
    :: k < N ->
        if
        :: cfg[k] != NONE ->
            members++;
            i = 0; found = false;
            do
            :: i < INCS -> if :: COUNTS(k, i, promise[p * NA + INST(k, i)]) -> found = true :: else -> skip fi; i++
            :: else -> break
            od;
            if :: found -> count++ :: else -> skip fi
        :: else -> skip
        fi;
        k++
    :: else -> break
    od
}

inline countVotes(p, s, b, val) {
    count = 0; members = 0; k = 0;
    do
    :: k < N ->
        if
        :: cfg[k] != NONE ->
            members++;
            i = 0; found = false;
            do
            :: i < INCS -> if :: COUNTS(k, i, accBal[INST(k, i) * S + s] == b && accVal[INST(k, i) * S + s] == val) -> found = true :: else -> skip fi; i++
            :: else -> break
            od;
            if :: found -> count++ :: else -> skip fi
        :: else -> skip
        fi;
        k++
    :: else -> break
    od
}

/* An instance exists: a founder, or the joiner of an AddMember some proposer concluded chosen. */
#define EXISTS(n, i) ((i) == 0 || decided[(i) - 1] != 0 && OPOF(decided[(i) - 1]) == OP_ADD && NODEOF(decided[(i) - 1]) == (n))

proctype Proposer(byte p) {
    byte b = p + 1;
end:
    do
    :: atomic {   /* an acceptor instance promises ballot b */
        select(n : 0 .. N - 1); select(i : 0 .. S);
        d_step {
            a = INST(n, i);
            if
            :: EXISTS(n, i) && !promise[p * NA + a] && promised[a] < b ->
                promised[a] = b;
                promise[p * NA + a] = true;
                s = 0;
                do
                :: s < S ->
                    if
                    :: accBal[a * S + s] > repBal[p * S + s] -> repBal[p * S + s] = accBal[a * S + s]; repVal[p * S + s] = accVal[a * S + s]
                    :: else -> skip
                    fi;
                    s++
                :: else -> break
                od
            :: else -> skip
            fi
        }
       }
    :: atomic {   /* taught a chosen slot */
        select(s : 0 .. S - 1);
        d_step {
            if
            :: decided[s] != 0 && learned[p * S + s] == 0 -> learned[p * S + s] = decided[s]
            :: else -> skip
            fi
        }
       }
    :: atomic {   /* propose the next slot (or pass a slot it was taught) */
        d_step {
            s = nextSlot[p];
            if
            :: s < S && learned[p * S + s] != 0 -> nextSlot[p]++
            :: s < S && learned[p * S + s] == 0 ->
                ok = true;
#ifndef NO_ALPHA
                j = 0;
                do
                :: j + ALPHA <= s -> if :: learned[p * S + j] == 0 -> ok = false :: else -> skip fi; j++
                :: else -> break
                od;
#endif
                if
                :: ok ->
                    if :: firstSlot[p] == NONE -> firstSlot[p] = s :: else -> skip fi;
#ifdef FIRST_CONFIG_ONLY
                    configOf(p, firstSlot[p]);
#else
                    configOf(p, s);
#endif
                    countPromises(p);
                    if
                    :: count * 2 > members ->
                        configOf(p, s);
                        k = 0;
                        do
                        :: k < N -> propCfg[(p * S + s) * N + k] = cfg[k]; k++
                        :: else -> break
                        od;
                        if
                        :: repBal[p * S + s] != 0 -> v = repVal[p * S + s]
                        :: else -> v = VALUE(p, SCRIPT_OP(p, s), SCRIPT_NODE(p, s))
                        fi;
                        propVal[p * S + s] = v;
                        nextSlot[p]++
                    :: else -> skip
                    fi
                :: else -> skip
                fi
            :: else -> skip
            fi
        }
       }
    :: atomic {   /* an acceptor instance accepts p's proposal for a slot */
        select(s : 0 .. S - 1); select(n : 0 .. N - 1);
        d_step {
            v = propVal[p * S + s];
            i = propCfg[(p * S + s) * N + n];
            if
            :: v != 0 && i != NONE ->
                a = INST(n, i);
                if
                :: promised[a] <= b && accBal[a * S + s] != b ->
                    promised[a] = b; accBal[a * S + s] = b; accVal[a * S + s] = v
                :: else -> skip
                fi
            :: else -> skip
            fi
        }
       }
    :: atomic {   /* a quorum accepted: p concludes its value chosen */
        select(s : 0 .. S - 1);
        d_step {
            v = propVal[p * S + s];
            if
            :: v != 0 && learned[p * S + s] == 0 ->
                k = 0;
                do
                :: k < N -> cfg[k] = propCfg[(p * S + s) * N + k]; k++
                :: else -> break
                od;
                countVotes(p, s, b, v);
                if
                :: count * 2 > members ->
                    assert(decided[s] == 0 || decided[s] == v);
                    decided[s] = v;
                    learned[p * S + s] = v
                :: else -> skip
                fi
            :: else -> skip
            fi
        }
       }
    od
}

init {
    atomic {
        firstSlot[0] = NONE;
        firstSlot[1] = NONE;
        run Proposer(0);
        run Proposer(1)
    }
}
