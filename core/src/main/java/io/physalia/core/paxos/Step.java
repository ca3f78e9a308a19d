package io.physalia.core.paxos;

/** One call into a replica: what it knows (context) and what it asks for (effects). */
final class Step {
    final Context ctx;
    final Effects fx;

    Step(Context ctx, Effects fx) {
        this.ctx = ctx;
        this.fx = fx;
    }

    long now() {
        return ctx.nowMillis();
    }
}
